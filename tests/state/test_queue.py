"""The queue state: events, snapshots, and the races between them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from rf_tui.api.models import HandoffCreated, QueueEntry
from rf_tui.state.queue import (
    FETCHING,
    NO_SUMMARY,
    NOT_LOADED,
    PRIORITY_RANK,
    QueueState,
    Sort,
    matches,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def entry(i: int, **kw: object) -> QueueEntry:
    data: dict[str, object] = {
        "id": f"h{i}",
        "session_id": f"s{i}",
        "created_at": T0 + timedelta(minutes=i),
        "problem_summary": f"Problem {i}",
        "handed_off_by_name": "Sam",
        "priority": "normal",
    }
    data.update(kw)
    return QueueEntry.model_validate(data)


def created(i: int) -> HandoffCreated:
    return HandoffCreated(
        handoff_id=f"h{i}",
        session_id=f"s{i}",
        priority="high",
        created_at=T0 + timedelta(minutes=i),
    )


def test_reconcile_adds_removes_and_updates() -> None:
    q = QueueState()
    assert q.reconcile([entry(1), entry(2)], since=q.generation).added == ("h1", "h2")
    change = q.reconcile([entry(2, problem_summary="Edited"), entry(3)], since=q.generation)
    assert (change.added, change.removed, change.updated) == (("h3",), ("h1",), ("h2",))
    assert q.get("h2").summary == "Edited"  # type: ignore[union-attr]
    assert not q.reconcile([entry(2, problem_summary="Edited"), entry(3)], since=q.generation)


def test_arrival_is_partial_until_detailed() -> None:
    q = QueueState()
    assert q.arrived(created(1), T0).added == ("h1",)
    assert q.is_partial("h1") and q.get("h1").priority == "high"  # type: ignore[union-attr]
    assert q.detailed(entry(1, priority="high")).updated == ("h1",)
    assert not q.is_partial("h1") and q.get("h1").summary == "Problem 1"  # type: ignore[union-attr]
    assert not q.arrived(created(1), T0)  # duplicate event


def test_a_stale_snapshot_cannot_remove_a_newer_arrival() -> None:
    q = QueueState()
    q.reconcile([entry(1)], since=q.generation)
    asked_at = q.generation  # GET /queue sent now...
    q.arrived(created(2), T0)  # ...an arrival lands while it is in flight...
    change = q.reconcile([entry(1)], since=asked_at)  # ...and the answer predates it
    assert "h2" in q and not change.removed


def test_a_stale_snapshot_cannot_resurrect_a_claimed_row() -> None:
    q = QueueState()
    q.reconcile([entry(1), entry(2)], since=q.generation)
    asked_at = q.generation
    assert q.gone("h1").removed == ("h1",)
    q.reconcile([entry(1), entry(2)], since=asked_at)
    assert "h1" not in q
    # A later snapshot that still shows it is believed: the claim event was wrong or undone.
    q.reconcile([entry(1), entry(2)], since=q.generation)
    assert "h1" in q


def test_claimed_before_created_never_shows() -> None:
    q = QueueState()
    q.gone("h5")
    assert not q.arrived(created(5), T0)
    assert "h5" not in q


def test_snapshot_rows_already_claimed_are_ignored() -> None:
    q = QueueState()
    q.reconcile([entry(1, claimed_by="u")], since=q.generation)
    assert len(q) == 0
    q.arrived(created(2), T0)
    assert q.detailed(entry(2, claimed_by="u")).removed == ("h2",)


def test_sorts_and_filters() -> None:
    q = QueueState()
    q.reconcile(
        [
            entry(1, priority="low"),
            entry(2, priority="urgent"),
            entry(3, engineer_notes="VPN again"),
        ],
        since=0,
    )
    assert [e.id for e in q.ordered()] == ["h3", "h2", "h1"]
    assert [e.id for e in q.ordered(Sort.OLDEST)] == ["h1", "h2", "h3"]
    assert [e.id for e in q.ordered(Sort.PRIORITY)] == ["h2", "h3", "h1"]
    assert [e.id for e in q.ordered(text="vpn")] == ["h3"]
    assert [e.id for e in q.ordered(text="p:urgent")] == ["h2"]
    assert Sort.PRIORITY.next() is Sort.NEWEST
    assert matches(entry(1), "problem sam") and not matches(entry(1), "problem dana")


# Any sequence of events and snapshots leaves the kept order equal to sorting
# from scratch: the incremental index may never drift from the rows.
_OPS = st.lists(
    st.tuples(
        st.sampled_from(["arrived", "detailed", "gone", "reconcile"]),
        st.integers(0, 12),  # which escalation
        st.integers(0, 5),  # its created_at, in minutes: ties happen
        st.sampled_from(["urgent", "high", "normal", "low", "weird"]),
        st.lists(st.integers(0, 12), max_size=8),  # a snapshot's ids
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_OPS)
def test_kept_order_always_equals_a_fresh_sort(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    queue = QueueState()
    for op, i, minute, priority, snapshot in ops:
        at = T0 + timedelta(minutes=minute)
        if op == "arrived":
            queue.arrived(
                HandoffCreated(handoff_id=f"h{i}", session_id="s", priority=priority,
                               created_at=at),
                T0,
            )  # fmt: skip
        elif op == "detailed":
            queue.detailed(entry(i, created_at=at, priority=priority))
        elif op == "gone":
            queue.gone(f"h{i}")
        else:
            queue.reconcile([entry(j, created_at=at) for j in snapshot], queue.generation)
    rows = queue.entries()
    newest = sorted(rows, key=lambda e: (e.created_at, e.id), reverse=True)
    assert [e.id for e in queue.ordered(Sort.NEWEST)] == [e.id for e in newest]
    assert [e.id for e in queue.ordered(Sort.OLDEST)] == [e.id for e in reversed(newest)]
    by_priority = sorted(newest, key=lambda e: PRIORITY_RANK.get(e.priority, 2))
    assert [e.id for e in queue.ordered(Sort.PRIORITY)] == [e.id for e in by_priority]
    assert len(queue._by_age) == len(rows)
    # The ids the screen orders by (walked in C) are ordered()'s, filtered or not,
    # and shows() lets through exactly the rows that filter does.
    for sort in Sort:
        for text in ("", "problem 3", "p:urgent"):
            ordered = [e.id for e in queue.ordered(sort, text)]
            assert queue.ordered_ids(sort, text) == ordered
            assert {f"h{j}" for j in range(13) if queue.shows(f"h{j}", text)} == set(ordered)


def test_a_missing_summary_is_pending_only_while_its_details_are() -> None:
    q = QueueState()
    q.arrived(created(1), T0)
    q.arrived(created(2), T0)
    partial = q.get("h1")
    assert partial is not None and q.summary(partial) == FETCHING
    assert q.missed(["h1", "h9"]).updated == ("h1",)
    assert q.missed(["h1"]).updated == ()  # told once
    assert q.summary(partial) == NOT_LOADED
    q.detailed(entry(2, problem_summary=None))
    filled = q.get("h2")
    assert filled is not None and q.summary(filled) == NO_SUMMARY
    q.detailed(entry(1))  # a later fetch fills the one that failed
    got = q.get("h1")
    assert got is not None and q.summary(got) == "Problem 1"
