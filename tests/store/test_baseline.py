"""Baseline runs: kept per server and user, one in progress at most, none lost to a
damaged file, a full disk or a second process writing at the same time."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rf_tui.store.baseline import (
    AlreadyRunning,
    Baseline,
    NoSuchRun,
    NothingRunning,
    Run,
    parse_seconds,
)

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parent.parent.parent


class Ticking:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_a_stopwatch_run_is_kept_with_its_times_and_note(tmp_path: Path) -> None:
    path = tmp_path / "baseline" / "me.json"
    clock = Ticking()
    runs = Baseline(path, now=clock)
    started = runs.start(note="printer, Acme")
    assert started == Run("1", T0, None, None, "printer, Acme") and started.running
    assert runs.running() == started and runs.seconds() == []
    clock.now = T0 + timedelta(minutes=6, seconds=10)
    stopped = runs.stop()
    assert stopped == Run("1", T0, clock.now, 370.0, "printer, Acme")
    again = Baseline(path)
    assert again.runs() == [stopped] and again.running() is None and again.seconds() == [370.0]
    assert again.problem is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_one_run_in_progress_at_most_and_stop_needs_one(tmp_path: Path) -> None:
    runs = Baseline(tmp_path / "me.json", now=Ticking())
    with pytest.raises(NothingRunning, match="no baseline run is in progress"):
        runs.stop()
    runs.start()
    with pytest.raises(AlreadyRunning, match="run 1 is already running"):
        runs.start()
    assert [r.id for r in Baseline(tmp_path / "me.json").runs()] == ["1"]


def test_typed_in_runs_edits_and_deletes_keep_ids_stable(tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    runs = Baseline(path, now=Ticking())
    runs.add(parse_seconds("4:30"), note="typed")
    runs.add(90)
    runs.add(120)
    assert runs.delete("2").seconds == 90
    edited = runs.edit("#3", seconds=150, note="re-timed")
    assert edited == Run("3", T0, T0, 150.0, "re-timed", by_hand=True)
    runs.add(60)  # a deleted id is never given again
    assert [(r.id, r.seconds) for r in Baseline(path).runs()] == [
        ("1", 270.0),
        ("3", 150.0),
        ("4", 60.0),
    ]
    with pytest.raises(NoSuchRun, match="no baseline run has the id '2'"):
        runs.edit("2", note="gone")
    with pytest.raises(NoSuchRun):
        runs.delete("nope")


def test_a_running_run_cannot_be_given_seconds_but_can_be_given_a_note(tmp_path: Path) -> None:
    runs = Baseline(tmp_path / "me.json", now=Ticking())
    runs.start()
    with pytest.raises(Exception, match="still running: stop it first"):
        runs.edit("1", seconds=30)
    assert runs.edit("1", note="Contoso").note == "Contoso" and runs.running() is not None


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("90", 90.0), (" 90.5 ", 90.5), ("1:30", 90.0), ("0:07", 7.0), ("1:02:03", 3723.0)],
)
def test_times_typed_in(typed: str, seconds: float) -> None:
    assert parse_seconds(typed) == seconds


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("-5", "more than 0 seconds"),
        ("0", "more than 0 seconds"),
        ("nan", "more than 0 seconds"),
        ("inf", "more than 0 seconds"),
        ("1:75", "is not a time"),
        ("1:60:00", "is not a time"),
        ("ten", "is not a time"),
        ("", "is not a time"),
        ("90000", "more than 24 hours"),
    ],
)
def test_times_that_are_not_one_are_a_sentence(typed: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        parse_seconds(typed)


def test_a_damaged_file_is_set_aside_and_said(tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    path.write_text('{"runs": "not a list"')
    runs = Baseline(path)
    assert runs.runs() == []
    assert runs.problem == (
        f"The baseline file was damaged; it was moved to {path}.corrupt. "
        "Its runs are not counted; time them again with rf-tui baseline."
    )
    runs.add(60)  # the next write starts clean
    assert Baseline(path).seconds() == [60.0] and (tmp_path / "me.json.corrupt").exists()


def test_entries_it_cannot_use_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    good = {"id": "1", "started_at": T0.isoformat(), "stopped_at": T0.isoformat(), "seconds": 60}
    bad = [
        7,
        {"id": "2"},
        {**good, "id": "3", "seconds": -1},
        {**good, "id": "4", "seconds": "60"},
        {**good, "id": "5", "stopped_at": "later"},
    ]
    path.write_text(json.dumps({"version": 1, "next_id": 6, "runs": [good, *bad]}))
    runs = Baseline(path)
    assert [r.id for r in runs.runs()] == ["1"] and runs.problem is None
    assert runs.add(30).id == "6"


def test_a_full_disk_is_said_once_and_nothing_is_lost_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "me.json"
    runs = Baseline(path, now=Ticking())
    runs.add(60)

    def full(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("rf_tui.store.atomic.os.replace", full)
        runs.add(70)
        first = runs.problem
        assert first is not None and "No space left on device" in first
        assert "kept only until rf-tui exits" in first and not runs.saved
        runs.problem = None
        runs.add(80)
        assert runs.problem is None  # said once
        assert runs.seconds() == [60.0, 70.0, 80.0]
        assert Baseline(path).seconds() == [60.0]  # the old file is whole
    runs.add(90)  # room again: what waited is saved with it
    assert runs.saved and Baseline(path).seconds() == [60.0, 70.0, 80.0, 90.0]


def test_a_folder_it_cannot_write_keeps_the_runs_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "state"  # a file where the folder should be: refused even to root
    blocker.write_text("not a folder")
    clock = Ticking()
    runs = Baseline(blocker / "baseline" / "me.json", now=clock)
    runs.start()
    assert runs.problem is not None and "cannot be saved" in runs.problem
    clock.now += timedelta(seconds=45)
    assert runs.stop().seconds == 45.0 and len(runs.runs()) == 1 and not runs.saved


def test_in_memory_only_writes_nothing(tmp_path: Path) -> None:
    runs = Baseline(None, now=Ticking())
    runs.add(60)
    assert runs.seconds() == [60.0] and list(tmp_path.iterdir()) == []


def test_two_stores_on_one_file_lose_nothing(tmp_path: Path) -> None:
    """Each change re-reads the file: a store loaded earlier does not write over
    what another one added since."""
    path = tmp_path / "me.json"
    here, there = Baseline(path), Baseline(path)
    here.add(60)
    there.add(70)
    here.add(80)
    assert [(r.id, r.seconds) for r in Baseline(path).runs()] == [
        ("1", 60.0),
        ("2", 70.0),
        ("3", 80.0),
    ]
    there.reload()
    assert there.seconds() == [60.0, 70.0, 80.0]


def test_threads_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    stores = [Baseline(path) for _ in range(8)]
    go = threading.Barrier(len(stores))

    def add_five(store: Baseline, n: int) -> None:
        go.wait()
        for k in range(5):
            store.add(n * 100 + k + 1)

    threads = [threading.Thread(target=add_five, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    runs = Baseline(path).runs()
    assert len(runs) == 40 and len({r.id for r in runs}) == 40
    assert sorted(r.seconds or 0 for r in runs) == sorted(
        float(n * 100 + k + 1) for n in range(8) for k in range(5)
    )


WRITER = """
import sys
from pathlib import Path
from rf_tui.store.baseline import AlreadyRunning, Baseline

