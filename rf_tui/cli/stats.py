"""``rf-tui stats``: the owner's figures for a period, as text or JSON, for scripts and
reports.

The same ``Feed.stats`` as the stats screen, so both say the same: the metric's
figures, its definition as the server words it (never paraphrased: it says what the
number is not), and the trend by day where the server gives one. No Textual here.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from rf_tui import exit_codes as exits
from rf_tui import paths
from rf_tui.api.client import Client
from rf_tui.feed import outcomes as out
from rf_tui.feed.feed import Feed
from rf_tui.report import pilot_report
from rf_tui.state.clock import duration
from rf_tui.state.savings import compute, lines
from rf_tui.store.baseline import Baseline, Run
from rf_tui.text import one_line

#: The words for a period in a heading.
PERIOD_WORDS = {"7d": "the last 7 days", "30d": "the last 30 days", "90d": "the last 90 days"}
#: What a viewer reads instead of the figures.
VIEWER = "Only owners, admins and engineers can see the figures; your role is read-only."
#: The longest definition printed (a backend could send a book).
DEFINITION_CHARS = 2000


def conversion(claimed: int, with_action: int) -> float | None:
    """Escalations claimed that had a first action, 0..1; None when none were claimed."""
    return with_action / claimed if claimed else None


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def figures_lines(stats: out.Stats) -> list[str]:
    """The metric's figures, one per line, label then value."""
    m = stats.metrics
    share = conversion(m.n_handoffs_claimed, m.n_handoffs_with_action)
    rows = [
        ("Claimed", str(m.n_handoffs_claimed)),
        ("With a first action", str(m.n_handoffs_with_action)),
        ("Conversion (with action / claimed)", percent(share)),
        ("Average", duration(m.avg_seconds_to_first_action)),
        ("Median", duration(m.median_seconds_to_first_action)),
        ("95th percentile", duration(m.p95_seconds_to_first_action)),
    ]
    width = max(len(label) for label, _ in rows) + 2
    return [f"  {label + ':':<{width}}{value}" for label, value in rows]


def definition_line(stats: out.Stats) -> str:
    """The server's definition, word for word (on one line, its controls made inert)."""
    said = one_line(stats.metrics.metric_definition, DEFINITION_CHARS)
    return f"Definition: {said}" if said else "Definition: the server gave none."


def trend_lines(stats: out.Stats) -> list[str]:
    """The trend as a small table, oldest day first; or one line saying there is none."""
    if stats.trend is None:
        return [stats.no_trend or "This server gives no trend by day."]
    head = f"  {'date':<10}  {'claimed':>7}  {'with action':>11}  {'median':>7}"
    lines = ["Trend by day (UTC, by the day of the claim):", head]
    for day in stats.trend:
        lines.append(
            f"  {day.day.isoformat():<10}  {day.claimed:>7}  {day.with_action:>11}  "
            f"{duration(day.median_seconds):>7}"
        )
    return lines


def stats_text(stats: out.Stats, runs: Sequence[Run] = ()) -> str:
    """The whole text of ``rf-tui stats``: a heading, the figures, the definition, the
    savings working (baseline runs against the in-product median), the trend.
    Sections are separated by a blank line."""
    period = PERIOD_WORDS.get(stats.period, stats.period)
    sections = [
        [f"Time to first action after claim, {period} ({stats.period})", *figures_lines(stats)],
        [definition_line(stats)],
        lines(compute(_seconds(runs), stats.metrics)),
        trend_lines(stats),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def _seconds(runs: Sequence[Run]) -> list[float]:
    return [run.seconds for run in runs if run.seconds is not None]


def stats_json(stats: out.Stats, runs: Sequence[Run] = ()) -> dict[str, Any]:
    """The same as JSON: the metric's fields as the server named them, the savings
    working and the runs it comes from, and the trend."""
    m = stats.metrics
    return {
        "period": stats.period,
        "n_handoffs_claimed": m.n_handoffs_claimed,
        "n_handoffs_with_action": m.n_handoffs_with_action,
        "conversion": conversion(m.n_handoffs_claimed, m.n_handoffs_with_action),
        "avg_seconds_to_first_action": m.avg_seconds_to_first_action,
        "median_seconds_to_first_action": m.median_seconds_to_first_action,
        "p95_seconds_to_first_action": m.p95_seconds_to_first_action,
        "metric_definition": m.metric_definition,
        "trend": None
        if stats.trend is None
        else [
            {
                "date": day.day.isoformat(),
                "n_handoffs_claimed": day.claimed,
                "n_handoffs_with_action": day.with_action,
                "median_seconds_to_first_action": day.median_seconds,
            }
            for day in stats.trend
        ],
        "no_trend": stats.no_trend,
        "savings": compute(_seconds(runs), m).as_json(),
        "baseline_runs": [run.as_json() for run in runs],
    }


def refused_code(refused: out.StatsRefused) -> int:
    if refused.forbidden or refused.status == 401:
        return exits.DENIED
    return exits.FAILED


async def show_stats(
    client: Client,
    period: out.Period,
    as_json: bool,
    out_: TextIO,
    *,
    where: tuple[Path, str] | None = None,
    report: str | None = None,
) -> int:
    """Print the figures (text, JSON, or with ``report`` the Markdown pilot report to
    that file, "-" for standard output). ``where`` (the state folder, the server's
    key) finds the baseline runs of the signed-in user, as the app and ``rf-tui
    baseline`` keep them."""
    async with client:
        outcome = await Feed(client, lambda _event: None).stats(period)
        me = await client.me() if where is not None and isinstance(outcome, out.Stats) else None
    if isinstance(outcome, out.StatsRefused):
        said = VIEWER if outcome.forbidden else outcome.reason
        print(f"rf-tui: {said}", file=sys.stderr)
        return refused_code(outcome)
    runs: list[Run] = []
    if where is not None and me is not None:
        store = Baseline(paths.baseline_path(where[0], where[1], me.id))
        if store.problem:
            print(f"rf-tui: {store.problem}", file=sys.stderr)
        runs = store.runs()
    if report is not None:
        markdown = pilot_report(outcome, runs, now=datetime.now(timezone.utc), server=client.server)
        if report == "-":
            out_.write(markdown)
            return exits.OK
        try:
            await asyncio.to_thread(Path(report).write_text, markdown, encoding="utf-8")
        except OSError as exc:
            print(f"rf-tui: the report could not be written to {report}: {exc.strerror}.",
                  file=sys.stderr)  # fmt: skip
            return exits.FAILED
        print(f"Wrote the pilot report for the last {period} to {report}.", file=out_)
        return exits.OK
    if as_json:
        json.dump(stats_json(outcome, runs), out_, indent=2)
        out_.write("\n")
    else:
        out_.write(stats_text(outcome, runs))
    return exits.OK
