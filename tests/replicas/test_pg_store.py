"""The Postgres store on its own: two stores stand for two replicas on one database."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rf_tui.server.db import StoreUnavailable, open_store
from rf_tui.server.pg import PgStore
from rf_tui.server.seed import seed_demo
from tests.replicas.stack import Stack, install_missing

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Stack]:
    """Postgres alone, from the stack's own steps."""
    install_missing()
    with tempfile.TemporaryDirectory(prefix="rf-pg-") as root:
        pg = Stack(Path(root))
        Path(root).chmod(0o755)
        pg._init_postgres()
        pg.start_postgres()
        pg._create_database()
        try:
            yield pg
        finally:
            pg.stop()


@pytest.fixture
def stores(postgres: Stack) -> Iterator[tuple[PgStore, PgStore]]:
    a, b = open_store(postgres.db_url), open_store(postgres.db_url)
    assert isinstance(a, PgStore) and isinstance(b, PgStore)
    with a.transaction():  # each test starts from an empty database
        for table in ("steps", "handoffs", "sessions", "users", "accounts"):
            a._write(f"DELETE FROM {table}")
    yield a, b
    a.close()
    b.close()


def escalate(store: PgStore, account: str, user: str, summary: str) -> str:
    session = store.add_session(account_id=account, user_id=user, problem_summary=summary,
                                created_at=NOW, status="escalated")  # fmt: skip
    return store.add_handoff(session_id=session, account_id=account, handed_off_by=user,
                             intent="escalate", priority="normal", engineer_notes=None,
                             snapshot={}, target_user_id=None, created_at=NOW)  # fmt: skip


def test_a_claim_raced_from_two_replicas_has_one_winner(stores: tuple[PgStore, PgStore]) -> None:
    seed = seed_demo(stores[0], now=NOW, password_cost=8)
    account, sam = seed.accounts["northwind"], seed.users["sam@northwind.example"]
    claimers = [seed.users["alex@northwind.example"], seed.users["dana@northwind.example"]]
    for trial in range(20):
        handoff = escalate(stores[0], account, sam, f"Race {trial}")
        won: list[bool] = []
        start = threading.Barrier(2)

        def claim(store: PgStore, user: str, handoff: str, start: threading.Barrier,
                  won: list[bool]) -> None:  # fmt: skip
            start.wait()
            won.append(store.claim(account, handoff, user, NOW))

        threads = [
            threading.Thread(target=claim, args=(store, user, handoff, start, won))
            for store, user in zip(stores, claimers, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(won) == [False, True]


def test_a_write_on_one_replica_changes_the_version_the_other_reads(
    stores: tuple[PgStore, PgStore],
) -> None:
    a, b = stores
    seed = seed_demo(a, now=NOW, password_cost=8)
    before = b.version
    escalate(a, seed.accounts["northwind"], seed.users["sam@northwind.example"], "New")
    assert b.version != before  # b's cached queue answer is a miss now
    unchanged = b.version
    b.queue(seed.accounts["northwind"], seed.users["dana@northwind.example"], None)
    assert b.version == unchanged  # reads change nothing


def test_same_moment_escalations_keep_the_order_they_were_made_in(
    stores: tuple[PgStore, PgStore],
) -> None:
    a, b = stores
    seed = seed_demo(a, now=NOW, password_cost=8)
    account, sam = seed.accounts["northwind"], seed.users["sam@northwind.example"]
    made = [escalate(a, account, sam, f"Same moment {i}") for i in range(5)]
    queue = b.queue(account, seed.users["dana@northwind.example"], None)
    same = [row["id"] for row in queue if row["problem_summary"].startswith("Same moment")]
    assert same == made[::-1]  # newest first, ties by insertion, as on SQLite


def test_email_is_found_whatever_its_case(stores: tuple[PgStore, PgStore]) -> None:
    a, b = stores
    seed_demo(a, now=NOW, password_cost=8)
    found = b.user_by_email("Dana@NorthWind.Example")
    assert found is not None and found["email"] == "dana@northwind.example"


def test_a_postgres_restart_is_a_503_then_the_store_connects_again(
    postgres: Stack, stores: tuple[PgStore, PgStore]
) -> None:
    a, _ = stores
    seed_demo(a, now=NOW, password_cost=8)
    postgres.stop_postgres()
    try:
        with pytest.raises(StoreUnavailable):
            a.user_by_email("dana@northwind.example")
    finally:
        postgres.start_postgres()
    assert a.user_by_email("dana@northwind.example") is not None


def test_a_replica_seeding_the_demo_makes_the_other_wait_for_it(
    stores: tuple[PgStore, PgStore],
) -> None:
    """`serve --demo-seed` on two replicas at once: the second finds the demo's people."""
    a, b = stores
    waited = threading.Event()
    seen: list[bool] = []

    def second() -> None:
        with b.transaction():
            b.hold("demo seed")  # blocks while the first is seeding
            waited.set()
            seen.append(b.user_by_email("dana@northwind.example") is not None)

    with a.transaction():
        a.hold("demo seed")
        other = threading.Thread(target=second)
        other.start()
        assert not waited.wait(0.5)  # it waits: the first has not committed yet
        seed_demo(a, now=NOW, password_cost=8)
    other.join(timeout=10)
    assert seen == [True]


def test_serve_on_postgres_without_a_secret_warns_that_replicas_need_one(
    postgres: Stack,
) -> None:
    argv = [sys.executable, "-m", "rf_tui", "serve", "--port", "0", "--db", postgres.db_url]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("rf-tui server listening on ")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "no --secret: a token signed here is refused by other replicas" in err
