"""The handoff as a Markdown ticket note: complete, literal, inert, capped."""

from __future__ import annotations

from datetime import datetime, timezone

from rf_tui.api.models import Handoff, Session
from rf_tui.export import MAX_CHARS, handoff_markdown

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def handoff(**kw: object) -> Handoff:
    data: dict[str, object] = {
        "id": "h1",
        "session_id": "s1",
        "priority": "high",
        "created_at": "2026-11-23T11:58:00+00:00",
        "problem_summary": "VPN drops every few minutes",
        "handed_off_by_name": "Sam Okafor",
        "engineer_notes": "Tried reinstalling the client.\nHeld 10 minutes.",
        "snapshot": {
            "steps_attempted": [{"description": "Flushed DNS", "result": "No change"}],
            "dead_ends_flagged": [{"description": "Rolled back KB5034441", "reason": "Re-applied"}],
            "last_ai_message": "Next suspect: the filter driver.",
        },
        "ai_assessment_data": {
            "likely_cause": "The update replaced the network filter driver.",
            "suggested_steps": ["Check Get-NetAdapterBinding", "Re-register the NDIS driver"],
            "confidence": 0.82,
        },
    }
    data.update(kw)
    return Handoff.model_validate(data)


def test_all_four_panels_are_in_the_note() -> None:
    note = handoff_markdown(handoff(), None, link="https://rf.example/pilot/s1", now=NOW)
    assert note.startswith("## Escalation: VPN drops every few minutes\n")
    assert "**Priority:** high · **From:** Sam Okafor" in note
    assert "**Notes:** Tried reinstalling the client.\nHeld 10 minutes." in note
    assert "- ✓ Flushed DNS → No change" in note
    assert "- ✗ Rolled back KB5034441 → Re-applied" in note
    assert "### AI assessment (confidence: high (82%))" in note
    assert "1. Check Get-NetAdapterBinding\n2. Re-register the NDIS driver" in note
    assert "**Last from the AI:** Next suspect: the filter driver." in note
    assert "Session: https://rf.example/pilot/s1" in note


def test_no_assessment_and_nothing_tried_are_said() -> None:
    bare = handoff(snapshot={}, ai_assessment_data=None, engineer_notes=None)
    note = handoff_markdown(bare, None, link=None, now=NOW)
    assert "- (nothing recorded)" in note and "No AI assessment." in note
    assert "Session:" not in note and "**Notes:**" not in note


def test_hostile_text_is_inert_and_the_session_wins_over_the_snapshot() -> None:
    hostile = "\x1b]52;c;cm0gLXJm\x07 printer \x1b[2J on \u202efire\x9b31m"
    session = Session.model_validate(
        {
            "id": "s1",
            "escalation_package": {"steps_attempted": [{"description": hostile}]},
            "conversation_messages": [],
        }
    )
    note = handoff_markdown(handoff(problem_summary=hostile), session, link=None, now=NOW)
    assert not [c for c in note if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]
    assert "\u202e" not in note
    assert note.count("printer") == 2  # summary and the session's own step, shown literally
    assert "Flushed DNS" not in note


def test_a_huge_note_is_cut_with_a_pointer_to_the_rest() -> None:
    note = handoff_markdown(handoff(engineer_notes="x" * 200_000), None, link=None, now=NOW)
    assert len(note) <= MAX_CHARS
    assert note.endswith("(cut here: the rest is in ResolutionFlow)\n")
