"""Drafts: per session, capped, saved atomically once typing pauses, never lost in memory."""

from __future__ import annotations

import errno
import json
import stat
from pathlib import Path

import pytest

from rf_tui.store.drafts import CAP, CHARS, LONGEST, QUIET, RETRY, Drafts


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def drafts(path: Path | None, ticks: Ticks | None = None, **caps: int) -> Drafts:
    return Drafts(path, monotonic=ticks or Ticks(), **caps)


def test_a_dict_for_the_handoff_screen(tmp_path: Path) -> None:
    box = drafts(tmp_path / "d.json")
    assert box.get("s1", "") == "" and "s1" not in box
    box["s1"] = "checking"
    assert box.get("s1") == "checking" and box["s1"] == "checking" and "s1" in box
    assert box.pop("s1", None) == "checking" and "s1" not in box
    assert box.pop("s1", None) is None
    box["s2"] = "x"
    box["s2"] = ""  # an emptied box is no draft
    assert "s2" not in box and len(box) == 0


def test_saved_once_typing_pauses_then_read_back(tmp_path: Path) -> None:
    path = tmp_path / "state" / "drafts" / "me.json"
    ticks = Ticks()
    box = drafts(path, ticks)
    for n in range(1, 9):  # a key every 0.1 s
        box["s1"] = "checking"[:n]
        ticks.now += 0.1
        assert box.tick() is False  # still typing: nothing written
    assert not path.exists()
    ticks.now += QUIET
    assert box.tick() is True and box.tick() is False  # once, then nothing new
    assert drafts(path).get("s1") == "checking"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_typing_that_never_pauses_is_still_saved_every_few_seconds(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    ticks = Ticks()
    box = drafts(path, ticks)
    saves = 0
    for n in range(int(LONGEST * 10) * 2):  # ten keys a second for twice LONGEST
        box["s1"] = "x" * (n + 1)
        ticks.now += 0.1
        saves += box.tick()
    assert saves == 2


def test_save_writes_now_and_only_when_something_changed(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    box = drafts(path)
    assert box.save() is False and not path.exists()
    box["s1"] = "a"
    assert box.save() is True and box.save() is False
    box["s1"] = "a"  # the same text again (the box set from the draft on mount)
    assert not box.unsaved


def test_capped_in_number_the_least_recently_typed_in_go_first(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    box = drafts(path, cap=3)
    for n in range(4):
        box[f"s{n}"] = f"draft {n}"
    box["s1"] = "draft 1, edited"  # typed in again: now the most recent
    box["s4"] = "draft 4"
    assert list(box) == ["s3", "s1", "s4"]
    box.save()
    assert list(json.loads(path.read_text())["drafts"]) == ["s3", "s1", "s4"]
    assert list(drafts(path, cap=2)) == ["s1", "s4"]  # a smaller cap keeps the newest


def test_a_long_paste_is_kept_whole_in_memory_but_saved_cut_and_said_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "d.json"
    box = drafts(path)
    log = "x" * 2_000_000  # a pasted 2 MB log
    box["s1"] = log
    box.save()
    assert box.get("s1") == log  # nothing lost in this run
    assert len(json.loads(path.read_text())["drafts"]["s1"]) == CHARS
    assert path.stat().st_size < 2 * CHARS
    assert box.problem == (
        f"A draft of 2,000,000 characters is kept whole until rf-tui exits; "
        f"only its first {CHARS:,} are saved for the next run."
    )
    box.problem = None
    box["s1"] = log + "y"
    box.save()
    assert box.problem is None  # said once
    assert drafts(path).get("s1") == "x" * CHARS


def test_the_default_caps() -> None:
    assert (CAP, CHARS) == (200, 4000)


@pytest.mark.parametrize(
    "content",
    ["{not json", '["s1", "text"]', '{"drafts": ["s1"]}', "\xff\xfe"],
    ids=["bad-json", "a-list", "drafts-not-a-map", "bad-utf8"],
)
def test_a_damaged_file_is_set_aside_and_said(tmp_path: Path, content: str) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(content.encode("latin-1"))
    box = drafts(path)
    assert len(box) == 0
    assert box.problem == (
        f"The drafts file was damaged; it was moved to {path}.corrupt. "
        "Messages you had started typing are lost."
    )
    assert (tmp_path / "d.json.corrupt").read_bytes() == content.encode("latin-1")
    box["s1"] = "fresh"
    box.save()
    assert drafts(path).get("s1") == "fresh"  # the next write starts clean


def test_entries_it_cannot_use_are_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    long = "y" * (CHARS + 10)
    path.write_text(
        json.dumps({"version": 1, "drafts": {"s1": "ok", "s2": 7, "s3": "", "s4": long}})
    )
    box = drafts(path)
    assert box.items() == [("s1", "ok"), ("s4", "y" * CHARS)] and box.problem is None


def test_written_atomically_no_temp_files_and_a_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.json"
    ticks = Ticks()
    box = drafts(path, ticks)
    box["s1"] = "kept"
    box.save()

    def no_space(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("rf_tui.store.atomic.os.replace", no_space)  # the disk fills up
    box["s1"] = "newer"
    assert box.save() is False
    assert box.problem is not None and "No space left on device" in box.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.json"]  # no temp debris
    assert drafts(path).get("s1") == "kept"  # the old file, whole
    monkeypatch.undo()
    ticks.now += RETRY
    assert box.tick() is True  # tried again later, and it works now
    assert drafts(path).get("s1") == "newer"


def test_nowhere_to_save_is_said_once_and_nothing_is_lost_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state folder should be")
    ticks = Ticks()
    box = drafts(blocker / "drafts" / "me.json", ticks)
    box["s1"] = "checking drivers"
    ticks.now += LONGEST
    assert box.tick() is False
    assert box.problem == (
        f"Drafts cannot be saved in {blocker / 'drafts'} (Not a directory). "
        "They are kept until rf-tui exits."
    )
    box.problem = None  # the app says it, then clears it
    box["s2"] = "rebooting"
    ticks.now += RETRY
    assert box.tick() is False and box.problem is None  # tried again; not said again
    assert box.items() == [("s1", "checking drivers"), ("s2", "rebooting")]
    assert box.unsaved


def test_drafts_typed_before_sign_in_are_adopted_over_the_saved_ones(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    saved = drafts(path)
    saved["s1"] = "from last run"
    saved["s2"] = "also from last run"
    saved.save()
    early = drafts(None)
    early["s1"] = "typed before sign-in"
    box = drafts(path).adopt(early)
    assert box.get("s1") == "typed before sign-in" and box.get("s2") == "also from last run"
    assert box.unsaved


def test_no_path_keeps_them_in_memory_only(tmp_path: Path) -> None:
    box = drafts(None)
    box["s1"] = "x"
    assert box.save() is False and box.tick() is False
    assert box.get("s1") == "x" and list(tmp_path.iterdir()) == []
