"""The queue screen: header, honest metric, the live table, and its keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from rf_tui.api.models import EscalationMetrics, QueueEntry
from rf_tui.state.clock import duration
from rf_tui.text import one_line
from rf_tui.ui.messages import ClaimRequested, OpenRequested
from rf_tui.ui.widgets.queue_table import QueueTable, RowView, Widths

if TYPE_CHECKING:
    from rf_tui.ui.app import RfApp


def metric_text(
    metrics: EscalationMetrics | None, width: int = 80, problem: str | None = None
) -> Text:
    """Time to first action after claim: never presented as time saved (docs/contract.md).

    Below 80 columns the same facts in shorter words, so it stays two lines.
    """
    compact = width < 80
    label = "1st action after claim" if compact else "Time to first action after claim"
    if metrics is None:
        if problem:
            return Text(f"{label}: unavailable ({one_line(problem, 120)})", style="dim")
        return Text(f"{label}: loading…", style="dim")
    text = Text()
    text.append(f"{label} ({metrics.period}): ", style="bold")
    if metrics.n_handoffs_with_action:
        text.append(
            f"avg {duration(metrics.avg_seconds_to_first_action)} · "
            f"median {duration(metrics.median_seconds_to_first_action)}"
        )
    else:
        text.append("no actions yet")
    counts = (
        f"{metrics.n_handoffs_with_action}/{metrics.n_handoffs_claimed}"
        if compact
        else (f"{metrics.n_handoffs_with_action} of {metrics.n_handoffs_claimed}")
    )
    baseline = "baseline" if compact else "your manual baseline"
    text.append(f"\n{counts} claimed had an action · savings = {baseline} − this", style="dim")
    return text


class QueueScreen(Screen[None]):
    BINDINGS = [
        Binding("c", "claim", "Claim"),
        Binding("o", "open", "Open"),
        Binding("d", "dismiss_unread", "Mark read"),
        Binding("slash", "filter", "Filter"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("r", "reopen", "Reopen"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("x", "dismiss_away", "Dismiss", show=False),
        Binding("question_mark", "help", "Help"),
    ]

    @property
    def rf(self) -> RfApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(id="counts")
            yield Static(id="link")
        yield Static(metric_text(None), id="metric")
        yield Static(id="away")
        yield Input(placeholder="filter: words, or p:urgent / p:high …", id="filter")
        yield QueueTable(self.rf.age_text, id="queue")
        yield Static(
            "No escalations waiting. New ones appear here the moment a junior escalates.",
            id="empty",
        )
        if self.rf.presenter is not None:
            yield Static(self.rf.presenter.overlay(), id="keys")  # the keys just pressed
        yield Footer()

    _mounted = False

    @property
    def ready(self) -> bool:
        """Whether there is a table to draw in.

        The app may report state before the screen is composed (it draws
        everything from the app's state on mount) and after its widgets are
        gone at exit, when a last timer tick or message can still arrive.
        """
        table = self._table
        return self._mounted and table is not None and table.is_attached

    _table: QueueTable | None = None

    def on_mount(self) -> None:
        self.query_one("#filter", Input).cursor_blink = False
        self.table.focus()
        self._mounted = True
        self.refresh_metric(self.rf.metrics)
        self.rebuild()

    @property
    def table(self) -> QueueTable:
        if self._table is None:
            self._table = self.query_one(QueueTable)
        return self._table

    # ── Rendering from the app's state ──────────────────────────────────────

    def refresh_header(self) -> None:
        if not self.ready:
            return
        rf = self.rf
        total, unread = len(rf.queue), len(rf.unread_ids())
        noun = "escalation" if total == 1 else "escalations"
        counts = Text(f"{total} {noun} awaiting pickup", style="bold")
        counts.append(f" · {unread} unread", style="bold cyan" if unread else "dim")
        if rf.filter_text:
            counts.append(f" · filter: {rf.filter_text}", style="italic")
        counts.append(f" · {rf.sort.value}", style="dim")
        self._show("#counts", counts, layout=False)  # its size is fixed: no reflow
        self._show("#link", rf.link_text(self.size.width))
        self.query_one("#empty", Static).display = total == 0

    def _show(self, widget_id: str, text: Text, *, layout: bool = True) -> None:
        # A periodic refetch that changed nothing must not repaint: idle costs ~0.
        widget = self.query_one(widget_id, Static)
        if widget.content != text:
            widget.update(text, layout=layout)

    def refresh_link(self) -> None:
        if self.ready:
            self._show("#link", self.rf.link_text(self.size.width))

    def refresh_metric(self, metrics: EscalationMetrics | None) -> None:
        if not self.ready:
            return
        self._show("#metric", metric_text(metrics, self.size.width, self.rf.metrics_problem))

    def _row(self, entry: QueueEntry) -> RowView:
        rf = self.rf
        return RowView(entry, entry.id not in rf.seen, rf.is_highlighted(entry.id))

    def apply(self, touched: set[str]) -> None:
        """Redraw the rows whose escalations changed (added, updated or gone), only those."""
        if not self.ready:
            return
        table = self.table
        entries = self.rf.visible_entries()
        shown = [e for e in entries if e.id in touched]
        for handoff_id in touched - {e.id for e in shown}:
            table.drop(handoff_id)
        for entry in shown:
            table.put(self._row(entry))
        table.order([e.id for e in entries])
        self.refresh_header()

    def rebuild(self) -> None:
        """Redraw every row (after a new filter, a new sort or signing in)."""
        if not self.ready:
            return
        table = self.table
        entries = self.rf.visible_entries()
        table.clear()
        for entry in entries:
            table.put(self._row(entry), redraw=False)  # order() redraws once
        table.order([e.id for e in entries])
        self.refresh_header()

    def restyle(self, handoff_id: str, *, header: bool = True) -> None:
        """Redraw one row (read now, or its highlight over); the header if counts moved."""
        if not self.ready:
            return
        entry = self.rf.queue.get(handoff_id)
        if entry is not None and handoff_id in self.table:
            self.table.put(self._row(entry))
        if header:
            self.refresh_header()

    def show_winner(self, handoff_id: str, winner: str) -> None:
        """The lost race: the row names who won, for a moment, before it leaves."""
        if self.ready:
            self.table.show_winner(handoff_id, winner)

    def show_away(self, text: str) -> None:
        """One line over the queue until dismissed (x) or replaced by the next gap's."""
        if not self.ready:
            return
        line = Text(text, style="bold")
        line.append("   x dismisses", style="dim")
        away = self.query_one("#away", Static)
        away.update(line)
        away.display = True

    def action_dismiss_away(self) -> None:
        self.query_one("#away", Static).display = False

    def on_resize(self, event: events.Resize) -> None:
        self.refresh_metric(self.rf.metrics)
        self.table.set_widths(Widths.fit(event.size.width))

    # ── Actions ──────────────────────────────────────────────────────────────

    def _current(self) -> str | None:
        current = self.table.current_id()
        if current is None:
            self.notify("No escalation selected.", severity="warning", markup=False)
        return current

    def action_claim(self) -> None:
        if (handoff_id := self._current()) is not None:
            self.post_message(ClaimRequested(handoff_id))

    def action_open(self) -> None:
        if (handoff_id := self._current()) is not None:
            self.post_message(OpenRequested(handoff_id))

    def action_dismiss_unread(self) -> None:
        if (handoff_id := self._current()) is not None:
            self.rf.mark_seen(handoff_id)

    def action_cycle_sort(self) -> None:
        self.rf.sort = self.rf.sort.next()
        self.rebuild()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.rf.filter_text = ""
        self.table.focus()
        self.rebuild()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.rf.filter_text = event.value.strip()
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.display = False
        self.table.focus()

    def action_reopen(self) -> None:
        self.rf.action_reopen()

    def action_help(self) -> None:
        self.rf.action_help()

    @on(QueueTable.Chosen, "#queue")
    def _row_chosen(self, event: QueueTable.Chosen) -> None:
        # Enter or a click: offer open or claim.
        self.rf.offer_choice(event.handoff_id)
