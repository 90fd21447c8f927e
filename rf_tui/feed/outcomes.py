"""What the feed's one-off requests (claim, context, chat, where my claims stand) came to,
in words a tech reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from rf_tui.api.models import ChatReply, EscalationMetrics, Handoff, Session
from rf_tui.feed.periods import PERIODS as PERIODS  # read here by the stats screen
from rf_tui.feed.periods import Period as Period
from rf_tui.state.clock import ago
from rf_tui.text import person

CLAIM_FORBIDDEN = "Only engineers or admins can claim escalations; your role is read-only."


@dataclass(frozen=True)
class Claimed:
    handoff: Handoff


@dataclass(frozen=True)
class ClaimLost:
    """Someone else was first; the row stays until the front end lets it go."""

    handoff_id: str
    winner: str
    claimed_at: datetime | None

    def sentence(self, now: datetime) -> str:
        """The one way every front end says it: "Already claimed by Alex Moreno 2s ago." """
        when = ago(self.claimed_at, now)
        who = person(self.winner) or "someone else"
        return f"Already claimed by {who}{' ' + when if when else ''}."


@dataclass(frozen=True)
class ClaimRefused:
    handoff_id: str
    reason: str


ClaimOutcome = Claimed | ClaimLost | ClaimRefused


@dataclass(frozen=True)
class Context:
    """The session behind a handoff; ``problem`` says why it could not be loaded."""

    handoff: Handoff
    session: Session | None
    problem: str | None = None


@dataclass(frozen=True)
class ChatAnswered:
    session_id: str
    sent: str
    reply: ChatReply


@dataclass(frozen=True)
class ChatRefused:
    session_id: str
    draft: str
    reason: str


ChatOutcome = ChatAnswered | ChatRefused


#: Where a claim of mine stands on the server:
#: ``yours`` still yours, no first action yet; ``acted`` still yours, first action sent;
#: ``taken`` someone else has it (``again``: the session was escalated again and they
#: claimed that); ``queued`` escalated again and waiting in the queue; ``released``
#: nobody's claim any more; ``gone`` the server no longer shows it to you;
#: ``unknown`` the server did not answer (offline, signed out, struggling).
Standing = Literal["yours", "acted", "taken", "queued", "released", "gone", "unknown"]


@dataclass(frozen=True)
class ClaimState:
    """One escalation of Mine, as ``GET /ai-sessions/{sid}/handoffs`` tells it."""

    handoff_id: str
    standing: Standing
    #: The server's copy of my handoff, when it showed one.
    handoff: Handoff | None = None
    #: Who has it now (``taken``).
    by: str | None = None
    #: ``taken`` or ``queued`` through a newer escalation of the same session.
    again: bool = False
    #: Why it is ``unknown`` or ``gone``: the server's answer, in words.
    reason: str | None = None

    def text(self) -> str:
        """A few words for a row of Mine: "still yours", "claimed by Alex Moreno"."""
        if self.standing == "yours":
            return "still yours, no action yet"
        if self.standing == "acted":
            return "still yours, first action sent"
        if self.standing == "taken":
            who = person(self.by) or "someone else"
            return f"escalated again, claimed by {who}" if self.again else f"claimed by {who}"
        if self.standing == "queued":
            return "escalated again, waiting in the queue"
        if self.standing == "released":
            return "nobody's claim now: it may be back in the queue"
        if self.standing == "gone":
            return "gone: the server no longer shows it to you"
        return "unknown until the server answers"


# ── Stats for an owner ───────────────────────────────────────────────────────

# (PERIODS and Period: rf_tui/feed/periods.py, imported above.)


@dataclass(frozen=True)
class TrendDay:
    """One day of the trend: escalations claimed that day (UTC), how many had a first
    action, and the median time to it (None when none had one)."""

    day: date
    claimed: int
    with_action: int
    median_seconds: float | None


@dataclass(frozen=True)
class Stats:
    """The metric for a period, and its trend by day. ``trend`` is None when the
    server has no trend to give (``no_trend`` says so in words)."""

    period: Period
    metrics: EscalationMetrics
    trend: tuple[TrendDay, ...] | None = None
    no_trend: str | None = None


@dataclass(frozen=True)
class StatsRefused:
    """No figures: ``forbidden`` when the role may not see them (a viewer)."""

    period: Period
    reason: str
    forbidden: bool = False
    #: The HTTP status of the refusal, when there was one (401: sign in again).
    status: int | None = None


StatsOutcome = Stats | StatsRefused
