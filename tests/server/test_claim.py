"""Claiming: first claimer wins, atomically; the loser learns who won."""

from __future__ import annotations

import asyncio

import pytest

from rf_tui.api.errors import AlreadyClaimed
from tests.helpers import ALEX, DANA, Running, add_team


async def test_claim_wins_and_moves_the_session_back_to_active(rf: Running) -> None:
    dana = await rf.client(DANA)
    entry = (await dana.queue())[0]
    assert (await dana.session(entry.session_id)).status == "escalated"

    claimed = await dana.claim(entry.session_id, entry.id)

    assert claimed.claimed_by == rf.seed.users[DANA]
    assert claimed.claimed_by_name == "Dana Whitfield"
    assert rf.clock is not None
    assert claimed.claimed_at == rf.clock.now
    assert (await dana.session(entry.session_id)).status == "active"
    assert entry.id not in {e.id for e in await dana.queue()}


async def test_claiming_again_is_idempotent(rf: Running) -> None:
    dana = await rf.client(DANA)
    entry = (await dana.queue())[0]
    first = await dana.claim(entry.session_id, entry.id)
    assert rf.clock is not None
    rf.clock.advance(seconds=30)
    again = await dana.claim(entry.session_id, entry.id)
    assert again.claimed_at == first.claimed_at


async def test_the_loser_gets_409_naming_the_winner_and_time(rf: Running) -> None:
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    entry = (await dana.queue())[0]
    won = await alex.claim(entry.session_id, entry.id)
    with pytest.raises(AlreadyClaimed) as err:
        await dana.claim(entry.session_id, entry.id)
    assert err.value.claimed_by == rf.seed.users[ALEX]
    assert err.value.claimed_by_name == "Alex Moreno"
    assert err.value.claimed_at == won.claimed_at
    assert err.value.message == "Already claimed by Alex Moreno."


async def test_fifty_concurrent_claimers_exactly_one_wins(rf: Running) -> None:
    people = [(f"senior{i:02d}@fabrikam.example", "engineer") for i in range(50)]
    add_team(rf, "Fabrikam", ("junior@fabrikam.example", "engineer"), *people)
    junior = await rf.client("junior@fabrikam.example")
    session = await junior.create_session("Domain controller replication failing")
    handoff = await junior.hand_off(session.id, priority="urgent")
    seniors = await asyncio.gather(*(rf.client(email) for email, _ in people))

    results = await asyncio.gather(
        *(s.claim(session.id, handoff.id) for s in seniors), return_exceptions=True
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, AlreadyClaimed)]
    assert len(winners) == 1, results
    assert len(losers) == 49, [r for r in results if isinstance(r, BaseException)][:3]
    winner = winners[0]
    assert {loser.claimed_by for loser in losers} == {winner.claimed_by}
    assert {loser.claimed_by_name for loser in losers} == {winner.claimed_by_name}
