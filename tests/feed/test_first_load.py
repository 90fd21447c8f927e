"""The first load asks who we are and for the rows at once (one round trip before the
queue can be painted, not two), and still tells them in their order."""

from __future__ import annotations

import asyncio

from rf_tui.api.client import Client, QueueTag, Rows, Unchanged
from rf_tui.api.models import Me
from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.server.seed import DEMO_PASSWORD
from tests.feed.test_feed import Recorder, running_feed
from tests.helpers import DANA, FakeClock, Running, wait_for


class WhoAfterRows(Client):
    """Answers /users/me only once the rows have been asked for: a feed that waits for
    one answer before asking the other never loads."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rows_asked = asyncio.Event()

    async def queue_rows_if_changed(self, last: QueueTag | None) -> Rows | Unchanged:
        self.rows_asked.set()
        return await super().queue_rows_if_changed(last)

    async def me(self) -> Me:
        await self.rows_asked.wait()
        return await super().me()


async def test_who_and_the_rows_are_asked_at_once_and_told_in_order(rf: Running) -> None:
    async with WhoAfterRows(rf.url) as client:
        await client.login(DANA, DEMO_PASSWORD)
        sink = Recorder()
        feed = Feed(client, sink, clock=FakeClock())
        async with running_feed(feed):
            await wait_for(lambda: feed.loaded, what="the first load")
        told = [type(e) for e in sink.events if isinstance(e, ev.SignedIn | ev.QueueChanged)]
        assert told[:2] == [ev.SignedIn, ev.QueueChanged]
        assert feed.me is not None and feed.me.email == DANA
