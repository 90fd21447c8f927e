"""What the feed tells its front ends: small, immutable, typed.

Every front end (the TUI, ``watch``, ``--plain``) is a renderer of these and
nothing else; none of them reads the stream or fetches the queue itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rf_tui.api.models import AssessmentReady, EscalationMetrics, Handoff, Me, QueueEntry
from rf_tui.api.stream import ConnectionState
from rf_tui.state.away import AwaySummary
from rf_tui.state.clock import skew_text

#: Why the queue changed:
#: ``arrival`` a junior escalated just now (the stream said so);
#: ``details`` what an arrival's event lacked, fetched;
#: ``claimed`` someone claimed it (the stream said so, or our own claim);
#: ``first`` the first queue fetched; ``refetch`` a later fetch corrected the rows;
#: ``gap`` the fetch after a reconnect: what the gap hid.
Cause = Literal["arrival", "details", "claimed", "first", "refetch", "gap"]


@dataclass(frozen=True)
class Departure:
    """A row that left the queue, and who took it when that is known."""

    handoff_id: str
    claimed_by: str | None = None
    by_me: bool = False


@dataclass(frozen=True)
class QueueChanged:
    cause: Cause
    added: tuple[QueueEntry, ...] = ()
    removed: tuple[Departure, ...] = ()
    updated: tuple[QueueEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.updated)

    def ids(self) -> set[str]:
        """Every row this change touched."""
        return (
            {e.id for e in self.added}
            | {d.handoff_id for d in self.removed}
            | {e.id for e in self.updated}
        )


@dataclass(frozen=True)
class ConnectionChanged:
    state: ConnectionState


@dataclass(frozen=True)
class SignedIn:
    me: Me


@dataclass(frozen=True)
class QueueLoadFailed:
    """A queue fetch failed; ``loaded`` says whether any fetch has ever worked.

    A front end must never say "no escalations" over a queue it never loaded.
    """

    reason: str
    loaded: bool

    def text(self) -> str:
        if self.loaded:
            return f"refresh failed: {self.reason}"
        return f"Queue not loaded yet: {self.reason}"


@dataclass(frozen=True)
class RowsSkipped:
    """Rows of the queue too malformed to show, one sentence each (empty: none now)."""

    rows: tuple[str, ...]

    def text(self) -> str:
        noun, verb = ("row", "is") if len(self.rows) == 1 else ("rows", "are")
        return f"{len(self.rows)} {noun} of the queue could not be read and {verb} not shown: " + (
            "; ".join(self.rows[:3]) + ("; …" if len(self.rows) > 3 else "")
        )


@dataclass(frozen=True)
class MetricChanged:
    metrics: EscalationMetrics | None
    problem: str | None = None


@dataclass(frozen=True)
class LinkMeasured:
    """One round trip to the server, in seconds."""

    rtt: float


@dataclass(frozen=True)
class ClockSkewed:
    """The server's clock, as its Date headers show it, is ``offset`` seconds ahead
    (negative: behind); every age is now read on it."""

    offset: float

    def text(self, *, compact: bool = False) -> str:
        """In a tech's words once it is over a minute; empty otherwise."""
        return skew_text(self.offset, compact=compact)


@dataclass(frozen=True)
class AssessmentLanded:
    event: AssessmentReady


@dataclass(frozen=True)
class GapClosed:
    """What a gap (a reconnect, or a user away) hid, once the departed rows are named."""

    summary: AwaySummary
    #: handoff id → who claimed it (None: withdrawn); ids missing were not learnt.
    departures: tuple[Departure, ...] = ()


@dataclass(frozen=True)
class ViewersChanged:
    """Who else has these escalations open changed ([ours]: the viewing heartbeat).

    The names are the feed's to ask (``Feed.viewers``): they lapse by themselves.
    """

    handoff_ids: tuple[str, ...]


@dataclass(frozen=True)
class ClaimedByMe:
    """The server says I claimed this, and not through this feed's ``claim``: from
    another client (another terminal, the web app) while this one was following."""

    handoff: Handoff


@dataclass(frozen=True)
class Trouble:
    """Something unexpected failed inside the feed; it retries after ``retry_in``."""

    what: str
    retry_in: float


FeedEvent = (
    QueueChanged
    | ConnectionChanged
    | SignedIn
    | QueueLoadFailed
    | RowsSkipped
    | MetricChanged
    | LinkMeasured
    | ClockSkewed
    | AssessmentLanded
    | GapClosed
    | ViewersChanged
    | ClaimedByMe
    | Trouble
)
