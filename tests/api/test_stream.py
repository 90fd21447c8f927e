"""The stream client: pure backoff and decoding, then the real thing over a socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rf_tui.api.client import Client
from rf_tui.api.models import AssessmentReady, HandoffClaimed, HandoffCreated, UnknownEvent
from rf_tui.api.stream import (
    Backfill,
    Connecting,
    EscalationStream,
    Live,
    MalformedFrame,
    Offline,
    Reconnecting,
    SignedOut,
    StreamItem,
    backoff_delay,
    decode_event,
)
from rf_tui.server.config import ServerConfig
from tests.canned import Canned, response
from tests.helpers import DANA, SAM, VIC, Running, start_server

STREAM = "/api/v1/ai-sessions/escalations/stream"

# ── Backoff ───────────────────────────────────────────────────────────────────


def test_backoff_grows_then_caps_and_jitters_within_bounds() -> None:
    lows = [backoff_delay(n, base=0.5, cap=30, rand=lambda: 0.0) for n in range(1, 12)]
    highs = [backoff_delay(n, base=0.5, cap=30, rand=lambda: 1.0) for n in range(1, 12)]
    assert highs[:7] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0]
    assert highs[7:] == [30.0] * 4
    assert lows == [h / 2 for h in highs]
    assert all(
        lo <= backoff_delay(n + 1) <= hi for n, (lo, hi) in enumerate(zip(lows, highs, strict=True))
    )


def test_backoff_never_retries_immediately() -> None:
    assert min(backoff_delay(1, rand=lambda: 0.0) for _ in range(10)) > 0


# ── Decoding ──────────────────────────────────────────────────────────────────


def test_decode_known_events() -> None:
    created = decode_event(
        "handoff_created",
        '{"type": "handoff_created", "handoff_id": "h", "session_id": "s", "priority": "HIGH",'
        ' "engineer_notes": null, "created_at": "2026-11-23T12:00:00+00:00", "extra": 1}',
    )
    assert isinstance(created, HandoffCreated) and created.priority == "high"
    ready = decode_event("handoff_assessment_ready", '{"handoff_id": "h", "session_id": "s"}')
    assert isinstance(ready, AssessmentReady)
    claimed = decode_event("handoff_claimed", '{"handoff_id": "h", "session_id": "s"}')
    assert isinstance(claimed, HandoffClaimed) and claimed.claimed_by_name is None


def test_unknown_event_types_are_kept_not_dropped() -> None:
    event = decode_event("handoff_withdrawn", '{"handoff_id": "h"}')
    assert isinstance(event, UnknownEvent) and event.event == "handoff_withdrawn"
    assert decode_event("", "hello") == UnknownEvent(event="message", data="hello")


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        "[1, 2]",
        '"text"',
        '{"session_id": "s"}',
        '{"handoff_id": null, "session_id": "s"}',
    ],
)
def test_malformed_frames_raise_malformed(data: str) -> None:
    with pytest.raises(MalformedFrame):
        decode_event("handoff_created", data)


# ── Against servers ───────────────────────────────────────────────────────────


async def take_until(
    items: AsyncIterator[StreamItem], stop: type | tuple[type, ...], limit: int = 50
) -> list[StreamItem]:
    """Items up to and including the first of type ``stop`` (bounded by a timeout)."""
    seen: list[StreamItem] = []

    async def run() -> None:
        async for item in items:
            seen.append(item)
            if isinstance(item, stop) or len(seen) >= limit:
                return

    await asyncio.wait_for(run(), timeout=10)
    return seen


def fast(client: Client, **kw: float) -> EscalationStream:
    return EscalationStream(client, backoff_base=0.05, backoff_cap=0.2, **kw)  # type: ignore[arg-type]


async def test_connect_announces_live_then_backfill_then_events(rf: Running) -> None:
    dana, sam = await rf.client(DANA), await rf.client(SAM)
    items = fast(dana).items()
    head = await take_until(items, Backfill)
    assert head == [
        Connecting(attempt=1),
        Live(account_id=rf.seed.accounts["northwind"]),
        Backfill(reconnect=False),
    ]
    session = await sam.create_session("Docking station loses monitors on wake")
    handoff = await sam.hand_off(session.id, priority="urgent")
    (event,) = await take_until(items, HandoffCreated)
    assert isinstance(event, HandoffCreated)
    assert (event.handoff_id, event.priority) == (handoff.id, "urgent")
    await items.aclose()  # type: ignore[attr-defined]


async def test_401_stops_with_signed_out(rf: Running) -> None:
    client = await rf.client()
    client.token = "expired-or-forged"
    items = [item async for item in fast(client).items()]
    assert items[0] == Connecting(attempt=1)
    assert isinstance(items[-1], SignedOut) and len(items) == 2


async def test_viewer_gets_offline_with_the_reason(rf: Running) -> None:
    vic = await rf.client(VIC)
    items = [item async for item in fast(vic).items()]
    assert isinstance(items[-1], Offline)
    assert "engineer" in items[-1].reason


async def test_reconnects_after_a_restart_on_the_same_port_and_asks_for_backfill(
    tmp_path: Path,
) -> None:
    config = ServerConfig(
        db_path=str(tmp_path / "rf.db"), secret="fixed-secret-for-the-restart-test"
    )
    first = start_server(config)
    port, seed = first.server.port, first.seed
    dana = await first.client(DANA)
    items = fast(dana).items()
    await take_until(items, Backfill)

    first.server.stop()
    gone = await take_until(items, Reconnecting)
    assert isinstance(gone[-1], Reconnecting) and gone[-1].attempt == 1
    assert gone[-1].reason

    second = start_server(
        ServerConfig(db_path=config.db_path, secret=config.secret), port=port, seed=seed
    )
    try:
        back = await take_until(items, Backfill)
        assert isinstance(back[-2], Live) and back[-1] == Backfill(reconnect=True)
        sam = await second.client(SAM)
        session = await sam.create_session("After the restart")
        handoff = await sam.hand_off(session.id)
        (event,) = await take_until(items, HandoffCreated)
        assert isinstance(event, HandoffCreated) and event.handoff_id == handoff.id
    finally:
        await items.aclose()  # type: ignore[attr-defined]
        await first.aclose()
        await second.aclose()
        second.server.stop()


async def test_offline_after_max_attempts() -> None:
    async with Canned({STREAM: response(503, b"")}) as server, Client(server.url, token="t") as c:
        items = [item async for item in fast(c, max_attempts=2).items()]
    kinds = [type(i).__name__ for i in items]
    assert kinds == [
        "Connecting",
        "Reconnecting",
        "Connecting",
        "Reconnecting",
        "Connecting",
        "Offline",
    ]
    assert "Gave up after 2 tries" in items[-1].reason  # type: ignore[union-attr]
    assert [i.attempt for i in items if isinstance(i, Reconnecting)] == [1, 2]


def _sse(body: str) -> bytes:
    return response(200, body, content_type="text/event-stream", length=False)


async def test_malformed_frames_are_skipped_and_counted() -> None:
    body = (
        'event: ready\ndata: {"account_id": "a"}\n\n'
        "event: handoff_created\ndata: {broken\n\n"
        'event: handoff_created\ndata: {"handoff_id": "h2", "session_id": "s2"}\n\n'
        'event: handoff_renamed\ndata: {"x": 1}\n\n'
        ": a comment\n\n"
    )
    async with Canned({STREAM: _sse(body)}) as server, Client(server.url, token="t") as c:
        stream = fast(c)
        items = await take_until(stream.items(), Reconnecting)
    events = [i for i in items if isinstance(i, (HandoffCreated, UnknownEvent))]
    assert [getattr(e, "handoff_id", getattr(e, "event", None)) for e in events] == [
        "h2",
        "handoff_renamed",
    ]
    assert stream.malformed_frames == 1
    assert stream.unknown_events == 1
    assert isinstance(items[-1], Reconnecting)
    assert items[-1].reason == "The server closed the live stream."


async def test_a_silent_dead_link_is_noticed_by_the_read_timeout() -> None:
    async def stall(writer: asyncio.StreamWriter) -> None:
        writer.write(_sse('event: ready\ndata: {"account_id": "a"}\n\n'))
        await writer.drain()
        await asyncio.Event().wait()

    async with Canned({STREAM: stall}) as server, Client(server.url, token="t") as c:
        items = await take_until(fast(c, read_timeout=0.3).items(), Reconnecting)
    assert isinstance(items[1], Live)
    assert isinstance(items[-1], Reconnecting)
    assert "did not answer in time" in items[-1].reason


async def test_not_an_event_stream_is_retried_with_a_clear_reason() -> None:
    html = response(200, b"<html/>", content_type="text/html")
    async with Canned({STREAM: html}) as server, Client(server.url, token="t") as c:
        items = await take_until(fast(c).items(), Reconnecting)
    assert isinstance(items[-1], Reconnecting)
    assert "not an event stream" in items[-1].reason
