"""The header's count and sort beside a long link line: fewer words, never a cut sort.

A backend that sends a malformed row makes the link line say so ("1 unreadable row"),
and 4-digit counts do the same at 120 columns: the words that gave way then were the
sort's ("newest …"), which the header promises to keep.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from tests.helpers import FakeClock, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, until


class TestBesideALongLinkLine:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, quirks=Quirks.parse(["bad-row"]))

    async def test_the_count_takes_fewer_words_and_the_sort_stays_whole(
        self, make: AppFactory, rf: Running
    ) -> None:
        app = make()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot, rows=3)
            screen = app.queue_screen
            counts = screen.query_one("#counts", Static)
            await until(pilot, lambda: "unreadable" in screen.link_text().plain, "the bad row")
            await until(pilot, lambda: str(counts.content).endswith("· newest"), "the sort, whole")
            text = str(counts.content)
            assert text.startswith("3 waiting · 3 unread"), text
            assert len(text) <= counts.size.width
