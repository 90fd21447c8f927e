"""Who else is looking, as the queue shows it: pinned as SVG at 80×24 (fixed clock and seed).

Look at every SVG under tests/ui/__snapshots__/ before committing a change to it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from rf_tui.ui.app import RfApp
from tests.helpers import ALEX, SAM, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, ready, row_ids, until

Snap = Callable[..., bool]


def test_a_row_with_a_viewer(snap_compare: Snap, make: AppFactory, running: Running) -> None:
    """Alex has the newest open, Alex and Sam the oldest: "👁 Alex" and "👁 2"."""
    app = make()

    async def run_before(pilot: Pilot[None]) -> None:
        assert isinstance(pilot.app, RfApp)
        await ready(pilot, rows=3)
        alex, sam = await running.client(ALEX), await running.client(SAM)
        newest, *_, oldest = (app.feed.queue.get(i) for i in row_ids(app))
        assert newest is not None and oldest is not None
        await alex.viewing(newest.session_id, newest.id)
        await alex.viewing(oldest.session_id, oldest.id)
        await sam.viewing(oldest.session_id, oldest.id)
        await until(
            pilot,
            lambda: (
                cell_text(app, newest.id, "summary").endswith("👁 Alex")
                and cell_text(app, oldest.id, "summary").endswith("👁 2")
            ),
            "both markers",
        )
        await running.aclose()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
