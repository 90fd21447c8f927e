"""The manual baseline: stopwatch runs of today's verbal handoff, from the moment the
senior opens the ticket to their first diagnostic action.

The savings figure is this baseline minus the in-product number
(``rf_tui.state.savings``), so the runs are kept per server and user, whole or not
at all, and never lost to a second writer: ``rf-tui baseline`` in one terminal
and the app in another both change the same file. Every change re-reads the
file under an exclusive lock (a ``.lock`` file beside it: the JSON file itself
is replaced on each write, so a lock on it would lock a file nobody reads
next), applies itself, and writes it back before the lock is let go.

A damaged file is set aside and said; a change that cannot be saved (a full
disk, a folder rf-tui may not write) is said once and kept in memory, and tried
again with the next change. At most one run is in progress at a time.

Use::

    runs = Baseline(paths.baseline_path(base, server, me.id))
    runs.start(note="printer, Acme")      # BaselineError: one is already running
    runs.stop()                           # BaselineError: none is running
    runs.add(parse_seconds("4:30"))       # typed in from a stopwatch elsewhere
    runs.seconds()                        # the completed runs, for savings.compute
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeGuard

from rf_tui.store.atomic import PRIVATE, PRIVATE_DIR, StoreError, read_json, write_json

#: A note says which escalation it was, not its story.
NOTE_CHARS = 500
#: Longer than this is a typo or a forgotten stopwatch, not a handoff.
MAX_SECONDS = 24 * 3600.0


#: A timed run shorter than this is a slip of the finger, not a handoff.
SHORTEST_SECONDS = 5.0


class BaselineError(Exception):
    """A change that cannot be made (an unknown id, nothing running); a sentence."""


class NoSuchRun(BaselineError):
    pass


class NothingRunning(BaselineError):
    pass


class TooShort(BaselineError):
    """A run stopped within ``SHORTEST_SECONDS`` of its start (a key pressed twice): not
    kept, since a 0 s run would pull the median down."""


class AlreadyRunning(BaselineError):
    pass


@dataclass(frozen=True)
class Run:
    """One timing of the old verbal handoff."""

    #: Short and stable ("3"): given once, never reused, kept through edits.
    id: str
    #: When the stopwatch started; for a run typed in, when it was typed.
    started_at: datetime
    #: None while the stopwatch runs.
    stopped_at: datetime | None
    #: None while running; else stopped - started, or what was typed in.
    seconds: float | None
    note: str = ""
    #: The seconds were typed in (``add``, or an edit), not timed by ``start``/``stop``.
    by_hand: bool = False

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def as_json(self) -> dict[str, Any]:
        """The run as the file, ``baseline list --json`` and ``stats --json`` give it."""
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
            "seconds": self.seconds,
            "note": self.note,
            "by_hand": self.by_hand,
        }


@dataclass
class _Runs:
    runs: list[Run]
    next_id: int = 1

    def copy(self) -> _Runs:
        return _Runs(list(self.runs), self.next_id)

    def new_id(self) -> str:
        taken = {run.id for run in self.runs}
        while str(self.next_id) in taken:  # a hand-edited file: never two of one id
            self.next_id += 1
        self.next_id += 1
        return str(self.next_id - 1)

    def find(self, run_id: str) -> int:
        wanted = run_id.strip().lstrip("#")
        for i, run in enumerate(self.runs):
            if run.id == wanted:
                return i
        raise NoSuchRun(
            f"no baseline run has the id {run_id.strip()[:20]!r} (rf-tui baseline list shows them)."
        )

    def running(self) -> Run | None:
        return next((run for run in reversed(self.runs) if run.running), None)


#: A change to the runs: applied to a fresh copy of the file, under the lock.
_Change = Callable[[_Runs], Run]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Baseline:
    """The runs of one server and user; ``path=None`` keeps them in memory only."""

    def __init__(self, path: Path | None, *, now: Callable[[], datetime] = _utc_now) -> None:
        self.path = path
        self._now = now
        #: A sentence for the user when loading or saving went wrong, else None.
        self.problem: str | None = None
        self._state = _Runs([])
        #: Changes not yet on disk (saving failed): tried again with the next change.
        self._unsaved: list[_Change] = []
        self._save_failed = False
        #: The file as last read or written (inode, mtime, size): an unchanged one is not
        #: read again. Every write replaces the file, so a new one has a new inode.
        self._seen: tuple[int, int, int] | None = None
        if path is not None and path.parent.is_dir():
            with self._locked():
                self._state = self._read()
                self._seen = self._stat()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            found = self.path.stat() if self.path is not None else None
        except OSError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_size) if found is not None else None

    # ── Reading ──────────────────────────────────────────────────────────────

    def runs(self) -> list[Run]:
        """Every run, oldest first (a running one too)."""
        return list(self._state.runs)

    def running(self) -> Run | None:
        """The run in progress, if any."""
        return self._state.running()

    def seconds(self) -> list[float]:
        """The completed runs' times, oldest first: what the savings are worked out from."""
        return [run.seconds for run in self._state.runs if run.seconds is not None]

    def reload(self) -> None:
        """What the file says now (another process may have changed it), with any
        change of ours that is not saved yet."""
        if self.path is None or not self.path.parent.is_dir():
            return
        # The queue asks on every metric and every resize: an unchanged file is not
        # locked and parsed again.
        if not self._unsaved and self._seen is not None and self._stat() == self._seen:
            return
        with self._locked():
            state = self._read()
            for change in self._unsaved:
                with contextlib.suppress(BaselineError):
                    change(state)
            self._state = state
            self._seen = self._stat()

    # ── Changing ─────────────────────────────────────────────────────────────

    def start(self, note: str = "") -> Run:
        """Start the stopwatch (AlreadyRunning if one is)."""
        at, note = self._now(), _note(note)

        def change(state: _Runs) -> Run:
            if (going := state.running()) is not None:
                raise AlreadyRunning(
                    f"run {going.id} is already running (since "
                    f"{going.started_at.astimezone():%H:%M:%S}): stop it first."
                )
            run = Run(state.new_id(), at, None, None, note)
            state.runs.append(run)
            return run

        return self._change(change)

    def stop(self, note: str | None = None) -> Run:
        """Stop the run in progress (NothingRunning if none); ``note`` replaces its note."""
        at = self._now()
        new_note = None if note is None else _note(note)

        def change(state: _Runs) -> Run:
            going = state.running()
            if going is None:
                raise NothingRunning(
                    "no baseline run is in progress: start one with rf-tui baseline start."
                )
            # A clock set back mid-run counts as 0, as the in-product metric does.
            seconds = max(0.0, (at - going.started_at).total_seconds())
            if seconds < SHORTEST_SECONDS:  # dropped, and said below once it is saved
                del state.runs[state.find(going.id)]
                return replace(going, stopped_at=at, seconds=round(seconds, 2))
            run = replace(going, stopped_at=at, seconds=round(seconds, 2))
            if new_note is not None:
                run = replace(run, note=new_note)
            state.runs[state.find(going.id)] = run
            return run

        run = self._change(change)
        if run.seconds is not None and run.seconds < SHORTEST_SECONDS:
            raise TooShort(
                f"run {run.id} was stopped {run.seconds:.0f} s after it started (a key "
                "pressed twice?): it is not kept, so it cannot pull the median down."
            )
        return run

    def add(self, seconds: float, note: str = "") -> Run:
        """A stopwatch result typed in (ValueError: not a time in range)."""
        seconds, at, note = _checked(seconds), self._now(), _note(note)

        def change(state: _Runs) -> Run:
            run = Run(state.new_id(), at, at, seconds, note, by_hand=True)
            state.runs.append(run)
            return run

        return self._change(change)

    def edit(self, run_id: str, *, seconds: float | None = None, note: str | None = None) -> Run:
        """New seconds and/or a new note for a run (NoSuchRun; ValueError: a bad time).

        A running run's seconds cannot be set: stop it first.
        """
        new_seconds = None if seconds is None else _checked(seconds)
        new_note = None if note is None else _note(note)

        def change(state: _Runs) -> Run:
            i = state.find(run_id)
            run = state.runs[i]
            if new_seconds is not None:
                if run.running:
                    raise BaselineError(f"run {run.id} is still running: stop it first.")
                run = replace(run, seconds=new_seconds, by_hand=True)
            if new_note is not None:
                run = replace(run, note=new_note)
            state.runs[i] = run
            return run

        return self._change(change)

    def delete(self, run_id: str) -> Run:
        """Remove a run (NoSuchRun); its id is not given again."""

        def change(state: _Runs) -> Run:
            return state.runs.pop(state.find(run_id))

        return self._change(change)

    # ── The file ─────────────────────────────────────────────────────────────

    @property
    def saved(self) -> bool:
        """Whether every change is on disk (always, in memory only)."""
        return not self._unsaved

    def _change(self, change: _Change) -> Run:
        if self.path is None:
            state = self._state.copy()
            result = change(state)
            self._state = state
            return result
        with self._locked():
            state = self._read()
            for earlier in self._unsaved:  # a change another process made first wins
                with contextlib.suppress(BaselineError):
                    earlier(state)
            self._state = state.copy()
            result = change(state)  # BaselineError: nothing changes
            self._state = state
            try:
                write_json(self.path, _to_json(state), what="Baseline runs")
            except StoreError as exc:
                self._unsaved.append(change)
                if not self._save_failed:  # said once per run, however often it fails
                    self._save_failed = True
                    self.problem = f"{exc} They are kept only until rf-tui exits."
            else:
                self._unsaved.clear()
                self._seen = self._stat()
        return result

    def _read(self) -> _Runs:
        assert self.path is not None
        found = read_json(
            self.path,
            what="The baseline file",
            then="Its runs are not counted; time them again with rf-tui baseline.",
            valid=_is_runs,
        )
        if found.problem:
            self.problem = found.problem
        if not found.data:
            return _Runs([])
        runs = [r for r in map(_from_json, found.data["runs"]) if r is not None]
        next_id = found.data.get("next_id")
        return _Runs(runs, next_id if isinstance(next_id, int) and next_id > 0 else 1)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Held around each read-modify-write, across processes.

        No lock where none can be made (the folder cannot be written): the write
        that follows fails too, and says so.
        """
        assert self.path is not None
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, PRIVATE)
        except OSError:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing lets the lock go


# ── Input ────────────────────────────────────────────────────────────────────

_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$")


def parse_seconds(text: str) -> float:
    """``90``, ``90.5``, ``1:30`` or ``1:02:03`` as seconds; ValueError with a sentence."""
    typed = text.strip()
    hint = "give seconds (90) or minutes:seconds (1:30)"
    if match := _CLOCK.match(typed):
        hours, minutes, secs = match.groups()
        if float(secs) >= 60 or (hours is not None and int(minutes) >= 60):
            raise ValueError(f"{typed[:20]!r} is not a time: {hint}.")
        value = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    else:
        try:
            value = float(typed)
        except ValueError:
            raise ValueError(f"{typed[:20]!r} is not a time: {hint}.") from None
    return _checked(value)


def _checked(seconds: float) -> float:
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"a run takes more than 0 seconds, not {seconds:g}.")
    if seconds > MAX_SECONDS:
        raise ValueError(
            f"{seconds:g} seconds is more than 24 hours: not one handoff. "
            "Give seconds (90) or minutes:seconds (1:30)."
        )
    return round(float(seconds), 2)


def _note(text: str) -> str:
    return text.strip()[:NOTE_CHARS]


# ── JSON ─────────────────────────────────────────────────────────────────────


def _to_json(state: _Runs) -> dict[str, Any]:
    return {
        "version": 1,
        "next_id": state.next_id,
        "runs": [run.as_json() for run in state.runs],
    }


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _from_json(entry: Any) -> Run | None:
    """One run, or None if it is not one (a newer version's, or hand-edited)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return None
    started, stopped = _when(entry.get("started_at")), _when(entry.get("stopped_at"))
    if started is None or (entry.get("stopped_at") is not None and stopped is None):
        return None
    seconds: float | None = None
    if stopped is not None:  # a running run has no seconds yet, whatever the file says
        given = entry.get("seconds")
        if not _is_number(given) or not math.isfinite(given) or given < 0:
            return None
        seconds = float(given)
    note = entry.get("note")
    return Run(
        entry["id"][:20],
        started,
        stopped,
        seconds,
        note[:NOTE_CHARS] if isinstance(note, str) else "",
        entry.get("by_hand") is True,
    )


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_runs(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("runs"), list)
