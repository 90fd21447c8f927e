"""The link's health on the status line, and lite mode on a slow link."""

from __future__ import annotations

import re
from pathlib import Path

from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream
from rf_tui.settings import Settings
from rf_tui.ui.app import make_app
from tests.faults.proxy import Proxy
from tests.helpers import Running
from tests.ui.conftest import AppFactory, token_for
from tests.ui.pilot import ready, until


async def test_round_trip_and_last_event_are_shown(make: AppFactory) -> None:
    app = make(reconcile_every=0.2)  # the round trip is timed with each refetch
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        await until(pilot, lambda: app.desk.health.rtt is not None, "a round trip")
        assert re.fullmatch(
            r"● live · \d+ ms · last event just now", app.queue_screen.link_text(120).plain
        )
        assert re.fullmatch(
            r"● live · \d+ ms", app.queue_screen.link_text(80).plain
        )  # narrow: the counts first


async def test_lite_when_asked(make: AppFactory) -> None:
    app = make(lite=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        assert app.queue_screen.link_text(120).plain.endswith(" · lite") and app.reduced_motion


async def test_a_slow_link_turns_lite_on_and_a_quick_one_off(rf: Running, tmp_path: Path) -> None:
    token = token_for(rf, "dana@northwind.example")
    async with Proxy(int(rf.url.rsplit(":", 1)[1])) as proxy:
        client = Client(proxy.url, token, deadline=5.0)
        settings = Settings(server=proxy.url, token=token, state_dir=tmp_path / "state",
                            reconcile_every=0.3)  # fmt: skip
        app = make_app(settings, client, stream=EscalationStream(client))
        app.desk.health.slow_rtt, app.desk.health.fast_rtt = 0.15, 0.08
        try:
            async with app.run_test(size=(120, 30), notifications=True) as pilot:
                await ready(pilot, rows=3)
                assert not app.desk.health.lite
                proxy.delay = 0.1  # each chunk, each way: a long, thin link
                await until(pilot, lambda: app.desk.health.lite, "lite mode", timeout=10)
                assert (
                    app.reduced_motion
                    and "lite (slow link)" in app.queue_screen.link_text(120).plain
                )
                assert any("Slow link" in n.message for n in app._notifications)
                proxy.delay = 0.0
                await until(pilot, lambda: not app.desk.health.lite, "lite mode off", timeout=10)
                assert not app.reduced_motion
                assert any("quick again" in n.message for n in app._notifications)
        finally:
            await client.aclose()
