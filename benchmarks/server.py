"""The reference server: fan-out latency, the claim race, queue throughput."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import httpx
from httpx_sse import aconnect_sse

from benchmarks.common import Figure, Section, dist_ms, percentile, prepare_db, served
from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed
from rf_tui.server.seed import DEMO_PASSWORD

CMD = "make bench  (benchmarks/server.py)"


async def _sign_in(url: str, email: str) -> Client:
    client = Client(url)
    await client.login(email, DEMO_PASSWORD)
    return client


class _RawSubscriber(asyncio.Protocol):
    """An SSE subscriber that only stamps bytes as they arrive; parsing comes after.

    500 httpx-sse consumers in one process parse every frame in Python, one
    after another, so the last of them sees an event ~100 ms late whatever the
    server does. Stamping raw chunks measures the server's fan-out instead.
    """

    def __init__(self, ready: Callable[[], None]) -> None:
        self.chunks: list[tuple[float, bytes]] = []
        self.ready = ready
        self.seen_ready = False
        self.done = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.time(), data))
        if not self.seen_ready and b"event: ready" in data:
            self.seen_ready = True
            self.ready()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def latencies(self) -> list[float]:
        found = []
        for at, data in self.chunks:
            for line in data.split(b"\n"):
                if line.startswith(b"data: {") and b"created_at" in line:
                    created = json.loads(line[6:])["created_at"]
                    found.append(at - datetime.fromisoformat(created).timestamp())
        return found


async def fanout_raw(
    url: str, subscribers: int, arrivals: int, streams: Sequence[str] = ()
) -> list[float]:
    """Server created_at → bytes received, over ``subscribers`` plain sockets: to
    ``url``, or spread in turn over ``streams`` (replicas) while arrivals go to ``url``."""
    dana = await _sign_in(url, "dana@northwind.example")
    sam = await _sign_in(url, "sam@northwind.example")
    where = [tuple(u.removeprefix("http://").split(":")) for u in streams or [url]]

    def request(host: str) -> bytes:
        return (
            "GET /api/v1/ai-sessions/escalations/stream HTTP/1.1\r\n"
            f"Host: {host}\r\nAccept: text/event-stream\r\n"
            f"Authorization: {dana.auth_headers()['authorization']}\r\n\r\n"
        ).encode()

    loop = asyncio.get_running_loop()
    ready = 0
    all_ready = asyncio.Event()

    def one_ready() -> None:
        nonlocal ready
        ready += 1
        if ready == subscribers:
            all_ready.set()

    subs: list[_RawSubscriber] = []
    for i in range(subscribers):
        host, port = where[i % len(where)]
        transport, sub = await loop.create_connection(
            lambda: _RawSubscriber(one_ready), host, int(port)
        )
        transport.write(request(host))
        subs.append(sub)
    await asyncio.wait_for(all_ready.wait(), timeout=60)
    for i in range(arrivals):
        session = await sam.create_session(f"Raw fan-out arrival {i}")
        await sam.hand_off(session.id)
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # let the last frames land; nothing is timed from here
    for sub in subs:
        sub.done.cancel()
    await dana.aclose()
    await sam.aclose()
    return [lat for sub in subs for lat in sub.latencies()]


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


async def _rate(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], seconds: float
) -> float:
    """Requests a second, one after another, each body read whole and not parsed."""
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        status = (await http.get(path, headers=headers)).status_code
        assert status in (200, 304), status
        count += 1
    return count / (time.perf_counter() - start)


async def queue_throughput(
    url: str, entries: int, seconds: float, runs: int
) -> tuple[int, float, float, float]:
    """The queue's size, then medians of ``runs``: GET /queue whole, GET /queue answered
    304, and GET /users/me (the server's cost of any request: auth, routing, HTTP).

    The client reads bytes and parses nothing, so the figure is the server's.
    """
    sam = await _sign_in(url, "sam@northwind.example")
    dana = await _sign_in(url, "dana@northwind.example")
    for i in range(entries - len(await dana.queue())):
        await sam.hand_off((await sam.create_session(f"Backlog item {i}")).id)
    size = len(await dana.queue())
    await asyncio.sleep(1.0)  # the last assessments land (--assessment-delay 0.5): a still queue
    auth = dana.auth_headers()
    async with httpx.AsyncClient(base_url=url + "/api/v1", timeout=60) as http:
        etag = (await http.get("/ai-sessions/queue", headers=auth)).headers.get("etag", "-")
        conditional = {**auth, "if-none-match": etag}
        whole, unchanged, floor = [], [], []
        for _ in range(runs):  # interleaved, so a noisy neighbour hits all three alike
            whole.append(await _rate(http, "/ai-sessions/queue", auth, seconds))
            unchanged.append(await _rate(http, "/ai-sessions/queue", conditional, seconds))
            floor.append(await _rate(http, "/users/me", auth, seconds))
    await sam.aclose()
    await dana.aclose()
    median = statistics.median
    return size, median(whole), median(unchanged), median(floor)


def replicated_fanout(subscribers: int, arrivals: int, single: list[float]) -> Figure:
    """The raw fan-out again, over two replicas (Postgres, Redis, HAProxy): streams
    split between the replicas, arrivals through the balancer."""
    from tests.replicas.stack import stack

    name = f"fan-out latency, {subscribers} raw-socket subscribers over 2 replicas"
    p99 = percentile(single, 99) * 1000
    baseline = f"one replica, SQLite, in-process bus (above): p99 {p99:.1f} ms"
    try:
        with stack() as up:
            replicas = [up.replica_url("a"), up.replica_url("b")]
            lat = asyncio.run(fanout_raw(up.url, subscribers, arrivals, replicas))
    except RuntimeError as exc:  # nothing to run it on: say so, do not guess
        return Figure(name, "not measured", "(reported)", CMD, str(exc), baseline=baseline)
    return Figure(
        name, dist_ms(lat), "(reported)", CMD,
        f"{len(lat)} deliveries; events go through Redis to each replica's one listener; "
        f"p99 {percentile(lat, 99) / max(percentile(single, 99), 1e-9):.1f}× one replica's",
        baseline=baseline, score=percentile(lat, 99),
    )  # fmt: skip


def run(quick: bool) -> Section:
    subscribers, arrivals = (20, 10) if quick else (500, 100)
    claimers, trials = (10, 3) if quick else (100, 50)
    entries, seconds, runs = (50, 0.3, 1) if quick else (1000, 3.0, 3)
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
                    "(reported)",
                    CMD,
                    f"{len(lat)} deliveries to httpx-sse consumers in one process: bound "
                    "by that process parsing 500 copies of each frame in turn",
                    baseline="the raw-socket figure below",
                    score=percentile(lat, 99),
                )
            )
            raw = asyncio.run(fanout_raw(url, subscribers, arrivals))
            section.figures.append(
                Figure(
                    f"fan-out latency, {subscribers} raw-socket subscribers x {arrivals} arrivals",
                    dist_ms(raw),
                    "p99 ≤ 50 ms at 500",
                    CMD,
                    f"{len(raw)} deliveries, stamped as bytes arrive: the server's own fan-out",
                    met=percentile(raw, 99) <= 0.050,
                    score=percentile(raw, 99),
                )
            )
            section.figures.append(replicated_fanout(subscribers, arrivals, raw))
            good, total = asyncio.run(claim_race(url, claimers, trials))
            section.figures.append(
                Figure(
                    f"claim race, {claimers} concurrent claimers",
                    f"1 winner in {good}/{total} trials",
                    f"{total}/{total}",
                    CMD,
                    met=good == total,
                )
            )
            size, whole, unchanged, floor = asyncio.run(
                queue_throughput(url, entries, seconds, runs)
            )
            section.figures.append(
                Figure(
                    f"GET /queue throughput, {size} entries, one client",
                    f"{whole:.1f} req/s",
                    "≥ 200 req/s at 1,000",
                    CMD,
                    f"body read, not parsed; median of {runs} × {seconds:g} s. With If-None-Match "
                    f"(304): {unchanged:.1f} req/s. GET /users/me, the cost of any request: "
                    f"{floor:.1f} req/s ({whole / max(floor, 1e-9):.2f}× of it)",
                    baseline=f"GET /users/me {floor:.1f} req/s",
                    met=whole >= 200,
                )
            )
    return section
