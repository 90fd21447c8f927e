"""The one writer and reader every store uses: whole or nothing, private, never a traceback."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from rf_tui.store.atomic import StoreError, read_json, write_json


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_whole_and_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "things" / "a.json"
    write_json(path, {"n": 1}, what="Things")
    write_json(path, {"n": 2}, what="Things")
    assert json.loads(path.read_text()) == {"n": 2}
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["a.json"]  # no temp files left


def test_a_folder_left_open_to_others_is_closed(tmp_path: Path) -> None:
    folder = tmp_path / "things"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    write_json(folder / "a.json", [], what="Things")
    assert mode(folder) == 0o700


def test_the_data_then_the_rename_then_the_folder_reach_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        steps.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr("rf_tui.store.atomic.os.fsync", fsync)
    monkeypatch.setattr("rf_tui.store.atomic.os.replace", replace)
    write_json(tmp_path / "a.json", {"n": 1}, what="Things")
    assert steps == ["fsync file", "rename", "fsync folder"]


def test_a_failed_write_keeps_the_old_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    write_json(path, {"n": 1}, what="Things")

    def full(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("rf_tui.store.atomic.os.replace", full)
    with pytest.raises(StoreError) as caught:
        write_json(path, {"n": 2}, what="Things")
    assert str(caught.value) == f"Things cannot be saved in {tmp_path} (No space left on device)."
    assert json.loads(path.read_text()) == {"n": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_nowhere_to_write_is_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError) as caught:
        write_json(blocker / "things" / "a.json", {}, what="Things")
    assert str(caught.value).startswith(f"Things cannot be saved in {blocker / 'things'} (")


def test_no_file_is_nothing_to_report(tmp_path: Path) -> None:
    found = read_json(tmp_path / "a.json", what="The file", then="Fine.")
    assert found.data is None and found.problem is None


@pytest.mark.parametrize(
    "content", [b"{not json", b'["a list", "not an object"]', b'{"n": "\xff\xfe"}']
)
def test_a_damaged_file_is_set_aside_and_explained(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(content)
    found = read_json(
        path, what="The file", then="Nothing is lost.", valid=lambda d: isinstance(d, dict)
    )
    aside = tmp_path / "a.json.corrupt"
    assert found.data is None
    assert found.problem == f"The file was damaged; it was moved to {aside}. Nothing is lost."
    assert aside.read_bytes() == content and not path.exists()


def test_an_unreadable_file_is_left_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.mkdir()  # reading it fails, as a permission or a disk error would
    found = read_json(path, what="The file", then="Nothing is lost.")
    assert found.data is None
    assert found.problem is not None and found.problem.startswith(f"The file {path} cannot be read")
    assert path.exists() and not (tmp_path / "a.json.corrupt").exists()


def test_good_json_is_read(tmp_path: Path) -> None:
    write_json(tmp_path / "a.json", {"n": [1, 2]}, what="Things")
    assert read_json(tmp_path / "a.json", what="The file", then="").data == {"n": [1, 2]}


def test_no_folder_for_the_file_is_nothing_to_report_either(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("a file where a folder should be")
    found = read_json(tmp_path / "state" / "a.json", what="The file", then="Fine.")
    assert found.data is None and found.problem is None
