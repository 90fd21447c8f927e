"""The one table of actions: every binding comes from it, so none can drift from it."""

from __future__ import annotations

import pytest
from textual.actions import parse
from textual.binding import Binding
from textual.dom import DOMNode

from rf_tui.ui.actions import Place, actions
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.choice import ChoiceScreen, ReopenScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.widgets.queue_table import QueueTable

BOUND: list[tuple[type[DOMNode], Place]] = [
    (RfApp, "app"),
    (QueueScreen, "queue"),
    (QueueTable, "queue table"),
    (HandoffScreen, "handoff"),
    (HelpScreen, "help"),
    (ChoiceScreen, "choice"),
    (ReopenScreen, "reopen"),
]


@pytest.mark.parametrize(("owner", "place"), BOUND, ids=lambda v: getattr(v, "__name__", v))
def test_every_binding_is_in_the_table(owner: type[DOMNode], place: Place) -> None:
    bound = [(b.key, b.action, b.show) for b in owner.BINDINGS if isinstance(b, Binding)]
    assert len(bound) == len(owner.BINDINGS), "a binding given as a tuple escapes the table"
    listed = [(k.keys, k.call, a.footer) for a in actions(place) for k in a.keys]
    assert bound == listed


@pytest.mark.parametrize(("owner", "place"), BOUND, ids=lambda v: getattr(v, "__name__", v))
def test_every_bound_action_exists(owner: type[DOMNode], place: Place) -> None:
    for action in actions(place):
        for key in action.keys:
            namespace, name, _ = parse(key.call)
            target = RfApp if namespace == "app" else owner
            assert hasattr(target, f"action_{name}"), f"{key.keys}: no action_{name} on {target}"
