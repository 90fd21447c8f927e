"""The pilot report: both metrics, their definitions, the baseline runs and the hours
saved per week against the kill switch, as Markdown (plain Python, no UI, no I/O).

``rf-tui stats --report`` writes it. It says what the product is judged by, never
the in-product number alone as "saved".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rf_tui.feed.outcomes import Stats
from rf_tui.state.clock import duration
from rf_tui.state.savings import MIN_RUNS, THRESHOLD_HOURS, compute, hours_text, lines
from rf_tui.store.baseline import Run
from rf_tui.text import one_line, sanitize


def _cell(text: str) -> str:
    return one_line(text, 200).replace("|", "\\|")


def _seconds(value: float | None) -> str:
    return "—" if value is None else duration(value)


def pilot_report(stats: Stats, runs: Sequence[Run], *, now: datetime, server: str) -> str:
    """The report for ``stats.period``: the period, the in-product metric with its
    definition as the server words it, the baseline runs, the savings working and the
    trend as a table."""
    m = stats.metrics
    done = [run for run in runs if run.seconds is not None]
    savings = compute([run.seconds for run in done if run.seconds is not None], m)
    days = int(stats.period.rstrip("d")) if stats.period.rstrip("d").isdigit() else 0
    since = (now - timedelta(days=days)).astimezone()
    out = [
        f"# Escalation Mode pilot report: the last {days} days",
        "",
        f"{since:%Y-%m-%d %H:%M} to {now.astimezone():%Y-%m-%d %H:%M %Z} · from {_cell(server)}",
        "",
        "## Hours saved per week",
        "",
    ]
    if savings.hours_per_week is None:
        out.append(
            f"No figure yet: {savings.runs} of {MIN_RUNS} baseline runs timed"
            if savings.runs_needed
            else "No figure yet: no in-product time for the period."
        )
    else:
        verdict = "meets" if savings.meets_threshold else "does not meet"
        out.append(
            f"**{hours_text(savings.hours_per_week)}/week**, which {verdict} the pilot's "
            f"threshold (more than {THRESHOLD_HOURS:.1f} h/week)."
        )
    out += ["", *(f"- {sanitize(line)}" for line in lines(savings)), ""]
    out += [
        "## In-product: time to first action after claim",
        "",
        f"> {sanitize(m.metric_definition or '(the server gave no definition)')}",
        "",
        "| figure | value |",
        "|---|---|",
        f"| claimed | {m.n_handoffs_claimed:,} |",
        f"| with a first action | {m.n_handoffs_with_action:,} |",
        "| conversion (with action / claimed) | "
        + (
            f"{m.n_handoffs_with_action / m.n_handoffs_claimed:.0%}"
            if m.n_handoffs_claimed
            else "—"
        )
        + " |",
        f"| average | {_seconds(m.avg_seconds_to_first_action)} |",
        f"| median | {_seconds(m.median_seconds_to_first_action)} |",
        f"| p95 | {_seconds(m.p95_seconds_to_first_action)} |",
        "",
        "## Baseline: today's verbal handoff, by stopwatch",
        "",
        "Each run: the senior opens the ticket under the old verbal handoff, stopped at "
        f"the first diagnostic action. {MIN_RUNS} runs at least; the median is used. "
        "Each run's time is the stopwatch's (start and stop) or, marked, typed in.",
        "",
    ]
    if runs:
        out += ["| run | started | time | note |", "|---|---|---|---|"]
        out += [
            f"| {run.id} | {run.started_at.astimezone():%Y-%m-%d %H:%M} | "
            f"{'running' if run.seconds is None else duration(run.seconds)}"
            f"{' (typed in)' if run.by_hand else ''} | {_cell(run.note)} |"
            for run in runs
        ]
    else:
        out.append("No runs yet: `rf-tui baseline start` / `stop`, or `b` on the stats screen.")
    out += ["", "## Trend by day", ""]
    if stats.trend is None:
        out.append(sanitize(stats.no_trend or "The server gives no trend by day."))
    else:
        out += ["| day | claimed | with a first action | median |", "|---|---|---|---|"]
        out += [
            f"| {day.day:%Y-%m-%d} | {day.claimed} | {day.with_action} | "
            f"{_seconds(day.median_seconds)} |"
            for day in stats.trend
        ]
    return "\n".join(out) + "\n"
