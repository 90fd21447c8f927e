"""The terminal's window title: an "(N)" badge for arrivals while the terminal is unfocused.

Textual never writes the title (textual#1782), so this writes OSC 2 itself
(``textual_private.write_to_terminal``). The title is pushed on the xterm title
stack at start and popped at exit, so a badge never outlives the app. Nothing is
written when running headless.
"""

from __future__ import annotations

import base64
import errno
import os
import sys
from collections.abc import Mapping
from typing import Any

from textual.app import App

from rf_tui.text import one_line
from rf_tui.ui.textual_private import write_to_terminal

BASE_TITLE = "rf-tui"


def hung_up() -> bool:
    """True once the terminal is gone but no SIGHUP came (its far end simply closed).

    The kernel then answers reads with end-of-file, on which Textual's input
    thread spins a whole core, and ioctls with EIO: that is how to tell. Not a
    terminal at all (the browser, a pipe) is not a hang-up.
    """
    try:
        os.get_terminal_size(sys.__stdin__.fileno() if sys.__stdin__ else 0)
    except (OSError, ValueError) as exc:
        return isinstance(exc, OSError) and exc.errno == errno.EIO
    return False


class TerminalTitle:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.unfocused = False
        self.count = 0
        self.written: list[str] = []  # what was set, for tests and the curious

    def write(self, sequence: str) -> None:
        write_to_terminal(self.app, sequence)

    def _set(self, title: str) -> None:
        title = one_line(title, 80)  # never a control character inside OSC
        self.written.append(title)
        self.write(f"\x1b]2;{title}\x07")

    def start(self) -> None:
        self.write("\x1b[22;0t")  # push the user's title

    def stop(self) -> None:
        self.write("\x1b[23;0t")  # and give it back

    def blurred(self) -> None:
        self.unfocused = True

    def focused(self) -> None:
        self.unfocused = False
        if self.count:
            self.count = 0
            self._set(BASE_TITLE)

    def arrival(self) -> None:
        if self.unfocused:
            self.count += 1
            self._set(f"({self.count}) {BASE_TITLE}")


#: Seconds between desktop notifications: a burst of 500 is one "500 new", not 500 pop-ups.
NOTIFY_EVERY = 5.0


def passthrough(sequence: str, under_tmux: bool) -> str:
    """Inside tmux, wrap a sequence so it reaches the outer terminal (DCS passthrough;
    tmux needs ``set -g allow-passthrough on``)."""
    if not under_tmux:
        return sequence
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def notification(title: str, body: str, under_tmux: bool) -> str:
    """OSC 777 (foot, kitty, WezTerm, Ghostty, urxvt…) and OSC 9 (iTerm2, Windows Terminal)."""
    # No control character inside the OSC, and no ";" that would split 777's fields.
    title = one_line(title, 60).replace(";", ",")
    body = one_line(body, 200).replace(";", ",")
    return passthrough(f"\x1b]777;notify;{title};{body}\x07", under_tmux) + passthrough(
        f"\x1b]9;{title}: {body}\x07", under_tmux
    )


class Notifier:
    """Opt-in desktop notifications and bell for arrivals while the terminal is unfocused."""

    def __init__(self, title: TerminalTitle, *, notify: bool, bell: bool, under_tmux: bool) -> None:
        self.title, self.notify, self.bell, self.under_tmux = title, notify, bell, under_tmux
        self.last_sent = float("-inf")
        self.held = 0  # arrivals since the last notification, told at the next flush

    def arrival(self, text: str, now: float) -> None:
        if not self.title.unfocused or not (self.notify or self.bell):
            return
        if now - self.last_sent < NOTIFY_EVERY:
            self.held += 1
            return
        self._send(f"New escalation: {text}", now)

    def flush(self, now: float) -> None:
        """Tell what was held back, once the quiet interval has passed (from the app's tick)."""
        if self.held and now - self.last_sent >= NOTIFY_EVERY and self.title.unfocused:
            count, self.held = self.held, 0
            self._send(f"{count} more new escalation{'s' if count > 1 else ''}", now)
        elif not self.title.unfocused:
            self.held = 0

    def _send(self, body: str, now: float) -> None:
        self.last_sent = now
        if self.notify:
            self.title.write(notification(BASE_TITLE, body, self.under_tmux))
        if self.bell:
            self.title.app.bell()


def clipboard(text: str, under_tmux: bool) -> str:
    """OSC 52: put ``text`` on the system clipboard (tmux needs allow-passthrough, or
    ``set-clipboard on`` for the unwrapped form outside tmux's passthrough)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return passthrough(f"\x1b]52;c;{payload}\x07", under_tmux)


def no_browser(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no browser can be opened from this terminal, or None if one may be.

    ``webbrowser`` cannot tell: over SSH it opens the far machine's browser (or
    none), and with no display it falls back to a text browser, run on the very
    terminal the app is drawing on. A ``BROWSER`` the user set is trusted.
    """
    if env.get("BROWSER"):
        return None
    display = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    if display:
        return None
    if env.get("SSH_CONNECTION") or env.get("SSH_CLIENT") or env.get("SSH_TTY"):
        return "over SSH"
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return "no display"
    return None
