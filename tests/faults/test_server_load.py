"""The reference server under load: many subscribers, steady escalations.

`make test` runs 3 s of it; `make soak` runs the issue's 60 s with 200
subscribers at 20 escalations a second (RF_SOAK_SECONDS=60).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import httpx
from httpx_sse import aconnect_sse

from rf_tui.api.client import Client
from rf_tui.server.seed import DEMO_PASSWORD
from tests.faults.test_fault_cycle import ServedProcess, served  # noqa: F401 - the fixture
from tests.helpers import DANA, SAM, wait_for

SECONDS = float(os.environ.get("RF_SOAK_SECONDS", "3"))
SUBSCRIBERS = int(os.environ.get("RF_SOAK_SUBSCRIBERS", "200"))
RATE = 20.0


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def test_many_subscribers_and_steady_escalations(served: ServedProcess) -> None:  # noqa: F811
    async with Client(served.url) as dana, Client(served.url) as sam:
        await dana.login(DANA, DEMO_PASSWORD)
        await sam.login(SAM, DEMO_PASSWORD)
        received = [0] * SUBSCRIBERS
        ready = asyncio.Event()
        connected = 0
        limits = httpx.Limits(max_connections=SUBSCRIBERS + 5)
        async with httpx.AsyncClient(
            base_url=served.url + "/api/v1", timeout=30, limits=limits
        ) as http:

            async def subscribe(i: int) -> None:
                nonlocal connected
                async with aconnect_sse(
                    http, "GET", "/ai-sessions/escalations/stream", headers=dana.auth_headers()
                ) as source:
                    async for sse in source.aiter_sse():
                        if sse.event == "ready":
                            connected += 1
                            if connected == SUBSCRIBERS:
                                ready.set()
                        elif sse.event == "handoff_created":
                            received[i] += 1

            tasks = [asyncio.create_task(subscribe(i)) for i in range(SUBSCRIBERS)]
            await asyncio.wait_for(ready.wait(), timeout=60)
            assert served.proc is not None
            rss_start = rss_kb(served.proc.pid)
            post_times: list[float] = []
            # A fixed number of escalations, paced at RATE: on a busy machine the run
            # takes longer instead of sending fewer, so the load asserted is the load sent.
            count = round(SECONDS * RATE)
            start = time.monotonic()
            for sent in range(1, count + 1):
                t0 = time.monotonic()
                session = await sam.create_session(f"Load {sent}")
                await sam.hand_off(session.id)
                post_times.append(time.monotonic() - t0)
                # Pace to RATE a second: the load is the point, not the sleep.
                await asyncio.sleep(max(0.0, start + sent / RATE - time.monotonic()))
            await wait_for(lambda: min(received) >= sent, timeout=30, what="every delivery")
            rss_end = rss_kb(served.proc.pid)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    post_times.sort()
    p99 = post_times[int(0.99 * (len(post_times) - 1))]
    print(
        f"load: {SUBSCRIBERS} subscribers, {sent} escalations in {SECONDS:.0f}s; "
        f"delivered min {min(received)}/{sent}; publish p99 {p99 * 1000:.1f} ms; "
        f"server RSS {rss_start // 1024} → {rss_end // 1024} MB"
    )
    assert min(received) == sent, "a subscriber that keeps up misses nothing"
    assert p99 < 1.0, "publishing never waits on subscribers"
    assert rss_end - rss_start < 64 * 1024, "memory stays flat"
