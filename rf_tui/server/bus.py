"""In-process pub/sub for the escalation stream.

Per-account subscriber queues, bounded: a subscriber that does not keep up has
new events dropped (and counted) so a publisher never waits on it. Everything
runs on the server's event loop thread, so no locking is needed.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

#: Put in a subscriber's queue when the server shuts down: the stream ends.
CLOSED: dict[str, Any] = {"type": "__closed__"}

Event = dict[str, Any]


class Bus:
    def __init__(self, buffer: int = 64) -> None:
        self.buffer = buffer
        self._subscribers: defaultdict[str, set[asyncio.Queue[Event]]] = defaultdict(set)
        self.delivered = 0
        self.dropped = 0

    def subscribe(self, account_id: str) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=self.buffer)
        self._subscribers[account_id].add(queue)
        return queue

    def unsubscribe(self, account_id: str, queue: asyncio.Queue[Event]) -> None:
        subs = self._subscribers.get(account_id)
        if subs is not None:
            subs.discard(queue)
            if not subs:
                del self._subscribers[account_id]

    def publish(self, account_id: str, event: Event) -> int:
        """Hand ``event`` to every subscriber of ``account_id``; returns how many got it."""
        delivered = 0
        for queue in self._subscribers.get(account_id, ()):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self.dropped += 1
            else:
                delivered += 1
        self.delivered += delivered
        return delivered

    def subscriber_count(self, account_id: str | None = None) -> int:
        if account_id is not None:
            return len(self._subscribers.get(account_id, ()))
        return sum(len(s) for s in self._subscribers.values())

    def close(self) -> None:
        """End every open stream (server shutdown)."""
        for subs in self._subscribers.values():
            for queue in subs:
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(CLOSED)
