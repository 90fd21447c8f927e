"""The command palette's entries: every action of the screen in front, and the app's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

from rf_tui.ui.flows import reopen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.queue import QueueScreen

if TYPE_CHECKING:
    from rf_tui.ui.app import RfApp


def commands_for(app: RfApp, screen: Screen[object]) -> Iterable[SystemCommand]:
    commands: list[tuple[str, str, Callable[[], object]]] = []
    if isinstance(screen, QueueScreen):
        commands += [
            ("Claim", "Claim the selected escalation", screen.action_claim),
            ("Open", "Open the selected handoff read-only", screen.action_open),
            ("Mark read", "Clear the unread marker", screen.action_dismiss_unread),
            ("Filter", "Filter the queue by words or p:priority", screen.action_filter),
            ("Sort", "Cycle newest / oldest / priority", screen.action_cycle_sort),
        ]
    if isinstance(screen, HandoffScreen):
        commands += [
            ("Claim", "Claim this escalation", screen.action_claim),
            ("Copy link", "Copy a link to this session", screen.action_copy_link),
            ("Open in browser", "Open the session on the web", screen.action_open_browser),
            ("Back", "Back to the queue", screen.action_back),
        ]
    commands += [
        ("Reopen", "Reopen an escalation claimed in this run", lambda: reopen(app, app.desk)),
        ("Help", "List every key", app.action_help),
    ]
    for title, help_text, callback in commands:
        yield SystemCommand(title, help_text, callback)
