"""The app against backends whose stream does not come through: the queue must, still."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.widgets import Static

from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream, Reconnecting
from rf_tui.settings import Settings
from rf_tui.ui.app import make_app
from tests.canned import response
from tests.helpers import FakeClock
from tests.hostile.server import API, T0, Hostile
from tests.ui.pilot import until

STREAM = f"{API}/ai-sessions/escalations/stream"


def _quick(client: Client) -> EscalationStream:
    return EscalationStream(
        client, heartbeat=0.2, read_timeout=0.8, backoff_base=0.05, backoff_cap=0.3
    )


def _empty_text(app) -> str:  # type: ignore[no-untyped-def]
    widget = app.queue_screen.query_one("#empty", Static)
    return str(widget.content) if widget.display else ""


async def test_the_queue_shows_while_a_proxy_refuses_the_stream(tmp_path: Path) -> None:
    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = response(
            502, "<h1>Bad Gateway</h1>", content_type="text/html"
        )
        client = Client(hostile.url, "token")
        settings = Settings(server=hostile.url, token="token", state_dir=tmp_path)
        app = make_app(settings, client, clock=FakeClock(T0), stream=_quick(client))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the three rows")
            await until(pilot, lambda: isinstance(app.feed.state, Reconnecting), "a retry")
            assert "No escalations waiting" not in _empty_text(app)
            assert "reconnecting" in app.queue_screen.link_text().plain
            assert "HTTP 502" in app.queue_screen.link_text(120).plain  # why, where there is room
        await client.aclose()


async def test_the_queue_shows_while_a_proxy_buffers_the_stream(tmp_path: Path) -> None:
    async def buffered(writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b"", content_type="text/event-stream", length=False))
        await writer.drain()
        await asyncio.Event().wait()  # nothing until "the whole answer" is in: never

    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = buffered
        client = Client(hostile.url, "token")
        settings = Settings(server=hostile.url, token="token", state_dir=tmp_path)
        app = make_app(settings, client, clock=FakeClock(T0), stream=_quick(client))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the three rows")
            # It says how arrivals come while the stream is held back, in 80 columns too.
            assert "queue checked every 5s" in app.queue_screen.link_text(200).plain
            assert app.queue_screen.link_text(80).plain.endswith(" · polling 5s")
        await client.aclose()


async def test_a_queue_never_loaded_is_not_called_empty(tmp_path: Path) -> None:
    async with Hostile() as hostile:
        hostile.routes[("GET", STREAM)] = response(502, "")
        hostile.routes[("GET", f"{API}/ai-sessions/queue")] = response(502, "")
        client = Client(hostile.url, "token")
        settings = Settings(server=hostile.url, token="token", state_dir=tmp_path)
        app = make_app(settings, client, clock=FakeClock(T0), stream=_quick(client))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: "Queue not loaded yet" in _empty_text(app), "the words")
            assert "The server had a problem (HTTP 502)" in _empty_text(app)
            counts = str(app.queue_screen.query_one("#counts", Static).content)
            assert counts.startswith("Queue not loaded yet")  # not "0 escalations awaiting …"
            hostile.routes.pop(("GET", f"{API}/ai-sessions/queue"))
            await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the rows", 8)
        await client.aclose()


async def test_a_broken_server_address_costs_no_cpu_and_one_toast(tmp_path: Path) -> None:
    """A port out of range made httpx raise what nobody foresaw; it used to spin a core."""
    client = Client("http://127.0.0.1:99999", "token")
    settings = Settings(server="http://127.0.0.1:99999", token="token", state_dir=tmp_path)
    app = make_app(settings, client, clock=FakeClock(T0))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        cpu = time.process_time()
        await asyncio.sleep(1.5)  # the measurement window, not a synchronisation
        spent = time.process_time() - cpu
        await pilot.pause()
        toasts = [n.message for n in app._notifications]
    await client.aclose()
    assert spent < 0.6, f"{spent:.2f} CPU seconds in 1.5 s: a hot loop"
    troubles = [t for t in toasts if "Something went wrong" in t]
    assert 1 <= len(troubles) <= 3, toasts  # one per loop that failed, not one per retry
    assert app.queue_screen.empty_text().startswith("Queue not loaded yet: rf-tui could not ask")
