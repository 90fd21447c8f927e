"""A replica killed -9, Redis restarted, Postgres restarted, under open streams.

Seniors' feeds follow the queue through the balancer while Sam keeps escalating
and Alex keeps claiming. After each fault every feed must be live again and hold
exactly the server's queue: 0 missed, 0 ghosts, without waiting for its 30 s
refresh (it reconnects and backfills). `make test` runs each fault once;
`make soak` runs 20 cycles of each (RF_REPLICA_CYCLES=20).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable

import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import ApiError
from rf_tui.api.stream import EscalationStream, Live
from rf_tui.feed.feed import Feed
from rf_tui.server.seed import DEMO_PASSWORD
from tests.faults.test_fault_cycle import World
from tests.helpers import DANA
from tests.replicas.stack import Stack

CYCLES = int(os.environ.get("RF_REPLICA_CYCLES", "1"))
FEEDS = 6
#: A feed must hold the server's queue this soon after a fault: well under its 30 s
#: refresh, so what brings it back is the reconnect and its backfill.
CONVERGE_WITHIN = 15.0


@contextlib.asynccontextmanager
async def feeds(url: str, token: str, count: int) -> AsyncIterator[list[Feed]]:
    clients = [Client(url, token, deadline=3.0) for _ in range(count)]
    started = [
        Feed(
            client,
            lambda _event: None,
            stream=EscalationStream(
                client, heartbeat=1.0, read_timeout=3.0, backoff_base=0.05, backoff_cap=0.5
            ),
        )
        for client in clients
    ]
    tasks = [asyncio.create_task(feed.run()) for feed in started]
    try:
        yield started
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in clients:
            await client.aclose()


async def server_queue(url: str, token: str) -> set[str] | None:
    try:
        async with Client(url, token, deadline=3.0) as client:
            return {e.id for e in await client.queue()}
    except ApiError:
        return None


async def converge(replicas: Stack, token: str, following: list[Feed], what: str) -> float:
    """Seconds until every feed is live and holds the server's queue."""
    started = time.monotonic()
    while True:
        truth = await server_queue(replicas.url, token)
        if truth is not None and all(
            isinstance(f.state, Live) and f.queue.ids() == truth for f in following
        ):
            return time.monotonic() - started
        if time.monotonic() - started > CONVERGE_WITHIN:
            held = [f.queue.ids() for f in following]
            missed = max(len((truth or set()) - ids) for ids in held)
            ghosts = max(len(ids - (truth or set())) for ids in held)
            live = sum(isinstance(f.state, Live) for f in following)
            pytest.fail(f"{what}: {live}/{len(following)} live, missed {missed}, ghosts {ghosts}")
        await asyncio.sleep(0.1)


async def cycles(replicas: Stack, fault: Callable[[int], None], what: str) -> None:
    async with Client(replicas.url) as login:
        token = (await login.login(DANA, DEMO_PASSWORD)).access_token
    world = World(replicas.url, every=0.05, deadline=3.0)  # Sam escalates, Alex claims
    worker = asyncio.create_task(world.run())
    took: list[str] = []
    try:
        async with feeds(replicas.url, token, FEEDS) as following:
            await converge(replicas, token, following, "before any fault")
            for cycle in range(CYCLES):
                escalated = world.escalated
                await asyncio.to_thread(fault, cycle)
                await asyncio.sleep(0.5)  # escalations and claims go on meanwhile
                world.paused.set()
                took.append(f"{await converge(replicas, token, following, what):.1f}s")
                world.paused.clear()
                assert world.escalated >= escalated  # the world kept going where it could
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert world.escalated > CYCLES and world.claimed > 0
    print(f"{what}: converged after", ", ".join(took))


async def test_a_replica_killed_under_open_streams(replicas: Stack) -> None:
    def kill(cycle: int) -> None:
        name = "ab"[cycle % 2]
        replicas.kill_replica(name)
        time.sleep(0.3)  # the fault: one replica gone a moment
        replicas.start_replica(name)

    await cycles(replicas, kill, "replica killed -9")


async def test_redis_restarted_under_open_streams(replicas: Stack) -> None:
    await cycles(replicas, lambda _: replicas.restart_redis(), "Redis restarted")


async def test_postgres_restarted_under_open_streams(replicas: Stack) -> None:
    await cycles(replicas, lambda _: replicas.restart_postgres(), "Postgres restarted")
