"""The honest savings number: the manual baseline minus the in-product number.

The product is judged by hours saved per week (its kill switch: a pilot must show
more than 1.0), and that is never the in-product number alone: it is

- baseline: the median of the stopwatch runs of today's verbal handoff
  (``rf_tui.store.baseline``), once there are at least ``MIN_RUNS``;
- in-product: the median time to first action after claim for the period
  (``EscalationMetrics``), over ``n_handoffs_with_action`` escalations;
- savings per escalation = baseline − in-product (negative stays negative);
- escalations claimed per week = ``n_handoffs_claimed`` × 7 / days in the period;
- hours saved per week = savings × claimed per week / 3600, against the threshold.

``compute`` gives the figures, ``short_line`` the queue's one line (at most 80
columns) and ``lines`` the stats screen's and the report's sentences. No I/O::

    runs.reload()                              # rf-tui baseline may have added some
    s = compute(runs.seconds(), metrics)       # a Baseline, an EscalationMetrics
    s.ready, s.hours_per_week, s.meets_threshold
    short_line(s)                              # "Savings 1.82 h/week (meets 1.0) · …"
    lines(s)                                   # the whole working, a sentence a line
    s.as_json()                                # for --json and the report
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rf_tui.state.baseline_runs import MIN_RUNS as MIN_RUNS
from rf_tui.state.clock import duration

if TYPE_CHECKING:
    from rf_tui.api.models import EscalationMetrics

#: Stopwatch runs needed before a baseline is worth subtracting from.
#: The kill switch: a pilot has to save more than this many hours a week.
THRESHOLD_HOURS = 1.0
#: The queue's metric line fits this.
SHORT_COLUMNS = 80


@dataclass(frozen=True)
class Savings:
    """Every figure of the savings line; None where it cannot be worked out yet."""

    period: str
    #: Days in the period (None: a period that is not "<N>d").
    days: int | None
    #: Completed baseline runs, and how many more are needed (0 when enough).
    runs: int
    runs_needed: int
    #: Median of the runs (there from the first run, used only from ``MIN_RUNS``).
    baseline_seconds: float | None
    #: Their mean, shown beside the median: the seed's rule says "averaged over 5",
    #: the median is what is subtracted (one forgotten stopwatch cannot swing it).
    baseline_mean_seconds: float | None
    #: The metric's median time to first action after claim, and its n.
    in_product_seconds: float | None
    in_product_n: int
    claimed: int
    claimed_per_week: float | None
    #: Baseline - in-product; None until both are there and there are enough runs.
    savings_seconds: float | None
    #: Savings x claimed per week / 3600, rounded to 2 places (as shown).
    hours_per_week: float | None
    #: Whether ``hours_per_week`` is above the threshold; None with no figure.
    meets_threshold: bool | None
    threshold_hours: float = THRESHOLD_HOURS

    @property
    def ready(self) -> bool:
        """There is a savings figure to show."""
        return self.hours_per_week is not None

    def as_json(self) -> dict[str, Any]:
        """The figures for ``--json`` and reports, with the names used here."""
        return {**asdict(self), "min_runs": MIN_RUNS}


def period_days(period: str) -> int | None:
    """7 for "7d"; None for anything else."""
    match = re.fullmatch(r"\s*(\d{1,4})d\s*", period)
    days = int(match[1]) if match else 0
    return days or None


def compute(baseline: Sequence[float], metrics: EscalationMetrics) -> Savings:
    """The savings line from the completed runs' seconds and the period's metric."""
    runs = len(baseline)
    days = period_days(metrics.period)
    base = round(statistics.median(baseline), 2) if baseline else None
    product = metrics.median_seconds_to_first_action
    per_week = metrics.n_handoffs_claimed * 7 / days if days else None
    savings = hours = None
    meets = None
    if runs >= MIN_RUNS and base is not None and product is not None:
        savings = round(base - product, 2)
        if per_week is not None:
            hours = round(savings * per_week / 3600, 2)
            # Judged on the figure as shown, so what a pilot reads is what is judged.
            meets = hours > THRESHOLD_HOURS
    return Savings(
        period=metrics.period,
        days=days,
        runs=runs,
        runs_needed=max(0, MIN_RUNS - runs),
        baseline_seconds=base,
        baseline_mean_seconds=round(statistics.fmean(baseline), 2) if baseline else None,
        in_product_seconds=product,
        in_product_n=metrics.n_handoffs_with_action,
        claimed=metrics.n_handoffs_claimed,
        claimed_per_week=None if per_week is None else round(per_week, 2),
        savings_seconds=savings,
        hours_per_week=hours,
        meets_threshold=meets,
    )


# ── In words ─────────────────────────────────────────────────────────────────


def signed_duration(seconds: float) -> str:
    """``duration`` with a minus sign when below zero: "−1m 30s"."""
    if round(seconds) < 0:
        return "−" + duration(-seconds)
    return duration(seconds)


def hours_text(hours: float) -> str:
    """ "1.25 h" or "−0.40 h": two places, as judged."""
    return f"{hours:,.2f} h".replace("-", "−")


def _signed(seconds: float) -> str:
    """Whole seconds with a real minus sign: "305", "−30"."""
    return f"{seconds:,.0f}".replace("-", "−")


def _more(s: Savings) -> str:
    return f"{s.runs_needed} more run{'s' if s.runs_needed != 1 else ''}"


def short_line(s: Savings) -> str:
    """One line for the queue's metric line, at most 80 columns."""
    if s.runs_needed:
        return (
            f"Baseline: {s.runs} of {MIN_RUNS} runs timed; "
            f"{s.runs_needed} more before a savings figure (rf-tui baseline)"
        )
    assert s.baseline_seconds is not None
    base = duration(s.baseline_seconds)
    if s.in_product_seconds is None:
        return f"Baseline {base}; no in-product time in {s.period} yet, so no savings figure"
    product = duration(s.in_product_seconds)
    if s.hours_per_week is None:
        return f"Savings/escalation: baseline {base} − in-product {product} (no weekly figure)"
    # "misses" at exactly 1.0 too: the kill switch asks for more than the threshold.
    verdict = "meets 1.0" if s.meets_threshold else "misses 1.0"
    hours = hours_text(s.hours_per_week).replace(",", "")  # room for the rest
    return f"Savings {hours}/week ({verdict}) · baseline {base} − in-product {product}"


