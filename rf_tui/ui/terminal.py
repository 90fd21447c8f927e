"""The terminal's window title: an "(N)" badge for arrivals while the terminal is unfocused.

Textual never writes the title (textual#1782), so this writes OSC 2 through the
app's driver, the way Textual's own ``copy_to_clipboard`` writes OSC 52. The
title is pushed on the xterm title stack at start and popped at exit, so a
badge never outlives the app. Nothing is written when running headless.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from rf_tui.text import one_line

BASE_TITLE = "rf-tui"


class TerminalTitle:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.unfocused = False
        self.count = 0
        self.written: list[str] = []  # what was set, for tests and the curious

    def _write(self, sequence: str) -> None:
        driver = self.app._driver
        if driver is not None and not self.app.is_headless:
            driver.write(sequence)

    def _set(self, title: str) -> None:
        title = one_line(title, 80)  # never a control character inside OSC
        self.written.append(title)
        self._write(f"\x1b]2;{title}\x07")

    def start(self) -> None:
        self._write("\x1b[22;0t")  # push the user's title

    def stop(self) -> None:
        self._write("\x1b[23;0t")  # and give it back

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
