"""The feed: one consumer of the stream and the queue, against real servers and broken ones."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream, Live, Reconnecting
from rf_tui.feed import events as ev
from rf_tui.feed.feed import DETAILS_ONE_BY_ONE, Feed
from tests.canned import response
from tests.helpers import DANA, SAM, FakeClock, Running, wait_for
from tests.hostile.server import API, T0, Hostile, entry

STREAM = f"{API}/ai-sessions/escalations/stream"


class Recorder:
    def __init__(self) -> None:
        self.events: list[ev.FeedEvent] = []

    def __call__(self, event: ev.FeedEvent) -> None:
        self.events.append(event)

    def of(self, kind: type[ev.FeedEvent]) -> list[ev.FeedEvent]:
        return [e for e in self.events if isinstance(e, kind)]


@asynccontextmanager
async def running_feed(feed: Feed) -> AsyncIterator[asyncio.Task[object]]:
    task = asyncio.ensure_future(feed.run())
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def quick(client: Client) -> EscalationStream:
    return EscalationStream(
        client, heartbeat=0.2, read_timeout=0.8, backoff_base=0.05, backoff_cap=0.3
    )


async def test_the_queue_is_loaded_while_a_proxy_refuses_the_stream() -> None:
    """A 502 for the stream alone must not leave a real queue looking empty."""
    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = response(
            502, "<html>Bad Gateway</html>", content_type="text/html"
        )
        seen = Recorder()
        async with Client(hostile.url, "token") as client:
            feed = Feed(client, seen, stream=quick(client), clock=FakeClock(T0))
            async with running_feed(feed):
                await wait_for(lambda: len(feed.queue) == 3, what="the queue")
                await wait_for(lambda: isinstance(feed.state, Reconnecting), what="a retry")
        first = [e for e in seen.of(ev.QueueChanged) if e.cause == "first"]  # type: ignore[union-attr]
        assert [len(e.added) for e in first] == [3]  # type: ignore[union-attr]
        assert feed.loaded and feed.load_problem is None


async def test_the_queue_is_loaded_while_a_proxy_buffers_the_stream() -> None:
    """A proxy that holds event streams back answers 200 and then sends nothing."""

    async def buffered(writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b"", content_type="text/event-stream", length=False))
        await writer.drain()
        await asyncio.Event().wait()  # the proxy waits for the "whole" answer

    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = buffered
        seen = Recorder()
        async with Client(hostile.url, "token") as client:
            feed = Feed(client, seen, stream=quick(client), clock=FakeClock(T0))
            async with running_feed(feed):
                await wait_for(lambda: len(feed.queue) == 3, what="the queue")
        assert not isinstance(feed.state, Live)  # no frame ever came through


async def test_behind_a_buffering_proxy_arrivals_come_by_polling_in_seconds() -> None:
    """No stream gets through, but the API does: the queue is fetched every few seconds,
    not every 30, so a junior's escalation is late by seconds."""

    async def buffered(writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b"", content_type="text/event-stream", length=False))
        await writer.drain()
        await asyncio.Event().wait()

    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = buffered
        async with Client(hostile.url, "token") as client:
            stream = EscalationStream(client)  # the real read timeout: it never goes live
            feed = Feed(client, Recorder(), stream=stream, reconcile_every=30.0,
                        unlive_every=0.2, clock=FakeClock(T0))  # fmt: skip
            async with running_feed(feed):
                await wait_for(lambda: len(feed.queue) == 3, what="the queue")
                hostile.queue.insert(0, entry(9))
                await wait_for(lambda: "h9" in feed.queue, timeout=5, what="the arrival")
                assert not isinstance(feed.state, Live) and feed.poll_every == 0.2


async def test_a_queue_never_loaded_is_said_so_never_as_empty() -> None:
    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = response(502, "")
        hostile.routes[("GET", f"{API}/ai-sessions/queue")] = response(502, "")
        seen = Recorder()
        async with Client(hostile.url, "token") as client:
            feed = Feed(client, seen, stream=quick(client), clock=FakeClock(T0))
            async with running_feed(feed):
                await wait_for(lambda: bool(seen.of(ev.QueueLoadFailed)), what="a failure")
                failed = seen.of(ev.QueueLoadFailed)[0]
                assert isinstance(failed, ev.QueueLoadFailed) and not failed.loaded
                assert failed.text().startswith("Queue not loaded yet: The server had a problem")
                # The metric does not wait for the queue: no "loading…" for ever.
                await wait_for(lambda: feed.metrics is not None, what="the metric anyway")
                hostile.routes.pop(("GET", f"{API}/ai-sessions/queue"))
                # It keeps trying on its own, backing off, until the queue comes.
                await wait_for(lambda: feed.loaded, timeout=8, what="the queue after all")
        assert not [e for e in seen.of(ev.QueueChanged) if e.cause == "first" and not e.added]  # type: ignore[union-attr]


