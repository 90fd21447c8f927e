""" "While you were away": one line after a gap, only when something changed."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Static

from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream, Live, Reconnecting
from rf_tui.settings import Settings
from rf_tui.ui.app import make_app
from tests.faults.proxy import Proxy
from tests.helpers import ALEX, SAM, Running
from tests.ui.conftest import AppFactory, token_for
from tests.ui.pilot import ready, until


def away_line(app) -> str | None:  # type: ignore[no-untyped-def]
    widget = app.queue_screen.query_one("#away", Static)
    return str(widget.content.plain) if widget.display else None


async def test_back_after_a_while_unfocused_says_what_changed(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    app.feed.away.away_after = 0.0  # "a while": a minute by default
    sam, alex = await rf.client(SAM), await rf.client(ALEX)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        app.post_message(events.AppBlur())
        await pilot.pause()
        for summary in ("Scanner offline", "Teams crashes"):
            await sam.hand_off((await sam.create_session(summary)).id)
        taken = next(e for e in await alex.queue() if "VPN" in e.summary)
        await alex.claim(taken.session_id, taken.id)  # announced: the name is known
        await until(pilot, lambda: len(app.feed.queue) == 4, "the changes, live")
        assert away_line(app) is None  # nothing said while still away
        app.post_message(events.AppFocus())
        await until(pilot, lambda: away_line(app) is not None, "the away line")
        assert away_line(app) == (
            "While you were away: +2 arrived, 1 claimed (Alex Moreno).   x dismisses"
        )
        await pilot.press("x")
        assert away_line(app) is None


async def test_nothing_changed_says_nothing(make: AppFactory) -> None:
    app = make()
    app.feed.away.away_after = 0.0
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        app.post_message(events.AppBlur())
        await pilot.pause()
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert not [w for w in app.workers if w.group == "away"]  # no lookup even started
        assert away_line(app) is None


async def test_after_a_reconnect_it_says_what_the_gap_hid(rf: Running, tmp_path: Path) -> None:
    token = token_for(rf, "dana@northwind.example")
    port = int(rf.url.rsplit(":", 1)[1])
    sam, alex = await rf.client(SAM), await rf.client(ALEX)
    async with Proxy(port) as proxy:
        client = Client(proxy.url, token, deadline=3.0)
        stream = EscalationStream(client, backoff_base=0.05, backoff_cap=0.3)
        settings = Settings(server=proxy.url, token=token, state_dir=tmp_path / "state")
        app = make_app(settings, client, stream=stream)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await ready(pilot, rows=3)
                proxy.refuse = True
                await proxy.cut()
                await until(pilot, lambda: isinstance(app.feed.state, Reconnecting), "the gap")
                await sam.hand_off((await sam.create_session("Printer jam")).id)
                taken = next(e for e in await alex.queue() if "VPN" in e.summary)
                await alex.claim(taken.session_id, taken.id)  # its event is lost in the gap
                proxy.refuse = False
                await until(pilot, lambda: isinstance(app.feed.state, Live), "back", timeout=10)
                await until(pilot, lambda: away_line(app) is not None, "the away line")
                # Alex's claim hides the session from Dana (404), so no name or reason.
                assert away_line(app) == (
                    "While you were away: +1 arrived, 1 left the queue.   x dismisses"
                )
        finally:
            await client.aclose()
