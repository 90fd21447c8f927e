"""``rf-tui baseline``: the stopwatch on today's verbal handoff, the number savings
are measured against.

Start it when you open the ticket under the old handoff, stop it at your first
diagnostic action. The runs are kept per server and signed-in user, so the
server is asked who you are (``/users/me``) before anything is read or written;
the time of ``start`` and ``stop`` is taken when the command is typed, before
that round trip. No Textual on this path.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rf_tui import exit_codes as exits
from rf_tui import paths
from rf_tui.cli.resolve import Usage, target
from rf_tui.state.clock import duration
from rf_tui.state.savings import MIN_RUNS
from rf_tui.store.baseline import (
    Baseline,
    BaselineError,
    NoSuchRun,
    NothingRunning,
    Run,
    parse_seconds,
)
from rf_tui.text import one_line

if TYPE_CHECKING:  # httpx and pydantic load when a run is timed, not for --help
    from rf_tui.api.client import Client

#: A run longer than this was probably left running: stop says how to fix it.
RAN_ON = 3600.0


def baseline(args: argparse.Namespace) -> int:
    at = datetime.now(timezone.utc)  # the stopwatch reads the moment it was asked
    what = args.baseline_command
    seconds = _seconds(getattr(args, "seconds", None))
    if what == "edit" and seconds is None and args.note is None:
        raise Usage("nothing to change: give --seconds, --note or both.")
    found = target(args)
    client = found.client()
    base = found.settings.state_dir or paths.state_dir()
    where = (base, found.settings.server)
    from rf_tui.cli import script

    return script.run(_run(client, where, args, at, seconds, sys.stdout))


def _seconds(typed: str | None) -> float | None:
    if typed is None:
        return None
    try:
        return parse_seconds(typed)
    except ValueError as exc:
        raise Usage(str(exc)) from None


async def _run(
    client: Client,
    where: tuple[Path, str],
    args: argparse.Namespace,
    at: datetime,
    seconds: float | None,
    out: TextIO,
) -> int:
    async with client:
        me = await client.me()
    base, server = where  # the app's own key for the server, so both share one file
    store = Baseline(paths.baseline_path(base, server, me.id), now=lambda: at)
    if store.problem:  # a damaged file, set aside: said before anything else
        print(f"rf-tui: {store.problem}", file=sys.stderr)
        store.problem = None
    try:
        said = _act(store, args, seconds, out)
    except (NoSuchRun, NothingRunning) as exc:
        print(f"rf-tui: {exc}", file=sys.stderr)
        return exits.NOT_FOUND
    except BaselineError as exc:  # one already running; seconds for a running one
        print(f"rf-tui: {exc}", file=sys.stderr)
        return exits.USAGE
    if not store.saved:
        print(f"rf-tui: {store.problem or 'the change could not be saved.'}", file=sys.stderr)
        print("rf-tui: nothing was saved; try again once that is fixed.", file=sys.stderr)
        return exits.FAILED
    if said:
        out.write(said + "\n")
    return exits.OK


def _act(store: Baseline, args: argparse.Namespace, seconds: float | None, out: TextIO) -> str:
    what = args.baseline_command
    if what == "start":
        run = store.start(note=args.note or "")
        return (
            f"Started baseline run {run.id} at {_clock(run.started_at)}{_noted(run)}. "
            "At your first diagnostic action: rf-tui baseline stop"
        )
    if what == "stop":
        run = store.stop(note=args.note)
        assert run.stopped_at is not None and run.seconds is not None
        ran_on = (
            f"\nOver an hour: if the stopwatch ran on, fix it with "
            f"rf-tui baseline edit {run.id} --seconds MM:SS"
            if run.seconds > RAN_ON
            else ""
        )
        return (
            f"Stopped baseline run {run.id} at {_clock(run.stopped_at)}: "
            f"{duration(run.seconds)}{_noted(run)}.{ran_on}\n{_count(store)}"
        )
    if what == "add":
        assert seconds is not None
        run = store.add(seconds, note=args.note or "")
        return f"Added baseline run {run.id}: {duration(seconds)}{_noted(run)}.\n{_count(store)}"
    if what == "edit":
        run = store.edit(args.run_id, seconds=seconds, note=args.note)
        return f"Baseline run {run.id}: {_time(run)}{_noted(run)}."
    if what == "delete":
        run = store.delete(args.run_id)
        return f"Deleted baseline run {run.id} ({_time(run)}).\n{_count(store)}"
    if args.json:
        json.dump(listing(store), out, indent=2)
        out.write("\n")
        return ""
    rows = [_row(run) for run in store.runs()]
    return "\n".join([*rows, _count(store)])


def listing(store: Baseline) -> dict[str, Any]:
    """``rf-tui baseline list --json``: every run, and where the count stands."""
    done = store.seconds()
    running = store.running()
    return {
        "runs": [run.as_json() for run in store.runs()],
        "completed": len(done),
        "min_runs": MIN_RUNS,
        "more_needed": max(0, MIN_RUNS - len(done)),
        "median_seconds": _median(done),
        "mean_seconds": round(statistics.fmean(done), 2) if done else None,
        "running": running.id if running else None,
    }


def _median(done: list[float]) -> float | None:
    return round(statistics.median(done), 2) if done else None


def _count(store: Baseline) -> str:
    done = store.seconds()
    if not done:
        return f"No baseline runs yet; {MIN_RUNS} are needed. Time one: rf-tui baseline start"
    median = _median(done)
    assert median is not None
    runs = f"{len(done)} run{'s' if len(done) != 1 else ''}"
    if len(done) < MIN_RUNS:
        more = MIN_RUNS - len(done)
        return (
            f"Baseline: median {duration(median)} of {runs}; "
            f"{more} more needed before a savings figure."
        )
    return f"Baseline: median {duration(median)} of {runs}."


def _row(run: Run) -> str:
    when = run.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    how = "typed in" if run.by_hand else "stopwatch"
    note = f"  {one_line(run.note, 60)}" if run.note else ""
    return f"{one_line(run.id, 6):>4}  {when}  {_time(run):>8}  {how:<9}{note}".rstrip()


def _time(run: Run) -> str:
    return "running" if run.seconds is None else duration(run.seconds)


def _clock(when: datetime) -> str:
    return when.astimezone().strftime("%H:%M:%S")


def _noted(run: Run) -> str:
    return f" ({one_line(run.note, 60)})" if run.note else ""
