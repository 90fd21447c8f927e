"""The bus on its own: bounded, drop-on-full, never blocking a publisher."""

from __future__ import annotations

import asyncio
import json

from rf_tui.server.app import sse_frames
from rf_tui.server.bus import KEEPALIVE, Bus


async def test_full_subscriber_drops_and_others_still_receive() -> None:
    bus = Bus(buffer=64)
    stuck, live = bus.subscribe("acct"), bus.subscribe("acct")
    received = []
    for i in range(200):
        delivered = bus.publish("acct", {"type": "handoff_created", "n": i})
        received.append(live.get_nowait())  # the live one keeps up
        assert delivered == (2 if i < 64 else 1)
    assert stuck.qsize() == 64
    assert [json.loads(f.split(b"data: ")[1])["n"] for f in received] == list(range(200))
    assert bus.dropped == 200 - 64


async def test_publish_reaches_only_the_account() -> None:
    bus = Bus()
    mine, theirs = bus.subscribe("a"), bus.subscribe("b")
    assert bus.publish("a", {"type": "x"}) == 1
    assert mine.qsize() == 1 and theirs.qsize() == 0
    assert bus.publish("nobody", {"type": "x"}) == 0


async def test_unsubscribe_forgets_the_queue() -> None:
    bus = Bus()
    q = bus.subscribe("a")
    bus.unsubscribe("a", q)
    assert bus.subscriber_count() == 0
    assert bus.publish("a", {"type": "x"}) == 0


async def test_close_ends_a_stream_even_when_its_buffer_is_full() -> None:
    bus = Bus(buffer=2)
    frames = sse_frames(bus, "a", keepalive=60)
    assert (await anext(frames)).startswith(b"event: ready")
    for i in range(5):
        bus.publish("a", {"type": "handoff_created", "n": i})
    bus.close()
    rest = [frame async for frame in frames]
    assert len(rest) == 1  # one buffered event survived; the close took the other's place
    assert bus.subscriber_count() == 0


async def test_an_abandoned_stream_unsubscribes() -> None:
    bus = Bus()
    frames = sse_frames(bus, "a", keepalive=60)
    await anext(frames)
    assert bus.subscriber_count("a") == 1
    task = asyncio.ensure_future(anext(frames))
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await frames.aclose()
    assert bus.subscriber_count("a") == 0


async def test_a_keepalive_comes_after_silence_counted_from_the_last_event() -> None:
    bus = Bus()
    queue = bus.subscribe("a", keepalive=0.2)
    loop = asyncio.get_running_loop()
    bus.publish("a", {"type": "x"})
    sent = loop.time()
    assert (await asyncio.wait_for(queue.get(), 1)).startswith(b"event: x")
    assert await asyncio.wait_for(queue.get(), 1) == KEEPALIVE
    assert 0.2 <= loop.time() - sent < 0.5  # silence, then at most a tick (1/4) late
    bus.unsubscribe("a", queue)
    bus.close()
