"""Who else has each escalation open: the viewing heartbeat's state ([ours], docs/contract.md).

Fed by ``handoff_viewing`` events and by the answers to our own heartbeats. A
viewer not heard of for ``ttl`` seconds has gone, even when no event said so (the
server's "stopped viewing" may be lost, as any event may). Times are plain seconds
on a clock that only goes forward: how long since we heard of someone is ours to
measure, whatever the server's clock or a presenter's still one says.

Plain Python, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

#: A heartbeat counts for this long unless the server says otherwise.
VIEWING_TTL = 30.0
#: What the server may say, kept within reason.
TTL_RANGE = (5.0, 300.0)


@dataclass
class _Seen:
    name: str
    until: float


def ttl_or(expires_in: float | None, default: float) -> float:
    """The server's ``expires_in`` when it is a sensible number, else ``default``."""
    if expires_in is None or not math.isfinite(expires_in):
        return default
    return min(max(expires_in, TTL_RANGE[0]), TTL_RANGE[1])


class Presence:
    def __init__(self, ttl: float = VIEWING_TTL) -> None:
        self.ttl = ttl
        #: The signed-in user: never shown as looking at their own queue.
        self.me: str | None = None
        # handoff id → viewer id → name and when it lapses, first comer first.
        self._seen: dict[str, dict[str, _Seen]] = {}

    def __len__(self) -> int:
        """How many handoffs anyone is known to view (lapsed ones until ``expire``)."""
        return len(self._seen)

    def viewers(self, handoff_id: str, now: float) -> tuple[str, ...]:
        """The names of the others who have it open, first comer first."""
        seen = self._seen.get(handoff_id)
        if not seen:
            return ()
        return tuple(s.name for who, s in seen.items() if who != self.me and s.until > now)

    def viewing(
        self,
        handoff_id: str,
        viewer_id: str,
        name: str,
        now: float,
        expires_in: float | None = None,
    ) -> bool:
        """A heartbeat heard of; True when what the row shows changed."""
        before = self.viewers(handoff_id, now)
        seen = self._seen.setdefault(handoff_id, {})
        known = seen.get(viewer_id)
        if known is not None and known.until <= now:
            del seen[viewer_id]  # lapsed, and back: a newcomer again
        seen[viewer_id] = _Seen(name, now + ttl_or(expires_in, self.ttl))
        return self.viewers(handoff_id, now) != before

    def stopped(self, handoff_id: str, viewer_id: str, now: float) -> bool:
        """Someone closed it; True when what the row shows changed."""
        before = self.viewers(handoff_id, now)
        seen = self._seen.get(handoff_id)
        if seen is not None:
            seen.pop(viewer_id, None)
            if not seen:
                del self._seen[handoff_id]
        return self.viewers(handoff_id, now) != before

    def answered(
        self,
        handoff_id: str,
        viewers: Iterable[tuple[str, str]],
        now: float,
        expires_in: float | None = None,
    ) -> bool:
        """The server's whole list of (viewer id, name) for one handoff, as our heartbeat's
        answer gave it: it replaces ours. True when what the row shows changed."""
        before = self.viewers(handoff_id, now)
        until = now + ttl_or(expires_in, self.ttl)
        fresh = {who: _Seen(name, until) for who, name in viewers}
        old = self._seen.get(handoff_id, {})
        kept = {who: fresh[who] for who, s in old.items() if who in fresh and s.until > now}
        merged = kept | {who: s for who, s in fresh.items() if who not in kept}
        if merged:
            self._seen[handoff_id] = merged
        else:
            self._seen.pop(handoff_id, None)
        return self.viewers(handoff_id, now) != before

    def expire(self, now: float) -> set[str]:
        """Forget whoever was not heard of in time; the handoffs whose rows that changes."""
        changed: set[str] = set()
        for handoff_id, seen in list(self._seen.items()):
            lapsed = [who for who, s in seen.items() if s.until <= now]
            for who in lapsed:
                del seen[who]
                if who != self.me:
                    changed.add(handoff_id)
            if not seen:
                del self._seen[handoff_id]
        return changed