async def test_a_burst_costs_a_refetch_not_a_request_per_arrival(rf: Running) -> None:
    """The server drops events for subscribers that fall behind: no request per arrival."""
    sam = await rf.client(SAM)
    sessions = [await sam.create_session(f"Burst {i}") for i in range(12)]
    lookups: list[str] = []

    async def count(request: httpx.Request) -> None:
        if request.url.path.endswith("/handoffs"):
            lookups.append(request.url.path)

    seen = Recorder()
    dana = await rf.client(DANA)
    dana.http.event_hooks["request"].append(count)
    feed = Feed(dana, seen, clock=rf.clock or FakeClock(), reconcile_every=600.0)
    async with running_feed(feed):
        await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
        await asyncio.gather(*(sam.hand_off(s.id) for s in sessions))
        want = {f"Burst {i}" for i in range(12)}
        await wait_for(
            lambda: {e.summary for e in feed.queue.entries()} >= want,
            what="every arrival with its summary",
        )
    assert len(lookups) <= DETAILS_ONE_BY_ONE, lookups  # the first few, then one refetch
    arrivals = [e for e in seen.of(ev.QueueChanged) if e.cause == "arrival"]  # type: ignore[union-attr]
    assert len(arrivals) == 12  # each still painted the moment it came


async def test_a_loop_that_raises_is_retried_with_backoff_not_hot() -> None:
    """A port out of range makes httpx raise what nobody foresaw: back off, never spin."""
    delays: list[float] = []
    seen = Recorder()

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.sleep(0)

    async with Client("http://127.0.0.1:99999", "token") as client:
        feed = Feed(client, seen, stream=EscalationStream(client, sleep=sleep), sleep=sleep)
        async with running_feed(feed):
            await wait_for(lambda: len(seen.of(ev.Trouble)) >= 6, what="six failures")
    troubles = [e.retry_in for e in seen.of(ev.Trouble)]  # type: ignore[union-attr]
    # Each loop backs off on its own: 0.25 to 0.5 s, then 0.5 to 1 s, then 1 to 2 s …
    by_loop: dict[str, list[float]] = {}
    for event in seen.of(ev.Trouble):
        assert isinstance(event, ev.Trouble)
        by_loop.setdefault(event.what, []).append(event.retry_in)
    assert any(len(waits) >= 3 for waits in by_loop.values()), by_loop
    for waits in by_loop.values():
        for attempt, wait in enumerate(waits, 1):
            assert wait >= min(30.0, 0.5 * 2 ** (attempt - 1)) / 2, (attempt, waits)
    assert troubles


async def test_a_loop_that_raises_costs_almost_no_cpu() -> None:
    """Measured, not assumed: a second and a half of a broken server URL, in CPU seconds."""
    seen = Recorder()
    async with Client("http://127.0.0.1:99999", "token") as client:
        feed = Feed(client, seen)
        cpu = time.process_time()
        async with running_feed(feed):
            await asyncio.sleep(1.5)  # the measurement window itself, not a synchronisation
        spent = time.process_time() - cpu
    assert 1 <= len(seen.of(ev.Trouble)) <= 12
    assert spent < 0.5, f"{spent:.2f} CPU seconds in 1.5 s: a hot loop"


async def test_claim_names_and_a_lost_race_sentence(rf: Running) -> None:
    from rf_tui.feed import outcomes as out
    from tests.helpers import ALEX

    seen = Recorder()
    dana = await rf.client(DANA)
    alex = await rf.client(ALEX)
    feed = Feed(dana, seen, clock=rf.clock or FakeClock())
    async with running_feed(feed):
        await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
        first, second = feed.queue.entries()[:2]
        await alex.claim(first.session_id, first.id)
        await wait_for(lambda: first.id not in feed.queue, what="the claim event")
        lost = await feed.claim(first)
        won = await feed.claim(second)
    gone = [d for e in seen.of(ev.QueueChanged) for d in e.removed]  # type: ignore[union-attr]
    assert ev.Departure(first.id, "Alex Moreno") in gone
    assert ev.Departure(second.id, "Dana Whitfield", by_me=True) in gone or any(
        d.handoff_id == second.id and d.by_me for d in gone
    )
    assert isinstance(lost, out.ClaimLost) and lost.winner == "Alex Moreno"
    assert lost.sentence(rf.clock() if rf.clock else T0).startswith(
        "Already claimed by Alex Moreno"
    )
    assert isinstance(won, out.Claimed)
