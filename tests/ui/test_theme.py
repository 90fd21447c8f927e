"""Themes: from the profile, picked in the app and remembered per profile; NO_COLOR kept."""

from __future__ import annotations

import pytest
from textual.filter import Monochrome, NoColor

from rf_tui.paths import prefs_path
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready


async def test_the_profile_theme_then_a_pick_that_is_remembered(make: AppFactory) -> None:
    app = make(theme="nord", profile="lab")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        assert app.theme == "nord"
        app.theme = "dracula"  # what ctrl+p → "Theme" does
        await pilot.pause()
    assert prefs_path(make.state_dir, "lab").exists()
    again = make(theme="nord", profile="lab")
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        assert again.theme == "dracula"  # the pick wins over the profile's key
    other = make(theme="nord", profile="work")
    async with other.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        assert other.theme == "nord"  # per profile


async def test_an_unknown_theme_is_a_warning_not_a_crash(make: AppFactory) -> None:
    app = make(theme="no-such-theme")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        assert app.theme == "textual-dark"
        assert any("No theme called 'no-such-theme'" in n.message for n in app._notifications)


async def test_no_color_is_honoured(make: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make(theme="nord")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        assert any(isinstance(f, NoColor | Monochrome) for f in app._filters)
