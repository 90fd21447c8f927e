"""The bytes the real app writes to a real terminal: no hostile sequence gets through.

The rendered screen can look clean while raw escapes still reach the terminal,
so this runs ``rf-tui`` in a pseudo-terminal and reads what it writes.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

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


class Terminal:
    """A child process on a pseudo-terminal of a given size; all its output kept."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._mark = 0
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            with self._arrived:
                self.output.extend(chunk)
                self._arrived.notify_all()
            if not chunk:
                return

    def send(self, keys: bytes) -> None:
        with self._arrived:
            self._mark = len(self.output)  # answers to these keys come after here
        os.write(self.master, keys)

    def wait_for(self, needle: bytes, timeout: float = 20) -> None:
        """Wait until ``needle`` is written since the last keys sent, woken by each chunk."""
        start = self._mark
        with self._arrived:
            found = self._arrived.wait_for(
                lambda: needle in self.output[start:] or not self._reader.is_alive(),
                timeout=timeout,
            )
        if not found or needle not in self.output[start:]:
            tail = bytes(self.output[-2000:])
            raise AssertionError(f"no {needle!r} on the terminal; last output: {tail!r}")

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=15)
        finally:
            os.close(self.master)


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
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "RF_TUI_TOKEN": SECRET,
    }
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
