"""Shared pieces of the benchmarks: percentiles, the machine, a served reference server."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rf_tui.server.auth import hash_password
from rf_tui.server.db import Store
from rf_tui.server.seed import DEMO_PASSWORD, seed_demo

BENCH_SECRET = "benchmark-secret-not-for-production-use-0123456789"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): an observed value."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]


def dist_ms(values_s: Sequence[float]) -> str:
    p = [percentile(values_s, q) * 1000 for q in (50, 95, 99)]
    return f"{p[0]:.1f} / {p[1]:.1f} / {p[2]:.1f} ms"


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    command: str = ""
    note: str = ""
    #: What the figure is measured against in the same run (a bare client, a bare app).
    baseline: str = ""
    #: Whether the target is met: None where there is no target.
    met: bool | None = None
    #: The number the target is about, by which full runs are ranked (``--runs``);
    #: when None, the first number in ``value``.
    score: float | None = None

    def rank(self) -> float:
        if self.score is not None:
            return self.score
        found = re.search(r"-?\d+(?:\.\d+)?", self.value.replace(",", ""))
        return float(found.group()) if found else 0.0


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


def machine() -> dict[str, str]:
    import textual

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "unknown",
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "textual": textual.__version__,
        "platform": platform.platform(),
    }


def prepare_db(
    path: Path,
    *,
    extra_seniors: int = 0,
    backlog: int = 0,
    newest: float = 30,
    older_by: timedelta = timedelta(0),
) -> None:
    """A demo-seeded database file, plus engineers and a backlog of waiting escalations:
    the newest ``newest`` seconds old, one a second older each; ``older_by`` ages all."""
    store = Store(str(path))
    now = datetime.now(timezone.utc) - older_by
    seed = seed_demo(store, now=now, password_cost=8)
    sam = seed.users["sam@northwind.example"]
    northwind = seed.accounts["northwind"]
    with store.transaction():
        for i in range(backlog):
            at = now - timedelta(seconds=newest + i)
            sid = store.add_session(
                account_id=northwind, user_id=sam, problem_summary=f"Backlog item {i}",
                created_at=at, status="escalated",
            )  # fmt: skip
            store.add_handoff(
                session_id=sid, account_id=northwind, handed_off_by=sam, intent="escalate",
                priority="normal", engineer_notes=f"backlog {i}", snapshot={},
                target_user_id=None, created_at=at,
            )  # fmt: skip
    hashed = hash_password(DEMO_PASSWORD, cost=8)
    for i in range(extra_seniors):
        store.add_user(
            account_id=seed.accounts["northwind"],
            email=f"senior{i:03d}@northwind.example",
            name=f"Senior {i:03d}",
            role="engineer",
            password_hash=hashed,
        )
    store.close()


@contextmanager
def served(db: Path) -> Iterator[str]:
    """`rf-tui serve` in its own process (its own GIL), as users run it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rf_tui", "serve", "--db", str(db), "--port", "0",
         "--secret", BENCH_SECRET, "--assessment-delay", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    url = ""
    for line in proc.stdout:
        if line.startswith("rf-tui server listening on "):
            url = line.split()[-1]
            break
    if not url:
        proc.kill()
        raise RuntimeError("the reference server did not start")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        proc.stdout.close()
