"""Stats: is Escalation Mode working? The metric for 7, 30 or 90 days, the server's
definition of it word for word, and its trend by day.

The screen asks through the feed (``Feed.stats``) in its own worker; it never calls
the server itself. What it shows comes from one ``Stats`` (or ``StatsRefused``)
through ``show``, so a test can hand it a trend the server does not send yet.

The trend is drawn with Textual's own Sparkline: a bar per day (or per few days when
the window is narrower than the period) whose height carries the value, so it reads
the same in NO_COLOR; the captions give the scale, and ``t`` shows every value as
text for a screen reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from rf_tui.feed import outcomes as out
from rf_tui.feed.types import EscalationMetrics
from rf_tui.state.clock import duration
from rf_tui.state.savings import MIN_RUNS, lines
from rf_tui.store.baseline import BaselineError
from rf_tui.text import one_line
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.desk import Desk

FORBIDDEN = "Stats are for owners, admins and engineers: your role cannot see them."
COLUMNS = ("Day", "Claimed", "With a first action", "Median to first action")


def conversion(metrics: EscalationMetrics) -> str:
    """With a first action / claimed, as a percentage; "—" when none was claimed."""
    if not metrics.n_handoffs_claimed:
        return "—"
    return f"{round(100 * metrics.n_handoffs_with_action / metrics.n_handoffs_claimed)}%"


def periods_text(chosen: out.Period) -> Text:
    """The three periods, the chosen one bracketed as well as lit (NO_COLOR keeps it)."""
    text = Text()
    for period in out.PERIODS:
        if period == chosen:
            text.append(f"[{period}]", style="bold reverse")
        else:
            text.append(f" {period} ", style="dim")
        text.append(" ")
    text.append(" 7 3 9 or ← → to change", style="dim")
    return text


def figures_text(metrics: EscalationMetrics) -> Text:
    text = Text()
    text.append("Claimed ", style="bold")
    text.append(str(metrics.n_handoffs_claimed))
    text.append(" · with a first action ", style="bold")
    text.append(str(metrics.n_handoffs_with_action))
    text.append(" · conversion ", style="bold")
    text.append(conversion(metrics))
    text.append("\nTime to first action after claim: ", style="bold")
    text.append(
        f"avg {duration(metrics.avg_seconds_to_first_action)} · "
        f"median {duration(metrics.median_seconds_to_first_action)} · "
        f"p95 {duration(metrics.p95_seconds_to_first_action)}"
    )
    return text


def trend_rows(trend: Sequence[out.TrendDay]) -> list[tuple[str, str, str, str]]:
    """The trend as text, one row a day: what the table shows and a screen reader reads."""
    return [
        (
            day.day.isoformat(),
            str(day.claimed),
            str(day.with_action),
            duration(day.median_seconds) if day.with_action else "no action",
        )
        for day in trend
    ]


def scale(values: Sequence[float], shown: str) -> str:
    """What the lowest and the highest bar stand for: Sparkline spans min to max."""
    low, high = min(values, default=0.0), max(values, default=0.0)
    return f"▁ {shown_as(low, shown)} … █ {shown_as(high, shown)}"


def shown_as(value: float, shown: str) -> str:
    return duration(value) if shown == "duration" else str(round(value))


def days_text(trend: Sequence[out.TrendDay], width: int) -> Text:
    """Under the bars: the first day at the left, the last at the right."""
    if not trend:
        return Text("")
    first, last = trend[0].day.strftime("%b %d"), trend[-1].day.strftime("%b %d")
    gap = max(1, width - len(first) - len(last))
    return Text(f"{first}{' ' * gap}{last}", style="dim", no_wrap=True)


class StatsScreen(Screen[None]):
    """The figures for a period, and its trend as a chart or (``t``) a table."""

    BINDINGS = bindings("stats")

    def __init__(self, desk: Desk, period: out.Period = "7d") -> None:
        super().__init__()
        self.desk = desk
        self.period: out.Period = period
        #: What the server last answered for ``period`` (None while asking).
        self.outcome: out.StatsOutcome | None = None
        #: The trend as a table of values instead of a chart.
        self.as_table = False

    def compose(self) -> ComposeResult:
        yield Static(id="stats-title")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-status")
            yield Static(id="stats-definition")
            yield Static(id="stats-figures")
            yield Static(id="stats-savings")
            with Vertical(id="stats-trend"):
                yield Static(id="trend-claimed-caption", classes="trend-caption")
                yield Sparkline([], id="trend-claimed")
                yield Static(id="trend-median-caption", classes="trend-caption")
                yield Sparkline([], id="trend-median")
                yield Static(id="trend-days")
            yield DataTable(id="trend-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="trend-none")
        if self.desk.presenter is not None:
            yield Static(self.desk.presenter.overlay(), id="keys")  # the keys just pressed
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.query_one("#stats-body").focus()  # the arrows and PgDn scroll a small window
        self.show(None)
        self.ask()

    def on_resize(self, _: events.Resize) -> None:
        if isinstance(self.outcome, out.Stats) and self.outcome.trend:
            self._show_days(self.outcome.trend)

    # ── Asking the server ────────────────────────────────────────────────────

    def ask(self) -> None:
        """The figures for ``period``, in this screen's worker, via the feed; a newer
        question cancels an older one, so the last period pressed is the one shown."""
        self.outcome = None
        self.show(None)
        self.run_worker(self._ask(self.period), group="stats", exclusive=True, exit_on_error=False)

    async def _ask(self, period: out.Period) -> None:
        outcome = await self.desk.feed.stats(period)
        if period == self.period:
            self.show(outcome)

    # ── Painting ─────────────────────────────────────────────────────────────

    def show(self, outcome: out.StatsOutcome | None) -> None:
        """Paint an answer (None: still asking): the one way figures reach the screen."""
        if not self.is_attached:
            return
        self.outcome = outcome
        if outcome is not None:
            self.period = outcome.period
        title = Text("Stats ", style="bold")
        title.append_text(periods_text(self.period))
        self.query_one("#stats-title", Static).update(title)
        stats = outcome if isinstance(outcome, out.Stats) else None
        self._say(self.status_text(outcome))
        definition = self.query_one("#stats-definition", Static)
        definition.display = stats is not None and bool(stats.metrics.metric_definition)
        if stats is not None:
            definition.update(render.literal(stats.metrics.metric_definition, style="italic"))
        figures = self.query_one("#stats-figures", Static)
        figures.display = stats is not None
        if stats is not None:
            figures.update(figures_text(stats.metrics))
        savings = self.query_one("#stats-savings", Static)
        savings.display = stats is not None
        if stats is not None:
            savings.update(self.savings_text(stats))
        self.show_trend(stats)

    def status_text(self, outcome: out.StatsOutcome | None) -> Text:
        if outcome is None:
            return Text(f"Asking the server for the last {self.period}…", style="dim italic")
        if isinstance(outcome, out.StatsRefused):
            text = Text(
                FORBIDDEN if outcome.forbidden else "The server did not answer.", style="yellow"
            )
            text.append(f"\nThe server says: {one_line(outcome.reason, 200)}", style="dim")
            if not outcome.forbidden:
                text.append("\nPress a period key to ask again.", style="dim")
            return text
        return Text("")

    def _say(self, text: Text) -> None:
        status = self.query_one("#stats-status", Static)
        status.display = bool(text.plain)
        status.update(text)

    # ── The savings line ─────────────────────────────────────────────────────

    def savings_text(self, stats: out.Stats) -> Text:
        """Baseline (median of the manual runs) beside the in-product median, and hours
        saved per week against the kill switch: never the in-product number alone."""
        figures = self.desk.savings(stats.metrics)
        from rf_tui.ui import flows

        flows.tell_problems(self.app, self.desk)  # a damaged baseline file, set aside
        text = Text()
        if figures is None:
            text.append(
                f"Savings = your manual baseline − the median above. No baseline runs yet: "
                f"time {MIN_RUNS} escalations under today's verbal handoff with b (start when "
                "you open the ticket, b again at your first diagnostic action) or rf-tui "
                "baseline.",
                style="dim",
            )
        else:
            for i, line in enumerate(lines(figures)):
                last = i == len(lines(figures)) - 1
                style = "" if not last else "bold green" if figures.meets_threshold else "bold"
                text.append(("\n" if i else "") + line, style=style)
        running = self.desk.baseline.running()
        if running is not None:
            text.append(
                f"\nBaseline stopwatch running since {running.started_at.astimezone():%H:%M:%S}: "
                "b stops it at your first diagnostic action.",
                style="bold yellow",
            )
        return text

    def action_baseline(self) -> None:
        """b: start the baseline stopwatch, or stop the one running."""
        baseline = self.desk.baseline
        baseline.reload()  # rf-tui baseline may have started one in another terminal
        try:
            if baseline.running() is None:
                run = baseline.start()
                said = (
                    f"Baseline run {run.id} started at {run.started_at.astimezone():%H:%M:%S}: "
                    "press b at your first diagnostic action."
                )
            else:
                run = baseline.stop()
                said = f"Baseline run {run.id}: {duration(run.seconds or 0.0)}."
        except BaselineError as exc:
            self.notify(str(exc), title="Baseline", severity="warning", markup=False)
            return
        for title, problem in self.desk.problems():
            self.notify(problem, title=title, severity="warning", markup=False)
        self.notify(said, title="Baseline", markup=False, timeout=4)
        if isinstance(self.outcome, out.Stats):
            self.query_one("#stats-savings", Static).update(self.savings_text(self.outcome))

    # ── The trend ────────────────────────────────────────────────────────────

    def show_trend(self, stats: out.Stats | None) -> None:
        trend = stats.trend if stats is not None else None
        none = self.query_one("#trend-none", Static)
        none.display = stats is not None and trend is None
        if stats is not None and trend is None:
            none.update(Text(one_line(stats.no_trend or "No trend by day.", 200), style="dim"))
        days = trend or ()
        chart = self.query_one("#stats-trend", Vertical)
        table = self.query_one("#trend-table", DataTable)
        chart.display = trend is not None and not self.as_table
        table.display = trend is not None and self.as_table
        claimed = [float(d.claimed) for d in days]
        # A day without a first action has no median: it stands at the bottom, and
        # the caption says the bottom means that too.
        medians = [(d.median_seconds or 0.0) if d.with_action else 0.0 for d in days]
        self.query_one("#trend-claimed", Sparkline).data = claimed
        self.query_one("#trend-median", Sparkline).data = medians
        # Sparkline gives a bar several days when the window is narrower than the period.
        per = "a day" if len(days) <= self._chart_width() else "a day (busiest day of a bar)"
        cap = Text(f"Escalations claimed {per} ", style="bold")
        cap.append(scale(claimed, "count"), style="dim")
        self.query_one("#trend-claimed-caption", Static).update(cap)
        cap = Text("Median time to first action ", style="bold")
        cap.append(scale(medians, "duration") + " (▁ also: no action that day)", style="dim")
        self.query_one("#trend-median-caption", Static).update(cap)
        self._show_days(days)
        table.clear()
        table.add_rows(trend_rows(days))

    def _show_days(self, days: Sequence[out.TrendDay]) -> None:
        self.query_one("#trend-days", Static).update(days_text(days, self._chart_width()))

    def _chart_width(self) -> int:
        """The bars' width: the chart's own once laid out, else the body's inside."""
        return self.query_one("#trend-claimed", Sparkline).size.width or self.size.width - 2

    # ── Actions ──────────────────────────────────────────────────────────────

    def action_period(self, period: str) -> None:
        if period not in out.PERIODS:
            return  # the endpoint's 422: never sent
        self.period = cast(out.Period, period)
        self.ask()

    def action_cycle_period(self, step: int) -> None:
        at = out.PERIODS.index(self.period)
        self.action_period(out.PERIODS[(at + step) % len(out.PERIODS)])

    def action_toggle_table(self) -> None:
        self.as_table = not self.as_table
        stats = self.outcome if isinstance(self.outcome, out.Stats) else None
        self.show_trend(stats)
        if self.as_table:
            self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
