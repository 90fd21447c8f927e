"""Bytes to the terminal: what the app writes to its pty, idle and for one arrival.

Someone on call over SSH on a phone's hotspot pays for every byte. Measured on a real
pseudo-terminal (120×40) against `rf-tui serve`, normal and ``--lite``:

- idle, rows over a minute old (ages in minutes): bytes a minute;
- idle, rows under a minute old (ages in tens of seconds): bytes a minute;
- one arrival at the top of 300 rows: bytes until the screen is still again, against
  a bare Textual DataTable putting a row at its top (benchmarks/bare_arrival.py).

Idle windows shorter than a minute are scaled to a minute; the figures are medians of
three in the full run.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from benchmarks.app import _env, _token, header
from benchmarks.common import Figure, Section, prepare_db, served
from benchmarks.terminal import Terminal
from rf_tui.api.client import Client
from rf_tui.server.seed import DEMO_PASSWORD

CMD = "make bench  (benchmarks/wire.py)"
SIZE = (120, 40)
#: The screen is still once nothing is written for this long (an arrival's highlight
#: goes after 1.5 s: its repaint counts).
STILL = 2.5


@contextmanager
def apps(url: str, token: str, home: Path) -> Iterator[dict[str, Terminal]]:
    """The app twice on its own pty: normal and lite, both showing the same queue."""
    terms: dict[str, Terminal] = {}
    try:
        for mode, extra in (("normal", []), ("lite", ["--lite"])):
            argv = [sys.executable, "-m", "rf_tui", "--server", url, *extra]
            terms[mode] = Terminal(argv, _env(home / mode, token), SIZE)
        yield terms
    finally:
        for term in terms.values():
            term.quit()


def still(term: Terminal, quiet: float = STILL, limit: float = 30) -> int:
    """Wait until ``term`` writes nothing for ``quiet`` seconds; bytes since its mark."""
    start = term._mark
    deadline = time.monotonic() + limit
    seen, since = len(term.output), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)  # polling the byte count: the measurement is of silence
        now = len(term.output)
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return len(term.output) - start


def ready(terms: dict[str, Terminal], total: int) -> None:
    for term in terms.values():
        term.wait_for(header(total), 120)
    for term in terms.values():
        term.mark()
        still(term, quiet=1.0)


def per_minute(terms: dict[str, Terminal], seconds: dict[str, float]) -> dict[str, float]:
    """Bytes a minute each wrote over its own window (the windows start together)."""
    starts = {mode: len(term.output) for mode, term in terms.items()}
    began = time.monotonic()
    result: dict[str, float] = {}
    for mode, window in sorted(seconds.items(), key=lambda kv: kv[1]):
        time.sleep(max(0.0, began + window - time.monotonic()))  # the idle interval itself
        result[mode] = (len(terms[mode].output) - starts[mode]) * 60 / window
    return result


async def arrive(url: str, marker: str) -> None:
    async with Client(url) as sam:
        await sam.login("sam@northwind.example", DEMO_PASSWORD)
        session = await sam.create_session(f"Wire probe {marker}")
        await sam.hand_off(session.id, engineer_notes=marker)


def arrival_bytes(url: str, terms: dict[str, Terminal], n: int, quiet: float) -> dict[str, int]:
    for term in terms.values():
        term.mark()
    marker = f"wire{n:04d}x"
    asyncio.run(arrive(url, marker))
    for term in terms.values():
        term.wait_for(marker.encode(), 30)
    return {mode: still(term, quiet) for mode, term in terms.items()}


def bare_arrivals(rows: int, runs: int, home: Path, quiet: float) -> list[int]:
    argv = [sys.executable, "-m", "benchmarks.bare_arrival", str(rows)]
    env = {**_env(home, ""), "PYTHONPATH": str(Path(__file__).parent.parent)}
    term = Terminal(argv, env, SIZE)
    sizes = []
    try:
        term.wait_for(b"Backlog item 0", 60)
        term.mark()
        still(term, quiet=min(quiet, 1.5))
        for n in range(runs):
            term.send(b"a")
            term.wait_for(f"arrived{n:04d}x".encode(), 30)
            sizes.append(still(term, quiet))
    finally:
        term.quit(b"\x11")  # ctrl+q: Textual's quit (ctrl+c copies)
    return sizes


def kb(values: list[float]) -> str:
    return f"{statistics.median(values) / 1024:.2f} KB"


@contextmanager
def queue(
    home: Path, name: str, backlog: int, **ages: object
) -> Iterator[tuple[str, dict[str, Terminal]]]:
    """A server with this backlog, and the app on it normal and lite, both drawn."""
    db = home / f"{name}.db"
    prepare_db(db, backlog=backlog, **ages)  # type: ignore[arg-type]
    with served(db) as url:
        token = asyncio.run(_token(url, "dana@northwind.example"))
        with apps(url, token, home) as terms:
            ready(terms, backlog + 3)  # the demo seed's three
            yield url, terms


def run(quick: bool) -> Section:
    backlog = 20 if quick else 300
    total = backlog + 3
    runs = 1 if quick else 3
    old_window = 0.5 if quick else 60.0
    window = {"normal": 0.5, "lite": 0.5} if quick else {"normal": 20.0, "lite": 60.0}
    still_s = 0.5 if quick else STILL
    old: dict[str, list[float]] = {"normal": [], "lite": []}
    young: dict[str, list[float]] = {"normal": [], "lite": []}
    arrivals: dict[str, list[float]] = {"normal": [], "lite": []}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        if quick:  # one queue for all three, to keep the run short
            with queue(home, "quick", backlog) as (url, terms):
                for figures, got in (
                    (old, per_minute(terms, {m: old_window for m in terms})),
                    (young, per_minute(terms, window)),
                    (arrivals, arrival_bytes(url, terms, 0, still_s)),
                ):
                    for mode, value in got.items():
                        figures[mode].append(value)
        else:
            # Rows in minutes: each age changes once a minute, each on its own second.
            with queue(home, "old", backlog, older_by=timedelta(minutes=10)) as (url, terms):
                for _ in range(runs):
                    for mode, value in per_minute(terms, {m: old_window for m in terms}).items():
                        old[mode].append(value)
            # From 0 s old: ages in tens of seconds, some changing every second.
            for n in range(runs):
                with queue(home, f"young{n}", backlog, newest=0) as (url, terms):
                    for mode, value in per_minute(terms, window).items():
                        young[mode].append(value)
            # Arrivals over rows hours old: no age changes while one is drawn.
            with queue(home, "arrival", backlog, older_by=timedelta(hours=2)) as (url, terms):
                for n in range(runs):
                    for mode, value in arrival_bytes(url, terms, n, still_s).items():
                        arrivals[mode].append(value)
        bare = bare_arrivals(total, runs, home, still_s)
    bare_kb = statistics.median(bare) / 1024
    section = Section("Bytes to the terminal (app in a 120×40 pty)")
    for mode in ("normal", "lite"):
        ratio = statistics.median(arrivals[mode]) / 1024 / max(bare_kb, 1e-6)
        lower = "≤ 1 KB/min" if mode == "normal" else "< normal"
        idle_old = statistics.median(old[mode]) / 1024
        idle_young = statistics.median(young[mode]) / 1024
        normal_old = statistics.median(old["normal"]) / 1024
        normal_young = statistics.median(young["normal"]) / 1024
        section.figures += [
            Figure(f"{mode}: idle, rows over a minute old", kb(old[mode]) + "/min", lower, CMD,
                   f"{total} rows; median of {runs} windows of {old_window:g} s",
                   baseline="a bare DataTable: 0", met=idle_old <= 1.0 if mode == "normal"
                   else idle_old < normal_old),
            Figure(f"{mode}: idle, rows under a minute old", kb(young[mode]) + "/min",
                   "≤ 4 KB/min" if mode == "normal" else "< normal", CMD,
                   f"{total} rows, the newest 0 s old at launch; median of {runs} runs, "
                   f"{window[mode]:g} s windows scaled to a minute",
                   baseline="a bare DataTable: 0", met=idle_young <= 4.0 if mode == "normal"
                   else idle_young < normal_young),
            Figure(f"{mode}: one arrival at the top of {total} rows", kb(arrivals[mode]),
                   "≤ 1.2× bare", CMD,
                   f"{ratio:.2f}× bare; median of {runs}; until nothing is written for "
                   f"{still_s:g} s",
                   baseline=f"a bare DataTable inserting at its top: {bare_kb:.2f} KB",
                   met=ratio <= 1.2),
        ]  # fmt: skip
    return section


if __name__ == "__main__":  # this section alone: python -m benchmarks.wire [--quick]
    for figure in run("--quick" in sys.argv).figures:
        print(f"{figure.name}: {figure.value} ({figure.target}; {figure.note})")
