"""The four-panel handoff context: problem, what was tried, AI assessment, start here.

Every panel is on screen the moment a claim lands, at 80×24 as at 160×48: the rows
are shared out by what each panel needs (``ui.budget``) and each says "+N more" for
what did not fit. ``z`` zooms one panel to the whole screen (its text scrolls: the
screen's one scroll), Tab moves between panels, and below 44×16 one panel shows at a
time with a switcher line. After the senior's first action, Start here becomes the
session's conversation.
"""

from __future__ import annotations

import time
from typing import Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from rf_tui.feed import outcomes as out
from rf_tui.feed.types import Handoff, Session
from rf_tui.text import cell_len, one_line, person
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.budget import share_rows
from rf_tui.ui.desk import Desk
from rf_tui.ui.messages import Drafted
from rf_tui.ui.panels import (
    PENDING_SECONDS,
    SANITISED,
    TITLES,
    Said,
    assessment_body,
    command_of,
    conversation,
    problem_body,
    sanitised_panels,
    start_body,
    started,
    tried_body,
)
from rf_tui.ui.textual_private import take_notifications
from rf_tui.ui.widgets.fitted import Fitted
from rf_tui.ui.widgets.message_box import FOLLOW_SECONDS, MessageBox

PANELS = ("problem", "tried", "assessment", "start")
SHORT = {"problem": "Problem", "tried": "Tried", "assessment": "AI", "start": "Start here"}
#: Two by two from this width (each panel then gets ~58 columns); stacked below it.
WIDE = 120
#: Below either, one panel at a time: four titles and a message box leave no text.
SINGLE_WIDTH, SINGLE_HEIGHT = 44, 16
#: The problem panel's rows at most when stacked: the summary line(s) and a note.
PROBLEM_ROWS = 3
#: Read-only, a letter key acts only when pressed on its own: a key within this long
#: after it means a word is being typed ("check", "accept") into the closed box.
HOLD_SECONDS = 0.5
#: ...and the keys typed until this long after the last one belong to that word.
TYPING_SECONDS = 1.5
#: Claimed, the letters whose action could not be taken back had they been the first
#: letter of a word typed at the box (a screen opened, the clipboard overwritten, back): each waits
#: this long for a next letter that would make it a word.
LOUD = frozenset("ntybq")
LOUD_HOLD_SECONDS = 0.3
#: Seconds after a message starts at the screen during which keys still reaching the
#: screen (queued before the box took focus) go into the box.
BURST_TO_BOX = 0.25
#: A key that moved about (j k g G) followed this soon by a word's next letter was the
#: word's first: it goes into the box too (the box's own FOLLOW_SECONDS, for digits).
READ_ONLY_HINT = (
    "Read-only until you claim: press c on its own to claim. What you typed is kept in the box."
)
SAY_SECONDS = 5.0

Mode = Literal["grid", "stack", "zoom"]


class Panel(Vertical, can_focus=True):
    """One of the four: focusable, so Tab, j and k move between them."""


class PanelText(VerticalScroll, can_focus=False):
    """A panel's text: clipped with "+N more" in place, scrolled when zoomed."""


