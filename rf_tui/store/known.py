"""Which session each escalation this terminal has listed or claimed belongs to.

The claim endpoint needs the session as well as the escalation. Once an
escalation has left the queue (claimed by someone, or by you), this is how
``rf-tui claim ID`` still finds it: to name who won, or to confirm it is yours.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rf_tui.store.atomic import StoreError, read_json, write_json

CAP = 2000


class KnownSessions:
    def __init__(self, path: Path, cap: int = CAP) -> None:
        self.path = path
        self.cap = cap
        found = read_json(
            path,
            what="The list of escalations seen here",
            then="rf-tui claim may need --session for ones that left the queue.",
            valid=_is_map,
        )
        #: A sentence for the user when loading went wrong, else None.
        self.problem = found.problem
        self._sessions: dict[str, str] = dict(found.data["sessions"]) if found.data else {}

    def get(self, handoff_id: str) -> str | None:
        return self._sessions.get(handoff_id)

    def remember(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(handoff id, session id) pairs, newest last; the oldest fall off past the cap."""
        before = dict(self._sessions)
        for handoff_id, session_id in pairs:
            self._sessions.pop(handoff_id, None)
            self._sessions[handoff_id] = session_id
        while len(self._sessions) > self.cap:
            del self._sessions[next(iter(self._sessions))]
        if self._sessions == before:
            return  # nothing new: no write
        try:
            write_json(self.path, {"version": 1, "sessions": self._sessions}, what="Known sessions")
        except StoreError as exc:
            self.problem = str(exc)


def _is_map(data: Any) -> bool:
    sessions = data.get("sessions") if isinstance(data, dict) else None
    return isinstance(sessions, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in sessions.items()
    )
