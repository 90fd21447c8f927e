"""`rf-tui` turns the cyclic collector off while the app loads (rf_tui/cli/__init__.py):
the app turns it back on once the first queue is on screen."""

from __future__ import annotations

import gc

from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready


async def test_the_collector_is_back_on_once_the_first_queue_is_shown(make: AppFactory) -> None:
    app = make()
    gc.disable()  # as `rf-tui` leaves it for the app
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot, rows=3)
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
