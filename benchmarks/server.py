"""The reference server: fan-out latency, the claim race, queue throughput."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
from httpx_sse import aconnect_sse

from benchmarks.common import Figure, Section, dist_ms, prepare_db, served
from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed
from rf_tui.server.seed import DEMO_PASSWORD

CMD = "make bench  (benchmarks/server.py)"


async def _sign_in(url: str, email: str) -> Client:
    client = Client(url)
    await client.login(email, DEMO_PASSWORD)
    return client


async def fanout(url: str, subscribers: int, arrivals: int) -> list[float]:
    """Latency from the server's created_at to each bare httpx-sse consumer's receipt."""
    dana = await _sign_in(url, "dana@northwind.example")
    sam = await _sign_in(url, "sam@northwind.example")
    latencies: list[float] = []
    ready = 0
    all_ready = asyncio.Event()
    limits = httpx.Limits(max_connections=subscribers + 10)
    async with httpx.AsyncClient(base_url=url + "/api/v1", timeout=60, limits=limits) as http:

        async def consume() -> None:
            nonlocal ready
            async with aconnect_sse(
                http, "GET", "/ai-sessions/escalations/stream", headers=dana.auth_headers()
            ) as source:
                seen = 0
                async for sse in source.aiter_sse():
                    if sse.event == "ready":
                        ready += 1
                        if ready == subscribers:
                            all_ready.set()
                    elif sse.event == "handoff_created":
                        created = datetime.fromisoformat(sse.json()["created_at"]).timestamp()
                        latencies.append(time.time() - created)
                        seen += 1
                        if seen == arrivals:
                            return

        tasks = [asyncio.create_task(consume()) for _ in range(subscribers)]
        await asyncio.wait_for(all_ready.wait(), timeout=60)
        for i in range(arrivals):
            session = await sam.create_session(f"Benchmark arrival {i}")
            await sam.hand_off(session.id)
            await asyncio.sleep(0.05)  # a paced stream of arrivals, not one burst
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
    await dana.aclose()
    await sam.aclose()
    return latencies


async def claim_race(url: str, claimers: int, trials: int) -> tuple[int, int]:
    """Trials with exactly one winner, out of ``trials``."""
    sam = await _sign_in(url, "sam@northwind.example")
    seniors = await asyncio.gather(
        *(_sign_in(url, f"senior{i:03d}@northwind.example") for i in range(claimers))
    )
    good = 0
    for t in range(trials):
        session = await sam.create_session(f"Race {t}")
        handoff = await sam.hand_off(session.id)
        results = await asyncio.gather(
            *(s.claim(session.id, handoff.id) for s in seniors), return_exceptions=True
        )
        winners = sum(not isinstance(r, BaseException) for r in results)
        losers = sum(isinstance(r, AlreadyClaimed) for r in results)
        good += winners == 1 and losers == claimers - 1
    for client in (sam, *seniors):
        await client.aclose()
    return good, trials


async def queue_throughput(url: str, entries: int, seconds: float) -> tuple[int, float]:
    sam = await _sign_in(url, "sam@northwind.example")
    dana = await _sign_in(url, "dana@northwind.example")
    for i in range(entries - len(await dana.queue())):
        await sam.hand_off((await sam.create_session(f"Backlog item {i}")).id)
    size = len(await dana.queue())
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        await dana.queue()
        count += 1
    elapsed = time.perf_counter() - start
    await sam.aclose()
    await dana.aclose()
    return size, count / elapsed


def run(quick: bool) -> Section:
    subscribers, arrivals = (20, 10) if quick else (500, 100)
    claimers, trials = (10, 3) if quick else (100, 50)
    entries, seconds = (50, 0.5) if quick else (1000, 5.0)
    section = Section("Reference server")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        prepare_db(db, extra_seniors=claimers)
        with served(db) as url:
            lat = asyncio.run(fanout(url, subscribers, arrivals))
            section.figures.append(
                Figure(
                    f"fan-out latency, {subscribers} subscribers x {arrivals} arrivals",
                    dist_ms(lat),
                    "p99 ≤ 100 ms",
                    CMD,
                    f"p50 / p95 / p99 of {len(lat)} deliveries to bare httpx-sse consumers "
                    "in one process",
                )
            )
            good, total = asyncio.run(claim_race(url, claimers, trials))
            section.figures.append(
                Figure(
                    f"claim race, {claimers} concurrent claimers",
                    f"1 winner in {good}/{total} trials",
                    f"{total}/{total}",
                    CMD,
                )
            )
            size, rate = asyncio.run(queue_throughput(url, entries, seconds))
            section.figures.append(
                Figure(
                    f"GET /queue throughput, {size} entries, one client",
                    f"{rate:.1f} req/s",
                    "",
                    CMD,
                )
            )
    return section
