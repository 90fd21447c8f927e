"""What people see, pinned as SVG at 80×24, 60×20 and 160×48 (fixed clock, fixed seed).

Look at every SVG under tests/ui/__snapshots__/ before committing a change to it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual import events
from textual.pilot import Pilot

from rf_tui.feed.events import LinkMeasured
from rf_tui.server.config import ServerConfig
from rf_tui.server.seed import demo_disguise
from rf_tui.ui.messages import Fed
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.screens import queue as queue_screen
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.helpers import ALEX, SAM, FakeClock, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, panel_text, ready, row_ids, said, until
from tests.ui.test_presenter import escalate_with_real_names

SIZES = [(80, 24), (60, 20), (160, 48)]
Snap = Callable[..., bool]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue(snap_compare: Snap, make: AppFactory, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=3)

    assert snap_compare(make(), terminal_size=size, run_before=run_before)


#: The handoff right after a claim: stacked (80x24 over SSH, 100x30, 60x20), one panel
#: at a time (40x12), two by two (160x48).
HANDOFF_SIZES = [(80, 24), (100, 30), (60, 20), (40, 12), (160, 48)]


async def claimed_handoff(pilot: Pilot[None]) -> HandoffScreen:
    """`c` on the newest row (the VPN escalation), its session loaded, the news gone."""
    app = await ready(pilot, rows=3)
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
    screen = app.screen
    assert isinstance(screen, HandoffScreen)
    await until(pilot, lambda: screen.session is not None, "the session")
    await until(pilot, lambda: not said(screen), "the claim's news to go", 6)
    return screen


@pytest.mark.parametrize("size", HANDOFF_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_handoff(snap_compare: Snap, make: AppFactory, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await claimed_handoff(pilot)

    assert snap_compare(make(), terminal_size=size, run_before=run_before)


def test_handoff_zoomed(snap_compare: Snap, make: AppFactory) -> None:
    """z on What's been tried: the whole panel, the switcher line naming where it is."""

    async def run_before(pilot: Pilot[None]) -> None:
        await claimed_handoff(pilot)
        await pilot.press("tab", "z")

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)


def test_conversation_after_three_exchanges(snap_compare: Snap, make: AppFactory) -> None:
    """Start here become the conversation: newest at the bottom, the box to go on."""

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await claimed_handoff(pilot)
        for n, key in enumerate(("1", "2", "3"), start=1):
            await pilot.press(key, "enter")
            await until(
                pilot,
                lambda n=n: panel_text(screen, "start").count("FlowPilot:") >= n,  # type: ignore[misc]
                f"reply {n}",
            )
        await until(pilot, lambda: not said(screen), "the news to go", 6)

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)


def test_help(snap_compare: Snap, make: AppFactory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=3)
        await pilot.press("question_mark")

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)


class TestRaceToast:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, announce_claims=False)

    def test_race_toast(self, snap_compare: Snap, make: AppFactory, running: Running) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            app = await ready(pilot, rows=3)
            top = app.feed.queue.get(row_ids(app)[0])
            assert top is not None and running.clock is not None
            alex = await running.client(ALEX)
            await alex.claim(top.session_id, top.id)
            running.clock.advance(seconds=2)
            await pilot.press("c")
            await until(pilot, lambda: top.id not in row_ids(app), "the row to leave", 5)
            await running.aclose()

        assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)


def test_handoff_with_sanitised_text(
    snap_compare: Snap, make: AppFactory, running: Running
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        sam = await running.client(SAM)
        session = await sam.create_session("Printer \x1b]2;PWNED\x07 on \u202efire since Monday")
        await sam.hand_off(session.id, engineer_notes="Jammed \x9b31m twice")
        app = await ready(pilot, rows=4)
        await pilot.press("g", "c")  # to the newest, the printer, and claim it
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        await until(pilot, lambda: app.screen.session is not None, "the session")  # type: ignore[attr-defined]
        await until(pilot, lambda: not said(app.screen), "the claim's news to go", 6)  # type: ignore[arg-type]

    assert snap_compare(make(), terminal_size=(100, 30), run_before=run_before)


def test_away_line(
    snap_compare: Snap, make: AppFactory, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The claimed row goes at once (the away line names who took it), not in a moment
    # that would race the shot.
    monkeypatch.setattr(queue_screen, "LEAVE_SECONDS", 0.0)
    app = make(reduced_motion=True)  # a static "new" marker: no highlight racing the shot
    app.feed.away.away_after = 0.0

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=3)
        sam, alex = await running.client(SAM), await running.client(ALEX)
        app.post_message(events.AppBlur())
        await pilot.pause()
        await sam.hand_off((await sam.create_session("Scanner emails bounce")).id)
        taken = next(e for e in await alex.queue() if "CFO" in e.summary)
        await alex.claim(taken.session_id, taken.id)
        entries = app.feed.queue.entries
        await until(
            pilot,
            lambda: (
                all(e.summary and "CFO" not in e.summary for e in entries()) and len(entries()) == 3
            ),
            "the arrival's details and the claim, live",
        )
        await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the claimed row gone")
        app.post_message(events.AppFocus())
        await until(pilot, lambda: app.queue_screen.query_one("#away").display, "the line")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_presenter_take(snap_compare: Snap, make: AppFactory, running: Running) -> None:
    """`demo --present`: stand-ins for the client, town, host and people; a still clock."""
    assert running.clock is not None
    app = make(presenter=Presenter(lambda: True, demo_disguise(), started=running.clock()))

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=3)
        handoff_id = await escalate_with_real_names(running)
        await until(pilot, lambda: bool(cell_text(app, handoff_id, "summary")), "the arrival")
        await pilot.press("g", "enter", "o")  # the arrival, read only
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        await until(pilot, lambda: app.screen.session is not None, "the session")  # type: ignore[attr-defined]

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_slow_link_goes_lite(snap_compare: Snap, make: AppFactory, running: Running) -> None:
    """The status line's figures and the switch to lite mode, as a wide terminal shows them.

    The round trips are given as the link reports them (a proxy drives the same
    switch over a real slow link in test_link_status.py); a measured one would
    change the picture from run to run.
    """
    assert running.clock is not None
    clock = running.clock
    app = make()

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=3)
        clock.advance(minutes=2)  # two quiet minutes since the last event
        app.queue_screen.table.tick_ages()
        for _ in range(2):  # lite after two slow round trips in a row
            app.post_message(Fed(LinkMeasured(0.612)))
        await until(pilot, lambda: app.desk.health.lite, "lite mode")

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def test_ticket_note_copied(snap_compare: Snap, make: AppFactory) -> None:
    """`t` on the handoff: the line above the footer says what went to the clipboard."""
    app = make()

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=3)
        await pilot.press("enter", "o")  # the newest, read only
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        await until(pilot, lambda: app.screen.session is not None, "the session")  # type: ignore[attr-defined]
        await pilot.press("t")
        await until(pilot, lambda: "Copied" in said(app.screen), "the news")  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
