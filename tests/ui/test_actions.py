"""The one table of actions: every binding and the help screen come from it, so none
of them can drift from the keys that really work."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.actions import parse
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Static

from rf_tui.ui.actions import SECTIONS, Place, actions
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.choice import ChoiceScreen, ReopenScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.widgets.queue_table import QueueTable
from tests.helpers import Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, until
from tests.ui.test_presenter import presenter

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


def help_lines(app: RfApp) -> list[str]:
    """The help screen as plain lines, each with its runs of spaces made single."""
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    for widget in app.screen.query(Static):
        console.print(widget.content)
    return [" ".join(line.split()) for line in console.export_text().splitlines()]


def expected_help(*, presenting: bool) -> list[str]:
    lines = []
    for title, places in SECTIONS:
        lines.append(title)
        lines += [
            f"{a.shown} {a.description}"
            for a in actions(*places)
            if presenting or a.name != "toggle_story"
        ]
    return lines


async def test_help_shows_every_key_of_the_table(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        lines = help_lines(app)
        shown = [line for line in lines if line in expected_help(presenting=True)]
        assert shown == expected_help(presenting=False)


async def test_help_shows_the_pause_key_in_presenter_mode(make: AppFactory, rf: Running) -> None:
    app = make(presenter=presenter(rf))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        lines = help_lines(app)
        assert [line for line in lines if line in expected_help(presenting=True)] == (
            expected_help(presenting=True)
        )
