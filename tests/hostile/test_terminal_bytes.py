"""The bytes the real app writes to a real terminal: no hostile sequence gets through.

The rendered screen can look clean while raw escapes still reach the terminal,
so this runs ``rf-tui`` in a pseudo-terminal and reads what it writes.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from benchmarks.terminal import Terminal
from tests.hostile.server import Hostile, entry, session

RAW = {
    "title": "\x1b]2;PWNED-TITLE\x07",
    "clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "hyperlink": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "clear": "\x1b[2JCLEARED",
    "dcs": "\x1bP+q544e\x1b\\",
    "c1": "\x9b31mC1RED",
    "bidi": "\u202eEVIL",
}
HOSTILE = " ".join(RAW.values())
SECRET = "tok-SECRET-5f0c1e"  # must never be written anywhere the user can see


def terminal_env(home: Path) -> dict[str, str]:
    """A terminal's environment with nothing of the developer's: no token, no config."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }


def test_no_hostile_byte_reaches_the_terminal(tmp_path: Path) -> None:
    hostile = Hostile()
    hostile.queue = [
        entry(1, problem_summary=HOSTILE, engineer_notes=HOSTILE, handed_off_by_name=HOSTILE,
              ai_assessment_data={"likely_cause": HOSTILE, "suggested_steps": [HOSTILE],
                                  "confidence": HOSTILE}),
    ]  # fmt: skip
    hostile.sessions = {
        "s1": session(
            1,
            problem_summary=HOSTILE,
            escalation_package={"steps_attempted": [{"description": HOSTILE, "result": HOSTILE}]},
            conversation_messages=[{"role": "assistant", "content": HOSTILE}],
            steps=[{"step_order": 1, "step_type": "note", "content": HOSTILE,
                    "created_at": "2026-11-23T11:00:00+00:00"}],
        )
    }  # fmt: skip
    hostile.start_in_thread()
    env = {**terminal_env(tmp_path), "RF_TUI_TOKEN": SECRET}
    term = Terminal([sys.executable, "-m", "rf_tui", "--server", hostile.url], env, size=(100, 30))
    try:
        term.wait_for(b"1 escalation awaiting pickup")  # the hostile row is in
        term.send(b"o")  # open the hostile handoff: every panel renders the text
        term.wait_for(b"Likely cause")
        term.send(b"\x1b")
        term.wait_for(b"awaiting pickup")
        term.send(b"q")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    output = bytes(term.output)
    text = output.decode("utf-8", errors="replace")
    for name, raw in RAW.items():
        assert raw.encode() not in output, f"the raw {name} sequence reached the terminal"
    # Textual's own OSC 22 (the mouse pointer's shape) is the only one expected.
    osc = set(re.findall(r"\x1b\](\d*)", text))
    assert osc <= {"22"}, f"unexpected OSC sequences: {osc}"
    assert "\x1bP" not in text, "a DCS sequence was written"
    assert not [c for c in text if 0x80 <= ord(c) < 0xA0], "a C1 control was written"
    assert "\u202e" not in text
    assert "PWNED-TITLE" in text  # the text itself is shown, made inert
    assert SECRET not in text, "the token reached the terminal"
    sent = [headers.get("authorization") for _, _, headers in hostile.requests]
    assert f"Bearer {SECRET}" in sent  # the probe is real: the token was in use


def test_no_snapshot_holds_a_token() -> None:
    snapshots = Path(__file__).parent.parent / "ui" / "__snapshots__"
    svgs = list(snapshots.rglob("*.svg"))
    assert svgs
    for svg in svgs:
        assert "eyJ" not in svg.read_text(), f"{svg.name} shows something like a JWT"


def test_a_token_piped_on_stdin_leaves_the_keys_to_the_terminal(tmp_path: Path) -> None:
    """`printf %s "$TOKEN" | rf-tui --token -`: the pipe is spent, yet q still quits."""
    hostile = Hostile()
    hostile.start_in_thread()
    env = terminal_env(tmp_path)
    read, write = os.pipe()
    os.write(write, SECRET.encode() + b"\n")
    os.close(write)
    argv = [sys.executable, "-m", "rf_tui", "--server", hostile.url, "--token", "-"]
    term = Terminal(argv, env, size=(100, 30), stdin=read)
    os.close(read)
    try:
        term.wait_for(b"3 escalations awaiting pickup")
        term.send(b"q")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    sent = {headers.get("authorization") for _, _, headers in hostile.requests}
    assert f"Bearer {SECRET}" in sent
