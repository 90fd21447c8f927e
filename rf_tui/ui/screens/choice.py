"""Enter on a queue row: open the context read-only, or claim it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rf_tui.ui.actions import bindings
from rf_tui.ui.render import cell


class ChoiceScreen(ModalScreen[str | None]):
    """Returns "open", "claim" or None."""

    BINDINGS = bindings("choice")

    def __init__(self, summary: str, can_claim: bool) -> None:
        super().__init__()
        self.summary = summary
        self.can_claim = can_claim

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Static(cell(self.summary, 56, style="bold"), id="choice-title")
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
