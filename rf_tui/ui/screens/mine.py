"""Mine: the escalations this senior claimed, newest first, across restarts.

Each row is what was kept (the summary, whole; who asked; when it was claimed)
and where it stands as the server tells it now. The screen asks through the feed
in its own worker (``flows.check_mine``); it never calls the server itself.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from rf_tui.feed import outcomes as out
from rf_tui.feed.types import Handoff
from rf_tui.state.clock import ago
from rf_tui.text import capped, one_line, person
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.desk import Desk

#: A summary is shown whole up to this much; a longer one says what was left out.
SUMMARY_LINES = 8
SUMMARY_CHARS = 1000
#: Ages ("claimed 5m ago") are redrawn this often.
AGES_EVERY = 15.0

EMPTY = (
    "Nothing claimed yet. What you claim, here or from another client while rf-tui "
    "runs, is listed here, newest first, and kept across restarts."
)
#: Mine is kept per user: until the server says who is signed in, it cannot be read.
NOT_YET = (
    "Not signed in yet: Mine is read once the server says who you are. "
    "What you claim in this run is listed meanwhile."
)

#: How each standing is marked: a glyph and a colour, so it never relies on colour alone.
MARKS: dict[out.Standing | None, tuple[str, str]] = {
    None: ("…", "dim italic"),  # not asked yet, or being asked
    "yours": ("●", "green"),
    "acted": ("✓", "green"),
    "taken": ("✕", "yellow"),
    "queued": ("↺", "yellow"),
    "released": ("↺", "yellow"),
    "gone": ("✕", "red"),
    "unknown": ("?", "dim"),
}


def summary_text(handoff: Handoff) -> Text:
    """The summary whole and literal (its own line breaks kept), a runaway one cut."""
    head, more = capped(handoff.summary or "", lines=SUMMARY_LINES, chars=SUMMARY_CHARS)
    text = render.literal(head or "(no summary given)", style="bold", multiline=True)
    if more:
        text.append(f" {more}", style="dim italic")
    return text


def row_text(handoff: Handoff, state: out.ClaimState | None, now: datetime, *, draft: bool) -> Text:
    text = summary_text(handoff)
    text.append("\n")
    facts = []
    if handoff.requester:
        facts.append(f"from {person(handoff.requester)}")
    if when := ago(handoff.claimed_at, now):
        facts.append(f"claimed {when}")
    if facts:
        text.append(" · ".join(facts) + " · ", style="dim")
    glyph, style = MARKS[state.standing if state else None]
    words = state.text() if state else "checking with the server…"
    text.append(f"{glyph} {words}", style=style)
    if draft:
        text.append(" · ✎ draft", style="cyan")
    return text


class MineScreen(Screen[None]):
    """The list; enter opens one claimed, as it stands (four panels, its session)."""

    BINDINGS = bindings("mine")

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        #: How many checks with the server are under way.
        self.asking = 0
        #: When the server last answered for all of them (the server's clock).
        self.checked_at: datetime | None = None
        self._opened: str | None = None  # the one opened from here: asked again on return

    def compose(self) -> ComposeResult:
        yield Static(id="mine-title")
        yield Static(id="mine-status")
        yield OptionList(id="mine-list")
        yield Static(EMPTY, id="mine-empty")
        if self.desk.presenter is not None:
            yield Static(self.desk.presenter.overlay(), id="keys")  # the keys just pressed
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_rows()
        self.query_one(OptionList).focus()
        self.set_interval(AGES_EVERY, self.refresh_rows)
        self.check()

    def on_screen_resume(self, _: events.ScreenResume) -> None:
        if self._opened is not None:  # back from it: a first action may have gone out
            opened, self._opened = self._opened, None
            self.refresh_rows()
            self.check([opened])

    # ── Asking the server ────────────────────────────────────────────────────

    def check(self, only: list[str] | None = None) -> None:
        """Ask where each stands (or only these), in this screen's worker, via the feed."""
        ids = only if only is not None else [h.id for h in self.desk.mine()]
        if ids:
            self.run_worker(self._check(ids), group="mine", exit_on_error=False)

    async def _check(self, ids: list[str]) -> None:
        from rf_tui.ui import flows

        self.asking += 1
        self.refresh_status()
        try:
            await flows.check_mine(self.app, self.desk, ids)
        finally:
            self.asking -= 1
            if not self.asking:
                self.checked_at = self.desk.clock()
            self.refresh_rows()

    def stood(self, state: out.ClaimState) -> None:
        """One answer came (from this screen's worker, or the app's at sign-in)."""
        self.refresh_rows()

    def recheck_unknown(self) -> None:
        """The link is back: ask again about those the server could not be asked about."""
        unknown = [h.id for h in self.desk.mine() if self._unknown(h.id)]
        if unknown and not self.asking:
            self.check(unknown)

    def _unknown(self, handoff_id: str) -> bool:
        state = self.desk.standings.get(handoff_id)
        return state is not None and state.standing == "unknown"

    # ── Painting ─────────────────────────────────────────────────────────────

    def refresh_rows(self) -> None:
        if not self.is_attached:
            return
        mine = self.desk.mine()
        now = self.desk.clock()
        listing = self.query_one(OptionList)
        rows: list[Option] = [
            Option(
                row_text(
                    h,
                    self.desk.standings.get(h.id),
                    now,
                    draft=h.session_id in self.desk.drafts,
                ),
                id=h.id,
            )
            for h in mine
        ]
        current = listing.highlighted_option
        keep = current.id if current is not None else None
        if [o.id for o in listing.options] == [o.id for o in rows]:
            for row in rows:  # the same rows: new words, the cursor and scroll stay
                assert row.id is not None
                listing.replace_option_prompt(row.id, row.prompt)
        else:
            # A rule between rows: a summary may take several lines.
            listing.set_options(x for row in rows for x in (row, None))
            ids = [o.id for o in rows]
            if rows:
                listing.highlighted = ids.index(keep) if keep in ids else 0
        listing.display = bool(rows)
        empty = self.query_one("#mine-empty", Static)
        empty.display = not rows
        if not rows:
            empty.update(EMPTY if self.desk.feed.me is not None else NOT_YET)
        noun = "escalation" if len(rows) == 1 else "escalations"
        title = Text(f"Mine: {len(rows)} {noun} you claimed", style="bold")
        title.append(" · newest first", style="dim")
        self.query_one("#mine-title", Static).update(title)
        self.refresh_status()

    def refresh_status(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#mine-status", Static).update(self.status_text())

    def status_text(self) -> Text:
        mine = self.desk.mine()
        if not mine:
            return Text("")
        unknown = [self.desk.standings[h.id] for h in mine if self._unknown(h.id)]
        if self.asking:
            return Text("Asking the server where each one stands…", style="dim italic")
        if unknown:
            why = one_line(unknown[0].reason or "no answer", 100)
            return Text(
                f"The server did not answer ({why}). Rows marked ? are asked again when "
                "the link is back.",
                style="yellow",
            )
        if self.checked_at is not None:
            at = self.desk.time_of_day(self.checked_at)
            return Text(f"Where each stands, as the server said at {at}.", style="dim")
        return Text("")

    # ── Actions ──────────────────────────────────────────────────────────────

    def _current(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return option.id if option is not None else None

    def action_cursor(self, step: int) -> None:
        listing = self.query_one(OptionList)
        (listing.action_cursor_down if step > 0 else listing.action_cursor_up)()

    def action_cursor_to(self, where: int) -> None:
        listing = self.query_one(OptionList)
        (listing.action_last if where else listing.action_first)()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open(event.option.id)

    def action_open(self) -> None:
        if (handoff_id := self._current()) is not None:
            self.open(handoff_id)

    def open(self, handoff_id: str) -> None:
        from rf_tui.ui import flows

        self._opened = handoff_id
        flows.open_handoff(self.app, self.desk, handoff_id)

    def action_forget(self) -> None:
        handoff_id = self._current()
        if handoff_id is None:
            return
        entry = self.desk.claimed_here.get(handoff_id)
        self.desk.forget(handoff_id)
        self.refresh_rows()
        what = one_line(entry.summary, 50) if entry and entry.summary else "it"
        self.notify(
            f"Took {what} off Mine. The claim itself is unchanged on the server.",
            markup=False,
            timeout=4,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
