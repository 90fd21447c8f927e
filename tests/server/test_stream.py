"""The SSE stream, read raw off a real socket (frames, comments, timing, scoping)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from rf_tui.api.client import Client
from rf_tui.server.config import ServerConfig
from tests.helpers import DANA, EVE, SAM, FakeClock, Running, wait_for

STREAM = "/api/v1/ai-sessions/escalations/stream"


class RawStream:
    """Every line the server sends, as it arrives, with the time it arrived."""

    def __init__(self) -> None:
        self.lines: list[tuple[float, str]] = []
        self.status = 0
        self.headers: httpx.Headers | None = None

    def frames(self) -> list[tuple[str, dict[str, object]]]:
        out, event = [], ""
        for _, line in self.lines:
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                out.append((event, json.loads(line[6:])))
        return out

    def events(self, kind: str) -> list[dict[str, object]]:
        return [data for event, data in self.frames() if event == kind]

    def arrival(self, kind: str) -> float:
        times = [t for t, line in self.lines if line == f"event: {kind}"]
        return times[0]


@asynccontextmanager
async def raw_stream(url: str, token: str | None) -> AsyncIterator[RawStream]:
    raw = RawStream()

    async def pump() -> None:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        async with (
            httpx.AsyncClient(base_url=url, timeout=30) as http,
            http.stream("GET", STREAM, headers=headers) as response,
        ):
            raw.status, raw.headers = response.status_code, response.headers
            async for line in response.aiter_lines():
                raw.lines.append((time.monotonic(), line))

    task = asyncio.create_task(pump())
    try:
        yield raw
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _escalate(
    client: Client, summary: str = "Wi-Fi drops in the boardroom", **kw: str
) -> tuple[str, str]:
    session = await client.create_session(summary)
    handoff = await client.hand_off(session.id, **kw)
    return session.id, handoff.id


async def test_first_frame_is_ready_with_the_account(rf: Running) -> None:
    dana = await rf.client(DANA)
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.frames()), what="first frame")
        assert raw.status == 200
        assert raw.headers is not None
        assert raw.headers["content-type"].startswith("text/event-stream")
        assert raw.headers["cache-control"] == "no-cache"
        assert raw.headers["x-accel-buffering"] == "no"
        assert raw.frames()[0] == ("ready", {"account_id": rf.seed.accounts["northwind"]})


async def test_handoff_created_arrives_within_a_second_of_the_post(rf: Running) -> None:
    dana, sam = await rf.client(DANA), await rf.client(SAM)
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        posted = time.monotonic()
        sid, hid = await _escalate(sam, priority="high", engineer_notes="AP firmware updated")
        await wait_for(lambda: bool(raw.events("handoff_created")), timeout=1.0, what="arrival")
        assert raw.arrival("handoff_created") - posted < 1.0
        (event,) = raw.events("handoff_created")
        assert event["type"] == "handoff_created"
        assert (event["handoff_id"], event["session_id"]) == (hid, sid)
        assert event["priority"] == "high"
        assert event["engineer_notes"] == "AP firmware updated"
        assert "problem_summary" not in event  # the client fetches what it needs


async def test_park_and_other_accounts_send_nothing(rf: Running) -> None:
    dana, eve, sam = await rf.client(DANA), await rf.client(EVE), await rf.client(SAM)
    async with raw_stream(rf.url, dana.token) as nw, raw_stream(rf.url, eve.token) as contoso:
        await wait_for(lambda: bool(nw.events("ready") and contoso.events("ready")), what="ready")
        await _escalate(sam, "Parked: waiting on the user", intent="park")
        await _escalate(eve, "Contoso's own escalation")
        # A marker escalation after both: once it arrives, anything sent before it has too.
        _, marker = await _escalate(sam, "Marker")
        await wait_for(lambda: bool(nw.events("handoff_created")), what="marker at Northwind")
        await wait_for(lambda: bool(contoso.events("handoff_created")), what="Contoso's own")
    assert [e["handoff_id"] for e in nw.events("handoff_created")] == [marker]
    assert len(contoso.events("handoff_created")) == 1
    assert contoso.events("handoff_created")[0]["handoff_id"] != marker


async def test_claim_is_announced_to_the_other_seniors(rf: Running) -> None:
    dana, alex = await rf.client(DANA), await rf.client("alex@northwind.example")
    entry = (await dana.queue())[0]
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        await alex.claim(entry.session_id, entry.id)
        await wait_for(lambda: bool(raw.events("handoff_claimed")), what="claimed event")
    (event,) = raw.events("handoff_claimed")
    assert event["handoff_id"] == entry.id
    assert event["claimed_by_name"] == "Alex Moreno"


async def test_assessment_lands_later_and_is_announced(rf: Running) -> None:
    dana, sam = await rf.client(DANA), await rf.client(SAM)
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        sid, hid = await _escalate(sam, "VPN disconnects after the January update")
        await wait_for(lambda: bool(raw.events("handoff_assessment_ready")), what="assessment")
    assert raw.events("handoff_assessment_ready") == [
        {"type": "handoff_assessment_ready", "handoff_id": hid, "session_id": sid}
    ]
    (handoff,) = [h for h in await dana.handoffs(sid) if h.id == hid]
    assert handoff.ai_assessment_data is not None
    assert "VPN" in handoff.ai_assessment_data.likely_cause or "driver" in (
        handoff.ai_assessment_data.likely_cause or ""
    )
    assert len(handoff.ai_assessment_data.suggested_steps) == 3


class TestShortKeepalive:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, keepalive_seconds=0.1)

    async def test_keepalive_comment_after_silence(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(
                lambda: sum(line == ": keepalive" for _, line in raw.lines) >= 2,
                timeout=3,
                what="two keepalives",
            )


class TestAssessmentTimeout:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=30, assessment_timeout=0.05)

    async def test_timed_out_assessment_stays_null(self, rf: Running) -> None:
        sam = await rf.client(SAM)
        sid, hid = await _escalate(sam, "VPN disconnects")
        # The bounded assessment task finishes (by timing out) well before its delay.
        await wait_for(lambda: not rf.backend._tasks, timeout=2, what="assessment task to end")
        handoff = next(h for h in await sam.handoffs(sid) if h.id == hid)
        assert handoff.ai_assessment_data is None


async def test_a_stalled_subscriber_never_blocks_publishers(rf: Running) -> None:
    dana, sam = await rf.client(DANA), await rf.client(SAM)
    # A subscriber that sends its request and then never reads a byte.
    host, port = rf.url.removeprefix("http://").split(":")
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
    stalled.connect((host, int(port)))
    request = f"GET {STREAM} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {dana.token}\r\n"
    stalled.sendall(request.encode() + b"\r\n")
    try:
        await wait_for(lambda: rf.backend.bus.subscriber_count() == 1, what="stalled subscriber")
        async with raw_stream(rf.url, dana.token) as live:
            await wait_for(lambda: bool(live.events("ready")), what="ready")
            # Big frames: 300 of them outgrow the kernel's largest send buffer (4 MB),
            # so the stalled subscriber's 64-event queue must fill and drop.
            notes = "x" * 19_000
            started = time.monotonic()
            for i in range(300):
                await sam.hand_off(
                    (await sam.create_session(f"Burst {i}")).id, engineer_notes=notes
                )
            elapsed = time.monotonic() - started
            await wait_for(
                lambda: len(live.events("handoff_created")) == 300, timeout=10, what="all 300"
            )
        assert rf.backend.bus.dropped > 0, "the stalled subscriber's buffer filled and dropped"
        assert elapsed < 10, f"publishers took {elapsed:.1f}s for 300 escalations"
    finally:
        stalled.close()