class HandoffScreen(Screen[None]):
    BINDINGS = bindings("handoff")

    def __init__(self, desk: Desk, handoff: Handoff, *, claimed: bool) -> None:
        super().__init__()
        self.desk = desk
        self.handoff = handoff
        self.session: Session | None = None
        self.claimed = claimed
        self.problem: str | None = None
        self.taken_by: str | None = None  # claimed by someone else while open here
        self.left = False  # gone from the queue, by whom unknown
        self.zoomed: str | None = None  # the panel shown alone, if one is
        self.mode: Mode = "stack"
        #: Exchanges sent from here that the session (refetched) does not show yet.
        self._sent: list[Said] = []
        self._held: tuple[str, Timer] | None = None  # a key waiting to be sure it is alone
        self._typing_until = 0.0
        self._moved: tuple[str, float] | None = None  # a j k g G just acted on
        #: Until then, a printable key at the screen is the rest of a message just begun.
        self._to_box_until = 0.0
        self._say_timer: Timer | None = None
        self._say_rows = 1
        self._told = False  # news has been told on the line

    def compose(self) -> ComposeResult:
        yield Static(id="switcher")
        with Vertical(id="panels"):
            for panel in PANELS:
                with Panel(id=panel, classes="panel"):
                    with PanelText(classes="panel-text"):
                        yield Fitted(id=f"{panel}-body")
                    if panel == "start":
                        yield MessageBox(
                            self.suggested_steps,
                            self.action_suggest,
                            self.action_copy_command,
                            id="message",
                        )
        yield Static(id="say")
        if self.desk.presenter is not None:
            yield Static(self.desk.presenter.overlay(), id="keys")  # the keys just pressed
        yield Footer()

    def on_mount(self) -> None:
        for panel, title in TITLES.items():
            self.query_one(f"#{panel}").border_title = title
        box = self.query_one("#message", Input)
        box.cursor_blink = False
        box.value = self.desk.drafts.get(self.handoff.session_id, "")
        self.render_panels()
        self.query_one("#problem").focus()
        for title, message, severity in take_notifications(self.app)[-1:]:
            if not self._told:  # the claim's own news, if already told, comes first
                self.tell(message, title=title, severity=severity)
        waited = (self.desk.clock() - self.handoff.created_at).total_seconds()
        if self.handoff.ai_assessment_data is None and waited < PENDING_SECONDS:
            # If nothing lands in time, say it timed out rather than "pending" forever;
            # but ask once more first: the event saying it landed may never have come
            # (a proxy that buffers the stream, or a server that dropped it).
            self.set_timer(PENDING_SECONDS - waited + 0.1, self.load_context)
        self.load_context()
        self.desk.feed.start_viewing(self.handoff)  # the others' queues show who is looking

    def on_unmount(self) -> None:
        self.desk.feed.stop_viewing(self.handoff.id)

    @work(group="context", exit_on_error=False)
    async def load_context(self) -> None:
        """The session behind the handoff (again when a late assessment lands)."""
        context = await self.desk.feed.context(self.handoff)
        self.show_context(context.handoff, context.session, context.problem)

    # ── Layout ───────────────────────────────────────────────────────────────

    def on_resize(self, event: events.Resize) -> None:
        self._layout()

    @property
    def single(self) -> bool:
        """Too small for four panels: one at a time."""
        return self.size.width < SINGLE_WIDTH or self.size.height < SINGLE_HEIGHT

    def _layout(self) -> None:
        width = self.size.width
        if self.single or self.zoomed is not None:
            mode: Mode = "zoom"
            if self.zoomed is None:
                self.zoomed = self._focused_panel() or "problem"
        else:
            mode = "grid" if width >= WIDE else "stack"
        self.mode = mode
        panels = self.query_one("#panels")
        for name in ("grid", "stack", "zoom"):
            panels.set_class(mode == name, f"-{name}")
        for panel in PANELS:
            widget = self.query_one(f"#{panel}")
            widget.set_class(panel == self.zoomed, "-zoomed")
            if mode != "stack":
                widget.styles.height = None  # the stylesheet's
        self.query_one("#start-body", Fitted).newest_last = bool(self._said())
        self._switcher()
        if mode == "stack":
            self._share()

    def _share(self) -> None:
        """Stacked: give each panel the rows its text needs, as far as they go."""
        width, height = self.size
        # The say line(s), the footer (and the keys pressed, in presenter mode).
        taken = self._say_rows + 1 + (self.desk.presenter is not None)
        text_width = max(1, width - 2)  # padding either side
        bodies = {p: self.query_one(f"#{p}-body", Fitted) for p in PANELS}
        wants = {p: bodies[p].wanted(text_width) for p in PANELS}
        rows = height - taken - len(PANELS) - 1  # a title per panel, the message box
        problem = min(wants["problem"], PROBLEM_ROWS, max(1, rows // 4))
        # Once it is the conversation, Start here is what the senior works in: half
        # the rows are its before the others share.
        # Before it, the numbered steps: a digit is a blind choice when its step is cut.
        steps = min(wants["start"], 2 + len(self.suggested_steps()))
        talk = max(1, (rows - problem) // 2) if self._said() else max(1, min(steps, rows // 3))
        rest = share_rows(
            rows - problem,
            [wants["tried"], wants["assessment"], wants["start"]],
            floor=[1, 1, talk],
        )
        given = dict(zip(PANELS, [problem, *rest], strict=True))
        for panel in PANELS:
            extra = 2 if panel == "start" else 1  # its title (and the box)
            self.query_one(f"#{panel}").styles.height = given[panel] + extra

    def _switcher(self) -> None:
        bar = self.query_one("#switcher", Static)
        bar.display = self.mode == "zoom"
        if self.mode != "zoom":
            return
        line = render.literal("")
        talk = bool(self._said())
        for panel in PANELS:
            name = "Conversation" if panel == "start" and talk else SHORT[panel]
            line.append(f" {name} ", style="reverse bold" if panel == self.zoomed else "dim")
        line.append(" tab ›" + ("" if self.single else " · z all four"), style="dim")
        bar.update(line)

    def _focused_panel(self) -> str | None:
        node = self.focused
        while node is not None:
            if isinstance(node, Panel) and node.id in PANELS:
                return node.id
            node = node.parent  # type: ignore[assignment]
        return None

    # ── Content ──────────────────────────────────────────────────────────────

    def _said(self) -> list[Said]:
        """The conversation, once the senior has acted in it (empty before)."""
        if not self.claimed or not (started(self.handoff, self.session) or self._sent):
            return []
        said = conversation(self.handoff, self.session)
        return said + self._sent

    def render_panels(self) -> None:
        now = self.desk.clock()
        said = self._said()
        bodies = {
            "problem": problem_body(self.handoff, now),
            "tried": tried_body(self.handoff, self.session),
            "assessment": assessment_body(self.handoff, now, steps_here=bool(said)),
            "start": start_body(
                self.handoff,
                self.session,
                self.claimed,
                self.taken_by,
                self.left,
                said,
                self.desk.time_of_day,
            ),
        }
        for panel, body in bodies.items():
            self.query_one(f"#{panel}-body", Fitted).update(body)
        box = self.query_one("#message", Input)
        box.disabled = not self.claimed
        box.placeholder = (
            (
                "Reply to FlowPilot, enter sends"
                if said
                else "Type your first action or press 1–9, enter sends"
            )
            if self.claimed
            else "Claim first (c) to send messages"
        )
        flagged = sanitised_panels(self.handoff, self.session)
        start = self.query_one("#start")
        start.border_title = (
            "Conversation"
            if said
            else f"{TITLES['start']} · 1–9 picks a step, enter sends"
            if self.claimed and self.suggested_steps()
            else TITLES["start"]
        )
        for panel in PANELS:
            self.query_one(f"#{panel}").border_subtitle = SANITISED if panel in flagged else ""
        if self.problem:
            self.say(f"Could not load the session: {self.problem}", error=True)
        self._layout()
        if said and self.mode == "zoom" and self.zoomed == "start":
            self.call_after_refresh(self._scroll_edge, "start", True)

    def show_context(self, handoff: Handoff, session: Session | None, problem: str | None) -> None:
        self.handoff, self.problem = handoff, problem
        if session is not None:
            self.session = session
            shown = {(s.who, s.text) for s in conversation(handoff, session)}
            self._sent = [s for s in self._sent if (s.who, s.text) not in shown]
        self.render_panels()

    def became_claimed(self, handoff: Handoff) -> None:
        self.claimed = True
        self.taken_by = None
        self.handoff = handoff
        self.render_panels()
        self.refresh_bindings()

    def taken(self, by: str | None) -> None:
        """Claimed by someone else while open here: no more offering to claim it.

        ``None``: it left the queue and nobody said who took it (a backend without
        claim events, a buffered stream); a claim then asks the server.
        """
        if self.claimed:
            return
        if by is None:
            self.left = True
        else:
            self.taken_by = by
            self._drop_held()
        self.render_panels()
        self.refresh_bindings()

    # ── Telling: one line above the footer, never over a panel ───────────────

    def say(
        self,
        message: str,
        *,
        error: bool = False,
        warning: bool = False,
        timeout: float | None = None,
    ) -> None:
        """A line of news (two when it needs them). Toasts would cover the panel being
        read; this takes a row."""
        if self._say_timer is not None:
            self._say_timer.stop()
            self._say_timer = None
        style = "bold red" if error else "bold yellow" if warning else ""
        text = one_line(message)
        line = self.query_one("#say", Static)
        line.update(render.literal(text, style=style))
        rows = 2 if cell_len(text) > max(1, self.size.width - 2) else 1
        if rows != self._say_rows:
            self._say_rows = rows
            line.styles.height = rows
            if self.is_mounted and self.mode == "stack":
                self._share()  # the panels give the row back, none is pushed off
        if message and timeout is not None:
            self._say_timer = self.set_timer(timeout, lambda: self.say(""))

    def tell(self, message: str, *, title: str = "", severity: str = "information",
             timeout: float | None = None) -> None:  # fmt: skip
        """What the app would toast, said on the line instead (once there is one)."""
        text = f"{title}: {message}" if title else message
        error, warning = severity == "error", severity == "warning"
        if not self.is_mounted:  # the claim's news comes as the screen opens
            self.call_after_refresh(self.tell, message, title=title, severity=severity,
                                    timeout=timeout)  # fmt: skip
            return
        self._told = True
        self.say(text, error=error, warning=warning, timeout=timeout or SAY_SECONDS * (1 + error))

    # ── Words typed at the screen, not at the box ────────────────────────────

    def on_key(self, event: events.Key) -> None:
        """Read-only, the message box is closed, so a word typed at it would reach
        the screen's keys ("check" would claim, "quick" would quit): a letter key
        waits a moment to be sure it is alone, and a word goes into the box as a
        draft instead."""
        if self.taken_by is not None:
            return
        if self.claimed:
            self._compose_key(event)
            return
        now = time.monotonic()
        typing = now < self._typing_until or self._held is not None
        if not (event.is_printable or (typing and event.key == "backspace")):
            self._drop_held()  # escape, arrows…: the held key was not meant either
            return
        event.stop()
        event.prevent_default()
        if typing or event.key not in self._bound():
            self._typed(event)
            self._typing_until = now + TYPING_SECONDS
            return
        self._held = (event.key, self.set_timer(HOLD_SECONDS, self._alone))
        if event.key == "c":
            self.say("Claiming…")

    def _compose_key(self, event: events.Key) -> None:
        """Claimed, typing at the screen starts a message: a letter that means nothing
        here goes into the box (which takes the rest), and a letter that does — "need"
        would open the notes, "quick" go back — acts only when no letter of a word
        follows it at once. The box, once focused, takes its keys itself."""
        box = self.query_one("#message", Input)
        if self.focused is box:
            return
        now = time.monotonic()
        if not event.is_printable or event.character is None:
            self._drop_held()
            return
        if now < self._to_box_until:
            # A burst (a paste, a text expander) queued its keys before the box took
            # focus: they are the message's, not the screen's ("binding" would open
            # the notes at its n). Focus moves within milliseconds; then the box has them.
            event.stop()
            event.prevent_default()
            box.insert_text_at_cursor(event.character)
            return
        bound = self._bound()
        if self._held is not None:
            if event.key in bound:  # another key of the screen's: the held one was alone
                self._act_now()
            else:
                self._start_message(event, now)
                return
        if event.key not in bound:
            self._start_message(event, now)
        elif event.key in LOUD:
            event.stop()
            event.prevent_default()
            self._held = (event.key, self.set_timer(LOUD_HOLD_SECONDS, self._alone))
        elif event.character not in "123456789":
            self._moved = (event.character, now)  # acts now; a word's next letter claims it

    def _start_message(self, event: events.Key, now: float) -> None:
        event.stop()
        event.prevent_default()
        box = self.query_one("#message", Input)
        lead = ""
        if self._held is not None:
            lead = self._held[0]
            self._drop_held()
        elif self._moved is not None and now - self._moved[1] < FOLLOW_SECONDS:
            lead = self._moved[0]
        self._moved = None
        box.value += lead + (event.character or "")
        box.cursor_position = len(box.value)
        box.focus()
        self._to_box_until = now + BURST_TO_BOX

    def _act_now(self) -> None:
        if self._held is not None:
            key = self._held[0]
            self._drop_held()
            self.call_later(self._run_key, key)

    async def _run_key(self, key: str) -> None:
        if (bound := self._bound().get(key)) is not None:
            action, of_app = bound
            await (self.app.run_action(action) if of_app else self.run_action(action))

    def _bound(self) -> dict[str, tuple[str, bool]]:
        """key → (action, whether it is the app's) for the keys that mean something
        here now (claim, once claimed, and the story's pause, out of presenter mode,
        mean nothing)."""
        bound: dict[str, tuple[str, bool]] = {}
        for owner, of_app in ((self.app.BINDINGS, True), (self.BINDINGS, False)):
            for binding in owner:
                if not isinstance(binding, Binding):
                    continue
                name = binding.action.split("(")[0]
                checked = (self.app if of_app else self).check_action(name, ())
                if checked is False:
                    continue
                for key in binding.key.split(","):
                    bound[key] = (binding.action, of_app)
        return bound

    def _typed(self, event: events.Key) -> None:
        if event.key == "backspace":
            self._type_into_closed_box(None)
        elif event.character is not None:
            self._type_into_closed_box(event.character)

    def _type_into_closed_box(self, character: str | None) -> None:
        """One more character of a word typed at the closed box (None: a backspace)."""
        box = self.query_one("#message", Input)
        if self._held is not None:  # the key held back began the word
            held = self._held[0]
            self._drop_held()
            box.value += " " if held == "space" else held
        box.value = box.value[:-1] if character is None else box.value + character
        self._typing_until = time.monotonic() + TYPING_SECONDS
        self.say(READ_ONLY_HINT)

    def _drop_held(self) -> None:
        if self._held is not None:
            key, timer = self._held
            timer.stop()
            self._held = None
            if key == "c":
                self.say("")  # no longer "Claiming…"

    async def _alone(self) -> None:
        """No other key came: the held key was meant as itself."""
        if self._held is None:
            return
        key, self._held = self._held[0], None
        if key == "c":
            self.say("")  # the claim's own message tells how it went
        await self._run_key(key)

    # ── Moving about: panels, zoom, the one scroll ───────────────────────────

    def action_next_panel(self, step: int) -> None:
        """Tab: the next panel (zoomed, the next panel zoomed)."""
        current = self.zoomed or self._focused_panel() or "problem"
        following = PANELS[(PANELS.index(current) + step) % len(PANELS)]
        self.query_one(f"#{following}").focus()
        if self.mode == "zoom":
            self.zoomed = following
            self._layout()

    def action_zoom(self) -> None:
        """z: the focused panel alone on the screen, and back to all four."""
        if self.single:
            self.say("The window is too small for all four panels: tab moves between them.")
            return
        self.zoomed = None if self.zoomed else (self._focused_panel() or "start")
        if self.zoomed:
            self.query_one(f"#{self.zoomed}").focus()
        self._layout()
        if self.zoomed == "start" and self._said():
            self.call_after_refresh(self._scroll_edge, "start", True)

    def action_scroll(self, lines: int) -> None:
        """j k ↓ ↑: scroll the zoomed panel; with all four shown, move between them."""
        if self.mode == "zoom" and self.zoomed:
            self._scroll_text(self.zoomed, lines)
        else:
            self.action_next_panel(1 if lines > 0 else -1)

    def action_page(self, pages: int) -> None:
        if self.mode == "zoom" and self.zoomed:
            text = self._text(self.zoomed)
            self._scroll_text(self.zoomed, pages * max(1, text.size.height - 1))
        else:
            self.action_next_panel(pages)

    def action_jump(self, where: int) -> None:
        """g G Home End: top or bottom of the zoomed panel; else the first or last panel."""
        if self.mode == "zoom" and self.zoomed:
            self._scroll_edge(self.zoomed, end=where != 0)
        else:
            self.query_one(f"#{PANELS[where]}").focus()

    def _text(self, panel: str) -> PanelText:
        return self.query_one(f"#{panel} > PanelText", PanelText)

    def _scroll_text(self, panel: str, lines: int) -> None:
        self._text(panel).scroll_relative(y=lines, animate=False)

    def _scroll_edge(self, panel: str, end: bool) -> None:
        text = self._text(panel)
        (text.scroll_end if end else text.scroll_home)(animate=False)

    # ── Start here ───────────────────────────────────────────────────────────

    def suggested_steps(self) -> list[str]:
        ai = self.handoff.ai_assessment_data
        return list(ai.suggested_steps) if ai else []

    def action_suggest(self, number: int) -> None:
        """A digit chooses step N, replacing a step chosen before, never the senior's
        own words: once they have typed some, a digit is typed like any key."""
        box = self.query_one("#message", Input)
        if not self.claimed:
            if self._held is not None or time.monotonic() < self._typing_until:
                self._type_into_closed_box(str(number))  # part of a word typed at it
            return
        steps = self.suggested_steps()
        if box.value.strip() and box.value not in steps:
            box.focus()
            box.insert_text_at_cursor(str(number))
            return
        if number <= len(steps):
            before = "" if box.value in steps else box.value
            box.value = steps[number - 1]
            box.cursor_position = len(box.value)
            box.focus()
            if isinstance(box, MessageBox):
                box.chose = (before, str(number), time.monotonic())

    def action_send(self) -> None:
        """Enter away from the box: send what is in it, or go to it when it is empty."""
        box = self.query_one("#message", Input)
        if self.claimed and box.value.strip():
            self._submit(box.value)
        else:
            box.focus()

    def action_focus_message(self) -> None:
        self.query_one("#message", Input).focus()

    def action_copy_command(self) -> None:
        """x: the command of the step in the box (else of the first step naming one),
        on its own, ready to paste into a shell."""
        from rf_tui.ui import flows

        if not self.claimed and (self._held is not None or time.monotonic() < self._typing_until):
            self._type_into_closed_box("x")  # part of a word typed at the closed box
            return
        steps = self.suggested_steps()
        box = self.query_one("#message", Input).value.strip()
        chosen = [box] if box in steps else []
        for step in chosen + steps:
            command = command_of(step)
            if command is not None:
                flows.copy_text(self.app, command)
                number = steps.index(step) + 1
                self.say(
                    f"Copied step {number}'s command: {one_line(command, 60)}", timeout=SAY_SECONDS
                )
                return
        self.say("No suggested step names a command to copy.", timeout=SAY_SECONDS)

    @on(Input.Changed, "#message")
    def _draft(self, event: Input.Changed) -> None:
        self.desk.drafts[self.handoff.session_id] = event.value
        self.post_message(Drafted())

    @on(Input.Submitted, "#message")
    def _send(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        text = value.strip()
        if not text or not self.claimed:
            return
        self.say("Sending…")
        self.send(text)

    @work(group="chat", exit_on_error=False)
    async def send(self, text: str) -> None:
        outcome = await self.desk.feed.chat(self.handoff.session_id, text)
        if isinstance(outcome, out.ChatRefused):
            self.chat_failed(outcome.reason)
            return
        if self.desk.drafts.get(self.handoff.session_id, "").strip() == text:
            self.desk.drafts.pop(self.handoff.session_id, None)
        self.chat_answered(outcome.sent, outcome.reply.content)
        self.load_context()  # the session as the server now has it

    def chat_answered(self, sent: str, reply: str) -> None:
        box = self.query_one("#message", Input)
        if box.value.strip() == sent:
            box.value = ""
        if self.focused is box:  # back where the digits, q, Esc and the arrows act on the screen
            self.query_one("#start").focus()
        me = person(self.handoff.claimed_by_name or "").split(" ")[0] or "You"
        self._sent += [Said(me, sent), Said("FlowPilot", reply)]
        self.say("Sent.", timeout=SAY_SECONDS)
        self.render_panels()

    def chat_failed(self, reason: str) -> None:
        self.say(f"Not sent; your message is still in the box. {reason}", error=True)

    # ── Other actions ────────────────────────────────────────────────────────

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Claiming is offered only until it is done, here or by someone else.
        return not (action == "claim" and (self.claimed or self.taken_by is not None))

    def action_back(self) -> None:
        """Esc, q: out of the message box, then out of a zoomed panel, then to the queue."""
        if isinstance(self.focused, Input):
            self.query_one("#start").focus()
        elif self.zoomed is not None and not self.single:
            self.action_zoom()
        else:
            self.app.pop_screen()

    def action_claim(self) -> None:
        from rf_tui.ui import flows

        flows.start_claim(self, self.desk, self.handoff.id)

    def action_copy_link(self) -> None:
        from rf_tui.ui import flows

        flows.copy_link(self.app, self.desk, self.handoff)

    def action_copy_note(self) -> None:
        from rf_tui.ui import flows

        flows.copy_ticket_note(self.app, self.desk, self.handoff, self.session)

    def action_read_notes(self) -> None:
        from rf_tui.ui.screens.reader import ReaderScreen

        notes = self.handoff.engineer_notes
        if not notes:
            self.say("The junior left no notes.", timeout=3)
            return
        lines = notes.count("\n") + (not notes.endswith("\n"))
        counted = f"{lines:,} line{'s' if lines != 1 else ''}"
        title = f"Notes from {person(self.handoff.requester) or 'the junior'}: {counted}"
        keys = self.desk.presenter.overlay() if self.desk.presenter else None
        self.app.push_screen(ReaderScreen(title + " · esc goes back", notes, keys))

    def action_open_browser(self) -> None:
        from rf_tui.ui import flows

        flows.open_in_browser(self.app, self.desk, self.handoff)
