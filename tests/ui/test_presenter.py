"""Presenter mode for demo takes: fake names that hold across takes, keys shown, a pause."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from rf_tui.feed.events import LinkMeasured
from rf_tui.server.seed import demo_disguise
from rf_tui.server.simulate import Story
from rf_tui.ui.messages import Fed
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.helpers import SAM, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, open_read_only, panel_text, ready, row_ids, until


def presenter(running: Running, story: Story | None = None) -> Presenter:
    """As ``rf-tui demo --present`` builds it: the take starts now, on the server's clock."""
    assert running.clock is not None
    toggle = story.toggle if story else (lambda: True)
    return Presenter(toggle, demo_disguise(), started=running.clock())


async def test_names_are_swapped_keys_shown_and_p_pauses_the_story(
    make: AppFactory, rf: Running
) -> None:
    story = Story(rf.url)  # not started: only its pause switch is driven here
    fake = demo_disguise().person("Sam Okafor")
    app = make(presenter=presenter(rf, story))
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
        screen = await open_read_only(pilot)
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


REAL = ("Kestrel", "Leeds", "LT-ACCT-07", "10.0.20.15", "PRINT01", "Sam", "Okafor", "northwind")


async def escalate_with_real_names(rf: Running) -> str:
    """Sam escalates the way the demo's junior does, naming a client, a town and machines."""
    sam = await rf.client(SAM)
    session = await sam.create_session(
        "VPN drops on three laptops (Kestrel Logistics, Leeds)",
        escalation_package={
            "steps_attempted": [{"description": "Reinstalled on LT-ACCT-07", "result": "Held"}],
            "dead_ends_flagged": [{"description": "Pinged 10.0.20.15", "reason": "Fine"}],
        },
        conversation_messages=[
            {"role": "user", "content": "Sam here: PRINT01 is fine too"},
            {"role": "assistant", "content": "Ask Kestrel's office manager in Leeds."},
        ],
    )
    handoff = await sam.hand_off(
        session.id, priority="high", engineer_notes="Mail sam@northwind.example"
    )
    return handoff.id


async def test_a_take_shows_no_real_client_host_or_person_anywhere(
    make: AppFactory, rf: Running
) -> None:
    app = make(presenter=presenter(rf))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot, rows=3)
        handoff_id = await escalate_with_real_names(rf)
        await until(pilot, lambda: "VPN drops" in cell_text(app, handoff_id, "summary"), "it")
        cells = app.queue_screen.table.cells(handoff_id)
        row = " ".join(cells.values())
        assert cells["client"] and not [r for r in REAL if r in row]  # a stand-in client
        await pilot.press("g", "c")  # the newest, claimed: toast, handoff, ticket note
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        await until(pilot, lambda: screen.session is not None, "the session")
        await pilot.press("t")
        shown = " ".join(
            [*(panel_text(screen, p) for p in ("problem", "tried", "assessment", "start")),
             *(n.message for n in app._notifications), app.clipboard]
        )  # fmt: skip
        assert "VPN drops on three laptops" in shown and "Held" in shown
        assert not [r for r in REAL if r in shown], shown


async def test_nothing_on_screen_ticks_during_a_take(make: AppFactory, rf: Running) -> None:
    assert rf.clock is not None
    app = make(presenter=presenter(rf))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, rows=3)
        handoff_id = await escalate_with_real_names(rf)
        await until(pilot, lambda: bool(cell_text(app, handoff_id, "summary")), "the arrival")

        def frame() -> list[str]:
            table = app.queue_screen.table
            return [table.cells(i)["age"] for i in row_ids(app)] + [
                app.queue_screen.link_text().plain
            ]

        before = frame()
        assert before == ["now", "1m", "4m", "12m", "● live"]
        rf.clock.advance(minutes=10)  # the take runs on; nothing on screen says so
        app.queue_screen.table.tick_ages()
        app.post_message(Fed(LinkMeasured(0.042)))  # a round trip measured, too
        await until(pilot, lambda: app.desk.health.rtt == 0.042, "a round trip")
        assert frame() == before
        await pilot.press("G", "enter", "c")  # the oldest seeded one, claimed
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        await until(pilot, lambda: screen.session is not None, "the session")
        assert "escalated 12m ago" in panel_text(screen, "problem")
        await pilot.press("1", "enter")  # the first action, ten minutes into the take
        await until(pilot, lambda: "FlowPilot:" in panel_text(screen, "start"), "the reply")
        # Stamped on the take's face (it starts at 09:00), not the clock's 10 past.
        assert "09:00 FlowPilot:" in panel_text(screen, "start")
        assert "G ⏎ c 1 ⏎" in str(screen.query_one("#keys", Static).content)
