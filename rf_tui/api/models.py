"""Typed, tolerant models of what the backend sends (docs/contract.md).

The real backend is not ours and may differ from the reference server, so every
model ignores unknown fields, treats optional fields as optional, and coerces
loosely-typed text (a number where a string was expected, an object where a
list item was expected) instead of rejecting the whole payload. Models are
frozen: values that cross layers are immutable.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)


def _to_text(value: Any) -> Any:
    """Coerce anything a loose backend might send into a string (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


Text = Annotated[str, BeforeValidator(_to_text)]
OptText = Annotated[str | None, BeforeValidator(_to_text)]


def aware(value: datetime) -> datetime:
    """A time without a zone is taken as UTC.

    FastAPI with SQLAlchemy's plain ``DateTime`` column sends "2026-12-01T13:09:45.716";
    comparing that with an aware clock raised, and a naive time is UTC on every
    backend we know of.
    """
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


When = Annotated[datetime, AfterValidator(aware)]
OptWhen = Annotated[datetime | None, AfterValidator(_aware_or_none)]


def _list_or_empty(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return value
    return (value,)


def _norm_priority(value: Any) -> str:
    """Priorities are compared as lower-case words; a missing one means normal."""
    return "normal" if value is None else str(value).strip().lower() or "normal"


class _Model(BaseModel):
    # defer_build: each model's validator is built when first used, not on import:
    # `rf-tui queue` needs two, the app's first paint a few; building all twenty
    # on import cost about 40 ms of every start.
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, defer_build=True)


# ── Auth ─────────────────────────────────────────────────────────────────────


class LoginResult(_Model):
    access_token: Text
    token_type: Text = "bearer"
    expires_in: int | None = None


class Me(_Model):
    id: Text
    email: Text = ""
    name: Text = ""
    account_id: OptText = None
    account_role: Text = "viewer"
    team_id: OptText = None

    @property
    def can_claim(self) -> bool:
        """Owner, admin and engineer may claim; a viewer may not (docs/contract.md)."""
        return self.account_role in {"owner", "admin", "engineer"}


# ── Handoffs ─────────────────────────────────────────────────────────────────


class AIAssessment(_Model):
    """The model's take on an escalation. Confidence is a number 0..1 or a word."""

    likely_cause: OptText = None
    suggested_steps: tuple[Text, ...] = ()
    confidence: float | Text | None = None

    @field_validator("suggested_steps", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        items = _list_or_empty(value)
        return tuple(_describe(item) for item in items)

    @property
    def confidence_label(self) -> str:
        """A badge word: a number becomes low/medium/high plus its percentage."""
        c = self.confidence
        if c is None:
            return "unknown"
        if isinstance(c, float):
            pct = round(max(0.0, min(1.0, c)) * 100)
            word = "high" if c >= 0.75 else "medium" if c >= 0.4 else "low"
            return f"{word} ({pct}%)"
        return c


class Handoff(_Model):
    id: Text
    session_id: Text
    account_id: OptText = None
    handed_off_by: OptText = None
    handed_off_by_name: OptText = None
    intent: Text = "escalate"
    priority: Text = "normal"
    engineer_notes: OptText = None
    snapshot: dict[str, Any] = Field(default_factory=dict)
    ai_assessment_data: AIAssessment | None = None
    target_user_id: OptText = None
    claimed_by: OptText = None
    claimed_by_name: OptText = None
    claimed_at: OptWhen = None
    created_at: When
    problem_summary: OptText = None

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: Any) -> Any:
        return _norm_priority(value)

    @field_validator("snapshot", mode="before")
    @classmethod
    def _snapshot(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}

    @field_validator("ai_assessment_data", mode="before")
    @classmethod
    def _assessment(cls, value: Any) -> Any:
        # Anything that is not an object is treated as "no assessment yet".
        return value if isinstance(value, dict) else None

    @property
    def summary(self) -> str:
        """The junior's framing of the problem, wherever the backend put it."""
        if self.problem_summary:
            return self.problem_summary
        snap = self.snapshot.get("problem_summary")
        return snap if isinstance(snap, str) else ""

    @property
    def requester(self) -> str:
        return self.handed_off_by_name or ""


class QueueEntry(Handoff):
    """One row of ``GET /ai-sessions/queue``: an unclaimed handoff."""


# ── Sessions ─────────────────────────────────────────────────────────────────


def _describe(item: Any) -> Any:
    """A step may be a plain string or an object; find its human description."""
    if isinstance(item, dict):
        for key in ("description", "step", "text", "title", "content"):
            if isinstance(item.get(key), str):
                return item[key]
        return _to_text(item)
    return _to_text(item)


class TriedStep(_Model):
    """An item of ``steps_attempted`` or ``dead_ends_flagged``."""

    description: Text
    result: OptText = None
    reason: OptText = None

    @classmethod
    def coerce(cls, item: Any) -> dict[str, Any]:
        if isinstance(item, dict):
            return {
                "description": _describe(item),
                "result": item.get("result"),
                "reason": item.get("reason"),
            }
        return {"description": _describe(item)}


class EscalationPackage(_Model):
    steps_attempted: tuple[TriedStep, ...] = ()
    dead_ends_flagged: tuple[TriedStep, ...] = ()

    @field_validator("steps_attempted", "dead_ends_flagged", mode="before")
    @classmethod
    def _items(cls, value: Any) -> Any:
        return tuple(TriedStep.coerce(item) for item in _list_or_empty(value))


class Message(_Model):
    role: Text = "assistant"
    content: Text = ""


class SessionStep(_Model):
    step_order: int | None = None
    step_type: Text = ""
    content: Text = ""
    created_at: OptWhen = None


class Session(_Model):
    id: Text
    account_id: OptText = None
    user_id: OptText = None
    problem_summary: Text = ""
    status: Text = "active"
    confidence_tier: OptText = None
    escalation_package: EscalationPackage = Field(default_factory=EscalationPackage)
    conversation_messages: tuple[Message, ...] = ()
    steps: tuple[SessionStep, ...] = ()

    @field_validator("escalation_package", mode="before")
    @classmethod
    def _package(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}

    @field_validator("conversation_messages", "steps", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return tuple(item for item in _list_or_empty(value) if isinstance(item, dict))

    @property
    def latest_ai_message(self) -> str | None:
        for message in reversed(self.conversation_messages):
            if message.role == "assistant" and message.content:
                return message.content
        return None


class ChatReply(_Model):
    content: Text = ""
    suggested_flows: tuple[Any, ...] = ()
    fork: Any = None
    actions: tuple[Any, ...] = ()
    questions: tuple[Any, ...] = ()

    @field_validator("suggested_flows", "actions", "questions", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return tuple(_list_or_empty(value))


class EscalationMetrics(_Model):
    """Time to first action after claim (docs/contract.md): never "minutes saved"."""

    period: Text = "30d"
    n_handoffs_claimed: int = 0
    n_handoffs_with_action: int = 0
    avg_seconds_to_first_action: float | None = None
    median_seconds_to_first_action: float | None = None
    p95_seconds_to_first_action: float | None = None
    metric_definition: Text = ""


class TrendBucket(_Model):
    """[ours] One UTC day of the trend: claims that day, with the metric's definitions."""

    date: date
    n_handoffs_claimed: int = 0
    n_handoffs_with_action: int = 0
    median_seconds_to_first_action: float | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        # A backend may send the day as a midnight timestamp: its date is the day.
        if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
            return value[:10]
        return value


class EscalationTrend(_Model):
    """[ours] ``GET /analytics/flowpilot/escalations/trend``: the metric's claims by day,
    oldest first. Days that cannot be read are left out, not the whole trend."""

    period: Text = "30d"
    days: tuple[TrendBucket, ...] = ()
    metric_definition: Text = ""

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        readable = []
        for item in _list_or_empty(value):
            try:
                readable.append(TrendBucket.model_validate(item))
            except ValidationError:
                continue
        return tuple(sorted(readable, key=lambda day: day.date))


# ── Stream events ────────────────────────────────────────────────────────────


class Ready(_Model):
    """First frame of the stream: the subscription is live."""

    account_id: OptText = None


class HandoffCreated(_Model):
    handoff_id: Text
    session_id: Text
    priority: Text = "normal"
    engineer_notes: OptText = None
    created_at: OptWhen = None

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: Any) -> Any:
        return _norm_priority(value)


class AssessmentReady(_Model):
    handoff_id: Text
    session_id: Text


class HandoffClaimed(_Model):
    handoff_id: Text
    session_id: Text
    claimed_by: OptText = None
    claimed_by_name: OptText = None
    claimed_at: OptWhen = None


def _viewing(value: Any) -> Any:
    return True if value is None else value


def _seconds_or_none(value: Any) -> Any:
    """A number of seconds, or None for anything else (then the client's default holds)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


Seconds = Annotated[float | None, BeforeValidator(_seconds_or_none)]


class HandoffViewing(_Model):
    """[ours] Someone has a handoff open (``viewing``), or has closed it.

    Sent at every heartbeat (every 10 s while open), so it also says "still there";
    a viewer not heard of for ``expires_in`` seconds has gone.
    """

    handoff_id: Text
    viewer_id: Text
    session_id: OptText = None
    viewer_name: OptText = None
    viewing: Annotated[bool, BeforeValidator(_viewing)] = True
    expires_in: Seconds = None


class Viewer(_Model):
    viewer_id: Text
    viewer_name: OptText = None


class ViewingAnswer(_Model):
    """[ours] The answer to a viewing heartbeat: who has the handoff open now."""

    viewers: tuple[Viewer, ...] = ()
    expires_in: Seconds = None

    @field_validator("viewers", mode="before")
    @classmethod
    def _viewers(cls, value: Any) -> Any:
        return tuple(
            item
            for item in _list_or_empty(value)
            if isinstance(item, dict) and item.get("viewer_id") is not None
        )


class UnknownEvent(_Model):
    """An event type this client does not know; kept so it can be counted."""

    event: Text
    data: Text = ""


StreamEvent = (
    Ready | HandoffCreated | AssessmentReady | HandoffClaimed | HandoffViewing | UnknownEvent
)

EVENT_TYPES: dict[str, type[_Model]] = {
    "ready": Ready,
    "handoff_created": HandoffCreated,
    "handoff_assessment_ready": AssessmentReady,
    "handoff_claimed": HandoffClaimed,
    "handoff_viewing": HandoffViewing,
}
