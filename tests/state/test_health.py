"""Link health: the status words, and lite mode switching with hysteresis."""

from __future__ import annotations

from rf_tui.state.health import LinkHealth


def test_the_status_words() -> None:
    health = LinkHealth()
    assert health.text(None) == ""
    health.measured(0.038)
    assert health.text(4.0) == " · 38 ms · last event just now"
    assert health.text(45.0) == " · 38 ms · last event just now"  # by the minute
    assert health.text(130.0) == " · 38 ms · last event 2m ago"


def test_lite_turns_on_after_two_slow_round_trips_and_off_after_two_fast() -> None:
    health = LinkHealth()
    assert health.measured(0.8) is None  # one slow answer is not a slow link
    assert health.measured(0.1) is None and health.measured(0.9) is None
    assert health.measured(0.7) is True and health.lite
    assert health.text(None) == " · 700 ms · lite (slow link)"
    assert health.measured(0.3) is None  # between the thresholds: no change
    assert health.measured(0.1) is None
    assert health.measured(0.1) is False and not health.lite


def test_forced_lite_stays_on() -> None:
    health = LinkHealth(forced_lite=True)
    assert health.lite and health.measured(0.01) is None and health.measured(0.01) is None
    assert health.lite and health.text(None).endswith(" · lite")


def test_narrow_says_less_until_a_quiet_minute_makes_it_news() -> None:
    health = LinkHealth()
    assert health.text(5.0, compact=True) == ""
    health.measured(0.042)
    assert health.text(5.0, compact=True) == " · 42 ms"
    assert health.text(300.0, compact=True) == " · 42 ms · quiet 5m"
