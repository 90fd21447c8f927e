"""The command palette's entries, from the one table of actions (ui/actions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import Screen

from rf_tui.ui.actions import ACTIONS, Action, Place
from rf_tui.ui.screens.choice import ChoiceScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.mine import MineScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.screens.stats import StatsScreen

if TYPE_CHECKING:
    from rf_tui.ui.app import RfApp

PLACES: dict[type[Screen[Any]], Place] = {
    QueueScreen: "queue",
    HandoffScreen: "handoff",
    HelpScreen: "help",
    ChoiceScreen: "choice",
    MineScreen: "mine",
    StatsScreen: "stats",
}


def palette_actions(place: Place | None) -> list[tuple[Action, bool]]:
    """What the palette offers on a screen at ``place``: each action, and whether the
    app runs it (otherwise the screen does)."""
    offered: list[tuple[Action, bool]] = []
    for action in ACTIONS:
        if action.palette == "everywhere" or (action.palette == "here" and "app" in action.where):
            offered.append((action, True))
        elif action.palette == "here" and place in action.where:
            offered.append((action, False))
    return offered


def place_of(screen: Screen[Any]) -> Place | None:
    return next((place for kind, place in PLACES.items() if isinstance(screen, kind)), None)


def commands_for(app: RfApp, screen: Screen[Any]) -> Iterable[SystemCommand]:
    for action, on_app in palette_actions(place_of(screen)):
        target: RfApp | Screen[Any] = app if on_app else screen
        # What the screen turns off (claiming what is already claimed) is not offered.
        if target.check_action(action.name, ()):
            name = action.name
            if isinstance(screen, QueueScreen) and name == "claim" and not on_app:
                name = "claim_asked"  # asks first: see QueueScreen.action_claim_asked
            yield SystemCommand(
                action.palette_title, action.description, partial(target.run_action, name)
            )
