"""A handoff as Markdown, ready to paste into a PSA ticket note (ConnectWise, Halo, Autotask).

Plain Python, no UI: the handoff screen copies what this returns. Text from
other people is sanitised (control and bidi characters out, line breaks kept),
and the result is capped so a clipboard sequence stays within what terminals
accept.
"""

from __future__ import annotations

from datetime import datetime

from rf_tui.api.models import EscalationPackage, Handoff, Session
from rf_tui.text import one_line, sanitize

#: Characters of Markdown at most; OSC 52 carries base64 (4/3 larger), and many
#: terminals and tmux drop clipboard writes much past 100 KB.
MAX_CHARS = 60_000
CUT = "\n\n… (cut here: the rest is in ResolutionFlow)\n"


def _text(value: str | None) -> str:
    return sanitize(value or "", multiline=True).strip()


def _line(value: str | None, width: int = 200) -> str:
    return one_line(value or "", width)


def escalation_package(handoff: Handoff, session: Session | None) -> EscalationPackage:
    """What was tried: the session's own record when it has one, else the handoff's snapshot."""
    if session is not None and (
        session.escalation_package.steps_attempted or session.escalation_package.dead_ends_flagged
    ):
        return session.escalation_package
    return EscalationPackage.model_validate(handoff.snapshot)


def handoff_markdown(
    handoff: Handoff,
    session: Session | None,
    *,
    link: str | None,
    now: datetime,
    signed: bool = True,
) -> str:
    """The four panels of the handoff screen as one Markdown note."""
    out: list[str] = [f"## Escalation: {_line(handoff.summary or '(no summary given)')}", ""]
    when = handoff.created_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    meta = [f"**Priority:** {_line(handoff.priority, 12)}"]
    if handoff.requester:
        meta.append(f"**From:** {_line(handoff.requester, 80)}")
    meta.append(f"**Escalated:** {when}")
    out += [" · ".join(meta), ""]
    if handoff.engineer_notes:
        out += ["**Notes:** " + _text(handoff.engineer_notes), ""]

    out += ["### What's been tried", ""]
    package = escalation_package(handoff, session)
    tried = [f"- ✓ {_line(s.description)}" + (f" → {_line(s.result)}" if s.result else "")
             for s in package.steps_attempted]  # fmt: skip
    dead = [f"- ✗ {_line(s.description)}" + (f" → {_line(s.reason)}" if s.reason else "")
            for s in package.dead_ends_flagged]  # fmt: skip
    out += tried or ["- (nothing recorded)"]
    if dead:
        out += ["", "**Dead ends**", *dead]
    out.append("")

    ai = handoff.ai_assessment_data
    if ai is None:
        out += ["### AI assessment", "", "No AI assessment.", ""]
    else:
        out += [f"### AI assessment (confidence: {_line(ai.confidence_label, 40)})", ""]
        out += ["**Likely cause:** " + (_text(ai.likely_cause) or "(not given)"), ""]
        if ai.suggested_steps:
            out += ["**Suggested steps:**"]
            out += [f"{i}. {_line(step)}" for i, step in enumerate(ai.suggested_steps[:9], 1)]
            out.append("")

    out += ["### Start here", ""]
    latest = session.latest_ai_message if session else handoff.snapshot.get("last_ai_message")
    if isinstance(latest, str) and latest.strip():
        out += ["**Last from the AI:** " + _text(latest), ""]
    if link:
        out += [f"Session: {_line(link, 300)}", ""]
    if signed:  # a pasted note says where it came from; a screen reader needs no footer
        stamp = now.astimezone().strftime("%Y-%m-%d %H:%M %Z")
        out.append(f"_Copied from rf-tui at {stamp}._")
    note = "\n".join(out) + "\n"
    if len(note) > MAX_CHARS:
        note = note[: MAX_CHARS - len(CUT)] + CUT
    return note


def handoff_text(handoff: Handoff, session: Session | None) -> str:
    """The four panels as plain lines for ``--plain``: no markup for a screen reader to read."""
    out: list[str] = [f"Escalation: {_line(handoff.summary or '(no summary given)')}"]
    when = handoff.created_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    meta = [f"priority {_line(handoff.priority, 12)}"]
    if handoff.requester:
        meta.append(f"from {_line(handoff.requester, 80)}")
    meta.append(f"escalated {when}")
    out.append(", ".join(meta) + ".")
    if handoff.engineer_notes:
        out.append("Notes: " + _text(handoff.engineer_notes))

    out += ["", "What's been tried:"]
    package = escalation_package(handoff, session)
    for step in package.steps_attempted:
        result = f". Result: {_line(step.result)}" if step.result else ""
        out.append(f"  Tried: {_line(step.description)}{result}")
    if not package.steps_attempted:
        out.append("  Nothing recorded.")
    for dead in package.dead_ends_flagged:
        why = f". Why: {_line(dead.reason)}" if dead.reason else ""
        out.append(f"  Dead end: {_line(dead.description)}{why}")

    ai = handoff.ai_assessment_data
    out += ["", "AI assessment:"]
    if ai is None:
        out.append("  None yet.")
    else:
        out.append(f"  Confidence: {_line(ai.confidence_label, 40)}.")
        out.append("  Likely cause: " + (_text(ai.likely_cause) or "not given"))
        if ai.suggested_steps:
            out.append("  Suggested steps:")
            out += [f"  {i}. {_line(step)}" for i, step in enumerate(ai.suggested_steps[:9], 1)]

    out += ["", "Start here:"]
    latest = session.latest_ai_message if session else handoff.snapshot.get("last_ai_message")
    if isinstance(latest, str) and latest.strip():
        out.append("  Last from the AI: " + _text(latest))
    if ai is not None and ai.suggested_steps:
        out.append("  Claim it, then send a step as your first action: m N and the step.")
    elif not (isinstance(latest, str) and latest.strip()):
        out.append("  Nothing from the AI yet.")
    return "\n".join(out) + "\n"
