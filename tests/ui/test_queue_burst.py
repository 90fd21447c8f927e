"""Keys pressed while a burst of arrivals pours in: the burst is drawn in batches and
a key never waits for a rebuild of every row, yet nothing is lost, misordered or
marked on the wrong row."""

from __future__ import annotations

import asyncio

from rf_tui.state.queue import Sort
from tests.helpers import DANA, SAM, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, ready, row_ids, until

BURST = 40


async def test_a_burst_with_keys_pressed_ends_as_the_servers_queue(
    make: AppFactory, rf: Running
) -> None:
    app = make(reconcile_every=600.0)  # no periodic refetch to tidy up after us
    sam, dana = await rf.client(SAM), await rf.client(DANA)
    sessions = [await sam.create_session(f"Burst {i}") for i in range(BURST)]
    limit = asyncio.Semaphore(8)

    async def one(session_id: str) -> None:
        async with limit:
            await sam.hand_off(session_id, engineer_notes="burst")

    async with app.run_test(size=(100, 20)) as pilot:
        await ready(pilot, rows=3)
        screen, table = app.queue_screen, app.queue_screen.table
        half = BURST // 2
        first = asyncio.gather(*(one(s.id) for s in sessions[:half]))
        # Keys between arrivals: the sort goes round, the cursor moves, and one row,
        # the one under the cursor at that moment, is marked read.
        await until(pilot, lambda: table.row_count > 3, "the burst to begin")
        await pilot.press("s", "down", "s")
        rest = asyncio.gather(*(one(s.id) for s in sessions[half:]))
        read = table.current_id()
        await pilot.press("d")
        await pilot.press("s", "down")  # newest first again
        await asyncio.gather(first, rest)
        assert screen.sort is Sort.NEWEST
        await until(pilot, lambda: table.row_count == 3 + BURST, "every arrival")
        await until(
            pilot,
            lambda: all(not app.feed.queue.is_partial(i) for i in row_ids(app)),
            "every arrival's details",
            timeout=10,
        )

        server = (await dana.queue_rows()).entries
        newest = sorted(server, key=lambda e: (e.created_at, e.id), reverse=True)
        assert row_ids(app) == [e.id for e in newest]  # exactly the server's, in order
        assert read is not None and read in row_ids(app)
        marks = {i: cell_text(app, i, "mark") for i in row_ids(app)}
        assert marks == {i: " " if i == read else "●" for i in row_ids(app)}
        counts = str(screen.query_one("#counts").content.plain)  # type: ignore[attr-defined]
        assert counts.startswith(f"{3 + BURST} escalations awaiting pickup · {2 + BURST} unread")

        await pilot.press("s")  # and another sort shows the same rows, oldest first
        assert row_ids(app) == [e.id for e in reversed(newest)]
        assert table.current_id() == table.ids[table.cursor_row]
