"""The one table of actions: every binding, the help screen, the palette and the README
come from it, so none of them can drift from the keys that really work."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.actions import parse
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Static

from rf_tui.ui import actions as registry
from rf_tui.ui.actions import ACTIONS, SECTIONS, WRITE_COMMAND, Place, actions
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.choice import ChoiceScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.mine import MineScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.screens.stats import StatsScreen
from rf_tui.ui.widgets.queue_table import QueueTable
from tests.helpers import Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, row_ids, until
from tests.ui.test_presenter import presenter

README = Path(__file__).parents[2] / "README.md"

BOUND: list[tuple[type[DOMNode], Place]] = [
    (RfApp, "app"),
    (QueueScreen, "queue"),
    (QueueTable, "queue table"),
    (HandoffScreen, "handoff"),
    (HelpScreen, "help"),
    (ChoiceScreen, "choice"),
    (MineScreen, "mine"),
    (StatsScreen, "stats"),
]


@pytest.mark.parametrize(("owner", "place"), BOUND, ids=lambda v: getattr(v, "__name__", v))
def test_every_binding_is_in_the_table(owner: type[DOMNode], place: Place) -> None:
    bound = [(b.key, b.action, b.show) for b in owner.BINDINGS if isinstance(b, Binding)]
    assert len(bound) == len(owner.BINDINGS), "a binding given as a tuple escapes the table"
    listed = [(k.keys, k.call, a.footer and k.shown) for a in actions(place) for k in a.keys]
    assert bound == listed


@pytest.mark.parametrize(("owner", "place"), BOUND, ids=lambda v: getattr(v, "__name__", v))
def test_every_bound_action_exists(owner: type[DOMNode], place: Place) -> None:
    for action in actions(place):
        for key in action.keys:
            namespace, name, _ = parse(key.call)
            target = RfApp if namespace == "app" else owner
            assert hasattr(target, f"action_{name}"), f"{key.keys}: no action_{name} on {target}"


def test_what_the_palette_runs_exists() -> None:
    for action in ACTIONS:
        if action.palette is None:
            continue
        on_app = action.palette == "everywhere" or "app" in action.where
        owners = [RfApp] if on_app else [o for o, p in BOUND if p in action.where]
        assert owners, action
        for owner in owners:
            assert hasattr(owner, f"action_{action.name}"), (action.name, owner)


def palette_titles(place: Place) -> set[str]:
    return {
        a.palette_title
        for a in ACTIONS
        if a.palette == "everywhere" or (a.palette == "here" and {place, "app"} & set(a.where))
    }


async def run_from_palette(pilot: Pilot[None], title: str) -> None:
    """Open the palette, type the command's name and run the top hit, as a person would."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*(("space" if c == " " else c) for c in title.lower()))
    hits = app.screen.query_one(CommandList)

    def top_hit() -> str:
        return str(hits.get_option_at_index(0).hit.text) if hits.option_count else ""  # type: ignore[attr-defined]

    await until(pilot, lambda: top_hit() == title, f"{title!r} at the top of the palette")
    await pilot.press("down", "enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close")


async def test_the_queue_palette_lists_and_runs_the_tables_actions(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert palette_titles("queue") <= titles
        assert "Ticket note" not in titles  # the handoff's
        top = row_ids(app)[0]
        assert top in app.queue_screen.unread_ids()
        await run_from_palette(pilot, "Mark read")
        await until(pilot, lambda: top not in app.queue_screen.unread_ids(), "the row to be read")


async def test_the_handoff_palette_lists_and_runs_the_tables_actions(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("enter", "o")  # the newest, read only
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        await until(pilot, lambda: screen.session is not None, "the session")
        titles = {c.title for c in app.get_system_commands(screen)}
        assert palette_titles("handoff") <= titles
        assert "Mark read" not in titles

        await run_from_palette(pilot, "Ticket note")
        assert app.clipboard.startswith("## Escalation: ")
        await run_from_palette(pilot, "Help")  # the app's, though `?` is the queue's key
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await pilot.press("escape")

        await pilot.press("c")
        await until(pilot, lambda: screen.claimed, "the claim")
        # Claiming what is already claimed is turned off, so it is not offered.
        assert "Claim" not in {c.title for c in app.get_system_commands(screen)}


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


def readme_table(text: str) -> str:
    return registry.README_TABLE.between(text)


def test_the_readme_key_table_is_the_generated_one() -> None:
    assert readme_table(README.read_text(encoding="utf-8")) == registry.markdown_table(), (
        f"README.md's key table differs from rf_tui/ui/actions.py: run `{WRITE_COMMAND}`"
    )


def test_the_readme_table_lists_every_key_of_the_queue_and_handoff() -> None:
    table = registry.markdown_table()
    for _, places in SECTIONS:
        for action in actions(*places):
            assert f"| `{action.shown}` |" in table
            assert action.description in table


def test_write_puts_the_table_between_the_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    before, after = "# Keys\n\n", "\nMore prose.\n"
    stale = f"{registry.README_START}\n| key | stale |\n{registry.README_END}"
    readme.write_text(before + stale + after, encoding="utf-8")
    assert registry.main(["--write", str(readme)]) == 0
    written = readme.read_text(encoding="utf-8")
    assert written.startswith(before + registry.README_START)
    assert written.endswith(registry.README_END + after)
    assert readme_table(written) == registry.markdown_table()
    registry.main(["--write", str(readme)])
    assert readme.read_text(encoding="utf-8") == written  # a second run changes nothing
