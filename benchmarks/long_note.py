"""Open and leave the handoff of an escalation whose note is 2 MB, headless, and time it.

python -m benchmarks.long_note

The reference server refuses notes over 20,000 characters, so the escalation
comes from the test suite's stand-in backend (tests/hostile/server.py), which
answers like a backend from plain dicts. Each figure is from pressing the key
to the screen being drawn: `o` until the handoff shows its session, `esc` until
the queue is back. A three-line note is timed the same way, for the floor.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from rf_tui.api.client import Client
from rf_tui.settings import Settings
from rf_tui.ui.app import make_app
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.queue import QueueScreen
from tests.helpers import FakeClock, wait_for
from tests.hostile.server import T0, Hostile, entry

LINE = "Event 4625 from LT-ACCT-07: an account failed to log on; status 0xC000006D x\n"
NOTES = {
    "3 lines": LINE * 3,
    "2 MB, 27,235 lines": LINE * (2 * 1024 * 1024 // len(LINE)),
    "2 MB, one line": "x" * (2 * 1024 * 1024),
}


async def timed(notes: str, runs: int = 3) -> list[tuple[float, float]]:
    """(open, esc) seconds for each run."""
    figures = []
    async with Hostile() as hostile:
        hostile.queue = [entry(1, engineer_notes=notes, created_at=T0.isoformat())]
        client = Client(hostile.url, "token")
        settings = Settings(server=hostile.url, token="token", state_dir=Path(tempfile.mkdtemp()))
        app = make_app(settings, client, clock=FakeClock(T0))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(lambda: app.queue_screen.table.row_count == 1, timeout=30)
            await pilot.pause()
            for _ in range(runs):
                started = time.perf_counter()
                await pilot.press("o")
                await wait_for(lambda: isinstance(app.screen, HandoffScreen), timeout=120)
                screen = app.screen
                assert isinstance(screen, HandoffScreen)
                await wait_for(lambda s=screen: s.session is not None or s.problem is not None,
                               timeout=120)  # fmt: skip
                await pilot.pause()
                opened = time.perf_counter()
                await pilot.press("escape")
                await wait_for(lambda: isinstance(app.screen, QueueScreen), timeout=120)
                await pilot.pause()
                figures.append((opened - started, time.perf_counter() - opened))
        await client.aclose()
    return figures


async def main() -> None:
    for name, notes in NOTES.items():
        runs = await timed(notes)
        shown = ", ".join(f"open {o:.2f} s, esc {e:.2f} s" for o, e in runs)
        print(f"{name}: {shown}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
