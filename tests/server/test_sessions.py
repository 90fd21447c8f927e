"""Who sees which session and which escalation (the read rules of docs/contract.md)."""

from __future__ import annotations

import pytest

from rf_tui.api.errors import Forbidden, Invalid, NotFound
from tests.helpers import ALEX, DANA, SAM, Running, add_team


async def test_engineers_read_a_session_while_it_is_escalated(rf: Running) -> None:
    sam, alex = await rf.client(SAM), await rf.client(ALEX)
    session = await sam.create_session(
        "Outlook search returns nothing",
        escalation_package={"steps_attempted": ["Rebuilt the index"], "dead_ends_flagged": []},
        conversation_messages=[{"role": "assistant", "content": "Try rebuilding the index."}],
    )
    with pytest.raises(NotFound):  # still the junior's own, not in transit
        await alex.session(session.id)
    await sam.hand_off(session.id)
    seen = await alex.session(session.id)
    assert seen.status == "escalated"
    assert seen.escalation_package.steps_attempted[0].description == "Rebuilt the index"
    assert seen.latest_ai_message == "Try rebuilding the index."


async def test_after_the_claim_only_the_claimer_and_owner_read_it(rf: Running) -> None:
    dana, alex, sam = await rf.client(DANA), await rf.client(ALEX), await rf.client(SAM)
    entry = (await dana.queue())[0]
    await dana.claim(entry.session_id, entry.id)
    assert (await dana.session(entry.session_id)).status == "active"
    assert (await sam.session(entry.session_id)).id == entry.session_id
    with pytest.raises(NotFound):
        await alex.session(entry.session_id)


async def test_chat_records_steps_and_needs_a_claim(rf: Running) -> None:
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    entry = (await dana.queue())[0]
    with pytest.raises(Forbidden) as err:
        await alex.chat(entry.session_id, "Let me look")
    assert "Claim" in err.value.detail
    await dana.claim(entry.session_id, entry.id)
    before = len((await dana.session(entry.session_id)).steps)
    reply = await dana.chat(entry.session_id, "Checking the adapter bindings")
    again = await dana.chat(entry.session_id, "Checking the adapter bindings")
    assert reply.content and reply.content == again.content  # deterministic
    after = await dana.session(entry.session_id)
    assert len(after.steps) == before + 4
    assert after.steps[-4].content == "Checking the adapter bindings"
    assert after.latest_ai_message == reply.content


async def test_the_handoff_carries_a_snapshot_of_the_session(rf: Running) -> None:
    sam = await rf.client(SAM)
    session = await sam.create_session(
        "Mapped drives vanish at logon",
        escalation_package={
            "steps_attempted": [{"description": "gpupdate /force", "result": "no change"}],
            "dead_ends_flagged": ["Re-mapped by hand"],
        },
    )
    handoff = await sam.hand_off(session.id, engineer_notes="Only on Wi-Fi")
    snap = handoff.snapshot
    assert snap["problem_summary"] == "Mapped drives vanish at logon"
    assert snap["steps_attempted"] == [{"description": "gpupdate /force", "result": "no change"}]
    assert snap["dead_ends_flagged"] == [{"description": "Re-mapped by hand"}]
    assert handoff.summary == "Mapped drives vanish at logon"
    assert [h.id for h in await sam.handoffs(session.id)] == [handoff.id]


async def test_parked_and_targeted_handoffs_in_the_queue(rf: Running) -> None:
    sam, dana, alex = await rf.client(SAM), await rf.client(DANA), await rf.client(ALEX)
    parked = await sam.hand_off((await sam.create_session("Parked")).id, intent="park")
    for_alex = await sam.hand_off(
        (await sam.create_session("For Alex")).id, target_user_id=rf.seed.users[ALEX]
    )
    dana_ids = {e.id for e in await dana.queue()}
    alex_ids = {e.id for e in await alex.queue()}
    assert parked.id not in dana_ids | alex_ids  # park is not an escalation
    assert for_alex.id in alex_ids and for_alex.id not in dana_ids


async def test_target_must_be_in_the_account(rf: Running) -> None:
    sam = await rf.client(SAM)
    session = await sam.create_session("Targeted elsewhere")
    with pytest.raises(Invalid):
        await sam.hand_off(session.id, target_user_id=rf.seed.users["eve@contoso.example"])


async def test_a_senior_with_a_team_sees_only_the_teams_queue(rf: Running) -> None:
    add_team(
        rf,
        "Team account",
        ("j1@t.example", "engineer", "t1"),
        ("lead1@t.example", "admin", "t1"),
        ("j2@t.example", "engineer", "t2"),
    )
    j1, j2 = await rf.client("j1@t.example"), await rf.client("j2@t.example")
    mine = await j1.hand_off((await j1.create_session("Team one's problem")).id)
    theirs = await j2.hand_off((await j2.create_session("Team two's problem")).id)
    lead = await rf.client("lead1@t.example")
    assert [e.id for e in await lead.queue()] == [mine.id]
    assert theirs.id in {e.id for e in await j2.queue()}


async def test_queue_is_newest_first_with_names_and_summaries(rf: Running) -> None:
    dana = await rf.client(DANA)
    queue = await dana.queue()
    assert [e.created_at for e in queue] == sorted((e.created_at for e in queue), reverse=True)
    assert all(e.requester == "Sam Okafor" and e.summary for e in queue)
    assert all(e.claimed_by is None for e in queue)
