"""Claim, open and share one escalation, and Mine: what a screen does for the senior,
as functions.

Each takes the screen it runs for and the desk; the one-off requests go
through the feed, run in the calling screen's own worker.
"""

from __future__ import annotations

import os
import webbrowser
from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.screen import Screen

from rf_tui.export import CUT, handoff_markdown
from rf_tui.feed import outcomes as out
from rf_tui.feed.types import Handoff, QueueEntry, Session
from rf_tui.text import one_line, person
from rf_tui.ui import render
from rf_tui.ui.desk import Desk
from rf_tui.ui.screens.choice import ChoiceScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.mine import MineScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.screens.stats import StatsScreen
from rf_tui.ui.terminal import clipboard, no_browser
from rf_tui.ui.textual_private import set_clipboard_text, write_to_terminal

#: A lost race's row names the winner this long before it leaves.
WINNER_SHOWN_SECONDS = 1.0


def handoff_screens(app: App[Any], handoff_id: str | None = None) -> Iterable[HandoffScreen]:
    for screen in app.screen_stack:
        if isinstance(screen, HandoffScreen) and handoff_id in (None, screen.handoff.id):
            yield screen


def mine_screens(app: App[Any]) -> Iterable[MineScreen]:
    for screen in app.screen_stack:
        if isinstance(screen, MineScreen):
            yield screen


def queue_screen(app: App[Any]) -> QueueScreen | None:
    return next((s for s in app.screen_stack if isinstance(s, QueueScreen)), None)


def mark_seen(app: App[Any], desk: Desk, handoff_id: str) -> None:
    if desk.seen.mark(handoff_id) and (queue := queue_screen(app)) is not None:
        queue.restyle(handoff_id)
    tell_problems(app, desk)


def tell_problems(app: App[Any], desk: Desk) -> None:
    for title, problem in desk.problems():
        app.notify(problem, title=title, severity="warning", markup=False)


def entry_for(app: App[Any], desk: Desk, handoff_id: str) -> Handoff | None:
    return (
        desk.claimed_here.get(handoff_id)
        or desk.feed.queue.get(handoff_id)
        or next((s.handoff for s in handoff_screens(app, handoff_id)), None)
    )


def open_handoff(app: App[Any], desk: Desk, handoff_id: str) -> None:
    entry = entry_for(app, desk, handoff_id)
    if entry is None:
        app.notify("That escalation is no longer in the queue.", markup=False)
        return
    mark_seen(app, desk, handoff_id)
    app.push_screen(HandoffScreen(desk, entry, claimed=handoff_id in desk.claimed_here))


def start_claim(screen: Screen[Any], desk: Desk, handoff_id: str) -> None:
    """Claim in the screen's own worker; the outcome is told wherever the senior is."""
    entry = entry_for(screen.app, desk, handoff_id)
    if entry is None:
        screen.notify("That escalation is no longer in the queue.", markup=False)
        return
    mark_seen(screen.app, desk, handoff_id)
    screen.run_worker(claim(screen.app, desk, entry), group="claim", exit_on_error=False)


async def claim(app: App[Any], desk: Desk, entry: Handoff) -> None:
    outcome = await desk.feed.claim(entry)
    if isinstance(outcome, out.Claimed):
        handoff = outcome.handoff
        desk.claimed(handoff)
        tell_problems(app, desk)
        screens = list(handoff_screens(app, handoff.id))
        for screen in screens:
            screen.became_claimed(handoff)
        if not screens:
            app.push_screen(HandoffScreen(desk, handoff, claimed=True))
        app.notify(f"Claimed: {one_line(handoff.summary, 60)}", markup=False, timeout=3)
    elif isinstance(outcome, out.ClaimLost):
        app.notify(
            outcome.sentence(desk.clock()),
            title="Too late",
            severity="warning",
            markup=False,
        )
        for screen in handoff_screens(app, outcome.handoff_id):
            screen.taken(outcome.winner)
        if (queue := queue_screen(app)) is not None:
            queue.show_winner(outcome.handoff_id, person(outcome.winner))
        app.set_timer(WINNER_SHOWN_SECONDS, lambda: desk.feed.let_go(outcome))
    else:
        app.notify(outcome.reason, title="Cannot claim", severity="error", markup=False)


def offer_choice(app: App[Any], desk: Desk, handoff_id: str) -> None:
    entry = desk.feed.queue.get(handoff_id)
    if entry is None:
        return
    me = desk.feed.me
    can_claim = me.can_claim if me else True

    def chosen(what: str | None) -> None:
        if what == "open":
            open_handoff(app, desk, handoff_id)
        elif what == "claim" and (queue := queue_screen(app)) is not None:
            start_claim(queue, desk, handoff_id)

    app.push_screen(
        ChoiceScreen(desk.feed.queue.summary(entry), can_claim, about_row(app, entry)),
        chosen,
    )


