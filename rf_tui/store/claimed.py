"""Escalations the senior claimed (here, or from another client while rf-tui ran), kept
so a later session lists them in Mine.

Per server and user, newest first, capped. Only what Mine needs to show and fetch
is kept (ids, the summary, who asked, when): where each one stands and the full
handoff are asked of the server again, which stays the source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rf_tui.api.models import Handoff
from rf_tui.store.atomic import StoreError, read_json, write_json

CAP = 50
#: Enough for a row of Mine, which shows the summary whole; the server has the rest.
SUMMARY_CHARS = 1000
#: A name is a name: anything longer is not worth keeping.
NAME_CHARS = 200


@dataclass(frozen=True)
class Claimed:
    handoff_id: str
    session_id: str
    summary: str
    claimed_at: datetime
    #: Who escalated it ("" when not known: a file from an older version).
    requester: str = ""


class ClaimedHere:
    """``ClaimedHere(path).add(handoff)`` after a claim; ``.all()`` for Mine."""

    def __init__(self, path: Path | None, cap: int = CAP) -> None:
        self.path = path
        self.cap = cap
        #: A sentence for the user when loading or saving went wrong, else None.
        self.problem: str | None = None
        self._items: list[Claimed] = []  # newest first
        self._save_failed = False
        if path is not None:
            found = read_json(
                path,
                what="The list of your claimed escalations",
                then="Mine lists only what you claim from now on.",
                valid=_is_claimed_list,
            )
            self.problem = found.problem
            if found.data:
                loaded = (_from_json(entry) for entry in found.data["claimed"])
                self._items = [c for c in loaded if c is not None][:cap]

    def all(self) -> list[Claimed]:
        """Newest claim first."""
        return list(self._items)

    def add(self, handoff: Handoff, now: datetime | None = None) -> Claimed:
        """Remember a claim (again: it moves to the top); ``now`` if the handoff has no time."""
        when = handoff.claimed_at or now or datetime.now(timezone.utc)
        entry = _entry(handoff, when)
        rest = [c for c in self._items if c.handoff_id != handoff.id]
        self._items = [entry, *rest][: self.cap]
        self._save()
        return entry

    def refresh(self, handoff: Handoff) -> None:
        """The server's copy of one we have: its summary and requester, in place (saved
        only if they changed; its place in the list and its time stay)."""
        for i, old in enumerate(self._items):
            if old.handoff_id == handoff.id:
                new = _entry(handoff, handoff.claimed_at or old.claimed_at)
                if not new.summary:
                    new = Claimed(new.handoff_id, new.session_id, old.summary,
                                  new.claimed_at, new.requester)  # fmt: skip
                if new != old:
                    self._items[i] = new
                    self._save()
                return

    def forget(self, handoff_id: str) -> bool:
        """Take one off the list (it stays claimed on the server); True if it was there."""
        kept = [c for c in self._items if c.handoff_id != handoff_id]
        if len(kept) == len(self._items):
            return False
        self._items = kept
        self._save()
        return True

    def _save(self) -> None:
        if self.path is None:
            return
        entries = [_to_json(c) for c in self._items]
        try:
            write_json(self.path, {"version": 1, "claimed": entries}, what="Claimed escalations")
        except StoreError as exc:
            if not self._save_failed:  # said once per run, however often it fails
                self._save_failed = True
                self.problem = f"{exc} Mine lists them only until rf-tui exits."


def _entry(handoff: Handoff, when: datetime) -> Claimed:
    return Claimed(
        handoff.id,
        handoff.session_id,
        handoff.summary[:SUMMARY_CHARS],
        when,
        handoff.requester[:NAME_CHARS],
    )


def _to_json(claimed: Claimed) -> dict[str, str]:
    return {
        "id": claimed.handoff_id,
        "session_id": claimed.session_id,
        "summary": claimed.summary,
        "claimed_at": claimed.claimed_at.isoformat(),
        "requester": claimed.requester,
    }


def _from_json(entry: Any) -> Claimed | None:
    """One entry, or None if it is not one (a newer version's, or hand-edited)."""
    if not isinstance(entry, dict):
        return None
    texts = [entry.get(k) for k in ("id", "session_id", "summary", "claimed_at")]
    if not all(isinstance(t, str) for t in texts):
        return None
    handoff_id, session_id, summary, at = (str(t) for t in texts)
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    requester = entry.get("requester")
    requester = requester[:NAME_CHARS] if isinstance(requester, str) else ""
    return Claimed(handoff_id, session_id, summary[:SUMMARY_CHARS], when, requester)


def _is_claimed_list(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("claimed"), list)
