"""The demo seed: Northwind MSP (dana, alex, sam, vic) and Contoso IT (eve)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rf_tui.disguise import Disguise
from rf_tui.server import assess
from rf_tui.server.auth import hash_password
from rf_tui.server.db import Store
from rf_tui.server.scenarios import CLIENTS, SCENARIOS, Scenario
from rf_tui.server.service import build_snapshot

DEMO_PASSWORD = "demo-password"  # published demo credentials

DEMO_USERS = (
    # (account, email, name, role)
    ("northwind", "dana@northwind.example", "Dana Whitfield", "admin"),
    ("northwind", "alex@northwind.example", "Alex Moreno", "engineer"),
    ("northwind", "sam@northwind.example", "Sam Okafor", "engineer"),
    ("northwind", "vic@northwind.example", "Vic Lindqvist", "viewer"),
    ("contoso", "eve@contoso.example", "Eve Tanaka", "owner"),
)


def demo_disguise() -> Disguise:
    """Stand-ins for the demo's people, clients and towns (``demo --present``).

    Named up front in a fixed order, so every take gives everyone the same
    stand-in whichever of them turns up first.
    """
    return Disguise(
        people=[name for _, _, name, _ in DEMO_USERS],
        clients=[client for client, _ in CLIENTS],
        places=[town for _, town in CLIENTS],
    )


#: Claims before this week: (days ago, hours more, seconds to the first action or None).
HISTORY: tuple[tuple[int, int, int | None], ...] = (
    (75, 3, 310),
    (62, 5, None),
    (48, 2, 240),
    (35, 6, 200),
    (29, 1, 185),
    (28, 4, 150),
    (26, 2, 170),
    (25, 6, None),
    (23, 3, 130),
    (21, 1, 140),
    (20, 5, 95),
    (18, 2, 120),
    (17, 4, 110),
    (15, 3, None),
    (14, 6, 100),
    (12, 2, 75),
    (12, 5, 90),
    (11, 1, 80),
    (9, 4, 60),
    (8, 3, 70),
)


@dataclass(frozen=True)
class DemoSeed:
    accounts: dict[str, str]  # "northwind" / "contoso" → account id
    users: dict[str, str]  # email → user id


def _escalate(
    store: Store,
    *,
    account: str,
    owner: str,
    scenario: Scenario,
    at: datetime,
    with_assessment: bool,
) -> tuple[str, str]:
    session_id = store.add_session(
        account_id=account,
        user_id=owner,
        problem_summary=scenario.summary,
        escalation_package=scenario.package(),
        conversation_messages=scenario.messages(),
        created_at=at - timedelta(minutes=20),
    )
    for i, (what, result) in enumerate(scenario.tried):
        store.add_step(
            session_id=session_id,
            account_id=account,
            step_type="diagnostic",
            content=f"{what}: {result}",
            at=at - timedelta(minutes=15 - i),
        )
    session = store.session(account, session_id)
    assert session is not None
    handoff_id = store.add_handoff(
        session_id=session_id,
        account_id=account,
        handed_off_by=owner,
        intent="escalate",
        priority=scenario.priority,
        engineer_notes=scenario.notes,
        snapshot=build_snapshot(session, store.steps(account, session_id)),
        target_user_id=None,
        created_at=at,
    )
    store.set_session_status(session_id, "escalated")
    if with_assessment:
        store.set_assessment(handoff_id, assess.assessment_for(session))
    return session_id, handoff_id


def seed_demo(store: Store, *, now: datetime, password_cost: int = 14) -> DemoSeed:
    """Create the demo accounts, users and a realistic queue, relative to ``now``."""
    accounts = {
        "northwind": store.add_account("Northwind MSP"),
        "contoso": store.add_account("Contoso IT"),
    }
    password = hash_password(DEMO_PASSWORD, cost=password_cost)
    users = {
        email: store.add_user(
            account_id=accounts[acct], email=email, name=name, role=role, password_hash=password
        )
        for acct, email, name, role in DEMO_USERS
    }
    nw, sam = accounts["northwind"], users["sam@northwind.example"]
    dana, alex = users["dana@northwind.example"], users["alex@northwind.example"]

    # Waiting in the queue; the MFA one's assessment "timed out" (stays null).
    for scenario, ago, assessed in (
        (SCENARIOS[2], timedelta(minutes=12), True),
        (SCENARIOS[1], timedelta(minutes=4), False),
        (SCENARIOS[0], timedelta(minutes=1), True),
    ):
        _escalate(
            store, account=nw, owner=sam, scenario=scenario, at=now - ago, with_assessment=assessed
        )

    # History for the metric: two claims with a first action, one without, this week.
    # Older ones only from 8 days back, so the week's figures stay those three: for the
    # 30- and 90-day figures and their trend by day (slower at first, as a team learns).
    recent = (
        (SCENARIOS[3], timedelta(days=2), dana, timedelta(seconds=45)),
        (SCENARIOS[4], timedelta(days=1), alex, timedelta(seconds=120)),
        (SCENARIOS[5], timedelta(hours=3), alex, None),
    )
    older = tuple(
        (
            SCENARIOS[3 + i % 7],
            timedelta(days=days, hours=hours),
            dana if i % 2 else alex,
            None if seconds is None else timedelta(seconds=seconds),
        )
        for i, (days, hours, seconds) in enumerate(HISTORY)
    )
    for scenario, ago, claimer, action_after in older + recent:
        session_id, handoff_id = _escalate(
            store, account=nw, owner=sam, scenario=scenario, at=now - ago, with_assessment=True
        )
        claimed_at = now - ago + timedelta(minutes=3)
        store.claim(nw, handoff_id, claimer, claimed_at)
        store.set_session_status(session_id, "active")
        if action_after is not None:
            store.add_step(
                session_id=session_id,
                account_id=nw,
                step_type="user_message",
                content="Picking this up: checking the logs first.",
                at=claimed_at + action_after,
            )

    # Another tenant's escalation: must never show up for Northwind.
    _escalate(
        store,
        account=accounts["contoso"],
        owner=users["eve@contoso.example"],
        scenario=SCENARIOS[6],
        at=now - timedelta(minutes=2),
        with_assessment=True,
    )
    return DemoSeed(accounts=accounts, users=users)
