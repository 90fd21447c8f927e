"""Links cut, stalled and servers killed -9 while escalations and claims keep coming.

After every recovery the app's queue must equal the server's: 0 missed, 0 ghosts.
`make test` runs a short cycle (2 cuts, 2 kills, 1 stall); `make soak` runs
20 kills, 20 cuts and 10 stalls (RF_FAULT_CYCLES=50).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import ApiError
from rf_tui.api.stream import EscalationStream, Live
from rf_tui.server.db import Store
from rf_tui.server.seed import DEMO_PASSWORD, seed_demo
from rf_tui.settings import Settings
from rf_tui.ui.app import make_app
from tests.faults.proxy import Proxy
from tests.helpers import ALEX, DANA, SAM, TEST_PASSWORD_COST, wait_for

CYCLES = int(os.environ.get("RF_FAULT_CYCLES", "5"))
KINDS = ("cut", "kill", "cut", "kill", "stall")
SECRET = "fault-cycle-secret-0123456789-abcdefghij"


@dataclass
class ServedProcess:
    db: Path
    port: int = 0
    proc: subprocess.Popen[str] | None = None
    url: str = ""

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rf_tui", "serve", "--db", str(self.db), "--port",
             str(self.port), "--secret", SECRET, "--keepalive", "0.5",
             "--assessment-delay", "0.05"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("rf-tui server listening on "):
                self.url = line.split()[-1]
                self.port = int(self.url.rsplit(":", 1)[1])
                return
        raise RuntimeError("the server did not start")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill9()


@dataclass
class World:
    """Sam keeps escalating and Alex keeps claiming, straight to the server."""

    url: str
    paused: asyncio.Event = field(default_factory=asyncio.Event)
    escalated: int = 0
    claimed: int = 0
    #: Seconds between escalations, and the clients' deadline for each call.
    every: float = 0.1
    deadline: float | None = None

    async def run(self) -> None:
        kw = {} if self.deadline is None else {"deadline": self.deadline}
        async with Client(self.url, **kw) as sam, Client(self.url, **kw) as alex:
            n = 0
            while True:
                n += 1
                if self.paused.is_set():
                    await asyncio.sleep(0.05)
                    continue
                with contextlib.suppress(ApiError):
                    if sam.token is None:
                        await sam.login(SAM, DEMO_PASSWORD)
                        await alex.login(ALEX, DEMO_PASSWORD)
                    session = await sam.create_session(f"Fault-cycle escalation {n}")
                    await sam.hand_off(session.id)
                    self.escalated += 1
                    if n % 3 == 0:
                        queue = await alex.queue()
                        if queue:
                            await alex.claim(queue[-1].session_id, queue[-1].id)
                            self.claimed += 1
                await asyncio.sleep(self.every)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedProcess]:
    db = tmp_path / "rf.db"
    store = Store(str(db))
    seed_demo(store, now=datetime.now(timezone.utc), password_cost=TEST_PASSWORD_COST)
    store.close()
    server = ServedProcess(db)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def server_queue(url: str, token: str) -> set[str] | None:
    try:
        async with Client(url, token) as client:
            return {e.id for e in await client.queue()}
    except ApiError:
        return None


async def test_queue_converges_after_every_fault(served: ServedProcess, tmp_path: Path) -> None:
    async with Client(served.url) as login:
        token = (await login.login(DANA, DEMO_PASSWORD)).access_token
    async with Proxy(served.port) as proxy:
        client = Client(proxy.url, token, deadline=3.0)
        stream = EscalationStream(
            client, heartbeat=0.5, read_timeout=1.5, backoff_base=0.05, backoff_cap=0.5
        )
        settings = Settings(server=proxy.url, token=token, state_dir=tmp_path / "state",
                            reconcile_every=2.0)  # fmt: skip
        app = make_app(settings, client, stream=stream)
        world = World(served.url)
        worker = asyncio.create_task(world.run())
        report: list[str] = []
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await wait_for(lambda: isinstance(app.feed.state, Live), timeout=10, what="live")
                for cycle in range(CYCLES):
                    kind = KINDS[cycle % len(KINDS)]
                    started = time.monotonic()
                    if kind == "cut":
                        await proxy.cut()
                    elif kind == "kill":
                        served.kill9()
                        await asyncio.sleep(0.3)  # the fault: the server is down a moment
                        await asyncio.to_thread(served.start)
                        proxy.target_port = served.port
                    else:
                        proxy.stall(True)
                        await asyncio.sleep(2.0)  # the fault: silence past the read timeout
                        proxy.stall(False)
                    await asyncio.sleep(0.5)  # escalations and claims go on meanwhile
                    world.paused.set()
                    truth: set[str] | None = None

                    async def converged() -> bool:
                        nonlocal truth
                        truth = await server_queue(served.url, token)
                        return truth is not None and app.feed.queue.ids() == truth

                    deadline = time.monotonic() + 15
                    while not await converged():
                        assert time.monotonic() < deadline, (
                            f"cycle {cycle} ({kind}): missed "
                            f"{len((truth or set()) - app.feed.queue.ids())}, ghosts "
                            f"{len(app.feed.queue.ids() - (truth or set()))}"
                        )
                        await pilot.pause(0.05)
                    report.append(f"{kind} {time.monotonic() - started:.2f}s")
                    world.paused.clear()
                assert app.is_running
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
            await client.aclose()
    assert world.escalated > CYCLES and world.claimed > 0
    print("fault cycle recoveries:", ", ".join(report))


async def test_a_slow_link_and_refused_reconnects(served: ServedProcess, tmp_path: Path) -> None:
    async with Client(served.url) as login:
        token = (await login.login(DANA, DEMO_PASSWORD)).access_token
    async with Proxy(served.port) as proxy, Client(served.url, token) as sam_direct:
        await sam_direct.login(SAM, DEMO_PASSWORD)
        client = Client(proxy.url, token, deadline=5.0)
        stream = EscalationStream(
            client, heartbeat=0.5, read_timeout=2.0, backoff_base=0.05, backoff_cap=0.5
        )
        settings = Settings(server=proxy.url, token=token, state_dir=tmp_path / "state")
        app = make_app(settings, client, stream=stream)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(lambda: isinstance(app.feed.state, Live), timeout=10, what="live")
            proxy.delay = 0.3  # every chunk, both ways, 300 ms late: a bad mobile link
            session = await sam_direct.create_session("Arrives over a slow link")
            handoff = await sam_direct.hand_off(session.id)
            await wait_for(lambda: handoff.id in app.feed.queue, timeout=5, what="the arrival")
            await wait_for(
                lambda: not app.feed.queue.is_partial(handoff.id), timeout=10, what="its details"
            )
            proxy.delay = 0.0
            proxy.refuse = True  # the network is back, but the first tries are refused
            await proxy.cut()
            await wait_for(
                lambda: "reconnecting" in app.queue_screen.link_text().plain,
                timeout=5,
                what="reconnecting",
            )
            proxy.refuse = False
            await wait_for(lambda: isinstance(app.feed.state, Live), timeout=10, what="live again")
            await pilot.pause()
            assert handoff.id in app.feed.queue
        await client.aclose()
