"""The away summary: what a gap hid, in one line, and nothing when nothing changed."""

from __future__ import annotations

from datetime import datetime, timezone

from rf_tui.api.models import QueueEntry
from rf_tui.state.away import AwaySummary, AwayTracker, summarise


def rows(*ids: str) -> list[QueueEntry]:
    at = datetime(2026, 11, 23, tzinfo=timezone.utc)
    return [QueueEntry(id=i, session_id=f"s-{i}", created_at=at) for i in ids]


def test_the_line_says_arrivals_claims_with_names_and_withdrawals() -> None:
    away = AwayTracker()
    away.begin(rows("a", "b", "c", "d"), "reconnect")
    arrived, gone = away.close({"a", "e", "f", "g"})
    assert arrived == {"e", "f", "g"}
    assert gone == {"b": "s-b", "c": "s-c", "d": "s-d"}
    summary = summarise(arrived, {"b": "Dana Park", "c": "Alex Moreno", "d": None})
    assert summary.text() == (
        "While you were away: +3 arrived, 2 claimed (Alex Moreno, Dana Park), 1 withdrawn."
    )


def test_rows_hidden_from_us_left_the_queue_without_a_reason() -> None:
    summary = summarise({"n"}, {}, unknown=2)
    assert summary.text() == "While you were away: +1 arrived, 2 left the queue."
    mixed = summarise(set(), {"x": "Alex"}, unknown=1)
    assert mixed.text() == "While you were away: 1 claimed (Alex), 1 more left the queue."


def test_nothing_changed_is_nothing_to_say() -> None:
    away = AwayTracker()
    away.begin(rows("a"), "reconnect")
    arrived, gone = away.close({"a"})
    assert not summarise(arrived, dict.fromkeys(gone))


def test_a_glance_away_is_not_away_and_the_first_cause_of_a_gap_wins() -> None:
    away = AwayTracker(away_after=60)
    away.blurred(rows("a"), now=100.0)
    assert not away.focused(now=130.0)  # 30 s: nothing to sum up, the gap is dropped
    assert away.before is None
    away.blurred(rows("a"), now=200.0)
    away.begin(rows("a", "b"), "reconnect")  # a reconnect while away joins that gap
    assert away.reason == "unfocused" and set(away.before or {}) == {"a"}
    assert away.focused(now=261.0)


def test_many_claimers_are_cut_short_and_each_named_once() -> None:
    summary = AwaySummary(claimed_by=("Alex", "Alex", "Bo", "Cy", "Di", "Ed"))
    assert summary.text() == "While you were away: 6 claimed (Alex, Bo, Cy and 2 more)."
