"""What the feed's one-off requests (claim, context, chat) came to, in words a tech reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rf_tui.api.models import ChatReply, Handoff, Session
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
