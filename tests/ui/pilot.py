"""Helpers for driving the app in Pilot tests: bounded waits on what is on screen."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static

from rf_tui.api.stream import Live
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.widgets.fitted import Fitted
from tests.helpers import wait_for


async def until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 5
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    await wait_for(condition, timeout=timeout, what=what)
    await pilot.pause()


async def ready(pilot: Pilot[None], rows: int | None = None) -> RfApp:
    """Live, backfilled, metric shown (and ``rows`` rows in the table if given)."""
    app = pilot.app
    assert isinstance(app, RfApp)
    await until(pilot, lambda: isinstance(app.feed.state, Live), "the stream to be live")
    await until(pilot, lambda: app.feed.metrics is not None and app.feed.me is not None, "backfill")
    if rows is not None:
        await until(pilot, lambda: app.queue_screen.table.row_count == rows, f"{rows} rows")
    await pilot.pause()
    return app


def row_ids(app: RfApp) -> list[str]:
    return app.queue_screen.table.ids


def cell_text(app: RfApp, handoff_id: str, column: str) -> str:
    """What a cell shows; empty if the row is not (yet) in the table."""
    table = app.queue_screen.table
    if handoff_id not in table:
        return ""
    return table.cells(handoff_id)[column]


def panel_text(screen: HandoffScreen, panel: str) -> str:
    """The plain text a panel shows, rendered at a wide width."""
    import io

    from rich.console import Console

    widget = screen.query_one(f"#{panel}-body", Fitted)
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def screen_text(screen: HandoffScreen) -> str:
    """What the screen shows now, line by line: the text of a screenshot, as a
    person reads it (titles in the borders included, nothing hidden or scrolled away)."""
    import html
    import re

    svg = screen.app.export_screenshot()
    lines: dict[int, list[tuple[float, str]]] = {}
    for x, line, text in re.findall(
        r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
        r'clip-path="url\(#[\w-]*-line-(\d+)\)">([^<]*)</text>',
        svg,
    ):
        lines.setdefault(int(line), []).append((float(x), html.unescape(text)))
    return "\n".join(
        "".join(text for _, text in sorted(lines[n])).replace("\xa0", " ") for n in sorted(lines)
    )


def said(screen: HandoffScreen) -> str:
    """The line of news above the footer."""
    return str(screen.query_one("#say", Static).content)


async def open_read_only(pilot: Pilot[None]) -> HandoffScreen:
    """`o` on the cursor's row: its handoff, not claimed."""
    await pilot.press("o")
    await until(pilot, lambda: isinstance(pilot.app.screen, HandoffScreen), "the handoff")
    screen = pilot.app.screen
    assert isinstance(screen, HandoffScreen) and not screen.claimed
    return screen
