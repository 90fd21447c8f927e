"""Two replicas, one Postgres, one Redis, a balancer: what a client sees across them.

An escalation made on one replica reaches a stream on the other; a claim race
spread over both has one winner; the queue's ETag is the same whichever replica
answers. The stack is real (tests/replicas/stack.py): processes, loopback, HAProxy.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed
from rf_tui.api.models import HandoffCreated
from rf_tui.api.stream import Backfill, EscalationStream, StreamItem
from rf_tui.server.seed import DEMO_PASSWORD
from tests.helpers import DANA, SAM, wait_for
from tests.replicas.conftest import SENIORS
from tests.replicas.stack import Stack

ARRIVALS = 200
TRIALS = 50


async def signed_in(url: str, email: str) -> Client:
    client = Client(url)
    await client.login(email, DEMO_PASSWORD)
    return client


async def until_backfill(items: AsyncIterator[StreamItem]) -> None:
    async for item in items:
        if isinstance(item, Backfill):
            return


async def test_an_escalation_made_on_a_reaches_a_stream_on_b_within_a_second(
    replicas: Stack,
) -> None:
    sam = await signed_in(replicas.replica_url("a"), SAM)
    dana = await signed_in(replicas.replica_url("b"), DANA)
    items = EscalationStream(dana, heartbeat=1.0).items()
    await asyncio.wait_for(until_backfill(items), 10)
    made: dict[str, float] = {}
    heard: dict[str, float] = {}

    async def listen() -> None:
        async for item in items:  # often heard before hand_off has returned on a
            if isinstance(item, HandoffCreated):
                heard[item.handoff_id] = time.monotonic()

    listener = asyncio.create_task(listen())
    try:
        for i in range(ARRIVALS):
            session = await sam.create_session(f"Across replicas {i}")
            sent = time.monotonic()
            handoff = await sam.hand_off(session.id)
            made[handoff.id] = sent
        await wait_for(lambda: made.keys() <= heard.keys(), timeout=30, what="every arrival")
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await items.aclose()  # type: ignore[attr-defined]
        await sam.aclose()
        await dana.aclose()
    latencies = sorted(heard[h] - made[h] for h in made)
    p50, p99 = (latencies[round(q * (len(latencies) - 1))] for q in (0.5, 0.99))
    assert made.keys() <= heard.keys()  # every one, on the other replica's stream
    print(f"replica a → stream on b: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    assert p99 <= 1.0, f"p99 {p99 * 1000:.0f} ms from replica a to a stream on b"


async def test_a_claim_race_spread_over_both_replicas_has_one_winner(replicas: Stack) -> None:
    sam = await signed_in(replicas.url, SAM)
    urls = [replicas.replica_url(name) for name in ("a", "b")]
    seniors = await asyncio.gather(
        *(signed_in(urls[i % 2], f"senior{i:03d}@northwind.example") for i in range(SENIORS))
    )
    outcomes = []
    try:
        for trial in range(TRIALS):
            handoff = await sam.hand_off((await sam.create_session(f"Race {trial}")).id)
            results = await asyncio.gather(
                *(s.claim(handoff.session_id, handoff.id) for s in seniors),
                return_exceptions=True,
            )
            winners = [r for r in results if not isinstance(r, BaseException)]
            lost = [r for r in results if isinstance(r, AlreadyClaimed)]
            outcomes.append((len(winners), len(lost)))
    finally:
        for client in (sam, *seniors):
            await client.aclose()
    assert outcomes == [(1, SENIORS - 1)] * TRIALS


async def test_the_queue_reads_the_same_from_either_replica(replicas: Stack) -> None:
    """A client that the balancer moves to the other replica is told "unchanged"."""
    sam = await signed_in(replicas.replica_url("a"), SAM)
    a = await signed_in(replicas.replica_url("a"), DANA)
    b = Client(replicas.replica_url("b"), a.token)
    try:
        handoff = await sam.hand_off((await sam.create_session("Seen from both sides")).id)

        async def assessed() -> str:  # until then the queue is about to change again
            while True:
                first = await a.http.get("/ai-sessions/queue", headers=a.auth_headers())
                row = next(r for r in first.json() if r["id"] == handoff.id)
                if row["ai_assessment_data"] is not None:
                    return first.headers["etag"]
                await asyncio.sleep(0.05)

        etag = await asyncio.wait_for(assessed(), 10)
        again = await b.http.get(
            "/ai-sessions/queue", headers={**b.auth_headers(), "If-None-Match": etag}
        )
        assert again.status_code == 304
        await sam.hand_off((await sam.create_session("Written on a")).id)
        changed = await b.http.get(
            "/ai-sessions/queue", headers={**b.auth_headers(), "If-None-Match": etag}
        )
        assert changed.status_code == 200  # b's cached answer knew of a's write
        assert "Written on a" in changed.text
    finally:
        for client in (sam, a, b):
            await client.aclose()
