"""The theme picked in the app: per profile, private, and a damaged file costs only the pick."""

from __future__ import annotations

import stat
from pathlib import Path

from rf_tui.paths import prefs_path
from rf_tui.store.prefs import load_theme, save_theme


def test_a_pick_is_kept_per_profile(tmp_path: Path) -> None:
    assert save_theme(tmp_path, "lab", "dracula") is None
    assert save_theme(tmp_path, None, "nord") is None
    assert load_theme(tmp_path, "lab") == "dracula"
    assert load_theme(tmp_path, None) == "nord"
    assert load_theme(tmp_path, "work") is None
    assert stat.S_IMODE(prefs_path(tmp_path, "lab").stat().st_mode) == 0o600


def test_no_state_dir_keeps_nothing(tmp_path: Path) -> None:
    assert save_theme(None, "lab", "dracula") is None
    assert load_theme(None, "lab") is None


def test_a_damaged_file_is_set_aside_and_the_next_pick_is_saved(tmp_path: Path) -> None:
    path = prefs_path(tmp_path, "lab")
    path.parent.mkdir(parents=True)
    path.write_text('{"theme": ')
    assert load_theme(tmp_path, "lab") is None
    assert path.with_name("lab.json.corrupt").read_text() == '{"theme": '
    assert save_theme(tmp_path, "lab", "nord") is None
    assert load_theme(tmp_path, "lab") == "nord"


def test_nowhere_to_save_is_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state folder should be")
    problem = save_theme(blocker, "lab", "nord")
    assert problem is not None and problem.startswith("The theme cannot be saved in")
