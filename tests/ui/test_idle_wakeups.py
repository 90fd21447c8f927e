"""Idle, the app wakes at the beat of the ages in sight, not every second; anything
that moves by the second (an arrival, a draft, a dropped link) brings the second back."""

from __future__ import annotations

import time

from rf_tui.ui.app import RfApp
from tests.helpers import Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, row_ids, until
from tests.ui.test_handoff import open_claimed
from tests.ui.test_queue_fit import escalate


def next_tick_in(app: RfApp) -> float:
    return app._tick_due - time.monotonic()


async def test_idle_the_app_wakes_every_ten_seconds_not_every_second(
    make: AppFactory, rf: Running
) -> None:
    assert rf.clock is not None
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        rf.clock.advance(minutes=5)  # every age in minutes: they change by the minute
        app._tick()
        assert 9 < next_tick_in(app) <= 10.1

        handoff = await escalate(rf, "Scanner emails bounce")
        await until(pilot, lambda: handoff in row_ids(app), "the arrival")
        assert next_tick_in(app) <= 1.0  # its highlight ends in 1.5 s
        app._tick()
        assert next_tick_in(app) <= 1.1
        app.queue_screen._fresh[handoff] -= 3  # as 3 s later: the highlight is over
        app._tick()
        assert 4 < next_tick_in(app) <= 5.1  # its age "now", in seconds: the 5 s beat


async def test_ages_under_a_minute_in_sight_beat_every_five_seconds(
    make: AppFactory, rf: Running
) -> None:
    assert rf.clock is not None
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        rf.clock.advance(minutes=5)
        await escalate(rf, "Scanner emails bounce")
        await until(pilot, lambda: app.queue_screen.table.row_count == 4, "the arrival")
        app.queue_screen._fresh.clear()  # as a few seconds later: its highlight is over
        app._tick()
        assert 4 < next_tick_in(app) <= 5.1


async def test_typing_a_draft_brings_the_second_back(make: AppFactory, rf: Running) -> None:
    assert rf.clock is not None
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        await open_claimed(pilot, app, "VPN drops")
        rf.clock.advance(minutes=5)
        app._tick()
        assert next_tick_in(app) > 5
        await pilot.press("m", "h", "i")
        await pilot.pause()
        assert next_tick_in(app) <= 1.0
        app._tick()
        assert app.desk.drafts.unsaved and next_tick_in(app) <= 1.1  # until it is saved
