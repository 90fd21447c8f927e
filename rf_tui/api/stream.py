"""The live escalation stream (docs/contract.md, "The stream") as an async iterator.

``EscalationStream(client).items()`` yields, in order of what happens:

- connection states: ``Connecting``, ``Live``, ``Reconnecting``, ``Offline``
  (stopped trying: needs the user), ``SignedOut`` (401: stopped trying);
- ``Backfill`` right after every ``Live``: the server keeps no history and drops
  events for slow subscribers, so the consumer must refetch the queue now;
- typed events (``HandoffCreated``, ``AssessmentReady``, ``HandoffClaimed``,
  ``HandoffViewing``, ``UnknownEvent``).

A malformed frame is counted in ``malformed_frames`` and yielded as ``Garbled``
(once live), never fatal.
Reconnects back off exponentially with jitter, capped. The read timeout is
longer than two heartbeats, so a link that silently died is noticed.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic import ValidationError

from rf_tui.api.client import Client, raise_for_status, read_capped
from rf_tui.api.errors import ApiError, BadResponse, Forbidden, NotFound, NotSignedIn
from rf_tui.api.models import EVENT_TYPES, Ready, StreamEvent, UnknownEvent

STREAM_PATH = "/ai-sessions/escalations/stream"


# ── Connection states ────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Connecting:
    attempt: int


@dataclass(frozen=True)
class Live:
    account_id: str | None


@dataclass(frozen=True)
class Reconnecting:
    attempt: int
    next_try_in: float
    reason: str


@dataclass(frozen=True)
class Offline:
    """Stopped retrying; the reason says what the user can do."""

    reason: str


@dataclass(frozen=True)
class SignedOut:
    reason: str


@dataclass(frozen=True)
class Backfill:
    """Refetch the queue now. ``reconnect`` is False on the very first connect."""

    reconnect: bool


@dataclass(frozen=True)
class Garbled:
    """A frame of a known type that could not be read: what it said is lost, so the
    consumer should read the queue again rather than wait for the next poll."""

    event: str
    why: str


ConnectionState = Connecting | Live | Reconnecting | Offline | SignedOut
StreamItem = ConnectionState | Backfill | Garbled | StreamEvent


# ── Pure pieces ──────────────────────────────────────────────────────────────


class MalformedFrame(ValueError):
    """A frame whose data is not the JSON its event type promises."""


def backoff_delay(
    attempt: int,
    *,
    base: float = 0.5,
    cap: float = 30.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based).

    Exponential with "equal jitter": half the ceiling is fixed, half random, so
    a fleet of clients does not reconnect in lock-step after a server restart,
    yet no client retries immediately in a tight loop.
    """
    ceiling: float = min(cap, base * 2.0 ** max(0, attempt - 1))
    return ceiling / 2 + rand() * ceiling / 2


def decode_event(event: str, data: str) -> StreamEvent:
    """Turn one SSE frame into a typed event; raise ``MalformedFrame`` if it lies."""
    model = EVENT_TYPES.get(event)
    if model is None:
        return UnknownEvent(event=event or "message", data=data[:1000])
    try:
        payload = json.loads(data) if data else {}
    except ValueError:
        raise MalformedFrame(f"{event}: data is not JSON") from None
    if not isinstance(payload, dict):
        raise MalformedFrame(f"{event}: data is not an object")
    try:
        return model.model_validate(payload)  # type: ignore[return-value]
    except ValidationError as exc:
        raise MalformedFrame(f"{event}: {exc.errors()[0].get('msg')}") from None


# ── The stream ───────────────────────────────────────────────────────────────


class _Stop(Exception):
    """Do not retry: the state to report is attached."""

    def __init__(self, state: Offline | SignedOut) -> None:
        self.state = state


class EscalationStream:
    """Follows the escalation stream forever, reconnecting as needed."""

    def __init__(
        self,
        client: Client,
        *,
        heartbeat: float = 25.0,
        read_timeout: float | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_attempts: int | None = None,
        stable_after: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.client = client
        # More than two heartbeats of silence means the link is dead.
        self.read_timeout = read_timeout if read_timeout is not None else heartbeat * 2 + 5.0
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_attempts = max_attempts
        self.stable_after = stable_after
        self._sleep = sleep
        self._rand = rand
        self.malformed_frames = 0
        self.unknown_events = 0
        self.connects = 0

    def _timeout(self) -> httpx.Timeout:
        return httpx.Timeout(connect=5.0, read=self.read_timeout, write=5.0, pool=5.0)

    async def items(self) -> AsyncIterator[StreamItem]:
        failures = 0
        while True:
            yield Connecting(attempt=failures + 1)
            live_since: float | None = None
            try:
                async for item in self._connect_once():
                    if isinstance(item, Live):
                        live_since = time.monotonic()
                        self.connects += 1
                        yield item
                        yield Backfill(reconnect=self.connects > 1)
                    else:
                        yield item
                reason = "The server closed the live stream."
            except _Stop as stop:
                yield stop.state
                return
            except ApiError as exc:
                reason = exc.message
            except SSEError:  # before httpx.HTTPError, of which it is a subclass
                reason = (
                    "The server's answer is not an event stream. Is this a ResolutionFlow server?"
                )
            except httpx.HTTPError as exc:
                reason = self.client.transport_error(exc).message
            # A link that stayed up a while earns a fresh backoff; one that drops
            # right after connecting keeps backing off (a server that closes
            # every 100 ms must not be hammered).
            if live_since is not None and time.monotonic() - live_since >= self.stable_after:
                failures = 0
            failures += 1
            if self.max_attempts is not None and failures > self.max_attempts:
                yield Offline(reason=f"{reason} Gave up after {self.max_attempts} tries.")
                return
            delay = backoff_delay(
                failures, base=self.backoff_base, cap=self.backoff_cap, rand=self._rand
            )
            yield Reconnecting(attempt=failures, next_try_in=delay, reason=reason)
            await self._sleep(delay)

    async def _connect_once(self) -> AsyncIterator[StreamItem]:
        async with aconnect_sse(
            self.client.http,
            "GET",
            STREAM_PATH,
            headers=self.client.auth_headers(),
            timeout=self._timeout(),
        ) as source:
            response = source.response
            if response.status_code != 200:
                body = await read_capped(response, self.client.max_body)
                try:
                    raise_for_status(response, body, what="The escalation stream")
                except NotSignedIn as exc:
                    raise _Stop(SignedOut(exc.message)) from None
                except (Forbidden, NotFound, BadResponse) as exc:
                    raise _Stop(Offline(exc.message)) from None
                raise BadResponse(f"Unexpected answer (HTTP {response.status_code}).")
            live = False
            async for sse in source.aiter_sse():
                try:
                    event = decode_event(sse.event, sse.data)
                except MalformedFrame as exc:
                    self.malformed_frames += 1
                    if live:
                        yield Garbled(sse.event, str(exc))
                    continue
                if isinstance(event, UnknownEvent):
                    self.unknown_events += 1
                if not live:
                    # The server subscribes us before it sends `ready`, so a
                    # backfill after it cannot miss an arrival. A server that
                    # skips `ready` is treated as live at its first frame.
                    live = True
                    account = event.account_id if isinstance(event, Ready) else None
                    yield Live(account_id=account)
                if isinstance(event, Ready):
                    continue
                yield event
