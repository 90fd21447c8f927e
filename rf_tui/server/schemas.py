"""Request and response bodies of the reference server (they make its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Priority = Literal["low", "normal", "high", "urgent"]
Role = Literal["owner", "admin", "engineer", "viewer"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_Body):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class LoginOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class MeOut(BaseModel):
    id: str
    email: str
    name: str
    account_id: str | None
    account_role: Role
    team_id: str | None


class AssessmentOut(BaseModel):
    likely_cause: str
    suggested_steps: list[str]
    confidence: float | str


class HandoffOut(BaseModel):
    id: str
    session_id: str
    account_id: str
    handed_off_by: str
    handed_off_by_name: str
    intent: Literal["escalate", "park"]
    priority: Priority
    engineer_notes: str | None
    snapshot: dict[str, Any]
    ai_assessment_data: AssessmentOut | None
    target_user_id: str | None
    claimed_by: str | None
    claimed_by_name: str | None
    claimed_at: datetime | None
    created_at: datetime
    problem_summary: str


#: GET /queue's body, written once per change of the queue rather than by FastAPI on
#: every request (its response_model check costs ~90 ms at 1,000 rows).
QUEUE: TypeAdapter[list[HandoffOut]] = TypeAdapter(list[HandoffOut])


class HandoffIn(_Body):
    intent: Literal["escalate", "park"]
    engineer_notes: str | None = Field(default=None, max_length=20_000)
    priority: Priority = "normal"
    target_user_id: str | None = None


class TriedStepIn(BaseModel):
    description: str = Field(max_length=5_000)
    result: str | None = Field(default=None, max_length=5_000)
    reason: str | None = Field(default=None, max_length=5_000)


class PackageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    steps_attempted: list[TriedStepIn | str] = Field(default_factory=list, max_length=500)
    dead_ends_flagged: list[TriedStepIn | str] = Field(default_factory=list, max_length=500)


class MessageIn(_Body):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=50_000)


class SessionIn(_Body):
    problem_summary: str = Field(min_length=1, max_length=5_000)
    escalation_package: PackageIn | None = None
    conversation_messages: list[MessageIn] = Field(default_factory=list, max_length=500)


class StepOut(BaseModel):
    step_order: int
    step_type: str
    content: str
    created_at: datetime


class SessionOut(BaseModel):
    id: str
    account_id: str
    user_id: str
    problem_summary: str
    status: Literal["active", "requesting_escalation", "escalated", "resolved"]
    confidence_tier: str | None
    escalation_package: dict[str, Any]
    conversation_messages: list[dict[str, Any]]
    steps: list[StepOut]


class ChatIn(_Body):
    message: str = Field(min_length=1, max_length=20_000)


class ChatOut(BaseModel):
    content: str
    suggested_flows: list[Any]
    fork: Any
    actions: list[Any]
    questions: list[Any]


class MetricsOut(BaseModel):
    period: Literal["7d", "30d", "90d"]
    n_handoffs_claimed: int
    n_handoffs_with_action: int
    avg_seconds_to_first_action: float | None = None
    median_seconds_to_first_action: float | None = None
    p95_seconds_to_first_action: float | None = None
    metric_definition: str


class TrendDayOut(BaseModel):
    date: str
    n_handoffs_claimed: int
    n_handoffs_with_action: int
    median_seconds_to_first_action: float | None = None


class TrendOut(BaseModel):
    """[ours] The metric's claims by UTC day of the claim."""

    period: Literal["7d", "30d", "90d"]
    days: list[TrendDayOut]
    metric_definition: str


class ViewerOut(BaseModel):
    viewer_id: str
    viewer_name: str


class ViewingOut(BaseModel):
    """[ours] Who has a handoff open now (the caller too, after a heartbeat)."""

    handoff_id: str
    session_id: str
    viewers: list[ViewerOut]
    #: Seconds a heartbeat counts for: send the next one well before.
    expires_in: int
