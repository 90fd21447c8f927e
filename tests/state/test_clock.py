from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from rf_tui.state.clock import ServerTime, age, ago, duration, skew_text

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


def test_the_server_clock_is_the_median_of_its_date_headers() -> None:
    clock = ServerTime(lambda: NOW)
    at = NOW
    # Ten minutes ahead, read a round trip late now and then; one odd answer (a cache's).
    heard = [600, 599, 600, -3000, 600]
    moved = [clock.heard(at + timedelta(seconds=s), at) for s in heard]
    assert moved == [True, False, False, False, False]
    assert clock.offset == 600 and clock() == NOW + timedelta(seconds=600)


def test_a_second_or_two_is_noise_not_skew() -> None:
    clock = ServerTime(lambda: NOW)
    for off in (-1, 0, 1, -1, 1):  # whole seconds, cut down, a round trip late
        assert not clock.heard(NOW + timedelta(seconds=off), NOW)
    assert clock.offset == 0 and clock() == NOW


def test_the_offset_follows_a_clock_that_is_set() -> None:
    clock = ServerTime(lambda: NOW, samples=3)
    for _ in range(3):
        clock.heard(NOW - timedelta(hours=3), NOW)
    assert abs(clock.offset + 3 * 3600) <= 1  # give or take the header's half second
    for _ in range(2):  # its clock was set right: the median follows
        clock.heard(NOW, NOW)
    assert clock.offset == 0


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (59, ""),
        (-59, ""),
        (600, "server clock 10 min ahead: ages use the server's time"),
        (-3 * 3600, "server clock 3 h behind: ages use the server's time"),
        (-(3 * 3600 + 20 * 60), "server clock 3 h 20 min behind: ages use the server's time"),
        (2 * 86400, "server clock 2 days ahead: ages use the server's time"),
    ],
)
def test_skew_in_a_techs_words(offset: float, text: str) -> None:
    assert skew_text(offset) == text


def test_skew_compact() -> None:
    assert skew_text(600, compact=True) == "server clock +10m"
    assert skew_text(-(3 * 3600 + 20 * 60), compact=True) == "server clock −3h"
    assert skew_text(2 * 86400, compact=True) == "server clock +2d"
