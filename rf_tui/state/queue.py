"""The queue of unclaimed escalations, as the client believes it to be.

It applies stream events as they come and reconciles against fresh snapshots
of ``GET /queue``, and it never assumes it saw every event: the server drops
events for slow subscribers and keeps no history. Every change is stamped with
a generation so a snapshot that was requested *before* an event arrived
cannot undo that event (no ghost rows, no resurrected claims).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from operator import itemgetter

from rf_tui.api.models import HandoffCreated, QueueEntry

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

#: What a row says in place of a problem summary it does not have: while its
#: details are on their way, once they came without one, or when asking failed.
FETCHING = "(fetching details…)"
NO_SUMMARY = "(no summary given)"
NOT_LOADED = "(details not loaded)"
#: A line printed once (watch, --plain) before the details came: true when printed.
NOT_YET = "(no summary yet)"


class Sort(Enum):
    NEWEST = "newest first"
    OLDEST = "oldest first"
    PRIORITY = "priority, then newest"

    def next(self) -> Sort:
        members = list(Sort)
        return members[(members.index(self) + 1) % len(members)]


@dataclass(frozen=True)
class Change:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.updated)


@dataclass
class _Row:
    entry: QueueEntry
    partial: bool  # built from a stream event; details not fetched yet
    generation: int
    missed: bool = False  # partial, and asking for its details failed


@dataclass
class QueueState:
    _rows: dict[str, _Row] = field(default_factory=dict)
    _removed: dict[str, int] = field(default_factory=dict)  # id → generation removed
    # Every row's (created_at, id), kept sorted as rows come and go, so showing
    # the queue in order after an arrival costs a list walk, not a sort of 10k.
    _by_age: list[tuple[datetime, str]] = field(default_factory=list)
    generation: int = 0

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, handoff_id: object) -> bool:
        return handoff_id in self._rows

    def get(self, handoff_id: str) -> QueueEntry | None:
        row = self._rows.get(handoff_id)
        return row.entry if row else None

    def is_partial(self, handoff_id: str) -> bool:
        row = self._rows.get(handoff_id)
        return bool(row and row.partial)

    def ids(self) -> set[str]:
        return set(self._rows)

    def summary(self, entry: QueueEntry) -> str:
        """The row's problem summary, or in words why there is none: never a
        "fetching" that outlives the fetch."""
        if entry.summary:
            return entry.summary
        row = self._rows.get(entry.id)
        if row is None or not row.partial:
            return NO_SUMMARY
        return NOT_LOADED if row.missed else FETCHING

    def entries(self) -> list[QueueEntry]:
        """Every waiting escalation, in no particular order (no sort: cheap)."""
        return [row.entry for row in self._rows.values()]

    def _tick(self) -> int:
        self.generation += 1
        return self.generation

    def _put(self, entry: QueueEntry, *, partial: bool, generation: int) -> None:
        known = self._rows.get(entry.id)
        if known is None or known.entry.created_at != entry.created_at:
            if known is not None:
                self._unindex(known.entry)
            bisect.insort(self._by_age, (entry.created_at, entry.id))
        self._rows[entry.id] = _Row(entry, partial=partial, generation=generation)

    def _pop(self, handoff_id: str) -> bool:
        row = self._rows.pop(handoff_id, None)
        if row is not None:
            self._unindex(row.entry)
        return row is not None

    def _unindex(self, entry: QueueEntry) -> None:
        key = (entry.created_at, entry.id)
        at = bisect.bisect_left(self._by_age, key)
        if at < len(self._by_age) and self._by_age[at] == key:
            del self._by_age[at]

    # ── Events ───────────────────────────────────────────────────────────────

    def arrived(self, event: HandoffCreated, now: datetime) -> Change:
        """A ``handoff_created`` event: a row now, details to be fetched."""
        if event.handoff_id in self._rows or event.handoff_id in self._removed:
            return Change()
        entry = QueueEntry(
            id=event.handoff_id,
            session_id=event.session_id,
            priority=event.priority,
            engineer_notes=event.engineer_notes,
            created_at=event.created_at or now,
        )
        self._put(entry, partial=True, generation=self._tick())
        return Change(added=(entry.id,))

    def detailed(self, entry: QueueEntry) -> Change:
        """Full details of a row fetched after its arrival event."""
        if entry.claimed_by is not None:
            return self.gone(entry.id)
        row = self._rows.get(entry.id)
        if row is None:
            if entry.id in self._removed:
                return Change()
            self._put(entry, partial=False, generation=self._tick())
            return Change(added=(entry.id,))
        self._put(entry, partial=False, generation=self._tick())
        return Change(updated=(entry.id,))

    def missed(self, handoff_ids: Iterable[str]) -> Change:
        """Asking for these rows' details failed: they stop saying "fetching"."""
        touched = []
        for handoff_id in handoff_ids:
            row = self._rows.get(handoff_id)
            if row is not None and row.partial and not row.missed:
                row.missed = True
                touched.append(handoff_id)
        return Change(updated=tuple(touched))

    def gone(self, handoff_id: str) -> Change:
        """Claimed (by anyone) or otherwise no longer waiting."""
        self._removed[handoff_id] = self._tick()
        if not self._pop(handoff_id):
            return Change()
        return Change(removed=(handoff_id,))

    # ── Snapshots ────────────────────────────────────────────────────────────

    def reconcile(self, snapshot: Iterable[QueueEntry], since: int) -> Change:
        """Make the queue match a ``GET /queue`` answer requested at generation ``since``.

        Rows that changed after ``since`` are newer than the snapshot, so the
        snapshot may not remove them nor bring back what they removed.
        """
        fresh = {e.id: e for e in snapshot if e.claimed_by is None}
        added: list[str] = []
        removed: list[str] = []
        updated: list[str] = []
        for handoff_id in list(self._rows):
            row = self._rows[handoff_id]
            if handoff_id not in fresh and row.generation <= since:
                self._pop(handoff_id)
                removed.append(handoff_id)
        for handoff_id, entry in fresh.items():
            if self._removed.get(handoff_id, -1) > since:
                continue
            known = self._rows.get(handoff_id)
            if known is None:
                self._put(entry, partial=False, generation=since)
                added.append(handoff_id)
            elif known.partial or known.entry != entry:
                self._put(entry, partial=False, generation=known.generation)
                updated.append(handoff_id)
        # Forget removals the snapshot has caught up with, so the map stays small.
        self._removed = {k: g for k, g in self._removed.items() if g > since}
        return Change(tuple(added), tuple(removed), tuple(updated))

    # ── Views ────────────────────────────────────────────────────────────────

    def ordered(self, sort: Sort = Sort.NEWEST, text: str = "") -> list[QueueEntry]:
        """The rows in display order: newest (or oldest) first, ties by id."""
        keys = self._by_age if sort is Sort.OLDEST else reversed(self._by_age)
        rows = self._rows
        entries = [rows[handoff_id].entry for _, handoff_id in keys]
        if text.strip():
            entries = [e for e in entries if matches(e, text)]
        if sort is Sort.PRIORITY:  # stable: newest first within each priority
            entries.sort(key=lambda e: PRIORITY_RANK.get(e.priority, 2))
        return entries

    def ordered_ids(self, sort: Sort = Sort.NEWEST, text: str = "") -> list[str]:
        """The ids of ``ordered``, in its order. Unfiltered by age, a walk in C: an
        arrival at 10k rows is redrawn in well under a frame."""
        if sort is Sort.PRIORITY or text.strip():
            return [e.id for e in self.ordered(sort, text)]
        keys = self._by_age if sort is Sort.OLDEST else reversed(self._by_age)
        return list(map(itemgetter(1), keys))

    def shows(self, handoff_id: str, text: str = "") -> QueueEntry | None:
        """The row if it is waiting and the filter lets it through, else None."""
        entry = self.get(handoff_id)
        if entry is None or (text.strip() and not matches(entry, text)):
            return None
        return entry


def matches(entry: QueueEntry, text: str) -> bool:
    """Filter: every word must appear somewhere; ``p:high`` matches the priority only."""
    for word in text.lower().split():
        if word.startswith("p:"):
            if entry.priority != word[2:]:
                return False
            continue
        haystack = " ".join(
            (entry.summary, entry.requester, entry.engineer_notes or "", entry.priority)
        ).lower()
        if word not in haystack:
            return False
    return True
