"""Mine after a restart, pinned as SVG at 80×24 (fixed clock, fixed seed).

The first run claims three escalations and works on two; the second run, a new
app on the same state dir, opens Mine once the server has said where each stands.
Look at the SVG under tests/ui/__snapshots__/ before committing a change to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.mine import MineScreen
from tests.helpers import ALEX, SAM, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import panel_text, ready, until
from tests.ui.test_mine import back_to_queue, claim, settled

Snap = Callable[..., bool]


async def first_run(make: AppFactory, running: Running) -> None:
    """Claim three; a first action on one, a draft on another; then someone else takes
    the third's session when its junior escalates it again."""
    clock = running.clock
    assert clock is not None
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        locked_out = await claim(pilot, app, "locked out of AD")
        await back_to_queue(pilot, app)
        clock.advance(minutes=6)
        vpn = await claim(pilot, app, "VPN drops")
        clock.advance(seconds=40)
        await pilot.press("1", "enter")  # the first suggested step, sent
        await until(pilot, lambda: "FlowPilot: Noted" in panel_text(vpn, "start"), "the reply")
        await back_to_queue(pilot, app)
        clock.advance(minutes=3)
        mfa = await claim(pilot, app, "CFO stuck")
        await pilot.press("m", *"Calling her to re-register the authenticator")
        assert mfa.query_one("#message", Input).value.startswith("Calling her")
    sam, alex = await running.client(SAM), await running.client(ALEX)
    session_id = locked_out.handoff.session_id
    await sam.hand_off(session_id, engineer_notes="Locked out again this morning")
    again = next(e for e in await alex.queue() if e.session_id == session_id)
    await alex.claim(session_id, again.id)
    await running.aclose()


def test_mine_after_a_restart(snap_compare: Snap, make: AppFactory, running: Running) -> None:
    asyncio.run(first_run(make, running))
    assert running.clock is not None
    running.clock.advance(minutes=20)  # a coffee later, a new terminal

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot, rows=0)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(pilot.app.screen, MineScreen), "Mine")
        mine = pilot.app.screen
        assert isinstance(mine, MineScreen) and not isinstance(mine, HandoffScreen)
        await until(pilot, lambda: settled(mine), "where each one stands")

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)
