"""What the four panels of the handoff screen say, as Rich renderables (no widgets, no I/O).

Problem, What's been tried, AI assessment, Start here. Each is written to be read
in a few rows: essentials first, one item per line, wrapped lines hanging under
their first word, so the panels still read at 80×24 when cut to fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from rf_tui.export import escalation_package
from rf_tui.feed.types import AIAssessment, Handoff, Session, SessionStep
from rf_tui.state.clock import ago, time_of_day
from rf_tui.text import capped, one_line, person, was_sanitized
from rf_tui.ui import render

#: How long after the escalation an absent assessment still counts as pending.
#: The backend bounds it at 5 s by default; the rest is slack for a slow link.
PENDING_SECONDS = 15.0
SANITISED = "⚠ sanitised"
TITLES = {
    "problem": "Problem",
    "tried": "What's been tried",
    "assessment": "AI assessment",
    "start": "Start here",
}
COMMAND = re.compile(r"`([^`\n]+)`")


def hanging(lead: Text, body: Text) -> RenderableType:
    """``lead`` then ``body``, its wrapped lines starting under the body, not the lead."""
    if not lead.cell_len:
        return body
    grid = Table.grid(padding=0, expand=True)
    grid.add_column(width=lead.cell_len, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(lead, body)
    return grid


def commands_marked(step: str) -> Text:
    """A suggested step shown literally, its `command` in bold so it stands out."""
    text = render.literal(step)
    for match in COMMAND.finditer(text.plain):
        text.stylize("bold", match.start(), match.end())
    return text


def command_of(step: str) -> str | None:
    """The command a step names in backticks ("Check `Get-NetAdapterBinding` …")."""
    match = COMMAND.search(step)
    return match.group(1).strip() or None if match else None


# ── Problem ──────────────────────────────────────────────────────────────────


def problem_body(handoff: Handoff, now: datetime) -> RenderableType:
    line = Text()
    line.append_text(render.priority(handoff.priority))
    line.append("  ")
    line.append_text(render.literal(handoff.summary or "(no summary given)", style="bold"))
    if handoff.requester:
        line.append(" · from ", style="dim")
        line.append_text(render.literal(person(handoff.requester)))
    line.append(f" · escalated {ago(handoff.created_at, now)}", style="dim")
    parts: list[RenderableType] = [line]
    if handoff.engineer_notes:
        head, more = capped(handoff.engineer_notes)
        notes = render.literal(head, multiline=True)
        if more:  # the rest is told, not laid out: 2 MB took seconds to open and to leave
            notes.append(f"\n{more}: n shows the whole note", style="dim italic")
        parts.append(hanging(Text("Notes: ", style="bold"), notes))
    return Group(*parts)


# ── What's been tried ────────────────────────────────────────────────────────


def step_label(step: SessionStep, handoff: Handoff) -> str:
    """Who or what a step is, in a tech's words ("Sam", "FlowPilot", "tried"), not the
    backend's step type ("user_message", "ai_response", "diagnostic")."""
    kind = step.step_type
    if kind == "ai_response":
        return "FlowPilot"
    if kind == "diagnostic":
        return "tried"
    if kind == "user_message":
        claimed = handoff.claimed_at
        senior = claimed is not None and step.created_at is not None and step.created_at >= claimed
        who = handoff.claimed_by_name if senior else handoff.requester
        return person(who or "").split(" ")[0] or ("senior" if senior else "junior")
    return one_line(kind.replace("_", " "), 20) or "step"


def _outcome(mark: Text, description: str, outcome: str | None, prefix: str = "") -> RenderableType:
    body = render.literal(description)
    if outcome:
        body.append(" → ", style="dim")
        if prefix:
            body.append(prefix, style="red")
        body.append_text(render.literal(outcome, style="dim"))
    return hanging(mark, body)


def tried_body(handoff: Handoff, session: Session | None) -> RenderableType:
    """The steps with their outcomes, then the dead ends, marked as such.

    Diagnostic steps of the session are these same steps again, and its messages
    are the conversation (Start here shows it once the senior has acted): neither is
    listed twice.
    """
    package = escalation_package(handoff, session)
    rows: list[RenderableType] = [
        _outcome(Text("✓ ", style="green"), s.description, s.result)
        for s in package.steps_attempted
    ]
    rows += [
        _outcome(Text("✗ ", style="bold red"), s.description, s.reason, "dead end: ")
        for s in package.dead_ends_flagged
    ]
    if not rows and session is not None:
        # A backend that keeps no package: its diagnostic steps are what was tried.
        rows = [
            hanging(Text("✓ ", style="green"), render.literal(s.content))
            for s in session.steps
            if s.step_type == "diagnostic"
        ]
    if not rows:
        return Text("Nothing recorded: the junior escalated before trying anything.", style="dim")
    return Group(*rows)


# ── AI assessment ────────────────────────────────────────────────────────────