def about_row(app: App[Any], entry: QueueEntry) -> str:
    """ "from Sam Okafor · 4m ago · ▲ high · #1a2b": what tells a row from a twin."""
    parts = []
    if who := person(entry.requester):
        parts.append(f"from {who}")
    queue = queue_screen(app)
    if queue is not None:
        ago = queue.age_text(entry)
        parts.append(ago if ago in ("new", "now") else f"{ago} ago")
    parts.append(render.priority(entry.priority).plain)
    short = queue.table.short_id(entry.id) if queue is not None and queue.ready else entry.id[:4]
    parts.append(f"#{short}")
    return " · ".join(parts)


# ── Mine ─────────────────────────────────────────────────────────────────────


def show_mine(app: App[Any], desk: Desk) -> None:
    """Mine; back to it if it is open under this screen (a handoff opened from it)."""
    if isinstance(app.screen, MineScreen):
        return
    open_already = next(iter(mine_screens(app)), None)
    if open_already is None:
        app.push_screen(MineScreen(desk))
        return
    while app.screen is not open_already and len(app.screen_stack) > 1:
        app.pop_screen()
    open_already.check()


async def check_mine(app: App[Any], desk: Desk, handoff_ids: Iterable[str] | None = None) -> None:
    """Where each of Mine (or only these) stands, asked of the server through the feed;
    run in a worker (the Mine screen's, or the app's at sign-in)."""
    wanted = None if handoff_ids is None else set(handoff_ids)
    claims = [(h.id, h.session_id) for h in desk.mine() if wanted is None or h.id in wanted]
    async for state in desk.feed.standings(claims):
        desk.stood(state)
        for screen in mine_screens(app):
            screen.stood(state)
    tell_problems(app, desk)


def claimed_elsewhere(app: App[Any], desk: Desk, handoff: Handoff) -> None:
    """The server says I claimed this from another client: Mine lists it from now on."""
    if handoff.id in desk.claimed_here:
        return
    desk.claimed(handoff)
    tell_problems(app, desk)
    for screen in handoff_screens(app, handoff.id):
        screen.became_claimed(handoff)
    for mine in mine_screens(app):
        mine.check([handoff.id])
    app.notify(
        f"{one_line(handoff.summary, 60) or 'An escalation'}: it is in Mine (m).",
        title="You claimed it from another client",
        markup=False,
        timeout=5,
    )


# ── Stats ────────────────────────────────────────────────────────────────────


def show_stats(app: App[Any], desk: Desk) -> None:
    """Stats over whatever screen is up; back there with esc. Not twice on the stack."""
    if not isinstance(app.screen, StatsScreen):
        app.push_screen(StatsScreen(desk))


# ── Sharing ──────────────────────────────────────────────────────────────────


def copy_text(app: App[Any], text: str) -> None:
    """OSC 52 to the system clipboard; inside tmux, through its passthrough."""
    if "TMUX" in os.environ and not app.is_headless:
        set_clipboard_text(app, text)
        write_to_terminal(app, clipboard(text, under_tmux=True))
    else:
        app.copy_to_clipboard(text)


def copy_link(app: App[Any], desk: Desk, handoff: Handoff) -> None:
    link = desk.web_link(handoff)
    if link is None:
        copy_text(app, handoff.session_id)
        app.notify(
            "No web address set (--web-url), so the session id was copied instead.", markup=False
        )
        return
    copy_text(app, link)
    # A take shows no ids: the link is in the clipboard, not on screen.
    shown = "the link to this escalation" if desk.presenting else link
    app.notify(f"Copied {shown}", markup=False, timeout=3)


def copy_ticket_note(app: App[Any], desk: Desk, handoff: Handoff, session: Session | None) -> None:
    """The four panels as Markdown, for a PSA ticket note."""
    note = handoff_markdown(handoff, session, link=desk.web_link(handoff), now=desk.wall())
    copy_text(app, note)
    lines, size = note.count("\n"), len(note.encode("utf-8"))
    cut = " It was cut to fit the clipboard." if note.endswith(CUT) else ""
    app.notify(
        f"Copied the handoff as Markdown ({lines} lines, {size / 1024:.1f} KB): paste it "
        f"into the ticket note.{cut}",
        title="Ticket note",
        markup=False,
        timeout=4,
    )


def open_in_browser(app: App[Any], desk: Desk, handoff: Handoff) -> None:
    link = desk.web_link(handoff)
    if link is None:
        app.notify("No web address set: start rf-tui with --web-url.", markup=False)
        return
    why = no_browser(os.environ)
    if why is None:
        try:
            opened = webbrowser.open(link)
        except webbrowser.Error:
            opened = False
        if opened:
            shown = "this escalation in the browser" if desk.presenting else link
            app.notify(f"Opened {shown}", markup=False, timeout=3)
            return
        why = "none found"
    # The link goes where the senior's own browser can reach it: their clipboard.
    copy_text(app, link)
    shown = "" if desk.presenting else f": {link}"
    app.notify(
        f"No browser can be opened from this terminal ({why}). The link is copied instead; "
        f"paste it into your browser{shown}",
        title="Open in browser",
        markup=False,
        timeout=6,
    )
