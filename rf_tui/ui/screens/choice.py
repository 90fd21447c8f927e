"""Enter on a queue row: open the context read-only, or claim it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rf_tui.text import one_line
from rf_tui.ui.actions import bindings
from rf_tui.ui.render import literal

#: The dialog shows a summary this long, wrapped: any a junior writes, not a 2 MB paste.
SUMMARY_CELLS = 600


class ChoiceScreen(ModalScreen[str | None]):
    """Returns "open", "claim" or None."""

    BINDINGS = bindings("choice")

    def __init__(self, summary: str, can_claim: bool, about: str = "") -> None:
        super().__init__()
        self.summary = summary
        self.can_claim = can_claim
        #: Who asked, how long ago, its short id: what tells it from a twin.
        self.about = about

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            # The whole summary, wrapped (the row may have cut it), then who and when.
            title = literal(one_line(self.summary, SUMMARY_CELLS), style="bold")
            if self.about:
                title.append("\n")
                title.append_text(literal(self.about, style="dim"))
            yield Static(title, id="choice-title")
            yield OptionList(
                Option("o  Open the handoff (read only)", id="open"),
                Option(
                    "c  Claim it and start"
                    if self.can_claim
                    else "c  Claim (needs an engineer or admin role)",
                    id="claim",
                ),
                Option("esc  Cancel", id="cancel"),
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id or "")

    def action_choose(self, what: str) -> None:
        self.dismiss(what if what in ("open", "claim") else None)
