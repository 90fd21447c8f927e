"""Every key binding, read from the screens themselves so it cannot go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rf_tui.ui.actions import bindings

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "enter": "enter",
    "ctrl+p": "ctrl+p",
}


def _key(binding: Binding) -> str:
    return ", ".join(KEY_NAMES.get(k, k) for k in binding.key.split(","))


def bindings_table(title: str, bindings: list[BindingType], extra: list[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None)
    table.add_column("key", style="bold cyan", no_wrap=True, min_width=10)
    table.add_column("what")
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            table.add_row(_key(binding), binding.description)
    for key, what in extra:
        table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def compose(self) -> ComposeResult:
        from rf_tui.ui.app import RfApp
        from rf_tui.ui.screens.handoff import HandoffScreen
        from rf_tui.ui.screens.queue import QueueScreen

        with VerticalScroll(id="help"):
            yield Static(Text("rf-tui keys", style="bold"))
            yield Static(
                bindings_table(
                    "Queue",
                    QueueScreen.BINDINGS,
                    [
                        ("enter", "Open or claim the selected escalation"),
                        ("↑ ↓ j k", "Move"),
                        ("PgUp PgDn g G", "Page, first, last"),
                    ],
                )
            )
            yield Static(
                bindings_table(
                    "Handoff",
                    HandoffScreen.BINDINGS,
                    [
                        ("1 … 9", "Put a suggested step in the message box"),
                        ("enter", "Send the message (your first action)"),
                    ],
                )
            )
            app = self.app
            presenting = isinstance(app, RfApp) and app.presenter is not None
            everywhere = [
                b for b in RfApp.BINDINGS
                if presenting or not (isinstance(b, Binding) and b.action == "toggle_story")
            ]  # fmt: skip
            yield Static(bindings_table("Everywhere", everywhere, []))
            yield Static(
                Text(
                    "Unread markers (●) clear when you open, claim or mark an escalation "
                    "read, never by moving over it. Over tmux, enable `set -g focus-events on` "
                    "for the (N) title badge and `set -s set-clipboard on` for copying.",
                    style="dim",
                )
            )
