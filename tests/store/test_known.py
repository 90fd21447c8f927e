"""The sessions of escalations listed or claimed here: kept, capped, and a bad file set aside."""

from __future__ import annotations

from pathlib import Path

from rf_tui.store.known import KnownSessions


def test_remembers_across_runs_and_keeps_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "known" / "srv.json"
    KnownSessions(path, cap=3).remember([("h1", "s1"), ("h2", "s2"), ("h3", "s3")])
    again = KnownSessions(path, cap=3)
    again.remember([("h4", "s4")])  # the oldest falls off
    later = KnownSessions(path, cap=3)
    assert [later.get(h) for h in ("h1", "h2", "h4")] == [None, "s2", "s4"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_damaged_file_is_set_aside_and_said(tmp_path: Path) -> None:
    path = tmp_path / "known.json"
    path.write_text('{"sessions": ["not", "a", "map"]}')
    known = KnownSessions(path)
    assert known.get("h1") is None
    assert known.problem is not None and "was damaged; it was moved to" in known.problem
    assert path.with_name("known.json.corrupt").exists()
