"""The Redis bus on its own, against a real redis-server: what a replica promises its
streams when Redis comes and goes (rf_tui/server/broker.py)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from rf_tui.server.broker import RedisBus
from rf_tui.server.bus import CLOSED, BusDown, Item, Subscription
from tests.helpers import wait_for
from tests.replicas.stack import _program, free_port, install_missing, listening, wait_until


class Redis:
    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [_program("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: listening(self.port), "Redis")

    def crash(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Redis]:
    install_missing()
    server = Redis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.crash()


@pytest.fixture
async def bus(redis_server: Redis) -> AsyncIterator[RedisBus]:
    bus = RedisBus(redis_server.url, buffer=8)
    await bus.start()
    yield bus
    await bus.aclose()


async def next_item(queue: Subscription) -> Item:
    return await asyncio.wait_for(queue.get(), 5)


async def until(condition: Callable[[], bool], what: str) -> None:
    await wait_for(condition, timeout=10, what=what)


async def test_an_event_goes_out_through_redis_and_back_to_this_replicas_streams(
    bus: RedisBus,
) -> None:
    mine, other = bus.subscribe("northwind"), bus.subscribe("contoso")
    assert bus.publish("northwind", {"type": "handoff_created", "handoff_id": "h1"}) == 0
    frame = await next_item(mine)
    assert isinstance(frame, bytes) and b'"handoff_id": "h1"' in frame
    assert other.empty()  # one channel per account


async def test_two_replicas_hear_each_other(redis_server: Redis) -> None:
    a, b = RedisBus(redis_server.url), RedisBus(redis_server.url)
    await a.start()
    await b.start()
    try:
        on_b = b.subscribe("northwind")
        a.publish("northwind", {"type": "handoff_created", "handoff_id": "from-a"})
        frame = await next_item(on_b)
        assert isinstance(frame, bytes) and b"from-a" in frame
    finally:
        await a.aclose()
        await b.aclose()


async def test_losing_redis_ends_every_stream_and_refuses_new_ones_until_it_is_back(
    bus: RedisBus, redis_server: Redis
) -> None:
    stream = bus.subscribe("northwind")
    bus.publish("northwind", {"type": "handoff_created", "handoff_id": "before"})
    assert b"before" in await next_item(stream)  # type: ignore[operator]
    redis_server.crash()
    assert await next_item(stream) is CLOSED  # its client reconnects and backfills
    await until(lambda: not bus.accepting, "the bus to refuse streams")
    with pytest.raises(BusDown):
        bus.subscribe("northwind")
    bus.publish("northwind", {"type": "handoff_created", "handoff_id": "lost"})  # no wait
    assert bus.lost >= 1

    redis_server.start()
    await until(lambda: bus.accepting, "the listener to be back")
    again = bus.subscribe("northwind")
    # The sender's connection died with Redis: this event must still get through.
    bus.publish("northwind", {"type": "handoff_created", "handoff_id": "after"})
    frame = await next_item(again)
    assert isinstance(frame, bytes) and b"after" in frame
