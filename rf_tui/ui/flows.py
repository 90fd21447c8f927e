"""Claim, open, chat and links: what the senior does with one escalation.

Split from the app (``RfApp`` extends this) so each stays readable; the
state these flows use is the app's, declared here for the type checker.
"""

from __future__ import annotations

import os
import webbrowser
from collections.abc import Iterable

from textual import on
from textual.app import App

from rf_tui.api.models import Handoff, Me, Session
from rf_tui.config import Settings
from rf_tui.export import CUT, handoff_markdown
from rf_tui.state.clock import Clock, ago
from rf_tui.state.queue import Change, QueueState
from rf_tui.text import one_line
from rf_tui.ui import messages as m
from rf_tui.ui.link import Link
from rf_tui.ui.screens.choice import ChoiceScreen, ReopenScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.terminal import TerminalTitle, clipboard
from rf_tui.ui.textual_private import set_clipboard_text

WINNER_SHOWN_SECONDS = 1.0


class HandoffFlows(App[None]):
    settings: Settings
    queue: QueueState
    link: Link
    me: Me | None
    clock: Clock
    claimed_here: dict[str, Handoff]
    drafts: dict[str, str]
    queue_screen: QueueScreen
    title_badge: TerminalTitle

    def _apply(self, change: Change) -> None:
        raise NotImplementedError  # RfApp draws queue changes

    @property
    def presenting(self) -> bool:
        return False  # RfApp: presenter mode

    def mark_seen(self, handoff_id: str) -> None:
        raise NotImplementedError  # RfApp keeps the unread set

    def _handoff_screens(self, handoff_id: str | None = None) -> Iterable[HandoffScreen]:
        for screen in self.screen_stack:
            if isinstance(screen, HandoffScreen) and handoff_id in (None, screen.handoff.id):
                yield screen

    # ── Claim, open, chat ────────────────────────────────────────────────────

    @on(m.ClaimRequested)
    def _claim_requested(self, message: m.ClaimRequested) -> None:
        self.claim(message.handoff_id)

    @on(m.OpenRequested)
    def _open_requested(self, message: m.OpenRequested) -> None:
        self.open(message.handoff_id)

    def _entry(self, handoff_id: str) -> Handoff | None:
        entry = self.queue.get(handoff_id)
        if entry is not None:
            return entry
        return next((s.handoff for s in self._handoff_screens(handoff_id)), None)

    def claim(self, handoff_id: str) -> None:
        entry = self._entry(handoff_id)
        if entry is None:
            self.notify("That escalation is no longer in the queue.", markup=False)
            return
        self.mark_seen(handoff_id)
        self.run_worker(self.link.claim(entry), group="claim", exit_on_error=False)

    def open(self, handoff_id: str) -> None:
        entry = self.claimed_here.get(handoff_id) or self._entry(handoff_id)
        if entry is None:
            self.notify("That escalation is no longer in the queue.", markup=False)
            return
        self.mark_seen(handoff_id)
        self.push_screen(HandoffScreen(entry, claimed=handoff_id in self.claimed_here))
        self.run_worker(self.link.context(entry), group="context", exit_on_error=False)

    def on_claim_won(self, message: m.ClaimWon) -> None:
        handoff = message.handoff
        self.claimed_here[handoff.id] = handoff
        self._apply(self.queue.gone(handoff.id))
        screens = list(self._handoff_screens(handoff.id))
        for screen in screens:
            screen.became_claimed(handoff)
        if not screens:
            self.push_screen(HandoffScreen(handoff, claimed=True))
            self.run_worker(self.link.context(handoff), group="context", exit_on_error=False)
        self.notify(f"Claimed: {one_line(handoff.summary, 60)}", markup=False, timeout=3)

    def on_claim_lost(self, message: m.ClaimLost) -> None:
        when = ago(message.claimed_at, self.clock())
        winner = one_line(message.winner, 40)
        self.notify(
            f"Already claimed by {winner}{' ' + when if when else ''}.",
            title="Too late",
            severity="warning",
            markup=False,
        )
        self.queue_screen.show_winner(message.handoff_id, one_line(message.winner, 40))

        def leave() -> None:
            self._apply(self.queue.gone(message.handoff_id))

        self.set_timer(WINNER_SHOWN_SECONDS, leave)

    def on_claim_failed(self, message: m.ClaimFailed) -> None:
        self.notify(message.reason, title="Cannot claim", severity="error", markup=False)

    def send_chat(self, session_id: str, text: str) -> None:
        self.run_worker(self.link.chat(session_id, text), group="chat", exit_on_error=False)

    def on_chat_answered(self, message: m.ChatAnswered) -> None:
        self.drafts.pop(message.session_id, None)
        for screen in self._handoff_screens():
            if screen.handoff.session_id == message.session_id:
                screen.chat_answered(message.sent, message.reply.content)

    def on_chat_failed(self, message: m.ChatFailed) -> None:
        for screen in self._handoff_screens():
            if screen.handoff.session_id == message.session_id:
                screen.chat_failed(message.reason)

    # ── Links ────────────────────────────────────────────────────────────────

    def web_link(self, handoff: Handoff) -> str | None:
        base = self.settings.web_url
        return f"{base.rstrip('/')}/pilot/{handoff.session_id}?pickup=true" if base else None

    def copy_text(self, text: str) -> None:
        """OSC 52 to the system clipboard; inside tmux, through its passthrough."""
        if "TMUX" in os.environ and not self.is_headless:
            set_clipboard_text(self, text)
            self.title_badge.write(clipboard(text, under_tmux=True))
        else:
            self.copy_to_clipboard(text)

    def copy_link(self, handoff: Handoff) -> None:
        link = self.web_link(handoff)
        if link is None:
            self.copy_text(handoff.session_id)
            self.notify(
                "No web address set (--web-url), so the session id was copied instead.",
                markup=False,
            )
            return
        self.copy_text(link)
        # A take shows no ids: the link is in the clipboard, not on screen.
        shown = "the link to this escalation" if self.presenting else link
        self.notify(f"Copied {shown}", markup=False, timeout=3)

    def copy_ticket_note(self, handoff: Handoff, session: Session | None) -> None:
        """The four panels as Markdown, for a PSA ticket note."""
        note = handoff_markdown(handoff, session, link=self.web_link(handoff), now=self.clock())
        self.copy_text(note)
        lines, size = note.count("\n"), len(note.encode("utf-8"))
        cut = " It was cut to fit the clipboard." if note.endswith(CUT) else ""
        self.notify(
            f"Copied the handoff as Markdown ({lines} lines, {size / 1024:.1f} KB): paste it "
            f"into the ticket note.{cut}",
            title="Ticket note",
            markup=False,
            timeout=4,
        )

    def open_in_browser(self, handoff: Handoff) -> None:
        link = self.web_link(handoff)
        if link is None:
            self.notify("No web address set: start rf-tui with --web-url.", markup=False)
            return
        webbrowser.open(link)
        shown = "this escalation in the browser" if self.presenting else link
        self.notify(f"Opened {shown}", markup=False, timeout=3)

    # ── Actions and commands ─────────────────────────────────────────────────

    def offer_choice(self, handoff_id: str) -> None:
        entry = self.queue.get(handoff_id)
        if entry is None:
            return
        can_claim = self.me.can_claim if self.me else True

        def chosen(what: str | None) -> None:
            if what == "open":
                self.open(handoff_id)
            elif what == "claim":
                self.claim(handoff_id)

        self.push_screen(ChoiceScreen(entry.summary or "(fetching details…)", can_claim), chosen)

    def action_reopen(self) -> None:
        if not self.claimed_here:
            self.notify("Nothing claimed yet in this run.", markup=False)
            return
        if len(self.claimed_here) == 1:
            self.open(next(iter(self.claimed_here)))
            return

        def chosen(handoff_id: str | None) -> None:
            if handoff_id:
                self.open(handoff_id)

        self.push_screen(ReopenScreen(list(self.claimed_here.values())), chosen)
