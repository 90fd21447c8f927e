"""Which escalations this senior has opened, claimed or dismissed (so: which are unread).

Persisted per server and user, capped, written atomically. A damaged or
unwritable file never stops the app: it is set aside, or the set lives in
memory, and either is said once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Container
from pathlib import Path
from typing import Any

from rf_tui.store.atomic import StoreError, read_json, write_json

CAP = 200


class SeenSet:
    """The ids this user has seen, most recent last; everything else is unread."""

    def __init__(self, path: Path | None, cap: int = CAP) -> None:
        self.path = path
        self.cap = cap
        self._ids: OrderedDict[str, None] = OrderedDict()
        #: A sentence for the user when loading or saving went wrong, else None.
        self.problem: str | None = None
        self._save_failed = False
        self._load()

    def __contains__(self, handoff_id: object) -> bool:
        return handoff_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def unread(self, ids: set[str]) -> set[str]:
        return ids - self._ids.keys()  # a set difference in C: 10k ids in microseconds

    def count_unread(self, ids: Container[str], total: int) -> int:
        """How many of ``total`` ids (all in ``ids``) are unread: a walk of the seen
        ids (200 at most), not of the queue's 10,000."""
        return total - sum(1 for handoff_id in self._ids if handoff_id in ids)

    def mark(self, handoff_id: str) -> bool:
        """Mark as seen; True if that changed anything (and it was saved)."""
        if handoff_id in self._ids:
            self._ids.move_to_end(handoff_id)
            return False
        self._ids[handoff_id] = None
        while len(self._ids) > self.cap:
            self._ids.popitem(last=False)
        self._save()
        return True

    def _load(self) -> None:
        if self.path is None:
            return
        found = read_json(
            self.path,
            what="The unread-markers file",
            then="Every escalation shows as unread.",
            valid=_is_seen_list,
        )
        self.problem = found.problem
        if found.data:
            ids = [i for i in found.data["seen"] if isinstance(i, str)]
            for handoff_id in ids[-self.cap :]:
                self._ids[handoff_id] = None

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            write_json(self.path, {"version": 1, "seen": list(self._ids)}, what="Unread markers")
        except StoreError as exc:
            # Keep going in memory; say so once per run, however often it fails.
            if not self._save_failed:
                self._save_failed = True
                self.problem = f"{exc} They will reset when rf-tui restarts."


def _is_seen_list(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("seen"), list)
