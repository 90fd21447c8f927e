"""The savings line: baseline − in-product, per week, against the kill switch; figures
worked out by hand in each test."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rf_tui.api.models import EscalationMetrics
from rf_tui.state.savings import (
    MIN_RUNS,
    SHORT_COLUMNS,
    Savings,
    compute,
    lines,
    period_days,
    short_line,
)
from rf_tui.text import cell_len


def metric(
    period: str = "7d", claimed: int = 10, n: int = 8, median: float | None = 65.0
) -> EscalationMetrics:
    return EscalationMetrics(
        period=period,
        n_handoffs_claimed=claimed,
        n_handoffs_with_action=n,
        median_seconds_to_first_action=median,
    )


def test_four_runs_say_one_more_and_show_no_savings() -> None:
    s = compute([300, 400, 350, 380], metric())
    assert (s.runs, s.runs_needed, s.baseline_seconds) == (4, 1, 365.0)
    assert s.savings_seconds is None and s.hours_per_week is None and s.meets_threshold is None
    assert not s.ready
    assert short_line(s) == (
        "Baseline: 4 of 5 runs timed; 1 more before a savings figure (rf-tui baseline)"
    )
    said = "\n".join(lines(s))
    assert "1 more run needed before a savings figure" in said
    assert "Savings: no figure until the baseline has 1 more run." in said
    assert "h/week" not in said and "saved" not in short_line(s)


def test_five_runs_give_the_whole_working() -> None:
    # Baseline: median of 350, 360, 370, 380, 400 = 370 s. In-product: 65 s.
    # Savings 305 s; 21 claimed in 30 days = 4.9 a week; 305 x 4.9 / 3600 = 0.4151… h.
    s = compute([400, 370, 380, 350, 360], metric("30d", claimed=21, n=18, median=65.0))
    assert s == Savings(
        period="30d",
        days=30,
        runs=5,
        runs_needed=0,
        baseline_seconds=370.0,
        baseline_mean_seconds=372.0,
        in_product_seconds=65.0,
        in_product_n=18,
        claimed=21,
        claimed_per_week=4.9,
        savings_seconds=305.0,
        hours_per_week=0.42,
        meets_threshold=False,
    )
    assert short_line(s) == (
        "Savings 0.42 h/week (misses 1.0) · baseline 6m 10s − in-product 1m 05s"
    )
    assert lines(s) == [
        "Baseline (today's verbal handoff, by stopwatch): median 6m 10s of 5 runs (mean 6m 12s).",
        "In-product (time to first action after claim, 30d): median 1m 05s of 18 "
        "escalations with a first action.",
        "Savings per escalation: baseline − in-product = 6m 10s − 1m 05s = 5m 05s.",
        "Escalations claimed per week: 21 claimed in 30 days × 7 / 30 = 4.90.",
        "Hours saved per week: 305 s × 4.90 claimed a week / 3600 = 0.42 h/week, not above the "
        "kill-switch threshold of 1.0 h/week: it does not meet it.",
    ]


def test_negative_savings_are_shown_as_they_are() -> None:
    # 60 - 90 = -30 s; 10 a week; -30 x 10 / 3600 = -0.0833… h.
    s = compute([60] * 5, metric("7d", claimed=10, median=90.0))
    assert s.savings_seconds == -30.0 and s.hours_per_week == -0.08
    assert s.meets_threshold is False
    assert short_line(s).startswith("Savings −0.08 h/week (misses 1.0) · baseline 1m 00s")
    assert "= 1m 00s − 1m 30s = −30s." in lines(s)[2]
    assert "−30 s × 10.00 claimed a week / 3600 = −0.08 h/week" in lines(s)[4]


def test_no_in_product_median_yet_shows_no_savings() -> None:
    s = compute([60] * 5, metric("7d", claimed=3, n=0, median=None))
    assert s.baseline_seconds == 60.0 and s.savings_seconds is None and not s.ready
    assert short_line(s) == "Baseline 1m 00s; no in-product time in 7d yet, so no savings figure"
    assert lines(s)[1] == (
        "In-product (time to first action after claim, 7d): none yet; no claimed "
        "escalation had a first action in the period."
    )
    assert lines(s)[2].startswith("Savings: no figure until there is an in-product time")


def test_no_runs_at_all() -> None:
    s = compute([], metric())
    assert (s.runs, s.runs_needed, s.baseline_seconds) == (0, MIN_RUNS, None)
    assert "no runs yet; 5 are needed" in lines(s)[0]


@pytest.mark.parametrize(
    ("savings", "claimed", "days", "hours", "meets"),
    [
        (360, 10, 7, 1.0, False),  # 360 s x 10 a week = exactly 1.0 h: not above
        (361, 10, 7, 1.0, False),  # 1.0028 h, shown 1.00: judged as shown
        (362, 10, 7, 1.01, True),  # 1.0056 h, shown 1.01
        (360, 0, 7, 0.0, False),  # nothing claimed, nothing saved
        (360, 20, 14, 1.0, False),  # 20 in 14 days: 10 a week
        (120, 90, 30, 0.7, False),  # 21 a week x 120 s = 0.7 h
        (600, 90, 90, 1.17, True),  # 7 a week x 600 s = 1.1666… h
    ],
)
def test_the_threshold_edges(
    savings: float, claimed: int, days: int, hours: float, meets: bool
) -> None:
    s = compute([savings + 30.0] * 5, metric(f"{days}d", claimed=claimed, median=30.0))
    assert s.savings_seconds == savings
    assert s.hours_per_week == hours and s.meets_threshold is meets
    assert ("it meets it." if meets else "it does not meet it.") in lines(s)[-1]
    assert ("(meets 1.0)" if meets else "(misses 1.0)") in short_line(s)


def test_a_period_that_is_not_days_gives_no_weekly_figure() -> None:
    assert [period_days(p) for p in ("7d", "30d", "90d", "2w", "", "0d")] == [
        7,
        30,
        90,
        None,
        None,
        None,
    ]
    s = compute([90] * 5, metric("2w"))
    assert s.savings_seconds == 25.0 and s.hours_per_week is None and s.meets_threshold is None
    assert lines(s)[-1] == "Hours saved per week: the period '2w' is not a number of days."


SECONDS = st.floats(min_value=0.01, max_value=24 * 3600, allow_nan=False)


@settings(max_examples=300)
@given(
    runs=st.lists(SECONDS, max_size=12),
    product=st.none() | st.floats(min_value=0, max_value=24 * 3600),
    claimed=st.integers(min_value=0, max_value=100_000),
    period=st.sampled_from(["7d", "30d", "90d"]),
)
def test_the_figures_hold_together(
    runs: list[float], product: float | None, claimed: int, period: str
) -> None:
    n = 1 if product is not None else 0
    s = compute(runs, metric(period, claimed=claimed, n=n, median=product))
    assert s.runs + s.runs_needed >= MIN_RUNS and s.runs_needed == max(0, MIN_RUNS - len(runs))
    if runs:
        assert s.baseline_seconds == round(statistics.median(runs), 2)
    # A figure only with enough runs and an in-product time; never the in-product alone.
    assert s.ready == (len(runs) >= MIN_RUNS and product is not None)
    if s.ready:
        assert s.savings_seconds is not None and s.hours_per_week is not None
        assert s.savings_seconds == round((s.baseline_seconds or 0) - (product or 0), 2)
        assert (s.hours_per_week > 1.0) == s.meets_threshold
        assert (s.savings_seconds < 0) <= (s.hours_per_week <= 0)  # never floored at 0
    else:
        assert s.savings_seconds is None and s.meets_threshold is None
        assert "h/week" not in short_line(s)
    assert cell_len(short_line(s)) <= SHORT_COLUMNS
    assert all(line.strip() for line in lines(s))
