"""The four-panel handoff context: problem, what was tried, AI assessment, start here."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from rf_tui.export import escalation_package
from rf_tui.feed import outcomes as out
from rf_tui.feed.types import AIAssessment, Handoff, Session, SessionStep
from rf_tui.state.clock import ago, time_of_day
from rf_tui.text import capped, one_line, person, was_sanitized
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.desk import Desk

#: How long after the escalation an absent assessment still counts as pending.
#: The backend bounds it at 5 s by default; the rest is slack for a slow link.
PENDING_SECONDS = 15.0
WIDE = 120
#: Read-only, a letter key acts only when pressed on its own: a key within this long
#: after it means a word is being typed ("check", "accept") into the closed box.
HOLD_SECONDS = 0.5
#: ...and the keys typed until this long after the last one belong to that word.
TYPING_SECONDS = 1.5
READ_ONLY_HINT = (
    "Read-only until you claim: press c on its own to claim. What you typed is kept in the box."
)


def problem_body(handoff: Handoff, now: datetime) -> RenderableType:
    meta = Text()
    meta.append_text(render.priority(handoff.priority))
    if handoff.requester:
        meta.append(" · from ")
        meta.append_text(render.literal(person(handoff.requester)))
    meta.append(f" · escalated {ago(handoff.created_at, now)}", style="dim")
    parts: list[RenderableType] = [
        render.literal(handoff.summary or "(no summary given)", style="bold", multiline=True),
        meta,
    ]
    if handoff.engineer_notes:
        head, more = capped(handoff.engineer_notes)
        notes = Text()
        notes.append("Notes: ", style="bold")
        notes.append_text(render.literal(head, multiline=True))
        if more:  # the rest is told, not laid out: 2 MB took seconds to open and to leave
            notes.append(f"\n{more}: n shows the whole note", style="dim italic")
        parts.append(notes)
    return Group(*parts)


def _tried_list(
    text: Text, title: str, mark: Text, items: Iterable[tuple[str, str | None]]
) -> None:
    """A titled list of "mark description → outcome" lines."""
    lines = list(items)
    if not lines:
        return
    text.append(f"{title}\n", style="bold")
    for description, outcome in lines:
        text.append("  ")
        text.append_text(mark)
        text.append_text(render.literal(description))
        if outcome:
            text.append(" → ", style="dim")
            text.append_text(render.literal(outcome, style="dim"))
        text.append("\n")


def step_label(step: SessionStep, handoff: Handoff) -> str:
    """Who or what a step is, in a tech's words ("Sam", "FlowPilot", "tried"), not the
    backend's step type ("user_message", "ai_response", "diagnostic")."""
    kind = step.step_type
    if kind == "ai_response":
        return "FlowPilot"
    if kind == "diagnostic":
        return "tried"
    if kind == "user_message":
        before = step.created_at is None or step.created_at <= handoff.created_at
        who = handoff.requester if before else handoff.claimed_by_name
        return person(who or "").split(" ")[0] or ("junior" if before else "senior")
    return one_line(kind.replace("_", " "), 20) or "step"


def tried_body(
    handoff: Handoff,
    session: Session | None,
    time_of_day: Callable[[datetime], str] = time_of_day,
) -> RenderableType:
    package = escalation_package(handoff, session)
    text = Text()
    _tried_list(
        text,
        "Steps attempted",
        Text("✓ ", style="green"),
        ((s.description, s.result) for s in package.steps_attempted),
    )
    _tried_list(
        text,
        "Dead ends",
        Text("✗ ", style="red"),
        ((s.description, s.reason) for s in package.dead_ends_flagged),
    )
    steps = session.steps[-5:] if session is not None else ()
    if steps:
        text.append("Recent steps\n", style="bold")
        for item in steps:
            when = time_of_day(item.created_at) if item.created_at else "--:--"
            text.append(f"  {when} ", style="dim")
            text.append(f"{step_label(item, handoff)}: ", style="bold")
            text.append_text(render.literal(item.content))
            text.append("\n")
    if not text.plain:
        return Text("Nothing recorded: the junior escalated before trying anything.", style="dim")
    text.rstrip()
    return text


def assessment_body(handoff: Handoff, now: datetime) -> RenderableType:
    ai = handoff.ai_assessment_data
    if ai is None:
        waited = (now - handoff.created_at).total_seconds()
        if waited < PENDING_SECONDS:
            return Text("Assessment pending… it appears here by itself when ready.", style="italic")
        return Text(
            "No AI assessment (timed out). Work from what was tried and the notes.", style="dim"
        )
    text = Text()
    text.append(f" confidence: {one_line(ai.confidence_label, 40)} ", style="reverse")
    text.append("\n\nLikely cause\n", style="bold")
    text.append_text(render.literal(ai.likely_cause or "(not given)", multiline=True))
    if ai.suggested_steps:  # listed once, numbered, under Start here
        count = len(ai.suggested_steps)
        text.append(
            f"\n\n{count} suggested step{'s' if count > 1 else ''}: under Start here.",
            style="dim",
        )
    return text


