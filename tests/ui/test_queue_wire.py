"""What the queue writes to the terminal when little changes: bytes cost money over a
phone's hotspot. An age that ticks sends its changed characters, not its row; a row
that changes alone sends that row, not every line in sight."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from rich.console import RenderableType
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Static

from rf_tui.feed.types import QueueEntry
from rf_tui.ui.textual_private import crop_partial_updates
from rf_tui.ui.widgets.queue_table import QueueTable, RowView
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready

CSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Host(App[None]):
    """The table alone, its ages read from a dict the test changes."""

    def __init__(self) -> None:
        super().__init__()
        self.ages: dict[str, str] = {}
        self.written: list[str] = []

    def compose(self) -> ComposeResult:
        yield QueueTable(lambda entry: self.ages[entry.id])

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        # Headless, nothing is written: keep what would have been.
        render = getattr(renderable, "render_segments", None)
        if render is not None:
            self.written.append(render(self.console))


def entry(n: int) -> QueueEntry:
    return QueueEntry(
        id=f"h{n}",
        session_id=f"s{n}",
        problem_summary=f"Printer {n} offline on the second floor",
        engineer_notes=f"note {n}",
        created_at=datetime(2026, 11, 23, tzinfo=timezone.utc),
    )


async def table_of(app: Host, pilot: Any, ages: list[str]) -> QueueTable:
    crop_partial_updates()  # as RfApp does
    table = app.query_one(QueueTable)
    entries = [entry(n) for n in range(len(ages))]
    app.ages = {e.id: age for e, age in zip(entries, ages, strict=True)}
    for e in entries:
        table.put(RowView(e, unread=False, summary=e.summary), redraw=False)
    table.order([e.id for e in entries])
    await pilot.pause()
    app.written.clear()
    return table


async def test_an_age_tick_writes_only_the_characters_that_changed() -> None:
    app = Host()
    async with app.run_test(size=(120, 20)) as pilot:
        table = await table_of(app, pilot, ["3m", "40s", "now", "2h"])
        asked: list[Region] = []
        refresh = table.refresh

        def spy(*regions: Region, **kwargs: Any) -> Any:
            asked.extend(regions)
            return refresh(*regions, **kwargs)

        table.refresh = spy  # type: ignore[method-assign]
        app.ages.update(h0="4m", h1="50s", h2="10s")
        assert table.tick_ages() == 3
        await pilot.pause()
        # The age column is the last 4 cells of the row, right-aligned, before the
        # scrollbar: "  3m"→"  4m" and " 40s"→" 50s" change one cell, "now"→"10s" three.
        line = table.line("h0")
        age_at = len(line) - 4
        assert [(r.x - age_at, r.y, r.width, r.height) for r in asked] == [
            (2, 1, 1, 1),
            (1, 2, 1, 1),
            (1, 3, 3, 1),
        ]
        text = CSI.sub("", "".join(app.written))
        assert text == "4510s"  # no other cell of any row, nor the scrollbar
        # Each changed run of cells: a cursor move, and the colours once for them all.
        assert len("".join(app.written)) <= 3 * len("\x1b[20;120H") + 3 * 48 + len("4510s")


async def test_a_row_that_changes_alone_is_the_only_line_written() -> None:
    app = Host()
    async with app.run_test(size=(120, 20)) as pilot:
        table = await table_of(app, pilot, ["3m", "40s", "now", "2h"])
        changed = entry(1)
        table.put(RowView(changed, unread=True, summary=changed.summary))
        table.order([f"h{n}" for n in range(4)])  # the same rows, in the same places
        await pilot.pause()
        written = "".join(app.written)
        assert "Printer 1" in written
        assert "Printer 0" not in written and "Printer 2" not in written


async def test_a_link_line_a_little_shorter_is_repainted_not_laid_out_again(
    make: AppFactory,
) -> None:
    """A relayout of the screen repaints the header twice and the queue's scrollbar
    twice; a round trip of 9 ms after 14 ms needs none of it."""
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        screen = app.queue_screen
        link = screen.query_one("#link", Static)
        laid_out: list[bool] = []
        update = link.update

        def spy(content: Any = "", *, layout: bool = True) -> None:
            laid_out.append(layout)
            update(content, layout=layout)

        link.update = spy  # type: ignore[method-assign]
        app.desk.health.rtt = 0.014
        screen.refresh_link()
        await pilot.pause()
        right = link.region.right
        app.desk.health.rtt = 0.009
        screen.refresh_link()
        await pilot.pause()
        assert laid_out[-1] is False and link.region.right == right
        assert str(link.content).endswith("9 ms · last event just now")
        assert screen.query_one("#counts", Static).region.right == link.region.x
