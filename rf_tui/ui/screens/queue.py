"""The queue screen: header, honest metric, the live table, and its keys.

It owns its view of the feed (sort, filter, unread) and paints from the
feed's changes; it never asks the app for rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Static

from rf_tui.feed import events as ev
from rf_tui.feed.types import Connecting, EscalationMetrics, Live, QueueEntry, Reconnecting
from rf_tui.state.clock import age, duration, in_seconds, skew_text
from rf_tui.state.layout import Leaving, count_words, keep_in_place
from rf_tui.state.queue import Sort
from rf_tui.state.savings import Savings, short_line
from rf_tui.text import one_line
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.desk import Desk
from rf_tui.ui.textual_private import withdraw_notifications
from rf_tui.ui.widgets.keys_footer import KeysFooter
from rf_tui.ui.widgets.queue_table import QueueTable, RowView

HIGHLIGHT_SECONDS = 1.5
#: BURST_RUN changes from the feed, each closer than BURST_GAP to the one before,
#: are a burst: drawn together every BURST_BATCH seconds. Others (an arrival, then
#: its details) are drawn at once: put off, they would meet the next arrival.
BURST_GAP = 0.03
BURST_RUN = 3
BURST_BATCH = 0.05
NEW_MARKER_SECONDS = 60.0
#: Terminals at least this wide get the full link status ("last event 2m ago")...
WIDE_STATUS = 110
#: ...and at least this wide, sentences for the clock and polling beside the counts.
ROOMY_STATUS = 180
#: Lite mode (a slow link): queue changes are drawn at most this often, ages per minute.
LITE_BATCH = 0.25
LITE_AGE_EVERY = 60.0
#: Otherwise the ages in sight are redrawn together on a beat, not each on its own
#: second: alone, one changed character costs a frame (a cursor move, its colours, a
#: reset: ~55 bytes to the terminal); together they share the colours. Under a minute
#: every 5 s; in minutes or more every 10 s, as "3m" is read as "3 and some".
SECONDS_AGE_EVERY = 5.0
AGE_EVERY = 10.0
#: The link's line keeps its width for a text up to this much shorter (``_show_link``).
LINK_SLACK = 4
#: A row the queue moved under the cursor this recently is not claimed on one key:
#: a hand already on its way to `c` was aimed at what was there before.
SETTLE_SECONDS = 1.0
#: How long a "press c again" stays good for the row it named.
CONFIRM_SECONDS = 10.0
#: A row claimed by someone else stays this long, greyed and naming who, then goes.
LEAVE_SECONDS = 2.5
#: Narrower than this, the header says the same in fewer words.
COMPACT_HEADER = 80
#: The sort, as a narrow header names it.
SORT_WORD = {Sort.NEWEST: "newest", Sort.OLDEST: "oldest", Sort.PRIORITY: "priority"}
ASK_AGAIN = "Press c again to claim: "


def metric_text(
    metrics: EscalationMetrics | None,
    width: int = 80,
    problem: str | None = None,
    savings: Savings | None = None,
) -> Text:
    """Time to first action after claim: never presented as time saved (docs/contract.md).

    One line, most important first: where the window is too narrow for the whole
    sentence its last words are cut ("…"). Below 100 columns, shorter words. With
    five baseline runs the line leads with savings: baseline and in-product side by
    side, never the in-product number alone.
    """
    compact = width < 100
    label = "1st action after claim" if compact else "Time to first action after claim"
    if metrics is None:
        if problem:
            return Text(f"{label}: unavailable ({one_line(problem, 120)})", style="dim")
        return Text(f"{label}: loading…", style="dim")
    text = Text(no_wrap=True, overflow="ellipsis")
    if savings is not None and savings.ready:
        text.append(f"{metrics.period}: ", style="bold")  # whose week: said first
        text.append(short_line(savings), style="bold")
        text.append(
            f" · {metrics.n_handoffs_with_action}/{metrics.n_handoffs_claimed} claimed "
            f"had an action ({metrics.period})",
            style="dim",
        )
        return text
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
    text.append(f" · {counts} claimed had an action", style="dim")
    if savings is not None:  # runs timed, not yet enough: how many more
        text.append(f" · {short_line(savings)}", style="dim")
    else:
        text.append(f" · savings = {baseline} − this", style="dim")
    return text


class QueueScreen(Screen[None]):
    BINDINGS = bindings("queue")

    sort: reactive[Sort] = reactive(Sort.NEWEST, init=False)
    filter_text: reactive[str] = reactive("", init=False)

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.feed = desk.feed
        self._fresh: dict[str, float] = {}  # arrivals seen live → monotonic arrival time
        self._touched: set[str] = set()
        self._flush_pending = False
        self._changed_at = float("-inf")  # when the feed last changed the queue
        self._run = 0  # changes in a row, each soon after the one before
        self._retry_at = 0.0
        self._last_age_tick = 0.0
        self._last_seconds_tick = 0.0
        self._mounted = False
        self._table: QueueTable | None = None
        self._confirming: tuple[str, float] | None = None  # (handoff id, when asked)
        #: Rows claimed by colleagues, still shown a moment, greyed, naming who.
        self.leaving = Leaving(LEAVE_SECONDS)
        self._shown = 0  # rows the filter lets through (the leaving ones not counted)
        self._link_width = 0  # the width kept for the link line (_show_link)

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(id="counts")
            yield Static(id="link")
        yield Static(metric_text(None), id="metric")
        yield Static(id="away")
        yield Input(placeholder="filter: words, or p:urgent / p:high …", id="filter")
        yield QueueTable(self.age_text, id="queue")
        yield Static(id="empty")
        if self.desk.presenter is not None:
            yield Static(self.desk.presenter.overlay(), id="keys")  # the keys just pressed
        yield KeysFooter()

    @property
    def ready(self) -> bool:
        """Whether there is a table to draw in.

        Feed events may come before the screen is composed (it draws everything
        from the feed on mount) and after its widgets are gone at exit.
        """
        table = self._table
        return self._mounted and table is not None and table.is_attached

    def on_mount(self) -> None:
        self.query_one("#filter", Input).cursor_blink = False
        self.table.focus()
        self._mounted = True
        self.refresh_metric()
        self.rebuild()

    @property
    def table(self) -> QueueTable:
        if self._table is None:
            self._table = self.query_one(QueueTable)
        return self._table

    @property
    def reduced_motion(self) -> bool:
        return self.app.animation_level == "none"

    # ── From the feed ────────────────────────────────────────────────────────

    def feed_event(self, event: ev.FeedEvent) -> None:
        if isinstance(event, ev.QueueChanged):
            if event.cause == "arrival":
                now = time.monotonic()
                for entry in event.added:
                    self._fresh[entry.id] = now
            # Rows someone else took stay a moment, naming who when the feed knows:
            # a claim event does; a refetch only sees them gone.
            for departure in event.removed:
                if not departure.by_me:
                    claimed = event.cause == "claimed"
                    self._leave(departure.handoff_id, departure.claimed_by, claimed=claimed)
            self._changed(event.ids())
            if not event:  # a refetch that changed nothing may still clear a problem
                self.refresh_header()
        elif isinstance(event, ev.ConnectionChanged):
            if isinstance(event.state, Reconnecting):
                self._retry_at = time.monotonic() + event.state.next_try_in
            self.refresh_header()
        elif isinstance(event, ev.QueueLoadFailed | ev.RowsSkipped):
            self.refresh_header()
        elif isinstance(event, ev.MetricChanged):
            self.refresh_metric()
        elif isinstance(event, ev.ClockSkewed):
            if self.ready:
                self.table.tick_ages()  # every age in sight, on the server's clock now
            self.refresh_link()
        elif isinstance(event, ev.SignedIn):
            self.rebuild()  # unread markers are per user: now they are known
        elif isinstance(event, ev.GapClosed) and event.summary:
            self.show_away(event.summary.text())
        elif isinstance(event, ev.ViewersChanged):
            self.show_viewers(event.handoff_ids)

    def _changed(self, touched: set[str]) -> None:
        """Changes that come in one burst of messages are drawn once.

        One on a quiet queue is drawn at once. Within a burst (``BURST_RUN``
        changes, each closer than ``BURST_GAP`` to the last) they are drawn
        together ``BURST_BATCH`` apart:
        a frame of a 2,000-row table costs more than the keys pressed meanwhile,
        and 60 of them a second left those keys waiting.
        """
        if not touched:
            return
        now = time.monotonic()
        self._run = self._run + 1 if now - self._changed_at < BURST_GAP else 1
        self._changed_at = now
        self._touched |= touched
        if not self._flush_pending:
            self._flush_pending = True
            if self.desk.health.lite:  # a slow link: fewer, bigger repaints
                self.set_timer(LITE_BATCH, self._draw_changes)
            elif self._run >= BURST_RUN:
                self.set_timer(BURST_BATCH, self._draw_changes)
            else:
                # After the messages already queued: what came with it is drawn
                # with it, and painted on the next frame.
                self.call_later(self._draw_changes)

    def _draw_changes(self) -> None:
        self._flush_pending = False
        touched, self._touched = self._touched, set()
        self.apply(touched)

    def tick_in(self) -> float:
        """Seconds until this screen next has something to tick: one while anything
        moves by the second (an arrival's highlight, a countdown, viewers' heartbeats),
        otherwise the next beat of the ages in sight. Idle, the app then wakes every
        10 s, not every second: each wake-up is CPU, on a laptop's battery too."""
        now = time.monotonic()
        lit = any(now - at < HIGHLIGHT_SECONDS + 1.0 for at in self._fresh.values())
        if not self.ready or lit or self.feed.presence or isinstance(self.feed.state, Reconnecting):
            return 1.0
        if self.desk.health.lite:
            due = self._last_age_tick + LITE_AGE_EVERY
        else:
            due = self._last_age_tick + AGE_EVERY
            if self.table.shows_seconds():
                due = min(due, self._last_seconds_tick + SECONDS_AGE_EVERY)
        return max(1.0, due - now)

    def tick(self) -> None:
        """From the app's one timer (``tick_in`` says when): highlights, ages in
        sight, the link."""
        if not self.ready:
            return
        now = time.monotonic()
        for handoff_id, arrived in list(self._fresh.items()):
            age_s = now - arrived
            if HIGHLIGHT_SECONDS <= age_s < HIGHLIGHT_SECONDS + 1.0 and not self.reduced_motion:
                self.restyle(handoff_id, header=False)  # counts unchanged
            if age_s >= NEW_MARKER_SECONDS:
                del self._fresh[handoff_id]
        every = LITE_AGE_EVERY if self.desk.health.lite else AGE_EVERY
        if now - self._last_age_tick >= every:
            self._last_age_tick = self._last_seconds_tick = now
            self.table.tick_ages()  # the rows in sight, nothing more
        elif not self.desk.health.lite and now - self._last_seconds_tick >= SECONDS_AGE_EVERY:
            self._last_seconds_tick = now
            self.table.tick_ages(in_seconds)
        self.refresh_link()  # repaints only when its words change
        self.show_viewers(self.feed.expire_viewers())  # heartbeats that stopped coming
        if isinstance(self.feed.state, Reconnecting):
            self.refresh_header()

    # ── What a row and the header show ───────────────────────────────────────

    def visible_entries(self) -> list[QueueEntry]:
        return self.feed.queue.ordered(self.sort, self.filter_text)

    def unread_ids(self) -> set[str]:
        return self.desk.seen.unread(self.feed.queue.ids())

    def age_text(self, entry: QueueEntry) -> str:
        if self.reduced_motion and entry.id in self._fresh:
            return "new"
        return age((self.desk.clock() - entry.created_at).total_seconds())

    def is_highlighted(self, handoff_id: str) -> bool:
        arrived = self._fresh.get(handoff_id)
        return (
            not self.reduced_motion
            and arrived is not None
            and time.monotonic() - arrived < HIGHLIGHT_SECONDS
        )

    def link_text(self, width: int = 200) -> Text:
        """The link's state, then what a tech must know, most important first: where
        the line is cut (80 columns) it is the last words that go."""
        state = self.feed.state
        wait = self._retry_at - time.monotonic() if isinstance(state, Reconnecting) else None
        text = render.link_state(state, wait)
        compact, roomy = width < WIDE_STATUS, width >= ROOMY_STATUS
        if skew := skew_text(self.feed.clock.offset, compact=not roomy):
            text.append(f" · {skew}", style="yellow")
        if skipped := len(self.feed.skipped):
            text.append(f" · {skipped} unreadable row{'s' if skipped > 1 else ''}", style="red")
        if self.feed.load_problem and self.feed.loaded:
            problem = one_line(self.feed.load_problem, 100)
            text.append(f" · refresh failed: {problem}", style="red")
        if isinstance(state, Reconnecting) and not compact:
            text.append(f" · {one_line(state.reason, 60)}", style="dim")  # why it dropped
        if isinstance(state, Live):
            last = self.feed.last_event
            age_s = None if last is None else (self.desk.wall() - last).total_seconds()
            health = self.desk.health.text(age_s, compact=compact, figures=not self.desk.presenting)
            text.append(health, style="dim")
        elif isinstance(state, Connecting | Reconnecting) and self.feed.loaded:
            # No live stream (a proxy may hold it back): arrivals come by polling.
            every = f"{self.feed.poll_every:g}s"
            text.append(f" · {'queue checked every' if roomy else 'polling'} {every}", style="dim")
        return text

    def _row(self, entry: QueueEntry) -> RowView:
        return RowView(
            entry,
            entry.id not in self.desk.seen,
            self.is_highlighted(entry.id),
            summary=self.feed.queue.summary(entry),
            viewers=self.feed.viewers(entry.id),
        )

    # ── Rows that leave with a word ──────────────────────────────────────────

    def _leave(self, handoff_id: str, who: str | None, *, claimed: bool = True) -> None:
        """Taken by someone else: the row stays where it is a moment, greyed,
        naming who, and cannot be claimed or opened; then it goes."""
        if not self.ready or handoff_id not in self.table:
            return
        if self.leaving.add(handoff_id, who, time.monotonic(), claimed=claimed):
            self.set_timer(max(0.05, self.leaving.linger), self._sweep)  # a 0 s timer never runs
        row = self.table.row(handoff_id)
        if row is not None:
            self.table.put(replace(row, gone=self.leaving.words(handoff_id), highlight=False))

    def _sweep(self) -> None:
        """The rows whose moment is over go (and any the queue has after all, stay)."""
        if due := self.leaving.due(time.monotonic()):
            self.apply(set(due))

    def leaving_said(self, handoff_id: str) -> bool:
        """A key on a row on its way out: say who has it, and do nothing else."""
        if handoff_id not in self.leaving:
            return False
        self.notify(
            self.leaving.sentence(handoff_id),
            title="Already taken",
            severity="warning",
            markup=False,
            timeout=3,
        )
        return True

    # ── Painting ─────────────────────────────────────────────────────────────

    def refresh_header(self) -> None:
        if not self.ready:
            return
        self._show_counts()
        self._show_link()
        total = len(self.feed.queue)
        empty = self.query_one("#empty", Static)
        empty.display = total == 0
        if total == 0:
            self._show("#empty", Text(self.empty_text()))

    def _show_counts(self) -> None:
        queue = self.feed.queue
        total = len(queue)
        unread = self.desk.seen.count_unread(queue, total)
        room = self.query_one("#counts").size.width
        counts = self._counts_text(total, unread, compact=self.size.width < COMPACT_HEADER)
        if 0 < room < counts.cell_len:  # 4-digit counts beside the link line: fewer words
            counts = self._counts_text(total, unread, compact=True)
        self._show("#counts", counts, layout=False)  # its size is fixed: no reflow

    def _counts_text(self, total: int, unread: int, *, compact: bool) -> Text:
        if self.feed.loaded:
            words = count_words(
                self._shown, total, filtered=bool(self.filter_text), compact=compact
            )
            counts = Text(words, style="bold")
            counts.append(f" · {unread} unread", style="bold cyan" if unread else "dim")
        else:  # never "0 escalations" over a queue that was never fetched
            counts = Text("Queue not loaded yet", style="bold yellow")
        # The sort before the filter's words: a long filter is cut, never the sort.
        counts.append(f" · {SORT_WORD[self.sort] if compact else self.sort.value}", style="dim")
        if self.filter_text:
            counts.append(f" · filter: {one_line(self.filter_text, 40)}", style="italic")
        return counts

    def empty_text(self) -> str:
        """Never "no escalations" over a queue that was never loaded."""
        if not self.feed.loaded:
            reason = self.feed.load_problem or "fetching it from the server…"
            return f"Queue not loaded yet: {reason}"
        return "No escalations waiting. New ones appear here the moment a junior escalates."

    def _show(self, widget_id: str, text: Text, *, layout: bool = True) -> None:
        # A periodic refetch that changed nothing must not repaint: idle costs ~0.
        widget = self.query_one(widget_id, Static)
        old = widget.content
        if old != text:
            # New words of the same width on one line take the same room: no relayout
            # of the screen (the link's round trip changes every 30 s, its "last event"
            # every minute).
            same = (
                isinstance(old, Text)
                and old.cell_len == text.cell_len
                and widget.styles.text_wrap == "nowrap"
            )
            widget.update(text, layout=layout and not same)

    def _show_link(self) -> None:
        """The link's line keeps its width when a text is a little shorter ("1m ago"
        after "just now", 9 ms after 14 ms): a repaint of the line, not a relayout of
        the screen, which repainted the header twice and the queue's scrollbar twice
        (~1.7 KB to the terminal, twice a minute when idle). Much shorter, the counts
        get the room back."""
        link = self.query_one("#link", Static)
        text = self.link_text(self.size.width)
        if link.content == text:
            return
        width = min(text.cell_len + 2, self.size.width * 3 // 5)  # its padding; max-width
        if self._link_width - LINK_SLACK <= width <= self._link_width:
            link.update(text, layout=False)  # right-aligned in the width it has
            return
        self._link_width = width
        link.styles.min_width = width
        link.update(text)
        # The counts' room is known once the line is laid out again.
        self.call_after_refresh(self._refit_counts)

    def _refit_counts(self) -> None:
        if self.ready:
            self._show_counts()

    def refresh_link(self) -> None:
        if self.ready:
            self._show_link()

    def refresh_metric(self) -> None:
        if not self.ready:
            return
        metrics = self.feed.metrics
        savings = self.desk.savings(metrics) if metrics is not None else None
        text = metric_text(metrics, self.size.width, self.feed.metrics_problem, savings)
        self._show("#metric", text)

    def apply(self, touched: set[str]) -> None:
        """Redraw the rows whose escalations changed (added, updated or gone), only those.

        A row on its way out (claimed by a colleague) keeps its place until its
        moment is over; one the queue has again stops leaving.
        """
        if not self.ready:
            return
        table, queue, text = self.table, self.feed.queue, self.filter_text
        # Only the touched rows are looked at one by one; the order is a walk in C:
        # an arrival at 10,000 rows costs the same few lookups as at 10.
        shown = [e for i in touched if (e := queue.shows(i, text)) is not None]
        for handoff_id in touched - {e.id for e in shown}:
            if handoff_id not in self.leaving:
                table.drop(handoff_id)
        for entry in shown:
            self.leaving.discard(entry.id)
            table.put(self._row(entry))
        ids = queue.ordered_ids(self.sort, text)
        self._shown = len(ids)
        if self.leaving:
            ids = keep_in_place(table.ids, ids, (i for i in self.leaving.ids() if i in table))
        table.order(ids)
        self.refresh_header()

    def rebuild(self) -> None:
        """Redraw every row (after a new filter, a new sort or signing in)."""
        if not self.ready:
            return
        table = self.table
        entries = self.visible_entries()
        self.leaving.clear()  # a new view: the rows on their way out are gone now
        table.clear()
        for entry in entries:
            table.put(self._row(entry), redraw=False)  # order() redraws once
        self._shown = len(entries)
        table.order([e.id for e in entries])
        self.refresh_header()

    def resort(self) -> None:
        """The same rows in a new order (a new sort): none is drawn again.

        A sort key pressed during a burst of 1,000 arrivals must not wait behind
        every row being rebuilt; the rows are already as the queue has them.
        """
        if not self.ready:
            return
        table, queue, text = self.table, self.feed.queue, self.filter_text
        for handoff_id in self.leaving.ids():  # a new view: rows on their way out go
            entry = queue.shows(handoff_id, text)
            if entry is None:
                table.drop(handoff_id)
            else:  # the queue has it after all: drawn as it is, not greyed
                self.leaving.discard(handoff_id)
                table.put(self._row(entry), redraw=False)
        self.leaving.clear()
        ids = queue.ordered_ids(self.sort, text)
        self._shown = len(ids)
        table.order(ids)
        self.refresh_header()

    def restyle(self, handoff_id: str, *, header: bool = True) -> None:
        """Redraw one row (read now, or its highlight over); the header if counts moved."""
        if not self.ready:
            return
        entry = self.feed.queue.get(handoff_id)
        if entry is not None and handoff_id in self.table and handoff_id not in self.leaving:
            self.table.put(self._row(entry))
        if header:
            self.refresh_header()

    def show_viewers(self, handoff_ids: Iterable[str]) -> None:
        """Who else has these open changed: their rows alone are redrawn, in place."""
        for handoff_id in handoff_ids:
            self.restyle(handoff_id, header=False)

    def show_winner(self, handoff_id: str, winner: str) -> None:
        """The lost race: the row names who won, for a moment, before it leaves."""
        self._leave(handoff_id, winner)

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
        self._link_width = 0
        if self.ready:
            self.query_one("#link", Static).styles.min_width = None
        self.refresh_metric()  # the table fits its own columns to its own width
        self.refresh_header()

    def watch_sort(self) -> None:
        self.resort()

    def watch_filter_text(self) -> None:
        self.rebuild()

    # ── Actions ──────────────────────────────────────────────────────────────

    def _current(self) -> str | None:
        current = self.table.current_id()
        if current is None:
            self.notify("No escalation selected.", severity="warning", markup=False)
        return current

    def action_claim_asked(self) -> None:
        """The palette's Claim: the row's choice dialog (open / claim / cancel), never a
        claim outright. An Enter in an emptied palette runs its first entry: it must not
        claim an escalation on the server."""
        from rf_tui.ui import flows

        aim = self.table.aim(SETTLE_SECONDS)
        if aim is None:
            self.notify("No escalation selected.", severity="warning", markup=False)
            return
        flows.offer_choice(self.app, self.desk, aim.handoff_id)

    def action_claim(self) -> None:
        """Claim the row under the cursor as drawn, or name it and ask again.

        A row that just slid under the cursor (its own left, arrivals pushed it)
        or that is out of sight is not what the senior was aiming at: nothing
        is claimed until a second `c` for the row now shown and named.
        """
        from rf_tui.ui import flows

        aim = self.table.aim(SETTLE_SECONDS)
        if aim is None:
            self.notify("No escalation selected.", severity="warning", markup=False)
            return
        if self.leaving_said(aim.handoff_id):
            self._confirming = None
            return
        now = time.monotonic()
        asked = self._confirming
        self._confirming = None
        if asked is not None:
            withdraw_notifications(self.app, ASK_AGAIN)  # answered, or asked anew below
        if aim.steady or (
            asked is not None and asked[0] == aim.handoff_id and now - asked[1] < CONFIRM_SECONDS
        ):
            flows.start_claim(self, self.desk, aim.handoff_id)
            return
        self.table.move_to(aim.handoff_id)  # in sight, so the second press sees it
        self._confirming = (aim.handoff_id, now)
        entry = self.feed.queue.get(aim.handoff_id)
        what = one_line(entry.summary, 60) if entry and entry.summary else "this escalation"
        if self.table.twins(aim.handoff_id):  # told apart from its twin by its id
            what += f" (#{self.table.short_id(aim.handoff_id)})"
        why = "The queue moved" if aim.in_sight else "The row was out of sight"
        self.notify(
            f"{ASK_AGAIN}{what}",
            title=f"{why}: nothing claimed",
            severity="warning",
            markup=False,
            timeout=CONFIRM_SECONDS,
        )

    def action_open(self) -> None:
        from rf_tui.ui import flows

        handoff_id = self._current()
        if handoff_id is not None and not self.leaving_said(handoff_id):
            flows.open_handoff(self.app, self.desk, handoff_id)

    def action_dismiss_unread(self) -> None:
        from rf_tui.ui import flows

        if (handoff_id := self._current()) is not None:
            flows.mark_seen(self.app, self.desk, handoff_id)

    def action_cycle_sort(self) -> None:
        self.sort = self.sort.next()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.filter_text = ""
        self.table.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.display = False
        self.table.focus()

    def action_mine(self) -> None:
        from rf_tui.ui import flows

        flows.show_mine(self.app, self.desk)

    def action_stats(self) -> None:
        from rf_tui.ui import flows

        flows.show_stats(self.app, self.desk)

    @on(QueueTable.Chosen, "#queue")
    def _row_chosen(self, event: QueueTable.Chosen) -> None:
        from rf_tui.ui import flows

        # Enter or a click: offer open or claim.
        if not self.leaving_said(event.handoff_id):
            flows.offer_choice(self.app, self.desk, event.handoff_id)
