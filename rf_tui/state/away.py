""" "While you were away": what changed in the queue across a gap.

The server keeps no history, so a gap (a reconnect, or a terminal left
unfocused for a while) is summed up by comparing the queue before it with the
queue after it. Plain Python: the app feeds it ids and names, and shows
``summary.text()`` when there is something to say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rf_tui.api.models import QueueEntry
from rf_tui.text import person

#: Names listed before "and N more".
NAMES_SHOWN = 3


@dataclass(frozen=True)
class AwaySummary:
    arrived: int = 0
    claimed_by: tuple[str, ...] = ()  # one name per escalation claimed
    withdrawn: int = 0
    unknown: int = 0  # left the queue, how is not known (another's claim hides it: 404)

    def __bool__(self) -> bool:
        return bool(self.arrived or self.claimed_by or self.withdrawn or self.unknown)

    def text(self) -> str:
        parts = []
        if self.arrived:
            parts.append(f"+{self.arrived} arrived")
        if self.claimed_by:
            # Each person once, in order.
            names = list(dict.fromkeys(person(n) or "someone" for n in self.claimed_by))
            shown = ", ".join(names[:NAMES_SHOWN])
            if len(names) > NAMES_SHOWN:
                shown += f" and {len(names) - NAMES_SHOWN} more"
            parts.append(f"{len(self.claimed_by)} claimed ({shown})")
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        if self.unknown:
            more = "more " if self.claimed_by or self.withdrawn else ""
            parts.append(f"{self.unknown} {more}left the queue")
        return "While you were away: " + ", ".join(parts) + "."


class AwayTracker:
    """When a gap starts and ends: a reconnect, or the terminal unfocused a while."""

    def __init__(self, away_after: float = 60.0) -> None:
        self.away_after = away_after
        self.before: dict[str, str] | None = None  # id → session id, at the gap's start
        self.reason: str | None = None  # "reconnect" or "unfocused"
        self.blurred_at: float | None = None

    def begin(self, entries: Iterable[QueueEntry], reason: str) -> None:
        if self.before is None:  # the first cause of a gap opens it; later ones join it
            self.before = {e.id: e.session_id for e in entries}
            self.reason = reason

    def blurred(self, entries: Iterable[QueueEntry], now: float) -> None:
        self.blurred_at = now
        self.begin(entries, "unfocused")

    def focused(self, now: float) -> bool:
        """True if the gap should be summed up now (unfocused long enough)."""
        blurred, self.blurred_at = self.blurred_at, None
        if self.reason != "unfocused" or blurred is None:
            return False
        if now - blurred >= self.away_after:
            return True
        self.before = self.reason = None  # a glance away is not "away"
        return False

    def close(self, now: Iterable[str]) -> tuple[set[str], dict[str, str]]:
        """(arrived ids, gone id → session id) since the gap began; the gap ends."""
        before, self.before, self.reason = self.before or {}, None, None
        after = set(now)
        return after - set(before), {i: s for i, s in before.items() if i not in after}


def summarise(arrived: set[str], gone: Mapping[str, str | None], unknown: int = 0) -> AwaySummary:
    """``gone`` maps each id that left to who claimed it, or None if nobody did."""
    names = tuple(sorted(name or "someone" for name in gone.values() if name is not None))
    return AwaySummary(
        arrived=len(arrived),
        claimed_by=names,
        withdrawn=sum(1 for name in gone.values() if name is None),
        unknown=unknown,
    )
