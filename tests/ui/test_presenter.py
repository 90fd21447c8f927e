"""Presenter mode for demo takes: fake names that hold across takes, keys shown, a pause."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from rf_tui.server.simulate import Story
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.helpers import Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, panel_text, ready, row_ids, until


def test_the_same_fake_for_the_same_person_every_take() -> None:
    first, second = Presenter(lambda: True), Presenter(lambda: True)
    assert first.fake("Sam Okafor") == second.fake("Sam Okafor") != "Sam Okafor"
    assert first.fake("sam okafor ") == first.fake("Sam Okafor")
    assert first.fake(None) is None


async def test_names_are_swapped_keys_shown_and_p_pauses_the_story(
    make: AppFactory, rf: Running
) -> None:
    story = Story(rf.url)  # not started: only its pause switch is driven here
    presenter = Presenter(story.toggle)
    fake = presenter.fake("Sam Okafor")
    app = make(presenter=presenter)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot, rows=3)
        top = row_ids(app)[0]
        assert cell_text(app, top, "requester") == fake
        await pilot.press("j", "k", "p")
        assert not story.playing.is_set()
        assert "j k p" in str(app.screen.query_one("#keys", Static).content)
        assert any("Story paused" in n.message for n in app._notifications)
        await pilot.press("p")
        assert story.playing.is_set()
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        await until(pilot, lambda: screen.session is not None, "the session")
        problem = panel_text(screen, "problem")
        assert f"from {fake}" in problem and "Sam Okafor" not in problem


async def test_without_presenter_mode_p_does_nothing(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("p")
        assert not app.screen.query("#keys")
        assert cell_text(app, row_ids(app)[0], "requester") == "Sam Okafor"


async def test_a_paused_story_waits_and_goes_on_when_resumed(rf: Running) -> None:
    story = Story(rf.url, pace=0.01, rival=False)
    story.toggle()  # paused before it starts
    telling = asyncio.create_task(story.run(count=1))
    try:
        # Paused, a beat due after 10 ms has not happened 300 ms later...
        done, _ = await asyncio.wait({telling}, timeout=0.3)
        assert not done and story.escalated == []
        story.toggle()  # ...and once resumed it does
        await asyncio.wait_for(telling, 10)
    finally:
        telling.cancel()
    assert len(story.escalated) == 1
