"""[ours] The reconcile of an unchanged queue: no parse, no state work, nothing told."""

from __future__ import annotations

import httpx
import pytest

from rf_tui.api.client import Client
from rf_tui.api.stream import Live
from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from rf_tui.server.seed import DEMO_PASSWORD
from tests.api.test_conditional import QUEUE, Parses
from tests.feed.test_feed import Recorder, running_feed
from tests.helpers import ALEX, DANA, SAM, FakeClock, Running, wait_for


class StaleProxy(httpx.AsyncHTTPTransport):
    """Answers every conditional queue request 304 itself, whatever the server holds."""

    def __init__(self) -> None:
        super().__init__()
        self.stale = False
        self.sent: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == QUEUE:
            self.sent.append(request.headers.get("if-none-match"))
            if self.stale and "if-none-match" in request.headers:
                return httpx.Response(304, request=request)
        return await super().handle_async_request(request)


async def server_ids(rf: Running) -> set[str]:
    alex = await rf.client(ALEX)
    return {e.id for e in await alex.queue()}


async def test_an_idle_reconcile_parses_nothing_and_tells_nothing(
    rf: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = Recorder()
    dana = await rf.client(DANA)
    parses = Parses(monkeypatch)
    feed = Feed(dana, seen, clock=rf.clock or FakeClock(), reconcile_every=600.0)
    async with running_feed(feed):
        await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
        # The stream's backfill on connecting may still be asking: counts are at least.
        told, before = len(seen.of(ev.QueueChanged)), feed.unchanged
        for n in (1, 2):
            feed.refetch()
            await wait_for(lambda n=n: feed.unchanged >= before + n, what="unchanged")  # type: ignore[misc]
        assert parses.count == 1  # the first answer only
        assert len(seen.of(ev.QueueChanged)) == told
        # A change is read whole, and told.
        sam = await rf.client(SAM)
        await sam.hand_off((await sam.create_session("Printer offline")).id)
        await wait_for(lambda: len(feed.queue) == 4, what="the arrival")
        feed.refetch()
        await wait_for(lambda: parses.count == 2, what="the next answer read whole")
    assert feed.unchanged >= 2


async def test_a_stale_304_from_a_proxy_after_a_change_still_converges(rf: Running) -> None:
    proxy = StaleProxy()
    dana = Client(rf.url, transport=proxy)
    await dana.login(DANA, DEMO_PASSWORD)
    alex, sam = await rf.client(ALEX), await rf.client(SAM)
    feed = Feed(dana, Recorder(), clock=rf.clock or FakeClock(), reconcile_every=600.0)
    async with running_feed(feed):
        await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
        proxy.stale = True
        taken = feed.queue.entries()[0]
        await alex.claim(taken.session_id, taken.id)
        await sam.hand_off((await sam.create_session("Printer offline")).id)
        want = await server_ids(rf)
        await wait_for(lambda: feed.queue.ids() == want, what="the stream's news")
        # The queue moved here since the last answer: the next one is asked for whole,
        # so the proxy's stale 304 never gets a say.
        await wait_for(lambda: not any(feed.queue.is_partial(i) for i in want), what="the details")
        asked, unchanged = len(proxy.sent), feed.unchanged
        feed.refetch()
        await wait_for(lambda: len(proxy.sent) > asked, what="the refetch")
        assert proxy.sent[asked] is None
        feed.refetch()  # nothing moved since: the (stale) 304 is believed, and right
        await wait_for(lambda: feed.unchanged > unchanged, what="the 304")
        assert proxy.sent[-1] is not None
        assert feed.queue.ids() == want
    await dana.aclose()


class TestWithoutEtags:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, quirks=Quirks.parse(["no-etag"]))

    async def test_the_same_bytes_are_an_unchanged_queue(
        self, rf: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seen = Recorder()
        dana = await rf.client(DANA)
        parses = Parses(monkeypatch)
        feed = Feed(dana, seen, clock=rf.clock or FakeClock(), reconcile_every=600.0)
        async with running_feed(feed):
            await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
            before = feed.unchanged
            feed.refetch()
            await wait_for(lambda: feed.unchanged > before, what="an unchanged answer")
        assert parses.count == 1
