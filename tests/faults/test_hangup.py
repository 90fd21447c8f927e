"""A terminal that goes away without a SIGHUP (its far end simply closed) ends the app.

Before, Textual's input thread read end-of-file in a loop and the orphaned app
spun a whole core until someone killed it.
"""

from __future__ import annotations

import os
from pathlib import Path

from rf_tui.ui.app import HUNG_UP
from tests.helpers import Running
from tests.test_terminal_notify import app_in_pty


def test_the_app_exits_when_its_terminal_goes_away(running: Running, tmp_path: Path) -> None:
    with app_in_pty(running, tmp_path) as term:
        # The app runs in its own session (no controlling terminal), so closing
        # the far end sends it no SIGHUP: exactly the case that used to spin.
        os.close(term.master)
        assert term.proc.wait(timeout=10) == HUNG_UP


def test_sigterm_gives_the_terminal_back(running: Running, tmp_path: Path) -> None:
    """kill, systemd or a closing pane: the screen, cursor and mouse are restored."""
    import signal

    from rf_tui.cli.run import TERMINATED

    with app_in_pty(running, tmp_path) as term:
        term.mark()
        term.proc.send_signal(signal.SIGTERM)
        assert term.proc.wait(timeout=10) == TERMINATED
        term.wait_for(b"\x1b[?1049l", 5)  # off the alternate screen
    after = bytes(term.output)
    last_enter = after.rfind(b"\x1b[?1049h")
    assert after.rfind(b"\x1b[?1049l") > last_enter  # left it after entering it
    assert after.rfind(b"\x1b[?1000l") > last_enter  # mouse reports off
    assert after.rfind(b"\x1b[?25h") > last_enter  # the cursor shown again


def test_a_dumb_terminal_gets_lines_not_the_full_screen(running: Running, tmp_path: Path) -> None:
    import subprocess
    import sys

    import httpx

    from tests.helpers import DANA

    token = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": DANA, "password": "demo-password"}
    ).json()["access_token"]
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": os.getcwd(),
        "XDG_STATE_HOME": str(tmp_path / "s"), "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "TERM": "dumb", "RF_TUI_TOKEN": token,
    }  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "rf_tui", "--server", running.url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    out = b""
    for line in proc.stdout:  # bounded by the list arriving, or the test's timeout
        out += line
        if b"Commands:" in line:
            break
    proc.stdin.write(b"q\n")
    proc.stdin.flush()
    out += proc.communicate(timeout=30)[0]
    assert proc.returncode == 0
    assert b"TERM=dumb, so plain lines" in out
    assert b"3 escalations waiting, newest first:" in out
    assert b"\x1b" not in out  # no screen, colours or mouse sequences at all
