"""Deterministic stand-ins for the backend's AI: an assessment and chat replies.

No model and no network: the text is derived from the session by keyword rules,
so the same session always gets the same answer (demo takes repeat, tests can
assert on it). What matters for rf-tui is the shape and the timing, which are
the real backend's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Rule:
    keywords: tuple[str, ...]
    likely_cause: str
    suggested_steps: tuple[str, ...]
    confidence: float | str  # the real backend may send a number or a word


_RULES: tuple[_Rule, ...] = (
    _Rule(
        ("vpn",),
        "The Windows update replaced the network filter driver the VPN client relies on; "
        "the tunnel comes up, then the driver drops it on the first DNS refresh.",
        (
            "Check `Get-NetAdapterBinding` for the VPN filter on the physical adapter",
            "Roll back or re-register the VPN client's NDIS filter driver",
            "Pin the DNS suffix on the VPN adapter and retest for 10 minutes",
        ),
        0.82,
    ),
    _Rule(
        ("mfa", "authenticator", "sign-in loop", "m365", "microsoft 365"),
        "A conditional-access policy requires a compliant device, and the device's "
        "Intune registration is stale, so every sign-in is sent back to MFA.",
        (
            "Open the user's Entra sign-in logs and find the failing CA policy",
            "Check the device's compliance state in Intune; re-register if stale",
            "Revoke the user's sessions, then sign in once on a compliant device",
        ),
        0.74,
    ),
    _Rule(
        ("lockout", "locked out", "locks out"),
        "A device still holds the old password (a phone's mail profile or a mapped "
        "drive) and keeps retrying it until the lockout threshold trips.",
        (
            "Find the lockout source DC and event 4740's caller computer",
            "Check that machine's credential manager and mobile mail profiles",
            "Unlock, then watch 4771 events for 15 minutes",
        ),
        0.69,
    ),
    _Rule(
        ("mailbox", "quota"),
        "The mailbox hit its send/receive quota because the recoverable-items "
        "folder grew under a litigation hold.",
        (
            "Run `Get-MailboxFolderStatistics` and check Recoverable Items size",
            "Enable the archive mailbox and auto-expanding archiving",
            "Confirm the hold is still required with the client before purging",
        ),
        0.77,
    ),
    _Rule(
        ("firewall", "port", "nat"),
        "The new rule sits below an earlier deny in the policy order, so it never matches.",
        (
            "Run a policy lookup / packet tracer for the exact flow",
            "Move the allow rule above the broad deny and commit",
            "Clear the session table for that source and retest",
        ),
        0.71,
    ),
    _Rule(
        ("printer", "spooler", "print"),
        "A third-party print driver crashes the spooler when a specific job type "
        "is rendered, and the spooler's recovery action is set to 'take no action'.",
        (
            "Check the PrintService/Admin log for the faulting driver",
            "Isolate that driver (driver isolation mode) or swap to the universal driver",
            "Set spooler recovery to restart and clear the stuck queue",
        ),
        "medium",
    ),
)


def _corpus(session: dict[str, Any]) -> str:
    package = session.get("escalation_package") or {}
    parts = [str(session.get("problem_summary", ""))]
    for key in ("steps_attempted", "dead_ends_flagged"):
        for item in package.get(key) or []:
            parts.append(item.get("description", "") if isinstance(item, dict) else str(item))
    return " ".join(parts).lower()


def assessment_for(session: dict[str, Any]) -> dict[str, Any]:
    """The likely cause, suggested steps and confidence for a session."""
    text = _corpus(session)
    for rule in _RULES:
        if any(word in text for word in rule.keywords):
            return {
                "likely_cause": rule.likely_cause,
                "suggested_steps": list(rule.suggested_steps),
                "confidence": rule.confidence,
            }
    dead_ends = (session.get("escalation_package") or {}).get("dead_ends_flagged") or []
    cause = (
        "Not enough signal to name one cause; the dead ends rule out the usual suspects."
        if dead_ends
        else "Not enough signal to name one cause yet."
    )
    return {
        "likely_cause": cause,
        "suggested_steps": [
            "Reproduce the problem with the user on the call",
            "Collect the relevant event logs from the time it happened",
            "Compare with a working machine of the same build",
        ],
        "confidence": 0.35,
    }


def chat_reply(session: dict[str, Any], message: str) -> dict[str, Any]:
    """A deterministic reply to the senior's message (shape of POST /chat)."""
    steps = assessment_for(session)["suggested_steps"]
    # Pick the suggested step after the one the message mentions, if any, else
    # one chosen by a stable hash of the message: varied but repeatable.
    lowered = message.lower()
    index = next(
        (i + 1 for i, step in enumerate(steps) if step.lower()[:24] in lowered),
        int(hashlib.sha256(message.encode()).hexdigest(), 16) % len(steps),
    )
    following = steps[index % len(steps)]
    content = f"Noted. While that runs, the next thing worth checking: {following}."
    return {
        "content": content,
        "suggested_flows": [],
        "fork": None,
        "actions": [{"label": following}],
        "questions": ["What did you see?"],
    }
