"""The models accept what a real, slightly different backend might send."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rf_tui.api.models import AIAssessment, EscalationTrend, Handoff, Session

HANDOFF: dict[str, Any] = {
    "id": "h1",
    "session_id": "s1",
    "created_at": "2026-11-23T12:00:00Z",
}


def test_unknown_fields_are_ignored_and_optionals_default() -> None:
    h = Handoff.model_validate({**HANDOFF, "brand_new_field": {"x": 1}})
    assert h.priority == "normal"
    assert h.intent == "escalate"
    assert h.ai_assessment_data is None
    assert h.snapshot == {}
    assert h.summary == ""


@pytest.mark.parametrize(
    ("raw", "label"),
    [(0.82, "high (82%)"), (0.5, "medium (50%)"), (0.1, "low (10%)"), ("medium", "medium"),
     (None, "unknown"), (1.7, "high (100%)")],
)  # fmt: skip
def test_confidence_is_a_number_or_a_word(raw: object, label: str) -> None:
    a = AIAssessment.model_validate({"likely_cause": "x", "suggested_steps": [], "confidence": raw})
    assert a.confidence_label == label


def test_assessment_steps_may_be_objects() -> None:
    a = AIAssessment.model_validate(
        {"suggested_steps": ["plain", {"description": "described"}, {"title": "titled"}, 7]}
    )
    assert a.suggested_steps == ("plain", "described", "titled", "7")


def test_non_object_assessment_means_none_yet() -> None:
    assert (
        Handoff.model_validate({**HANDOFF, "ai_assessment_data": "pending"}).ai_assessment_data
        is None
    )
    assert Handoff.model_validate({**HANDOFF, "ai_assessment_data": []}).ai_assessment_data is None


def test_priority_is_normalised_and_summary_falls_back_to_the_snapshot() -> None:
    h = Handoff.model_validate(
        {**HANDOFF, "priority": " HIGH ", "snapshot": {"problem_summary": "Printer jam"}}
    )
    assert h.priority == "high"
    assert h.summary == "Printer jam"
    assert Handoff.model_validate({**HANDOFF, "priority": None}).priority == "normal"


def test_steps_attempted_and_dead_ends_accept_strings_and_objects() -> None:
    s = Session.model_validate(
        {
            "id": "s1",
            "escalation_package": {
                "steps_attempted": [
                    "Rebooted",
                    {"description": "Flushed DNS", "result": "no change"},
                ],
                "dead_ends_flagged": [{"step": "Reinstalled", "reason": "same"}, 42],
            },
            "conversation_messages": [
                {"role": "user", "content": "hi"},
                "garbage",
                {"role": "assistant", "content": {"text": "structured"}},
                {"role": "assistant", "content": "latest"},
            ],
            "steps": [{"step_order": 1, "step_type": "diagnostic", "content": "x"}],
        }
    )
    tried = s.escalation_package.steps_attempted
    assert [(t.description, t.result) for t in tried] == [
        ("Rebooted", None),
        ("Flushed DNS", "no change"),
    ]
    dead = s.escalation_package.dead_ends_flagged
    assert [(d.description, d.reason) for d in dead] == [("Reinstalled", "same"), ("42", None)]
    assert len(s.conversation_messages) == 3
    assert s.latest_ai_message == "latest"
    assert s.steps[0].step_order == 1


def test_missing_or_odd_package_is_empty() -> None:
    assert (
        Session.model_validate(
            {"id": "s1", "escalation_package": None}
        ).escalation_package.steps_attempted
        == ()
    )
    assert (
        Session.model_validate(
            {"id": "s1", "escalation_package": "x"}
        ).escalation_package.dead_ends_flagged
        == ()
    )


def test_models_are_immutable() -> None:
    h = Handoff.model_validate(HANDOFF)
    with pytest.raises(ValueError):
        h.priority = "urgent"  # type: ignore[misc]


def test_times_without_a_zone_are_read_as_utc() -> None:
    """What FastAPI + SQLAlchemy send for a plain DateTime column: no offset at all."""
    from datetime import timezone

    from rf_tui.api.models import HandoffClaimed, HandoffCreated, QueueEntry

    row = QueueEntry.model_validate(
        {
            "id": "h1",
            "session_id": "s1",
            "created_at": "2026-12-01T13:09:45.716",
            "claimed_at": "2026-12-01T13:10:00",
        }
    )
    assert row.created_at.tzinfo is timezone.utc and row.created_at.hour == 13
    assert row.claimed_at is not None and row.claimed_at.tzinfo is timezone.utc
    event = HandoffCreated.model_validate(
        {"handoff_id": "h1", "session_id": "s1", "created_at": "2026-12-01T13:09:45"}
    )
    assert event.created_at is not None and event.created_at.tzinfo is timezone.utc
    claimed = HandoffClaimed.model_validate(
        {"handoff_id": "h1", "session_id": "s1", "claimed_at": "2026-12-01T13:09:45"}
    )
    assert claimed.claimed_at is not None and claimed.claimed_at.tzinfo is timezone.utc
    # A time with a zone keeps it.
    kept = QueueEntry.model_validate(
        {"id": "h2", "session_id": "s2", "created_at": "2026-12-01T13:09:45+02:00"}
    )
    assert kept.created_at.utcoffset() is not None and kept.created_at.hour == 13


def test_a_trend_keeps_the_days_it_can_read_oldest_first() -> None:
    trend = EscalationTrend.model_validate(
        {
            "period": "7d",
            "days": [
                {"date": "2026-11-21", "n_handoffs_claimed": 2, "n_handoffs_with_action": 1,
                 "median_seconds_to_first_action": 45.5, "avg": 1},
                {"date": "2026-11-20T00:00:00Z"},  # a midnight timestamp: its day
                {"date": "yesterday"},
                {"n_handoffs_claimed": 3},
                "2026-11-19",
            ],
            "generated_by": "a newer backend",
        }
    )  # fmt: skip
    assert [d.date for d in trend.days] == [date(2026, 11, 20), date(2026, 11, 21)]
    assert trend.days[0].n_handoffs_claimed == 0
    assert trend.days[0].median_seconds_to_first_action is None
    assert trend.days[1].median_seconds_to_first_action == 45.5
    assert trend.metric_definition == ""
    assert EscalationTrend.model_validate({"days": None}).days == ()
