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

    def __init__(self, section: str | None = None) -> None:
        super().__init__()
        #: The section of the screen it was opened from, shown first.
        self.section = section

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("rf-tui keys · esc closes", style="bold"))
            for title, places in SECTIONS:
                table = actions_table(title, self.offered(actions(*places)))
                yield Static(table, id=f"help-{title.lower()}")

            yield Static(
                Text(
                    "Unread markers (●) clear when you open, claim or mark an escalation "
                    "read, never by moving over it. Over tmux, enable `set -g focus-events on` "
                    "for the (N) title badge and `set -s set-clipboard on` for copying.",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        if self.section is not None:
            found = self.query(f"#help-{self.section.lower()}")
            if found:
                self.call_after_refresh(found.first().scroll_visible, top=True, animate=False)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_scroll_to(self, where: int) -> None:
        view = self.query_one("#help", VerticalScroll)
        (view.scroll_end if where else view.scroll_home)(animate=False)

    def offered(self, rows: Iterable[Action]) -> list[Action]:
        """Leave out what the app turns off here: `p` outside presenter mode."""
        app = self.app
        return [
            a for a in rows if "app" not in a.where or app.check_action(a.name, ()) is not False
        ]
