"""The contract, and the app's core story, through the balancer in front of two replicas.

Each request may land on either replica (round robin), so every step below is one
replica reading what the other wrote, through Postgres and Redis.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed
from rf_tui.api.models import HandoffClaimed, HandoffCreated
from rf_tui.api.stream import Backfill, EscalationStream, Live, StreamItem
from rf_tui.server.seed import DEMO_PASSWORD
from rf_tui.settings import Settings
from rf_tui.ui.app import make_app
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.helpers import ALEX, DANA, SAM, wait_for
from tests.replicas.stack import Stack
from tests.ui.pilot import panel_text, row_ids, until


async def signed_in(url: str, email: str) -> Client:
    client = Client(url)
    await client.login(email, DEMO_PASSWORD)
    return client


async def next_of(items: object, kind: type[StreamItem]) -> StreamItem:
    async for item in items:  # type: ignore[attr-defined]
        if isinstance(item, kind):
            return item
    raise AssertionError(f"the stream ended before a {kind.__name__}")


async def test_the_contract_through_the_balancer(replicas: Stack) -> None:
    sam, alex, dana = [await signed_in(replicas.url, e) for e in (SAM, ALEX, DANA)]
    items = EscalationStream(dana, heartbeat=1.0).items()
    try:
        await asyncio.wait_for(next_of(items, Backfill), 10)
        me = await dana.me()
        assert me.email == DANA and me.account_role == "admin"

        session = await sam.create_session("Outlook prompts for a password every hour")
        for _ in range(4):  # each read may come from the other replica
            assert (await sam.session(session.id)).problem_summary.startswith("Outlook")
        handoff = await sam.hand_off(session.id, priority="urgent", engineer_notes="MFA?")
        created = await asyncio.wait_for(next_of(items, HandoffCreated), 5)
        assert isinstance(created, HandoffCreated) and created.handoff_id == handoff.id
        assert handoff.id in {e.id for e in await dana.queue()}
        assert [h.id for h in await sam.handoffs(session.id)] == [handoff.id]

        claimed = await alex.claim(session.id, handoff.id)
        assert claimed.claimed_by_name == "Alex Moreno"
        with pytest.raises(AlreadyClaimed) as lost:
            await dana.claim(session.id, handoff.id)
        assert lost.value.claimed_by_name == "Alex Moreno"
        told = await asyncio.wait_for(next_of(items, HandoffClaimed), 5)
        assert isinstance(told, HandoffClaimed) and told.handoff_id == handoff.id
        for _ in range(4):
            assert handoff.id not in {e.id for e in await dana.queue()}

        reply = await alex.chat(session.id, "Checked the token lifetime policy")
        assert reply.content
        steps = (await alex.session(session.id)).steps
        assert any("token lifetime" in step.content for step in steps)
        metrics = await dana.metrics("7d")
        assert metrics.n_handoffs_claimed >= 1
    finally:
        await items.aclose()  # type: ignore[attr-defined]
        for client in (sam, alex, dana):
            await client.aclose()


async def test_the_app_follows_and_claims_through_the_balancer(
    replicas: Stack, tmp_path: Path
) -> None:
    """Live, an arrival made on replica b appears, `c` claims it, the handoff loads."""
    dana = await signed_in(replicas.url, DANA)
    sam = await signed_in(replicas.replica_url("b"), SAM)
    assert dana.token is not None
    client = Client(replicas.url, dana.token)
    settings = Settings(server=replicas.url, token=dana.token, state_dir=tmp_path / "state")
    app = make_app(settings, client)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(lambda: isinstance(app.feed.state, Live), timeout=10, what="live")
            truth = {e.id for e in await dana.queue()}
            await until(pilot, lambda: set(row_ids(app)) == truth, "the server's queue")
            session = await sam.create_session("Teams calls drop after 30 minutes")
            handoff = await sam.hand_off(session.id, priority="urgent")
            await until(pilot, lambda: row_ids(app)[:1] == [handoff.id], "the arrival on top")
            app.queue_screen.table.move_to(handoff.id)
            await pilot.press("c")
            await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
            screen = app.screen
            assert isinstance(screen, HandoffScreen)
            await until(pilot, lambda: screen.session is not None, "its session")
            assert "Teams calls drop" in panel_text(screen, "problem")
            assert screen.claimed
    finally:
        for c in (dana, sam, client):
            await c.aclose()
