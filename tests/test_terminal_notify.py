"""Desktop notifications and the bell, read from the bytes the real app writes to a pty."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from benchmarks.terminal import Terminal
from rf_tui.api.client import Client
from tests.helpers import DANA, SAM, Running

FOCUS_OUT, FOCUS_IN = b"\x1b[O", b"\x1b[I"  # what a terminal sends with mode 1004 on


@contextmanager
def app_in_pty(
    running: Running, tmp_path: Path, *flags: str, tmux: bool = False
) -> Iterator[Terminal]:
    """The real app on a pty; killed at the end whatever happened (a pty left
    behind with no reader must not outlive the test)."""
    token = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": DANA, "password": "demo-password"}
    ).json()["access_token"]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "RF_TUI_TOKEN": token,
        **({"TMUX": "/tmp/tmux-0/default,1,0"} if tmux else {}),
    }
    argv = [sys.executable, "-m", "rf_tui", "--server", running.url, *flags]
    term = Terminal(argv, env, size=(100, 30))
    try:
        term.wait_for(b"3 escalations awaiting pickup", 20)
        yield term
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait(10)


def escalate(running: Running, summary: str) -> None:
    async def go() -> None:
        async with Client(running.url) as sam:
            await sam.login(SAM, "demo-password")
            await sam.hand_off((await sam.create_session(summary)).id, engineer_notes=summary)

    asyncio.run(go())


def stop(term: Terminal) -> bytes:
    term.send(b"q")
    assert term.close() == 0
    return bytes(term.output)


@pytest.mark.parametrize("tmux", [False, True], ids=["plain", "tmux"])
def test_a_notification_only_while_unfocused(running: Running, tmp_path: Path, tmux: bool) -> None:
    wrap = "\x1bPtmux;\x1b" if tmux else ""
    with app_in_pty(running, tmp_path, "--notify", "--bell", tmux=tmux) as term:
        escalate(running, "Focused arrival")  # the senior is looking: no pop-up
        term.wait_for(b"Focused arrival", 10)
        term.send(FOCUS_OUT)
        escalate(running, "Away arrival")
        term.wait_for(b"Away arrival", 10)
        notice = f"{wrap}\x1b]777;notify;rf-tui;New escalation: normal — Away arrival"
        term.wait_for(notice.encode(), 5)
        term.send(FOCUS_IN)
        escalate(running, "Back arrival")
        term.wait_for(b"Back arrival", 10)
        out = stop(term).decode("utf-8", errors="replace")
    assert out.count("]777;notify;") == 1, "exactly one notification: for the unfocused arrival"
    assert out.count("]9;rf-tui: New escalation") == 1
    # The bell rings right after the notification (BEL also ends each OSC, hence two).
    if tmux:
        assert re.search(r"\x1bPtmux;\x1b\x1b\]9;[^\x07]*\x07\x1b\\\x07", out)
    else:
        assert re.search(r"\x1b\]9;[^\x07]*\x07\x07", out)


def test_nothing_without_opting_in(running: Running, tmp_path: Path) -> None:
    with app_in_pty(running, tmp_path) as term:
        term.send(FOCUS_OUT)
        escalate(running, "Quiet arrival")
        term.wait_for(b"Quiet arrival", 10)
        term.wait_for(b"(1) rf-tui", 5)  # the title badge still counts it
        out = stop(term)
    assert b"]777;" not in out and b"]9;" not in out


@pytest.mark.parametrize("tmux", [False, True], ids=["plain", "tmux"])
def test_the_ticket_note_reaches_the_clipboard_through_tmux(
    running: Running, tmp_path: Path, tmux: bool
) -> None:
    with app_in_pty(running, tmp_path, tmux=tmux) as term:
        term.send(b"o")  # open the newest read-only
        term.wait_for(b"AI assessment", 10)
        term.send(b"t")
        term.wait_for(b"Copied the handoff as Markdown", 10)
        term.send(b"q")  # back to the queue, where q quits
        term.wait_for(b"awaiting pickup", 10)
        out = stop(term)
    start = b"\x1bPtmux;\x1b\x1b]52;c;" if tmux else b"\x1b]52;c;"
    assert start in out
    payload = out.split(start, 1)[1].split(b"\x07", 1)[0]
    note = base64.b64decode(payload).decode()
    assert note.startswith("## Escalation: VPN drops every few minutes")


@pytest.mark.parametrize(
    ("env", "platform", "why"),
    [
        ({"SSH_CONNECTION": "a b c d"}, "darwin", "over SSH"),  # the far Mac's screen
        ({"SSH_TTY": "/dev/pts/3"}, "linux", "over SSH"),
        ({"SSH_CONNECTION": "a b c d", "DISPLAY": "localhost:10.0"}, "linux", None),  # ssh -X
        ({}, "linux", "no display"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
        ({"BROWSER": "wslview"}, "linux", None),  # the user's own choice
        ({"SSH_CONNECTION": "a b c d", "BROWSER": "lynx"}, "linux", None),
        ({}, "darwin", None),
        ({}, "win32", None),
    ],
)
def test_no_browser_from_ssh_or_a_console(
    env: dict[str, str], platform: str, why: str | None
) -> None:
    from rf_tui.ui.terminal import no_browser

    assert no_browser(env, platform) == why
