"""Every key, from the one table of actions (ui/actions.py) so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rf_tui.ui.actions import SECTIONS, Action, actions, bindings

#: One key column for every section, so the descriptions line up from one to the next.
KEY_WIDTH = max(10, *(len(a.shown) for _, places in SECTIONS for a in actions(*places)))


def actions_table(title: str, rows: Iterable[Action]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None)
    table.add_column("key", style="bold cyan", no_wrap=True, min_width=KEY_WIDTH)
    table.add_column("what")
    for action in rows:
        table.add_row(Text(action.shown), Text(action.description))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("rf-tui keys", style="bold"))
            for title, places in SECTIONS:
                yield Static(actions_table(title, self.offered(actions(*places))))
            yield Static(
                Text(
                    "Unread markers (●) clear when you open, claim or mark an escalation "
                    "read, never by moving over it. Over tmux, enable `set -g focus-events on` "
                    "for the (N) title badge and `set -s set-clipboard on` for copying.",
                    style="dim",
                )
            )

    def offered(self, rows: Iterable[Action]) -> list[Action]:
        """Leave out what the app turns off here: `p` outside presenter mode."""
        app = self.app
        return [
            a for a in rows if "app" not in a.where or app.check_action(a.name, ()) is not False
        ]
