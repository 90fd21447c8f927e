"""Messages from the network side (``Link``) and intents from widgets.

Small immutable dataclasses; the values they carry are the API layer's frozen
models, so nothing crossing here can be mutated by the receiver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message

from rf_tui.api.models import (
    AssessmentReady,
    ChatReply,
    EscalationMetrics,
    Handoff,
    HandoffClaimed,
    HandoffCreated,
    Me,
    QueueEntry,
    Session,
)
from rf_tui.api.stream import ConnectionState
from rf_tui.state.away import AwaySummary

# ── From the network ─────────────────────────────────────────────────────────


@dataclass
class ConnectionChanged(Message):
    state: ConnectionState


@dataclass
class SignedIn(Message):
    me: Me


@dataclass
class QueueFetched(Message):
    entries: list[QueueEntry]
    since: int  # the queue generation when the request was sent


@dataclass
class QueueFailed(Message):
    """A refetch failed; the queue on screen may be stale until the next one works."""

    reason: str


@dataclass
class MetricsFailed(Message):
    reason: str


@dataclass
class Arrived(Message):
    event: HandoffCreated


@dataclass
class Detailed(Message):
    entry: QueueEntry


@dataclass
class LinkMeasured(Message):
    """One round trip to the server, in seconds."""

    rtt: float


@dataclass
class AwaySummarised(Message):
    """What a gap hid, once the departed rows were looked up."""

    summary: AwaySummary


@dataclass
class ClaimedElsewhere(Message):
    event: HandoffClaimed


@dataclass
class AssessmentLanded(Message):
    event: AssessmentReady


@dataclass
class MetricsFetched(Message):
    metrics: EscalationMetrics


@dataclass
class ContextLoaded(Message):
    handoff: Handoff
    session: Session | None
    problem: str | None  # why the session could not be loaded, in words


@dataclass
class ChatAnswered(Message):
    session_id: str
    sent: str
    reply: ChatReply


@dataclass
class ChatFailed(Message):
    session_id: str
    draft: str
    reason: str


# ── Intents from widgets ─────────────────────────────────────────────────────


@dataclass
class ClaimRequested(Message):
    handoff_id: str


@dataclass
class OpenRequested(Message):
    handoff_id: str


# ── Claim outcomes ───────────────────────────────────────────────────────────


@dataclass
class ClaimWon(Message):
    handoff: Handoff


@dataclass
class ClaimLost(Message):
    handoff_id: str
    winner: str
    claimed_at: datetime | None


@dataclass
class ClaimFailed(Message):
    handoff_id: str
    reason: str