def lines(s: Savings) -> list[str]:
    """The whole working, one sentence a line, for the stats screen and the report."""
    if s.baseline_seconds is None:
        baseline = (
            f"Baseline (today's verbal handoff, by stopwatch): no runs yet; {MIN_RUNS} are "
            "needed. Time them with rf-tui baseline start and stop."
        )
    elif s.runs_needed:
        baseline = (
            f"Baseline (today's verbal handoff, by stopwatch): median "
            f"{duration(s.baseline_seconds)} of {s.runs} run{'s' if s.runs != 1 else ''}; "
            f"{_more(s)} needed before a savings figure."
        )
    else:
        baseline = (
            f"Baseline (today's verbal handoff, by stopwatch): median "
            f"{duration(s.baseline_seconds)} of {s.runs} runs "
            f"(mean {duration(s.baseline_mean_seconds)})."
        )
    if s.in_product_seconds is None:
        product = (
            f"In-product (time to first action after claim, {s.period}): none yet; "
            "no claimed escalation had a first action in the period."
        )
    else:
        product = (
            f"In-product (time to first action after claim, {s.period}): median "
            f"{duration(s.in_product_seconds)} of {s.in_product_n} "
            f"escalation{'s' if s.in_product_n != 1 else ''} with a first action."
        )
    out = [baseline, product]
    if s.savings_seconds is None:
        why = (
            f"the baseline has {_more(s)}"
            if s.runs_needed
            else "there is an in-product time for the period"
        )
        out.append(f"Savings: no figure until {why}. The in-product time alone is not time saved.")
        return out
    assert s.baseline_seconds is not None and s.in_product_seconds is not None
    out.append(
        f"Savings per escalation: baseline − in-product = {duration(s.baseline_seconds)} − "
        f"{duration(s.in_product_seconds)} = {signed_duration(s.savings_seconds)}."
    )
    if s.days is None or s.claimed_per_week is None or s.hours_per_week is None:
        out.append(f"Hours saved per week: the period {s.period!r} is not a number of days.")
        return out
    out.append(
        f"Escalations claimed per week: {s.claimed:,} claimed in {s.days} days × 7 / {s.days} = "
        f"{s.claimed_per_week:,.2f}."
    )
    verdict = (
        f"above the kill-switch threshold of {s.threshold_hours:.1f} h/week: it meets it."
        if s.meets_threshold
        else f"not above the kill-switch threshold of {s.threshold_hours:.1f} h/week: "
        "it does not meet it."
    )
    out.append(
        # In seconds, so the sum reads as it is worked: seconds times claims over 3600.
        f"Hours saved per week: {_signed(s.savings_seconds)} s × {s.claimed_per_week:,.2f} "
        f"claimed a week / 3600 = {hours_text(s.hours_per_week)}/week, {verdict}"
    )
    return out
