"""Shared test helpers: a settable clock, bounded waits, a started reference server."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rf_tui.api.client import Client
from rf_tui.server.config import ServerConfig
from rf_tui.server.run import ThreadedServer
from rf_tui.server.seed import DEMO_PASSWORD, DemoSeed, seed_demo

if TYPE_CHECKING:
    import trustme

# Cheap scrypt in tests: the hash format and verification are the same.
TEST_PASSWORD_COST = 8


class FakeClock:
    """The server's domain clock, moved by the test instead of by time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


async def wait_for(
    condition: Callable[[], bool], *, timeout: float = 5.0, what: str = "condition"
) -> None:
    """Wait until ``condition()`` holds, checking often; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.005)


def count_requests(client: Client, suffix: str) -> list[str]:
    """The paths of the requests ``client`` sends that end with ``suffix``, as they go out."""
    import httpx

    sent: list[str] = []

    async def hook(request: httpx.Request) -> None:
        if request.url.path.endswith(suffix):
            sent.append(request.url.path)

    client.http.event_hooks["request"].append(hook)
    return sent


class Terminal(io.StringIO):
    """A stdin that is a terminal: rf-tui login asks for a password only at one."""

    def isatty(self) -> bool:
        return True


class Running:
    """A seeded reference server on a loopback port, plus ways to sign in."""

    def __init__(self, server: ThreadedServer, seed: DemoSeed, clock: FakeClock | None) -> None:
        self.server = server
        self.seed = seed
        self.clock = clock
        self._clients: list[Client] = []

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def backend(self):  # type: ignore[no-untyped-def]
        return self.server.backend

    async def client(self, email: str | None = None) -> Client:
        """A client of this server, signed in as ``email`` (or not signed in)."""
        client = Client(self.url)
        self._clients.append(client)
        if email is not None:
            await client.login(email, DEMO_PASSWORD)
        return client

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()


def start_server(
    config: ServerConfig | None = None, *, port: int = 0, seed: DemoSeed | None = None
) -> Running:
    """Start a server; seed it with the demo data unless ``seed`` says it already is."""
    config = config or ServerConfig()
    config.password_cost = TEST_PASSWORD_COST
    server = ThreadedServer(config, port=port)
    if seed is None:
        seed = seed_demo(server.backend.store, now=config.clock(), password_cost=TEST_PASSWORD_COST)
    server.start()
    clock = config.clock if isinstance(config.clock, FakeClock) else None
    return Running(server, seed, clock)


DANA = "dana@northwind.example"
ALEX = "alex@northwind.example"
SAM = "sam@northwind.example"
VIC = "vic@northwind.example"
EVE = "eve@contoso.example"


def add_team(running: Running, name: str, *people: tuple[str, ...]) -> str:
    """A new account with users ``(email, role[, team_id])``; the demo password."""
    from rf_tui.server.auth import hash_password

    store = running.backend.store
    account = store.add_account(name)
    hashed = hash_password(DEMO_PASSWORD, cost=TEST_PASSWORD_COST)
    for email, role, *team in people:
        store.add_user(
            account_id=account,
            email=email,
            name=email.split("@")[0].title(),
            role=role,
            password_hash=hashed,
            team_id=team[0] if team else None,
        )
    return account


@contextmanager
def serving_tls(cert: trustme.LeafCert, ca: trustme.CA, where: Path) -> Iterator[tuple[str, Path]]:
    """The reference server on https with ``cert`` (trustme); its URL and the CA's PEM file."""
    cert_file, key_file, ca_file = (where / n for n in ("cert.pem", "key.pem", "ca.pem"))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    config = ServerConfig(password_cost=TEST_PASSWORD_COST)
    server = ThreadedServer(config, tls=(str(cert_file), str(key_file)))
    seed_demo(server.backend.store, now=config.clock(), password_cost=TEST_PASSWORD_COST)
    server.start()
    try:
        yield server.url, ca_file
    finally:
        server.stop()
