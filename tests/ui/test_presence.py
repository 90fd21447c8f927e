"""Who else is looking, before the race ([ours]): a senior with a handoff open shows as
"👁 Alex" on the others' rows, and goes when they close it (or their heartbeat stops)."""

from __future__ import annotations

import time

import pytest

from rf_tui.feed.events import ViewersChanged
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from rf_tui.server.seed import demo_disguise
from rf_tui.state.presence import VIEWING_TTL
from rf_tui.ui.messages import Fed
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.helpers import ALEX, SAM, FakeClock, Running, count_requests
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, open_read_only, ready, row_ids, until

EYE = "👁"


def summary(app, handoff_id: str) -> str:  # type: ignore[no-untyped-def]
    return cell_text(app, handoff_id, "summary")


async def test_a_viewer_shows_within_a_second_and_goes_when_they_close_it(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await ready(pilot, rows=3)
        top = app.feed.queue.get(row_ids(app)[0])
        assert top is not None and EYE not in summary(app, top.id)
        await alex.viewing(top.session_id, top.id)
        await until(pilot, lambda: summary(app, top.id).endswith(f"{EYE} Alex"), "Alex", 1)
        assert summary(app, top.id).startswith("VPN drops")  # the problem still leads
        await alex.viewing(top.session_id, top.id, viewing=False)
        await until(pilot, lambda: EYE not in summary(app, top.id), "Alex gone at once", 1)
        assert not app._notifications


async def test_a_viewer_whose_client_died_goes_after_30_s(make: AppFactory, rf: Running) -> None:
    """No "stopped viewing" ever comes: the server's clock runs out (moved, not waited)."""
    assert rf.clock is not None
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        top = row_ids(app)[0]
        entry = app.feed.queue.get(top)
        assert entry is not None
        await alex.viewing(entry.session_id, top)
        await until(pilot, lambda: summary(app, top).endswith(f"{EYE} Alex"), "Alex", 1)
        rf.clock.advance(seconds=29)
        await pilot.pause(1.2)  # a sweep or more: still there
        assert summary(app, top).endswith(f"{EYE} Alex")
        rf.clock.advance(seconds=2)
        await until(pilot, lambda: EYE not in summary(app, top), "Alex gone", 3)


async def test_a_viewer_no_event_took_away_lapses_on_the_row(make: AppFactory) -> None:
    """The server's "stopped viewing" can be lost like any event: the row does not keep
    a name it has not heard of for 30 s (the feed's own clock: time.monotonic here)."""
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        top = row_ids(app)[0]
        heard = time.monotonic() - VIEWING_TTL + 1.5  # heard 28.5 s ago, never again
        app.feed.presence.viewing(top, "u-ghost", "Ghost Rider", heard)
        app.post_message(Fed(ViewersChanged((top,))))
        await until(pilot, lambda: summary(app, top).endswith(f"{EYE} Ghost"), "the ghost", 1)
        await until(pilot, lambda: EYE not in summary(app, top), "lapsed, by the tick", 4)


async def test_several_viewers_are_counted(make: AppFactory, rf: Running) -> None:
    app = make()
    alex, sam = await rf.client(ALEX), await rf.client(SAM)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        top = app.feed.queue.get(row_ids(app)[0])
        assert top is not None
        await alex.viewing(top.session_id, top.id)
        await sam.viewing(top.session_id, top.id)
        await until(pilot, lambda: summary(app, top.id).endswith(f"{EYE} 2"), "two viewers", 1)
        await alex.viewing(top.session_id, top.id, viewing=False)
        await until(pilot, lambda: summary(app, top.id).endswith(f"{EYE} Sam"), "Sam alone", 1)


async def test_two_seniors_one_opens_the_other_sees_it_until_it_is_closed(
    make: AppFactory, rf: Running
) -> None:
    dana_app, alex_app = make(), make(ALEX)
    async with (
        dana_app.run_test(size=(120, 30)) as dana,
        alex_app.run_test(size=(120, 30)) as alex,
    ):
        await ready(dana, rows=3)
        await ready(alex, rows=3)
        top = row_ids(alex_app)[0]
        screen = await open_read_only(alex)  # Alex reads the newest before claiming
        await until(dana, lambda: summary(dana_app, top).endswith(f"{EYE} Alex"), "Alex", 1)
        assert EYE not in summary(alex_app, top)  # never oneself
        await alex.press("escape")
        await until(alex, lambda: not isinstance(alex_app.screen, HandoffScreen), "the queue")
        assert screen not in alex_app.screen_stack
        await until(dana, lambda: EYE not in summary(dana_app, top), "gone when closed", 1)


async def test_the_open_handoff_is_told_every_10_s_and_not_after_a_claim(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        app.feed.viewing_every = 0.2
        sent = count_requests(app.feed.client, "/viewing")
        await open_read_only(pilot)
        await until(pilot, lambda: len(sent) >= 3, "three heartbeats")
        await pilot.press("c")  # claimed here: the row leaves every queue, and so does Dana
        await until(pilot, lambda: app.screen.claimed, "the claim")  # type: ignore[attr-defined]
        await until(pilot, lambda: not rf.backend.viewers, "stopped viewing", 1)
        told = len(sent)
        await pilot.pause(0.6)
        assert len(sent) == told


async def test_presenter_mode_disguises_the_viewer(make: AppFactory, rf: Running) -> None:
    assert rf.clock is not None
    disguise = demo_disguise()
    stand_in = (disguise.person("Alex Moreno") or "").split()[0]
    app = make(presenter=Presenter(lambda: True, demo_disguise(), started=rf.clock()))
    alex = await rf.client(ALEX)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        top = app.feed.queue.get(row_ids(app)[0])
        assert top is not None
        await alex.viewing(top.session_id, top.id)
        await until(pilot, lambda: summary(app, top.id).endswith(f"{EYE} {stand_in}"), "him", 1)
        assert "Alex" not in summary(app, top.id)


class TestABackendWithoutPresence:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05,
                            quirks=Quirks.parse(["no-presence"]))  # fmt: skip

    async def test_opening_a_handoff_says_nothing_and_asks_once(
        self, make: AppFactory, rf: Running
    ) -> None:
        app = make()
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await ready(pilot, rows=3)
            app.feed.viewing_every = 0.1
            sent = count_requests(app.feed.client, "/viewing")
            await open_read_only(pilot)
            await until(pilot, lambda: app.feed.client.presence is False, "the 404")
            await pilot.pause(0.4)
            await pilot.press("escape")
            await pilot.press("j", "o")  # another one: not asked again
            await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
            await pilot.pause(0.3)
            assert len(sent) == 1
            assert not app._notifications  # no error, no toast: the feature is simply off
            await pilot.press("escape")
            assert all(EYE not in summary(app, i) for i in row_ids(app))
