"""Running the real app against the hostile server, case by case.

Every case: the app starts live with a queue, one row marked read and a draft
typed; the fault is applied; the app must stay up, show the expected words,
show no control character anywhere, keep the read marker and the draft; then
the fault goes away and the app must come back to the server's queue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream, Live
from rf_tui.settings import Settings
from rf_tui.ui.app import RfApp, make_app
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.widgets.fitted import Fitted
from tests.helpers import FakeClock
from tests.hostile.server import T0, Hostile
from tests.ui.pilot import until

Arrange = Callable[[Hostile], None]
Act = Callable[[Hostile, Pilot[None], RfApp], Awaitable[None]]


@dataclass
class Case:
    name: str
    says: str | Callable[[RfApp], bool]
    arrange: Arrange = lambda h: None
    act: Act | None = None
    #: The case removes rows on purpose (so the read marker may go with them).
    recover: bool = True
    #: Wait for the usual start (live, signed in, rows) before acting.
    ready: bool = True
    tags: tuple[str, ...] = field(default_factory=tuple)


def shown(app: RfApp) -> str:
    """Everything the app is showing in words: status, rows, toasts, panels."""
    parts = [app.queue_screen.link_text().plain]
    screen = app.queue_screen
    if screen.ready:
        for widget_id in ("#counts", "#metric"):
            content = screen.query_one(widget_id, Static).content
            parts.append(getattr(content, "plain", str(content)))
        table = screen.table
        for handoff_id in table.ids:
            parts.extend(table.cells(handoff_id).values())
    parts.extend(n.message for n in app._notifications)
    for handoff in (s for s in app.screen_stack if isinstance(s, HandoffScreen)):
        for panel in ("problem", "tried", "assessment", "start"):
            parts.append(_plain(handoff.query_one(f"#{panel}-body", Fitted).content))
        parts.append(_plain(handoff.query_one("#say", Static).content))
    return "\n".join(parts)


def _plain(content: object) -> str:
    import io

    from rich.console import Console

    console = Console(width=300, file=io.StringIO(), color_system=None, record=True)
    console.print(content)
    return console.export_text()


def controls(text: str) -> list[str]:
    """Control characters (other than newline) in ``text``: must be none."""
    return [hex(ord(c)) for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]


async def run_case(case: Case, state_dir: Path) -> None:
    async with Hostile() as hostile:
        case.arrange(hostile)
        client = Client(hostile.url, "token", deadline=2.0)
        stream = EscalationStream(
            client, heartbeat=0.2, read_timeout=0.8, backoff_base=0.05, backoff_cap=0.3
        )
        settings = Settings(server=hostile.url, token="token", state_dir=state_dir)
        app = make_app(settings, client, clock=FakeClock(T0), stream=stream)
        async with app.run_test(size=(110, 30), notifications=True) as pilot:
            if case.ready:
                await until(pilot, lambda: isinstance(app.feed.state, Live), "live", 8)
                await until(pilot, lambda: app.feed.me is not None, "signed in")
                await until(pilot, lambda: len(app.feed.queue) > 0, "the first rows")
            read_id = app.queue_screen.table.current_id()
            if read_id is not None:
                await pilot.press("d")
            app.desk.drafts["s3"] = "half-typed draft"

            if case.act is not None:
                await case.act(hostile, pilot, app)
            expected = case.says
            if isinstance(expected, str):
                await until(pilot, lambda: expected in shown(app), f"the words {expected!r}", 8)
            else:
                await until(pilot, lambda: expected(app), "the expected state", 8)

            assert app.is_running
            assert controls(shown(app)) == [], controls(shown(app))
            assert app.desk.drafts["s3"] == "half-typed draft"
            if read_id is not None and read_id in app.feed.queue:
                assert read_id in app.desk.seen

            if case.recover:
                await recover(hostile, pilot, app)
        await client.aclose()


async def recover(hostile: Hostile, pilot: Pilot[None], app: RfApp) -> None:
    """Take the fault away; the app must converge on the server's queue."""
    hostile.routes.clear()
    hostile.claim_answer = hostile.chat_answer = None
    hostile.stream_preamble = b'event: ready\ndata: {"account_id": "acct"}\n\n'
    while len(app.screen_stack) > 1:
        app.pop_screen()
    app.feed.refetch()
    want = {e["id"] for e in hostile.queue if e.get("claimed_by") is None}
    await until(pilot, lambda: isinstance(app.feed.state, Live), "live again", 8)
    await until(pilot, lambda: app.feed.queue.ids() == want, "the server's queue", 8)
    await until(pilot, lambda: app.feed.load_problem is None, "the problem to clear", 8)