def assessment_body(handoff: Handoff, now: datetime, steps_here: bool = False) -> RenderableType:
    """Confidence and likely cause; the numbered steps too when Start here has
    become the conversation (``steps_here``), so they are listed once wherever."""
    ai = handoff.ai_assessment_data
    if ai is None:
        waited = (now - handoff.created_at).total_seconds()
        if waited < PENDING_SECONDS:
            return Text("Assessment pending… it appears here by itself when ready.", style="italic")
        return Text(
            "No AI assessment (timed out). Work from what was tried and the notes.", style="dim"
        )
    cause = Text()
    cause.append(f" {one_line(ai.confidence_label, 40)} ", style="reverse")
    cause.append(" Likely cause: ", style="bold")
    cause.append_text(render.literal(ai.likely_cause or "(not given)", multiline=True))
    if not steps_here:
        return cause
    return Group(cause, *numbered(ai))


def numbered(ai: AIAssessment | None) -> list[RenderableType]:
    return [
        hanging(Text(f"{i} ", style="bold cyan"), commands_marked(step))
        for i, step in enumerate((ai.suggested_steps if ai else ())[:9], start=1)
    ]


# ── Start here ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Said:
    """One line of the conversation: who, when (if known), what."""

    who: str
    text: str
    when: datetime | None = None


def conversation(handoff: Handoff, session: Session | None) -> list[Said]:
    """The session as a transcript, oldest first: the junior's conversation with
    FlowPilot up to the escalation, then every step since (the senior's messages,
    FlowPilot's replies, anything tried)."""
    if session is None:
        return []
    after = [
        s for s in session.steps if s.created_at is not None and s.created_at >= handoff.created_at
    ]
    # The messages list holds the whole conversation, the senior's exchanges
    # included: what came before the escalation is what is not also a step since.
    since = sum(1 for s in after if s.step_type in ("user_message", "ai_response"))
    before = session.conversation_messages[: max(0, len(session.conversation_messages) - since)]
    junior = person(handoff.requester or "").split(" ")[0] or "junior"
    said = [
        Said("FlowPilot" if m.role == "assistant" else junior, m.content)
        for m in before
        if m.content
    ]
    said += [Said(step_label(s, handoff), s.content, s.created_at) for s in after]
    return said


def started(handoff: Handoff, session: Session | None) -> bool:
    """Whether the senior has acted in the session since claiming it."""
    since = handoff.claimed_at or handoff.created_at
    return session is not None and any(
        s.step_type == "user_message" and s.created_at is not None and s.created_at >= since
        for s in session.steps
    )


def transcript(
    said: Sequence[Said], time_of_day: Callable[[datetime], str] = time_of_day
) -> RenderableType:
    rows: list[RenderableType] = []
    for item in said:
        lead = Text()
        lead.append(f"{time_of_day(item.when)} " if item.when else "", style="dim")
        style = "bold cyan" if item.who == "FlowPilot" else "bold"
        lead.append(f"{one_line(item.who, 20)}: ", style=style)
        rows.append(hanging(lead, render.literal(item.text, multiline=True)))
    return Group(*rows) if rows else Text("")


def start_body(
    handoff: Handoff,
    session: Session | None,
    claimed: bool,
    taken_by: str | None = None,
    left: bool = False,
    said: Sequence[Said] = (),
    time_of_day: Callable[[datetime], str] = time_of_day,
) -> RenderableType:
    """Before the first action: the numbered steps to start from. After it: the
    conversation, newest last (``said`` non-empty)."""
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
    if said:
        parts.append(transcript(said, time_of_day))
        return Group(*parts)
    steps = numbered(handoff.ai_assessment_data)
    if steps and not claimed:
        # The numbers work once it is the senior's (the title then says how): do
        # not offer them before.
        lead = (
            "Suggested steps:"
            if taken_by is not None
            else "Suggested steps (claim it to start from one):"
        )
        parts.append(Text(lead, style="bold"))
    parts += steps
    latest = session.latest_ai_message if session else handoff.snapshot.get("last_ai_message")
    if isinstance(latest, str) and latest:
        parts.append(
            hanging(
                Text("FlowPilot last said: ", style="dim bold"),
                render.literal(latest, style="dim", multiline=True),
            )
        )
    return Group(*parts) if parts else Text("")


def sanitised_panels(handoff: Handoff, session: Session | None) -> set[str]:
    """The panels showing text from which control or bidi characters were removed,
    so a senior knows what they read is not byte for byte what was typed."""
    package = escalation_package(handoff, session)
    ai = handoff.ai_assessment_data
    steps = list(ai.suggested_steps) if ai else []
    latest = session.latest_ai_message if session else handoff.snapshot.get("last_ai_message")
    said: Iterable[Said] = conversation(handoff, session)
    texts: dict[str, list[str | None]] = {
        "problem": [handoff.summary, handoff.requester, handoff.engineer_notes],
        "tried": [
            *(t for s in package.steps_attempted for t in (s.description, s.result)),
            *(t for s in package.dead_ends_flagged for t in (s.description, s.reason)),
        ],
        "assessment": [ai.likely_cause, ai.confidence_label, *steps] if ai else [],
        "start": [
            latest if isinstance(latest, str) else None,
            *steps,
            *(s.text for s in said),
        ],
    }
    return {panel for panel, values in texts.items() if any(map(was_sanitized, values))}
