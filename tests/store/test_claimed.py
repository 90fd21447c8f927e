"""Escalations claimed here: kept per server and user so a later session can reopen them."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rf_tui.api.models import Handoff
from rf_tui.store.claimed import SUMMARY_CHARS, Claimed, ClaimedHere

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)


def handoff(n: int, *, claimed_at: datetime | None = T0, summary: str = "") -> Handoff:
    return Handoff(
        id=f"h{n}",
        session_id=f"s{n}",
        created_at=T0 - timedelta(minutes=5),
        problem_summary=summary or f"problem {n}",
        claimed_at=claimed_at,
    )


def test_claims_are_kept_newest_first_across_sessions(tmp_path: Path) -> None:
    path = tmp_path / "claimed" / "here.json"
    here = ClaimedHere(path)
    here.add(handoff(1))
    here.add(handoff(2, claimed_at=T0 + timedelta(minutes=1)))
    again = ClaimedHere(path)
    assert again.all() == [
        Claimed("h2", "s2", "problem 2", T0 + timedelta(minutes=1)),
        Claimed("h1", "s1", "problem 1", T0),
    ]
    assert again.problem is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_claiming_again_moves_it_to_the_top_once(tmp_path: Path) -> None:
    here = ClaimedHere(tmp_path / "here.json")
    for n in (1, 2, 1):
        here.add(handoff(n))
    assert [c.handoff_id for c in here.all()] == ["h1", "h2"]


def test_capped_keeping_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "here.json"
    here = ClaimedHere(path, cap=3)
    for n in range(5):
        here.add(handoff(n))
    assert [c.handoff_id for c in ClaimedHere(path, cap=3).all()] == ["h4", "h3", "h2"]
    assert len(json.loads(path.read_text())["claimed"]) == 3


def test_a_claim_without_a_time_gets_now_and_a_long_summary_is_cut(tmp_path: Path) -> None:
    here = ClaimedHere(tmp_path / "here.json")
    now = T0 + timedelta(hours=1)
    entry = here.add(handoff(1, claimed_at=None, summary="x" * 1000), now=now)
    assert entry.claimed_at == now and len(entry.summary) == SUMMARY_CHARS


def test_a_damaged_file_is_set_aside_and_said(tmp_path: Path) -> None:
    path = tmp_path / "here.json"
    path.write_text('{"claimed": "not a list"}')
    here = ClaimedHere(path)
    assert here.all() == []
    assert here.problem == (
        f"The list of your claimed escalations was damaged; it was moved to {path}.corrupt. "
        "Mine lists only what you claim from now on."
    )


def test_entries_it_cannot_use_are_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "here.json"
    good = {"id": "h1", "session_id": "s1", "summary": "ok", "claimed_at": T0.isoformat()}
    bad = [7, {"id": "h2"}, {**good, "id": "h3", "claimed_at": "yesterday"}]
    path.write_text(json.dumps({"version": 1, "claimed": [good, *bad]}))
    here = ClaimedHere(path)
    assert [c.handoff_id for c in here.all()] == ["h1"] and here.problem is None


def test_nowhere_to_save_is_said_once_and_memory_still_works(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state folder should be")
    here = ClaimedHere(blocker / "claimed" / "here.json")
    here.add(handoff(1))
    first = here.problem
    assert first is not None and "cannot be saved" in first and "until rf-tui exits" in first
    here.problem = None  # the app says it, then clears it
    here.add(handoff(2))
    assert here.problem is None
    assert [c.handoff_id for c in here.all()] == ["h2", "h1"]


def test_no_path_keeps_them_in_memory_only(tmp_path: Path) -> None:
    here = ClaimedHere(None)
    here.add(handoff(1))
    assert [c.handoff_id for c in here.all()] == ["h1"] and list(tmp_path.iterdir()) == []


def test_who_asked_is_kept_and_a_file_from_before_without_it_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "here.json"
    here = ClaimedHere(path)
    here.add(handoff(1).model_copy(update={"handed_off_by_name": "Sam Okafor"}))
    assert ClaimedHere(path).all()[0].requester == "Sam Okafor"
    older = {"id": "h2", "session_id": "s2", "summary": "ok", "claimed_at": T0.isoformat()}
    path.write_text(json.dumps({"version": 1, "claimed": [older]}))
    assert ClaimedHere(path).all() == [Claimed("h2", "s2", "ok", T0, "")]


def test_the_servers_copy_refreshes_an_entry_in_place(tmp_path: Path) -> None:
    path = tmp_path / "here.json"
    here = ClaimedHere(path)
    here.add(handoff(1, summary="kept short"))
    here.add(handoff(2))
    fresh = handoff(1, summary="the whole summary, from the server")
    here.refresh(fresh.model_copy(update={"handed_off_by_name": "Sam"}))
    assert [(c.handoff_id, c.summary, c.requester) for c in ClaimedHere(path).all()] == [
        ("h2", "problem 2", ""),
        ("h1", "the whole summary, from the server", "Sam"),
    ]
    written = path.stat().st_mtime_ns
    here.refresh(fresh.model_copy(update={"handed_off_by_name": "Sam"}))  # nothing new
    assert path.stat().st_mtime_ns == written
    here.refresh(handoff(9))  # not one of ours: nothing
    assert len(here.all()) == 2


def test_forget_takes_one_off_for_good(tmp_path: Path) -> None:
    path = tmp_path / "here.json"
    here = ClaimedHere(path)
    here.add(handoff(1))
    here.add(handoff(2))
    assert here.forget("h1") is True and here.forget("h1") is False
    assert [c.handoff_id for c in ClaimedHere(path).all()] == ["h2"]