path, n, go = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    pass
store = Baseline(path)
for k in range(10):
    store.add(n * 100 + k + 1)
try:
    store.start(note=str(n))
    print("started")
except AlreadyRunning:
    print("refused")
"""


def test_processes_adding_at_once_lose_nothing_and_start_one_run(tmp_path: Path) -> None:
    path, go = tmp_path / "baseline" / "me.json", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    go.touch()  # all at once
    said = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(said) == ["refused"] * 5 + ["started"]
    runs = Baseline(path).runs()
    assert len([r for r in runs if r.running]) == 1
    done = sorted(r.seconds or 0 for r in runs if not r.running)
    assert done == sorted(float(n * 100 + k + 1) for n in range(6) for k in range(10))
    assert len({r.id for r in runs}) == 61


@settings(max_examples=300)
@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_sentence_never_a_crash(typed: str) -> None:
    try:
        seconds = parse_seconds(typed)
    except ValueError as problem:
        assert str(problem).endswith(".")
    else:
        assert 0 < seconds <= 24 * 3600


@given(st.integers(min_value=0, max_value=23), st.integers(0, 59), st.integers(0, 59))
def test_a_clock_time_reads_back_as_its_seconds(hours: int, minutes: int, secs: int) -> None:
    total = hours * 3600 + minutes * 60 + secs
    if total == 0:
        return
    assert parse_seconds(f"{hours}:{minutes:02d}:{secs:02d}") == total
    if hours == 0:
        assert parse_seconds(f"{minutes}:{secs:02d}") == parse_seconds(str(total)) == total


def test_a_run_stopped_at_once_is_not_kept(tmp_path: Path) -> None:
    """b pressed twice: a 0 s run would pull the median down, so it is dropped, said."""
    from rf_tui.store.baseline import TooShort

    at = [datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)]
    store = Baseline(tmp_path / "runs.json", now=lambda: at[0])
    store.add(600.0)
    store.start()
    at[0] += timedelta(seconds=1)
    with pytest.raises(TooShort, match="not kept"):
        store.stop()
    again = Baseline(tmp_path / "runs.json")
    assert again.running() is None and again.seconds() == [600.0]


def test_reload_reads_the_file_again_only_when_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "runs.json"
    mine, theirs = Baseline(path), Baseline(path)
    mine.add(60.0)
    reads: list[int] = []
    original = theirs._read

    def counted() -> object:
        reads.append(1)
        return original()

    theirs._read = counted  # type: ignore[method-assign]
    theirs.reload()
    assert theirs.seconds() == [60.0] and len(reads) == 1  # changed elsewhere: read
    theirs.reload()
    assert len(reads) == 1  # unchanged since: not read again
    mine.add(90.0)
    theirs.reload()
    assert theirs.seconds() == [60.0, 90.0] and len(reads) == 2
