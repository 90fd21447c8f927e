"""Who has which handoff open: the viewing heartbeat's memory ([ours], docs/contract.md).

Kept in memory only, per account: a viewer is a user with a handoff open, heard
from within the last ``ttl`` seconds on the server's domain clock (so tests move
time with a fake clock instead of waiting). Nothing here publishes; the service
turns what changes into ``handoff_viewing`` events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class Viewer:
    user_id: str
    name: str
    session_id: str
    until: datetime


@dataclass(frozen=True)
class Expired:
    account_id: str
    handoff_id: str
    viewer: Viewer


class Viewers:
    def __init__(self, ttl: float) -> None:
        self.ttl = timedelta(seconds=ttl)
        # (account, handoff) → user id → viewer, first comer first.
        self._open: dict[tuple[str, str], dict[str, Viewer]] = {}

    def __bool__(self) -> bool:
        return bool(self._open)

    def beat(
        self, account_id: str, session_id: str, handoff_id: str, user_id: str, name: str,
        now: datetime,
    ) -> None:  # fmt: skip
        """A heartbeat: ``user_id`` has the handoff open for ``ttl`` more seconds."""
        viewers = self._open.setdefault((account_id, handoff_id), {})
        known = viewers.get(user_id)
        if known is not None and known.until <= now:
            del viewers[user_id]  # expired, not yet swept: back as a newcomer
        viewers[user_id] = Viewer(user_id, name, session_id, now + self.ttl)

    def stop(self, account_id: str, handoff_id: str, user_id: str, now: datetime) -> Viewer | None:
        """``user_id`` closed the handoff; the viewer that was there, if it still counted."""
        key = (account_id, handoff_id)
        viewers = self._open.get(key)
        gone = viewers.pop(user_id, None) if viewers is not None else None
        if viewers is not None and not viewers:
            del self._open[key]
        return gone if gone is not None and gone.until > now else None

    def of(self, account_id: str, handoff_id: str, now: datetime) -> list[Viewer]:
        """Who has the handoff open now, first comer first."""
        viewers = self._open.get((account_id, handoff_id), {})
        return [viewer for viewer in viewers.values() if viewer.until > now]

    def expire(self, now: datetime) -> list[Expired]:
        """Forget the viewers not heard from for ``ttl``: each one, to be announced."""
        gone: list[Expired] = []
        for key, viewers in list(self._open.items()):
            for user_id, viewer in list(viewers.items()):
                if viewer.until <= now:
                    del viewers[user_id]
                    gone.append(Expired(key[0], key[1], viewer))
            if not viewers:
                del self._open[key]
        return gone
