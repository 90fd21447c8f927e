"""Seen/unread markers: capped, persisted atomically, robust to a damaged file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rf_tui.store.unread import SeenSet


def test_marking_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "state" / "seen.json"
    seen = SeenSet(path)
    assert seen.unread({"a", "b"}) == {"a", "b"}
    assert seen.mark("a") is True
    assert seen.mark("a") is False
    again = SeenSet(path)
    assert again.unread({"a", "b"}) == {"b"}
    assert again.problem is None


def test_capped_at_200_keeping_the_most_recent(tmp_path: Path) -> None:
    path = tmp_path / "seen.json"
    seen = SeenSet(path)
    for i in range(250):
        seen.mark(f"h{i}")
    assert len(seen) == 200
    reloaded = SeenSet(path)
    assert "h49" not in reloaded and "h50" in reloaded and "h249" in reloaded
    assert len(json.loads(path.read_text())["seen"]) == 200


def test_corrupt_file_is_set_aside_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "seen.json"
    path.write_text("{not json")
    seen = SeenSet(path)
    assert seen.problem is not None and "damaged" in seen.problem
    assert (tmp_path / "seen.json.corrupt").read_text() == "{not json"
    assert not path.exists()
    seen.mark("x")
    assert SeenSet(path).unread({"x"}) == set()


def test_wrong_shape_counts_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "seen.json"
    path.write_text('["a", "b"]')
    assert SeenSet(path).problem is not None


def test_unwritable_directory_keeps_working_in_memory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        seen = SeenSet(locked / "sub" / "seen.json")
        seen.mark("a")
        assert "a" in seen
        if os.geteuid() != 0:  # root ignores directory permissions
            assert seen.problem is not None and "cannot be saved" in seen.problem
    finally:
        os.chmod(locked, 0o700)


def test_write_is_atomic_no_temp_files_left(tmp_path: Path) -> None:
    path = tmp_path / "seen.json"
    seen = SeenSet(path)
    for i in range(5):
        seen.mark(f"h{i}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seen.json"]


def test_a_full_disk_keeps_the_old_file_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    path = tmp_path / "seen.json"
    seen = SeenSet(path)
    seen.mark("kept")

    def no_space(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("rf_tui.store.atomic.os.replace", no_space)  # the disk fills up
    seen.mark("new-1")
    seen.mark("new-2")
    assert seen.problem is not None and "No space left on device" in seen.problem
    assert "new-2" in seen  # kept in memory
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seen.json"]  # no temp debris
    monkeypatch.undo()
    assert SeenSet(path).unread({"kept", "new-1"}) == {"new-1"}  # the old file is intact


def test_the_unread_count_is_the_queue_less_what_was_seen_of_it() -> None:
    seen = SeenSet(None)
    for handoff_id in ("a", "gone-since", "c"):
        seen.mark(handoff_id)
    queue = {"a", "b", "c", "d", "e"}
    assert seen.count_unread(queue, len(queue)) == len(seen.unread(queue)) == 3
