"""Presenter mode's stand-ins: stable from take to take, distinct, and thorough."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from rf_tui.api.models import Handoff, Session
from rf_tui.disguise import FAKE_PEOPLE, Disguise
from rf_tui.server.scenarios import CLIENTS
from rf_tui.server.seed import DEMO_USERS, demo_disguise

REAL = (
    "Reinstalled GlobalProtect on LT-ACCT-07 for Kestrel Logistics (Leeds office); "
    "Sam says PRINT01 at 10.0.20.15 is fine, mail sam@northwind.example"
)


def test_every_real_name_in_text_is_swapped_and_the_rest_kept() -> None:
    shown = demo_disguise().text(REAL)
    assert shown is not None
    for real in ("LT-ACCT-07", "Kestrel", "Leeds", "Sam", "PRINT01", "10.0.20.15", "northwind"):
        assert real not in shown, real
    # What a tech needs stays: the product, the words, the shape of things.
    assert shown.startswith("Reinstalled GlobalProtect on ")
    assert " office); " in shown and re.search(r"\b192\.0\.2\.\d+\b", shown)
    assert re.search(r"\b[a-z]+@example\.com$", shown)


def test_public_identifiers_are_not_mistaken_for_hosts() -> None:
    text = "KB5034441 broke M365 sign-in; QuickBooks says H202; VSS error 0x800423f4 on WIN11"
    assert demo_disguise().text(text) == text


def test_the_same_stand_ins_every_take_whatever_turns_up_first() -> None:
    first, second = demo_disguise(), demo_disguise()
    people = [name for _, _, name, _ in DEMO_USERS]
    assert [first.person(p) for p in people] == [second.person(p) for p in reversed(people)][::-1]
    assert first.text(REAL) == second.text(REAL)
    # Hosts and addresses are met as they come, so a take that meets them in
    # the same order (the same script) gets the same ones.
    assert first.text("DC01 then SRV-FS-02") == second.text("DC01 then SRV-FS-02")


def test_the_demo_cast_all_get_different_stand_ins() -> None:
    disguise = demo_disguise()
    people = {disguise.person(name) for _, _, name, _ in DEMO_USERS}
    clients = {disguise.text(client) for client, _ in CLIENTS}
    towns = {disguise.text(town) for _, town in CLIENTS}
    assert len(people) == len(DEMO_USERS) and len(clients) == len(towns) == len(CLIENTS)
    assert not people & {name for _, _, name, _ in DEMO_USERS}


def test_a_stand_in_is_never_swapped_again() -> None:
    # Real people who happen to share names with the stand-in list.
    disguise = Disguise(people=FAKE_PEOPLE[:2])
    a, b = (disguise.person(n) for n in FAKE_PEOPLE[:2])
    assert disguise.text(f"{FAKE_PEOPLE[0]} then {FAKE_PEOPLE[1]}") == f"{a} then {b}"


@given(st.lists(st.text(min_size=1, max_size=12).filter(str.strip), unique_by=str.lower))
def test_stand_ins_are_distinct_even_past_the_pool(names: list[str]) -> None:
    disguise = Disguise()
    keys = {" ".join(n.split()).lower() for n in names}
    fakes = {disguise.person(n) for n in names}
    assert len(fakes) == len(keys)


def test_a_handoff_and_its_session_keep_their_ids_and_lose_the_names() -> None:
    disguise = demo_disguise()
    handoff = Handoff.model_validate(
        {
            "id": "h-1",
            "session_id": "s-1",
            "handed_off_by_name": "Sam Okafor",
            "claimed_by_name": "Alex Moreno",
            "problem_summary": "VPN drops (Kestrel Logistics, Leeds)",
            "engineer_notes": "LT-ACCT-07 held 10 min",
            "snapshot": {"last_ai_message": "Ask Sam about 10.0.20.15", "n": 3},
            "ai_assessment_data": {"likely_cause": "PRINT01", "suggested_steps": ["Call Alex"]},
            "created_at": datetime(2026, 11, 23, tzinfo=timezone.utc),
        }
    )
    session = Session.model_validate(
        {
            "id": "s-1",
            "problem_summary": "VPN drops at Kestrel Logistics",
            "escalation_package": {
                "steps_attempted": [{"description": "Rebooted LT-ACCT-07", "result": "Sam: no"}],
                "dead_ends_flagged": [{"description": "Leeds VPN", "reason": "10.0.20.15"}],
            },
            "conversation_messages": [{"role": "user", "content": "Dana, LT-ACCT-07 again"}],
            "steps": [{"step_type": "diagnostic", "content": "pinged 10.0.20.15"}],
        }
    )
    shown = f"{disguise.handoff(handoff).model_dump()} {disguise.session(session).model_dump()}"
    for real in ("Sam", "Alex", "Dana", "Kestrel", "Leeds", "LT-ACCT-07", "10.0.20.15", "PRINT01"):
        assert real not in shown, real
    kept = disguise.handoff(handoff)
    assert (kept.id, kept.session_id, kept.snapshot["n"]) == ("h-1", "s-1", 3)
