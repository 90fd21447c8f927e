"""`c` claims what the senior aimed at, never what slid under the cursor a moment ago.

Driven against the real reference server while the queue moves under the keys:
a row claimed elsewhere, a burst that pushes the cursor's row out of sight, and
a word typed at the closed message box of a handoff opened read-only.
"""

from __future__ import annotations

import time

import pytest

from rf_tui.server.config import ServerConfig
from rf_tui.ui.screens import handoff as handoff_screen
from rf_tui.ui.screens import queue as queue_screen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.queue import QueueScreen
from tests.helpers import ALEX, SAM, FakeClock, Running, count_requests
from tests.ui.conftest import AppFactory
from tests.ui.pilot import open_read_only, panel_text, ready, row_ids, said, until


def toasts(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_a_neighbour_that_slid_under_the_cursor_is_named_before_it_is_claimed(
    make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow this machine, the second key comes "a moment" after the row left.
    monkeypatch.setattr(queue_screen, "SETTLE_SECONDS", 60.0)
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        claims = count_requests(app.feed.client, "/claim")
        await pilot.press("down")
        aimed, neighbour = row_ids(app)[1], row_ids(app)[2]
        target = app.feed.queue.get(aimed)
        assert target is not None
        await alex.claim(target.session_id, target.id)
        await until(pilot, lambda: aimed not in row_ids(app), "the aimed-at row to leave")
        assert app.queue_screen.table.current_id() == neighbour

        await pilot.press("c")
        await until(pilot, lambda: any("Press c again" in t for t in toasts(app)), "the ask")
        entry = app.feed.queue.get(neighbour)
        assert entry is not None and entry.summary
        assert f"The queue moved: nothing claimed: Press c again to claim: {entry.summary}" in (
            toasts(app)
        )
        assert claims == [] and isinstance(app.screen, QueueScreen)

        await pilot.press("c")  # the senior has read the name: this one, yes
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the claimed handoff")
        assert isinstance(app.screen, HandoffScreen) and app.screen.handoff.id == neighbour
        assert len(claims) == 1
        assert not any("Press c again" in t for t in toasts(app))  # the question is gone


async def test_a_row_pushed_out_of_sight_is_shown_before_it_is_claimed(
    make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_screen, "SETTLE_SECONDS", 0.0)  # out of sight alone is enough
    app = make()
    sam = await rf.client(SAM)
    assert rf.clock is not None
    async with app.run_test(size=(80, 12), notifications=True) as pilot:
        await ready(pilot, rows=3)
        claims = count_requests(app.feed.client, "/claim")
        table = app.queue_screen.table
        reading = table.current_id()
        assert reading is not None
        latest = ""
        for i in range(12):  # more arrivals than the window holds, above the cursor
            rf.clock.advance(seconds=1)
            latest = (await sam.hand_off((await sam.create_session(f"Arrival {i}")).id)).id
        await until(pilot, lambda: row_ids(app)[:1] == [latest], "the burst on screen")
        aim = table.aim(0.0)
        assert aim is not None and aim.handoff_id == reading and not aim.in_sight

        await pilot.press("c")
        await until(pilot, lambda: any("out of sight" in t for t in toasts(app)), "the ask")
        assert claims == [] and isinstance(app.screen, QueueScreen)
        aim = table.aim(0.0)
        assert aim is not None and aim.handoff_id == reading and aim.in_sight  # shown now

        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the claimed handoff")
        assert isinstance(app.screen, HandoffScreen) and app.screen.handoff.id == reading


async def test_a_word_typed_at_a_read_only_handoff_claims_nothing_and_is_kept(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow this machine, the letters of one word come within the hold.
    monkeypatch.setattr(handoff_screen, "HOLD_SECONDS", 30.0)
    monkeypatch.setattr(handoff_screen, "TYPING_SECONDS", 30.0)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        claims = count_requests(app.feed.client, "/claim")
        screen = await open_read_only(pilot)

        await pilot.press(*"check", "space", *"accept")  # "c…c", then "cc"
        box = screen.query_one("#message")
        await until(pilot, lambda: box.value == "check accept", "the word kept as a draft")  # type: ignore[attr-defined]
        assert box.disabled and claims == [] and not screen.claimed
        assert app.desk.drafts[screen.handoff.session_id] == "check accept"
        assert "press c on its own to claim" in said(screen)


async def test_c_on_its_own_claims_a_read_only_handoff_with_the_draft_waiting(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff_screen, "HOLD_SECONDS", 30.0)  # the word's letters: held
    monkeypatch.setattr(handoff_screen, "TYPING_SECONDS", 0.2)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        screen = await open_read_only(pilot)
        await pilot.press(*"ping")  # p, a key of its own, begins the word
        box = screen.query_one("#message")
        await until(pilot, lambda: box.value == "ping", "the draft")  # type: ignore[attr-defined]
        await until(pilot, lambda: screen._typing_until < time.monotonic(), "the word typed")

        monkeypatch.setattr(handoff_screen, "HOLD_SECONDS", 0.05)
        await pilot.press("c")
        await until(pilot, lambda: screen.claimed, "the claim")
        assert not box.disabled and box.value == "ping"  # type: ignore[attr-defined]


async def test_a_read_only_handoff_follows_a_claim_made_elsewhere(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        claims = count_requests(app.feed.client, "/claim")
        screen = await open_read_only(pilot)
        assert screen.check_action("claim", ())
        assert "Suggested steps (claim it to start from one):" in panel_text(screen, "start")

        await alex.claim(screen.handoff.session_id, screen.handoff.id)
        await until(pilot, lambda: screen.taken_by == "Alex Moreno", "the claim seen live")
        assert "Claimed by Alex Moreno: you can read it, not claim it." in panel_text(
            screen, "start"
        )
        assert not screen.check_action("claim", ())  # the footer no longer offers c
        assert "Press a number" not in panel_text(screen, "start")
        await pilot.press("c")
        await pilot.pause()
        assert claims == [] and not screen.claimed


class TestWithoutClaimEvents:
    """A backend that does not announce claims: a refetch sees the row go, not who took it."""

    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, announce_claims=False)

    async def test_a_read_only_handoff_says_it_left_and_a_claim_names_who_took_it(
        self, make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(handoff_screen, "HOLD_SECONDS", 0.05)
        app = make()
        alex = await rf.client(ALEX)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await ready(pilot, rows=3)
            screen = await open_read_only(pilot)
            await alex.claim(screen.handoff.session_id, screen.handoff.id)
            app.feed.refetch()  # what the 30 s poll does
            await until(pilot, lambda: screen.left, "the departure seen by the refetch")
            assert "It has left the queue" in panel_text(screen, "start")

            await pilot.press("c")  # the server says who
            await until(pilot, lambda: screen.taken_by == "Alex Moreno", "the winner named")
            assert not screen.check_action("claim", ()) and not screen.claimed