def numbered(ai: AIAssessment | None) -> Text:
    text = Text()
    for i, step in enumerate((ai.suggested_steps if ai else ())[:9], start=1):
        text.append(f"  {i}  ", style="bold cyan")
        text.append_text(render.literal(step))
        text.append("\n")
    text.rstrip()
    return text


def start_body(
    handoff: Handoff,
    session: Session | None,
    claimed: bool,
    taken_by: str | None = None,
    left: bool = False,
) -> RenderableType:
    parts: list[RenderableType] = []
    if taken_by is not None:
        taken = Text("Claimed by ", style="bold yellow")
        taken.append_text(render.literal(person(taken_by) or "someone", style="bold yellow"))
        taken.append(": you can read it, not claim it.", style="bold yellow")
        parts.append(taken)
    elif left and not claimed:  # seen by a refetch, which cannot say who or why
        parts.append(
            Text(
                "It has left the queue: someone claimed it, or it was withdrawn. "
                "c asks the server which.",
                style="bold yellow",
            )
        )
    elif not claimed:
        parts.append(
            Text("Reading before claiming. Press c to claim it and work in the session.", "bold")
        )
    latest = session.latest_ai_message if session else handoff.snapshot.get("last_ai_message")
    if isinstance(latest, str) and latest:
        head = Text()
        head.append("Last from the AI: ", style="bold")
        head.append_text(render.literal(latest, multiline=True))
        parts.append(head)
    steps = numbered(handoff.ai_assessment_data)
    if steps.plain:
        # The numbers work once it is the senior's: do not offer them before.
        lead = (
            "Press a number to start from a suggested step:"
            if claimed
            else "Suggested steps:"
            if taken_by is not None
            else "Suggested steps (claim it to start from one):"
        )
        parts.append(Text(lead, style="bold"))
        parts.append(steps)
    return Group(*parts) if parts else Text("")


SANITISED = "⚠ sanitised"


def sanitised_panels(handoff: Handoff, session: Session | None) -> set[str]:
    """The panels showing text from which control or bidi characters were removed,
    so a senior knows what they read is not byte for byte what was typed."""
    package = escalation_package(handoff, session)
    ai = handoff.ai_assessment_data
    steps = list(ai.suggested_steps) if ai else []
    latest = session.latest_ai_message if session else handoff.snapshot.get("last_ai_message")
    texts: dict[str, list[str | None]] = {
        "problem": [handoff.summary, handoff.requester, handoff.engineer_notes],
        "tried": [
            *(t for s in package.steps_attempted for t in (s.description, s.result)),
            *(t for s in package.dead_ends_flagged for t in (s.description, s.reason)),
            *((f"{s.step_type}: {s.content}") for s in (session.steps[-5:] if session else ())),
        ],
        "assessment": [ai.likely_cause, ai.confidence_label, *steps] if ai else [],
        "start": [latest if isinstance(latest, str) else None, *steps],
    }
    return {panel for panel, values in texts.items() if any(map(was_sanitized, values))}


