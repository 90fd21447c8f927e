"""The queue fitting its window, pinned as SVG (issue 15, part 5): fixed clock, fixed ids.

A queue with clients and towns and two identical summaries at 80×24, 60×20 and
160×48; a filter's "2 of 6 shown"; a row claimed by Alex on its way out.
Look at every SVG under tests/ui/__snapshots__/test_snapshots_queue/ before
committing a change to it.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from rf_tui.server import db
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens import queue as queue_screen
from tests.helpers import ALEX, SAM, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, until

SIZES = [(80, 24), (60, 20), (160, 48)]
Snap = Callable[..., bool]

TWIN = "Outlook asks for the password every hour on the front desk PC (Harbourside Dental, Bristol)"


@pytest.fixture(autouse=True)
def _steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids the same on every run (short ids are drawn), and no arrival highlight racing
    the shot."""
    count = itertools.count(1)

    def new_id() -> str:
        digest = hashlib.sha256(f"snapshot-{next(count)}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    monkeypatch.setattr(db, "new_id", new_id)
    monkeypatch.setattr(queue_screen, "HIGHLIGHT_SECONDS", 0.0)


async def fill(pilot: Pilot[None], running: Running) -> RfApp:
    """The seeded three, then a client's VPN and two identical Outlook escalations."""
    app = await ready(pilot, rows=3)
    assert running.clock is not None
    sam = await running.client(SAM)
    arrivals = (
        ("VPN drops every few minutes on three laptops since KB5034441 went out "
         "(Kestrel Logistics, Leeds)", "high", "Tried reinstalling the client on one laptop."),
        (TWIN, "normal", "Front desk can't take card payments while it nags."),
        (TWIN, "normal", "Same again, second PC."),
    )  # fmt: skip
    for summary, priority, notes in arrivals:
        # Two minutes apart, and none after the last: every event comes at the same
        # (fake) time, so the status line does not say how quiet it has been.
        running.clock.advance(minutes=2)
        session = await sam.create_session(summary)
        await sam.hand_off(session.id, priority=priority, engineer_notes=notes)
    table = app.queue_screen.table
    await until(
        pilot,
        lambda: table.row_count == 6 and all(app.feed.queue.get(i).summary for i in table.ids),  # type: ignore[union-attr]
        "every arrival with its details",
    )
    table.tick_ages()
    await pilot.pause()
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue_fits(
    snap_compare: Snap, make: AppFactory, running: Running, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await fill(pilot, running)

    assert snap_compare(make(), terminal_size=size, run_before=run_before)


def test_filtered_queue_says_how_many_it_shows(
    snap_compare: Snap, make: AppFactory, running: Running
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = await fill(pilot, running)
        await pilot.press("slash", *"outlook", "enter")
        await until(pilot, lambda: app.queue_screen.table.row_count == 2, "the filter")

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)


def test_a_row_claimed_by_alex_before_it_leaves(
    snap_compare: Snap, make: AppFactory, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_screen, "LEAVE_SECONDS", 60.0)  # held for the shot
    app = make()

    async def run_before(pilot: Pilot[None]) -> None:
        await fill(pilot, running)
        table = app.queue_screen.table
        taken = next(e for e in app.feed.queue.entries() if "Kestrel" in e.summary)
        alex = await running.client(ALEX)
        await alex.claim(taken.session_id, taken.id)
        await until(pilot, lambda: "claimed by Alex" in table.line(taken.id), "the word")
        await running.aclose()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
