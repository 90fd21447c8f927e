"""``rf-tui doctor``'s checks as lines a tech reads at 80 columns, or as one JSON object.

Every finding was made from sanitised text (``rf_tui.text``), so a server's
words arrive literally and no escape sequence of theirs reaches the terminal;
the only escape sequences written are our own colours, and only to a terminal
that wants them.
"""

from __future__ import annotations

import json
import textwrap

from rf_tui.doctor.model import Check, Status, worst

_WORD: dict[Status, str] = {"ok": "ok", "warn": "warn", "fail": "FAIL", "skip": "skip"}
_COLOUR: dict[Status, str] = {"ok": "32", "warn": "33", "fail": "1;31", "skip": "2"}
_NAME = 11
_LEFT = 2 + 4 + 2 + _NAME + 1  # "  FAIL  connection  "


def header(server: str, profile: str | None) -> str:
    return f"rf-tui doctor: {server}" + (f" (profile {profile})" if profile else "") + "\n\n"


def line(check: Check, *, width: int = 80, colour: bool = False) -> str:
    """One check: its status, name and finding, and its advice when not ok, wrapped."""
    room = max(60, width) - _LEFT
    word = _WORD[check.status]
    shown = f"\x1b[{_COLOUR[check.status]}m{word:<4}\x1b[0m" if colour else f"{word:<4}"
    body = textwrap.wrap(check.finding, room, break_long_words=False, break_on_hyphens=False)
    if check.advice and check.status in ("warn", "fail"):
        body += textwrap.wrap(
            "→ " + check.advice,
            room,
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    first, *rest = body or [""]
    lines = [f"  {shown}  {check.name:<{_NAME}} {first}".rstrip()]
    lines += [" " * _LEFT + more for more in rest]
    return "\n".join(lines) + "\n"


def footer(checks: list[Check], *, width: int = 80) -> str:
    return "\n" + "\n".join(textwrap.wrap(summary(checks), max(60, width))) + "\n"


def text(
    checks: list[Check], server: str, profile: str | None, *, width: int = 80, colour: bool = False
) -> str:
    body = "".join(line(c, width=width, colour=colour) for c in checks)
    return header(server, profile) + body + footer(checks, width=width)


def summary(checks: list[Check]) -> str:
    counts = {s: sum(c.status == s for c in checks) for s in ("ok", "warn", "fail", "skip")}

    def many(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [many(counts["fail"], "failure")] if counts["fail"] else []
    parts += [many(counts["warn"], "warning")] if counts["warn"] else []
    parts += [f"{counts['skip']} not checked"] if counts["skip"] else []
    if worst(checks) == "ok":
        return f"All {counts['ok']} checks ok." + (f" ({parts[0]})" if parts else "")
    if counts["fail"]:
        return ", ".join(parts) + ": fix what FAIL says first."
    named = "it names" if counts["warn"] == 1 else "they name"
    return ", ".join(parts) + f": rf-tui works, without what {named}."


def as_json(checks: list[Check], server: str, profile: str | None, code: int) -> str:
    return (
        json.dumps(
            {
                "server": server,
                "profile": profile,
                "status": worst(checks),
                "exit_code": code,
                "checks": [c.json() for c in checks],
            },
            indent=2,
        )
        + "\n"
    )
