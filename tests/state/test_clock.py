from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from rf_tui.state.clock import age, ago, duration

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "now"),
        (0, "now"),
        (9.9, "now"),
        (10, "10s"),
        (45, "40s"),
        (59.9, "50s"),
        (125, "2m"),
        (3600, "1h"),
        (200000, "2d"),
    ],
)
def test_age(seconds: float, text: str) -> None:
    assert age(seconds) == text


def test_ago_and_duration() -> None:
    assert ago(NOW - timedelta(seconds=2), NOW) == "2s ago"
    assert ago(NOW, NOW) == "just now"
    assert ago(NOW - timedelta(minutes=3), NOW) == "3m ago"
    assert ago(None, NOW) == ""
    assert duration(82.5) == "1m 22s"
    assert duration(45) == "45s"
    assert duration(None) == "—"
    assert duration(7500) == "2h 05m"
