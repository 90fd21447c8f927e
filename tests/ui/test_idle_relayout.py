"""Idle: status words that change but keep their width repaint the line, not the screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready


async def test_the_link_relays_out_only_when_its_width_changes(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        screen = app.queue_screen
        link = screen.query_one("#link", Static)
        layouts: list[bool] = []
        refresh = link.refresh

        def recording(*regions: object, layout: bool = False, **kw: bool) -> Static:
            layouts.append(layout)
            return refresh(*regions, layout=layout, **kw)  # type: ignore[arg-type]

        link.refresh = recording  # type: ignore[method-assign]
        before = link.content
        assert isinstance(before, Text)
        same = Text("x" * before.cell_len)  # a round trip of 38 ms, then 41 ms
        screen._show("#link", same)
        screen._show("#link", Text(same.plain + " and more"))
        await pilot.pause()
        assert layouts[:2] == [False, True]
