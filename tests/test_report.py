"""The pilot report (rf-tui stats --report): plain Python, figures worked by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from rf_tui.api.models import EscalationMetrics
from rf_tui.feed.outcomes import Stats, TrendDay
from rf_tui.report import pilot_report
from rf_tui.store.baseline import Run

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
#: The seed's example: first actions after 30, 60 and 180 s.
METRICS = EscalationMetrics(
    period="7d",
    n_handoffs_claimed=4,
    n_handoffs_with_action=3,
    avg_seconds_to_first_action=90.0,
    median_seconds_to_first_action=60.0,
    p95_seconds_to_first_action=180.0,
    metric_definition="Post-claim activity lag; pair it with a manual baseline.",
)


def runs(*seconds: float) -> list[Run]:
    return [
        Run(str(i), NOW - timedelta(days=i), NOW - timedelta(days=i) + timedelta(seconds=s), s)
        for i, s in enumerate(seconds, start=1)
    ]


def test_five_runs_give_hours_a_week_against_the_threshold() -> None:
    trend = (TrendDay(date(2026, 11, 30), 2, 1, 60.0), TrendDay(date(2026, 12, 1), 0, 0, None))
    report = pilot_report(
        Stats("7d", METRICS, trend), runs(900, 1200, 1500, 1800, 2100), now=NOW, server="https://rf"
    )
    # Baseline median 1500 s; savings 1500 - 60 = 1440 s; 4 claimed in 7 days = 4 a week;
    # 1440 * 4 / 3600 = 1.6 h a week: above 1.0.
    assert "**1.60 h/week**, which meets the pilot's threshold" in report
    assert "> Post-claim activity lag; pair it with a manual baseline." in report
    assert "| conversion (with action / claimed) | 75% |" in report
    assert "| average | 1m 30s |" in report and "| p95 | 3m 00s |" in report
    assert "| 5 | 2026-11-26" in report and "35m 00s" in report
    assert "| 2026-11-30 | 2 | 1 | 1m 00s |" in report
    assert "| 2026-12-01 | 0 | 0 | — |" in report


def test_four_runs_say_how_many_more_and_give_no_figure() -> None:
    report = pilot_report(Stats("7d", METRICS), runs(900, 1200, 1500, 1800), now=NOW, server="s")
    assert "No figure yet: 4 of 5 baseline runs timed" in report
    assert "h/week**" not in report
    assert "The server gives no trend by day." in report


def test_negative_savings_are_reported_as_they_are() -> None:
    report = pilot_report(Stats("7d", METRICS), runs(30, 30, 30, 30, 30), now=NOW, server="s")
    # 30 - 60 = -30 s an escalation; * 4 / 3600 = -0.0333, so -0.03 h a week.
    assert "**−0.03 h/week**, which does not meet" in report
