"""[ours] The queue asked for with If-None-Match, and the byte-hash fallback without ETags."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rf_tui.api import client as client_module
from rf_tui.api.client import Client, Rows, Unchanged
from rf_tui.api.errors import BadResponse
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from rf_tui.server.seed import DEMO_PASSWORD
from tests.helpers import ALEX, DANA, SAM, FakeClock, Running

QUEUE = "/api/v1/ai-sessions/queue"


class Parses:
    """Counts the queue answers parsed row by row."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = client_module.parse_rows_in_turns

        async def counting(data: Any) -> Rows:
            self.count += 1
            return await real(data)

        monkeypatch.setattr(client_module, "parse_rows_in_turns", counting)


class Proxy(httpx.AsyncHTTPTransport):
    """A transport in front of the server that can rewrite what it passes on."""

    def __init__(self) -> None:
        super().__init__()
        self.weaken = False  # ETags come back as W/"…" (a proxy that compresses)
        self.not_modified = 0  # this many queue requests answered 304 by the "proxy" itself
        self.sent: list[str | None] = []  # the If-None-Match of each queue request

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == QUEUE:
            self.sent.append(request.headers.get("if-none-match"))
            if self.not_modified:
                self.not_modified -= 1
                return httpx.Response(304, request=request)
        response = await super().handle_async_request(request)
        if self.weaken and "etag" in response.headers:
            response.headers["etag"] = "W/" + response.headers["etag"]
        return response


async def behind(rf: Running, proxy: Proxy, email: str = DANA) -> Client:
    client = Client(rf.url, transport=proxy)
    await client.login(email, DEMO_PASSWORD)
    return client


async def test_an_unchanged_queue_is_a_304_and_not_parsed(
    rf: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = Proxy()
    async with await behind(rf, proxy) as dana:
        parses = Parses(monkeypatch)
        first = await dana.queue_rows_if_changed(None)
        assert isinstance(first, Rows) and len(first.entries) == 3 and first.tag is not None
        assert first.tag.etag is not None
        again = await dana.queue_rows_if_changed(first.tag)
        assert again == Unchanged(first.tag)
        assert parses.count == 1
        assert proxy.sent == [None, first.tag.etag]


async def test_a_claim_makes_it_whole_again(rf: Running) -> None:
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    first = await dana.queue_rows_if_changed(None)
    assert isinstance(first, Rows)
    await alex.claim(first.entries[0].session_id, first.entries[0].id)
    after = await dana.queue_rows_if_changed(first.tag)
    assert isinstance(after, Rows) and len(after.entries) == 2
    assert after.tag is not None and first.tag is not None and after.tag != first.tag


async def test_a_weakened_etag_is_still_a_match(rf: Running) -> None:
    proxy = Proxy()
    proxy.weaken = True
    async with await behind(rf, proxy) as dana:
        first = await dana.queue_rows_if_changed(None)
        assert isinstance(first, Rows) and first.tag is not None
        assert first.tag.etag is not None and first.tag.etag.startswith('W/"')
        assert isinstance(await dana.queue_rows_if_changed(first.tag), Unchanged)
        assert proxy.sent[-1] == first.tag.etag


async def test_a_304_with_nothing_to_reuse_asks_again_and_does_not_crash(rf: Running) -> None:
    proxy = Proxy()
    async with await behind(rf, proxy) as dana:
        proxy.not_modified = 1  # a cache's 304 to a request that named no ETag
        rows = await dana.queue_rows_if_changed(None)
        assert isinstance(rows, Rows) and len(rows.entries) == 3
        proxy.not_modified = 2  # and a cache that says so every time
        with pytest.raises(BadResponse, match="304 Not Modified"):
            await dana.queue_rows_if_changed(None)
        assert isinstance(await dana.queue_rows_if_changed(None), Rows)  # and then not


class TestWithoutEtags:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, quirks=Quirks.parse(["no-etag"]))

    async def test_the_same_bytes_are_not_parsed_again(
        self, rf: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        dana, sam = await rf.client(DANA), await rf.client(SAM)
        parses = Parses(monkeypatch)
        first = await dana.queue_rows_if_changed(None)
        assert isinstance(first, Rows) and first.tag is not None and first.tag.etag is None
        assert await dana.queue_rows_if_changed(first.tag) == Unchanged(first.tag)
        assert parses.count == 1
        await sam.hand_off((await sam.create_session("Printer offline")).id)
        after = await dana.queue_rows_if_changed(first.tag)
        assert isinstance(after, Rows) and len(after.entries) == 4
        assert parses.count == 2
