"""In-process pub/sub for the escalation stream.

Per-account subscriber queues, bounded: a subscriber that does not keep up has
new events dropped (and counted) so a publisher never waits on it. Everything
runs on the server's event loop thread, so no locking is needed.

An event is encoded into its SSE frame once, when published, not once per
subscriber; and keepalives come from one ticker for all streams rather than a
timeout per stream per event. With 500 subscribers that per-subscriber work
was what an event's last delivery waited on (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from typing import Any

Event = dict[str, Any]


class Closed:
    """Put in a subscriber's queue when the server shuts down: the stream ends."""


class BusDown(Exception):
    """No stream can be promised every event now (the broker is away)."""


CLOSED = Closed()
KEEPALIVE = b": keepalive\n\n"
Item = bytes | Closed
Subscription = asyncio.Queue[Item]


def open_bus(broker: str | None, buffer: int) -> Bus:
    """In-process, or across replicas over Redis at ``broker`` (``redis://…``)."""
    if broker:
        from rf_tui.server.broker import RedisBus  # redis-py: the engines extra

        return RedisBus(broker, buffer)
    return Bus(buffer)


def frame(event: Event) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


class Bus:
    def __init__(self, buffer: int = 64) -> None:
        self.buffer = buffer
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        # Streams that want a keepalive after this many seconds of silence, and
        # when each last had something to send.
        self._keepalive: dict[Subscription, float] = {}
        self._last: dict[Subscription, float] = {}
        self._ticker: asyncio.TimerHandle | None = None
        self.delivered = 0
        self.dropped = 0

    def subscribe(self, account_id: str, keepalive: float | None = None) -> Subscription:
        queue: Subscription = asyncio.Queue(maxsize=self.buffer)
        self._subscribers[account_id].add(queue)
        if keepalive is not None:
            self._keepalive[queue] = keepalive
            self._last[queue] = time.monotonic()
            self._tick_soon()
        return queue

    def unsubscribe(self, account_id: str, queue: Subscription) -> None:
        self._keepalive.pop(queue, None)
        self._last.pop(queue, None)
        subs = self._subscribers.get(account_id)
        if subs is not None:
            subs.discard(queue)
            if not subs:
                del self._subscribers[account_id]

    def publish(self, account_id: str, event: Event) -> int:
        """Hand ``event`` to every subscriber of ``account_id``; returns how many got it."""
        return self.deliver(account_id, frame(event))

    def deliver(self, account_id: str, encoded: bytes) -> int:
        """An encoded frame to this process's subscribers of ``account_id``."""
        subs = self._subscribers.get(account_id)
        if not subs:
            return 0
        now, delivered = time.monotonic(), 0
        for queue in subs:
            try:
                queue.put_nowait(encoded)
            except asyncio.QueueFull:
                self.dropped += 1
            else:
                delivered += 1
                if queue in self._last:
                    self._last[queue] = now
        self.delivered += delivered
        return delivered

    def subscriber_count(self, account_id: str | None = None) -> int:
        if account_id is not None:
            return len(self._subscribers.get(account_id, ()))
        return sum(len(s) for s in self._subscribers.values())

    def _tick_soon(self) -> None:
        if self._ticker is None and self._keepalive:
            # A quarter of the shortest interval: a keepalive lands between 1x and
            # 1.25x the silence it is for.
            period = max(0.02, min(self._keepalive.values()) / 4)
            self._ticker = asyncio.get_running_loop().call_later(period, self._tick)

    def _tick(self) -> None:
        self._ticker = None
        now = time.monotonic()
        for queue, every in self._keepalive.items():
            if now - self._last[queue] >= every:
                self._last[queue] = now
                if not queue.full():
                    queue.put_nowait(KEEPALIVE)
        self._tick_soon()

    async def start(self) -> None:
        """Ready to carry events (the in-process bus always is)."""

    @property
    def accepting(self) -> bool:
        """Whether a new stream can be promised every event from now on."""
        return True

    def close(self) -> None:
        """End every open stream (server shutdown)."""
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        self.end_streams()

    def end_streams(self) -> None:
        """Every open stream ends; its client reconnects (and backfills)."""
        for subs in self._subscribers.values():
            for queue in subs:
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(CLOSED)

    async def aclose(self) -> None:
        self.close()