class MessageBox(Input):
    """The message box, which leaves the digits to the screen while it holds nothing or
    a suggested step: `2` then `3` chooses step 3, it does not type "3" over step 2."""

    def __init__(self, steps: Callable[[], list[str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._steps = steps

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character in "123456789":
            value = self.value.strip()
            if not value or value in self._steps():
                return False  # the screen's number keys choose a step
        return super().check_consume_key(key, character)


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
        self._held: tuple[str, Timer] | None = None  # a key waiting to be sure it is alone
        self._typing_until = 0.0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="panels"):
            with VerticalScroll(id="problem", classes="panel"):
                yield Static(id="problem-body")
            with VerticalScroll(id="tried", classes="panel"):
                yield Static(id="tried-body")
            with VerticalScroll(id="assessment", classes="panel"):
                yield Static(id="assessment-body")
            with Vertical(id="start", classes="panel"):
                yield Static(id="start-body")
                yield MessageBox(self.suggested_steps, id="message")
                yield Static(id="reply")
        if self.desk.presenter is not None:
            yield Static(self.desk.presenter.overlay(), id="keys")  # the keys just pressed
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "problem": "Problem",
            "tried": "What's been tried",
            "assessment": "AI assessment",
            "start": "Start here",
        }
        for panel, title in titles.items():
            self.query_one(f"#{panel}").border_title = title
        box = self.query_one("#message", Input)
        box.cursor_blink = False
        box.value = self.desk.drafts.get(self.handoff.session_id, "")
        self._layout(self.size.width)
        self.render_panels()
        self.query_one("#problem").focus()
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

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.query_one("#panels").set_class(width >= WIDE, "-wide")

    def render_panels(self) -> None:
        now = self.desk.clock()
        self.query_one("#problem-body", Static).update(problem_body(self.handoff, now))
        tried = tried_body(self.handoff, self.session, self.desk.time_of_day)
        self.query_one("#tried-body", Static).update(tried)
        self.query_one("#assessment-body", Static).update(assessment_body(self.handoff, now))
        self.query_one("#start-body", Static).update(
            start_body(self.handoff, self.session, self.claimed, self.taken_by, self.left)
        )
        box = self.query_one("#message", Input)
        box.disabled = not self.claimed
        box.placeholder = (
            "Type your first action (or press 1–9), enter sends"
            if self.claimed
            else "Claim first (c) to send messages"
        )
        flagged = sanitised_panels(self.handoff, self.session)
        for panel in ("problem", "tried", "assessment", "start"):
            self.query_one(f"#{panel}").border_subtitle = SANITISED if panel in flagged else ""
        if self.problem:
            self.say(f"Could not load the session: {self.problem}", error=True)

    def show_context(self, handoff: Handoff, session: Session | None, problem: str | None) -> None:
        self.handoff, self.problem = handoff, problem
        if session is not None:
            self.session = session
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

    # ── Read-only: keys meant for the closed box ─────────────────────────────

    def on_key(self, event: events.Key) -> None:
        """Read-only, the message box is closed, so a word typed at it would reach
        the screen's keys ("check" would claim, "quick" would quit): a letter key
        waits a moment to be sure it is alone, and a word goes into the box as a
        draft instead."""
        if self.claimed or self.taken_by is not None:
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

    def _bound(self) -> dict[str, tuple[str, bool]]:
        """key → (action, whether it is the app's) for the keys that mean something here."""
        bound: dict[str, tuple[str, bool]] = {}
        for owner, of_app in ((self.app.BINDINGS, True), (self.BINDINGS, False)):
            for binding in owner:
                if isinstance(binding, Binding):
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
            self.say("")  # the claim's own toast tells how it went
        if (bound := self._bound().get(key)) is not None:
            action, of_app = bound
            await (self.app.run_action(action) if of_app else self.run_action(action))

    def say(self, message: str, *, error: bool = False) -> None:
        self.query_one("#reply", Static).update(
            render.literal(message, style="bold red" if error else "", multiline=True)
        )

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
            box.value = steps[number - 1]
            box.cursor_position = len(box.value)
            box.focus()

    def action_send(self) -> None:
        """Enter away from the box: send what is in it, or go to it when it is empty."""
        box = self.query_one("#message", Input)
        if self.claimed and box.value.strip():
            self._submit(box.value)
        else:
            box.focus()

    def action_focus_message(self) -> None:
        self.query_one("#message", Input).focus()

    @on(Input.Changed, "#message")
    def _draft(self, event: Input.Changed) -> None:
        self.desk.drafts[self.handoff.session_id] = event.value

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

    def chat_answered(self, sent: str, reply: str) -> None:
        box = self.query_one("#message", Input)
        if box.value.strip() == sent:
            box.value = ""
            if self.focused is box:  # back where q, Esc and the arrows act on the screen
                self.query_one("#problem").focus()
        out = Text()
        out.append("You: ", style="bold")
        out.append_text(render.literal(sent))
        out.append("\nAI: ", style="bold")
        out.append_text(render.literal(reply, multiline=True))
        self.query_one("#reply", Static).update(out)

    def chat_failed(self, reason: str) -> None:
        self.say(f"Not sent; your message is still in the box. {reason}", error=True)

    # ── Other actions ────────────────────────────────────────────────────────

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Claiming is offered only until it is done, here or by someone else.
        return not (action == "claim" and (self.claimed or self.taken_by is not None))

    def action_back(self) -> None:
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
            self.notify("The junior left no notes.", markup=False, timeout=3)
            return
        lines = notes.count("\n") + (not notes.endswith("\n"))
        title = f"Notes from {person(self.handoff.requester) or 'the junior'}: {lines:,} lines"
        keys = self.desk.presenter.overlay() if self.desk.presenter else None
        self.app.push_screen(ReaderScreen(title + " · esc goes back", notes, keys))

    def action_open_browser(self) -> None:
        from rf_tui.ui import flows

        flows.open_in_browser(self.app, self.desk, self.handoff)
