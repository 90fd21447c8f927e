"""The feed's side of Mine: where my claims stand, and claims made as me elsewhere."""

from __future__ import annotations

import pytest

from rf_tui.api.client import Client
from rf_tui.api.models import Me
from rf_tui.api.stream import Live
from rf_tui.feed import events as ev
from rf_tui.feed.feed import STANDINGS_AT_ONCE, Feed
from rf_tui.server.config import ServerConfig
from tests.feed.test_feed import Recorder, running_feed
from tests.helpers import ALEX, DANA, SAM, FakeClock, Running, count_requests, wait_for


async def test_each_standing_as_the_server_tells_it(rf: Running) -> None:
    assert rf.clock is not None
    dana, sam, alex = await rf.client(DANA), await rf.client(SAM), await rf.client(ALEX)
    feed = Feed(dana, Recorder(), clock=rf.clock)
    feed.me = await dana.me()
    vpn, mfa, ad = sorted(await dana.queue(), key=lambda e: e.created_at, reverse=True)
    for entry in (vpn, mfa, ad):
        await dana.claim(entry.session_id, entry.id)
    rf.clock.advance(seconds=30)
    await dana.chat(mfa.session_id, "Calling her now")  # a first action after the claim
    await sam.hand_off(ad.session_id)  # escalated again...
    again = next(e for e in await alex.queue() if e.session_id == ad.session_id)
    await alex.claim(ad.session_id, again.id)  # ...and Alex took that one

    claims = [(e.id, e.session_id) for e in (vpn, mfa, ad)] + [("h-x", "s-x")]
    found = {s.handoff_id: s async for s in feed.standings(claims)}
    assert found[vpn.id].text() == "still yours, no action yet"
    assert found[mfa.id].text() == "still yours, first action sent"
    assert found[ad.id].text() == "escalated again, claimed by Alex Moreno"
    assert found["h-x"].standing == "gone" and found["h-x"].handoff is None
    assert found[vpn.id].handoff is not None and found[vpn.id].handoff.summary == vpn.summary


async def test_another_seniors_claim_shows_as_gone_not_as_mine(rf: Running) -> None:
    """Their session answers 404 to me: the server hides it, so Mine says it is gone."""
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    feed = Feed(dana, Recorder(), clock=rf.clock or FakeClock())
    feed.me = await dana.me()
    entry = (await alex.queue())[0]
    await alex.claim(entry.session_id, entry.id)
    state = await feed.standing(entry.id, entry.session_id)
    assert state.standing == "gone" and state.reason and "not found" in state.reason


async def test_an_unreachable_server_is_asked_a_few_times_not_once_per_claim() -> None:
    async with Client("http://127.0.0.1:9", "token", deadline=2.0) as client:
        sent = count_requests(client, "/handoffs")
        feed = Feed(client, Recorder(), clock=FakeClock())
        feed.me = Me(id="u1", name="Dana")
        claims = [(f"h{i}", f"s{i}") for i in range(30)]
        found = [s async for s in feed.standings(claims)]
    assert len(found) == 30 and {s.standing for s in found} == {"unknown"}
    assert len(sent) <= STANDINGS_AT_ONCE
    assert {s.reason for s in found} == {
        "Cannot reach the server at http://127.0.0.1:9. Is it running?"
    }


async def test_a_claim_made_as_me_from_another_client_is_told(rf: Running) -> None:
    seen = Recorder()
    dana = await rf.client(DANA)
    feed = Feed(dana, seen, clock=rf.clock or FakeClock())
    async with running_feed(feed):
        await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
        first, second = feed.queue.entries()[:2]
        await feed.claim(first)  # this feed's own claim: not news
        elsewhere = await rf.client(DANA)  # the same senior, another terminal
        await elsewhere.claim(second.session_id, second.id)
        await wait_for(lambda: bool(seen.of(ev.ClaimedByMe)), what="the claim event")
    told = seen.of(ev.ClaimedByMe)
    assert len(told) == 1
    handoff = told[0].handoff  # type: ignore[union-attr]
    assert handoff.id == second.id and handoff.summary == second.summary
    assert feed.me is not None and handoff.claimed_by == feed.me.id
    assert handoff.claimed_at is not None


class TestWithoutClaimEvents:
    """A backend that sends no claim events: a claim made as me elsewhere is found when
    the rows that left while I was away are looked up."""

    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, announce_claims=False)

    async def test_a_claim_made_as_me_while_away_is_told(self, rf: Running) -> None:
        seen = Recorder()
        dana = await rf.client(DANA)
        feed = Feed(dana, seen, clock=rf.clock or FakeClock())
        feed.away.away_after = 0.0
        async with running_feed(feed):
            await wait_for(lambda: feed.loaded and isinstance(feed.state, Live), what="live")
            target = feed.queue.entries()[0]
            feed.blurred()
            elsewhere = await rf.client(DANA)
            await elsewhere.claim(target.session_id, target.id)
            feed.refetch()
            await wait_for(lambda: target.id not in feed.queue, what="the refetch")
            feed.focused()
            await wait_for(lambda: bool(seen.of(ev.ClaimedByMe)), what="the lookup")
        told = seen.of(ev.ClaimedByMe)
        assert [e.handoff.id for e in told] == [target.id]  # type: ignore[union-attr]
