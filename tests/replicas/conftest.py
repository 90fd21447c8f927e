"""The replicated stack (stack.py), one per test module: starting it takes seconds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from rf_tui.server.pg import PgStore
from rf_tui.server.seed import DemoSeed, seed_demo
from tests.helpers import TEST_PASSWORD_COST, Running
from tests.replicas.stack import Stack, stack

#: Claim racers, as in the issue: 100 concurrent claims.
SENIORS = 100


@pytest.fixture(scope="module")
def replicas() -> Iterator[Stack]:
    with stack(seniors=SENIORS) as up:
        yield up


class Balanced(Running):
    """``Running``, but the server is the balancer in front of the two replicas: the
    tests written for one reference server run unchanged across both. No fake clock
    here (each replica has its own real one); ``backend.store`` is the shared
    Postgres, for the tests that add a team."""

    def __init__(self, stack: Stack, seed: DemoSeed, store: PgStore) -> None:
        self._stack, self._store = stack, store
        self.seed, self.clock, self._clients = seed, None, []

    @property
    def url(self) -> str:
        return self._stack.url

    @property
    def backend(self) -> SimpleNamespace:
        return SimpleNamespace(store=self._store)


@pytest.fixture(scope="module")
def balanced_stack() -> Iterator[Stack]:
    with stack() as up:
        yield up


@pytest.fixture
def running(balanced_stack: Stack) -> Iterator[Balanced]:
    """Each test starts from the demo seed alone, as on a fresh reference server."""
    store = PgStore(balanced_stack.db_url)
    try:
        with store.transaction():
            store._write("TRUNCATE steps, handoffs, sessions, users, accounts CASCADE")
        seed = seed_demo(store, now=datetime.now(timezone.utc), password_cost=TEST_PASSWORD_COST)
        yield Balanced(balanced_stack, seed, store)
    finally:
        store.close()
