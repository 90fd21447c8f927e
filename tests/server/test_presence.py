"""Who is looking ([ours]): the viewing heartbeat, its answer and its stream events.

`POST …/handoffs/{hid}/viewing` every 10 s while a senior has a handoff open, counting
for 30 s; `DELETE` when it closes; `handoff_viewing` on the stream for each.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from rf_tui.server.config import ServerConfig
from rf_tui.server.presence import Viewers
from tests.helpers import ALEX, DANA, EVE, SAM, VIC, FakeClock, Running, wait_for
from tests.server.test_stream import raw_stream


def path(url: str, session_id: str, handoff_id: str) -> str:
    return f"{url}/api/v1/ai-sessions/{session_id}/handoffs/{handoff_id}/viewing"


async def call(method: str, url: str, token: str | None) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.request(method, url, headers={"authorization": f"Bearer {token}"})


async def a_queue_row(running: Running) -> tuple[str, str]:
    dana = await running.client(DANA)
    entry = (await dana.queue())[0]
    return entry.session_id, entry.id


def viewing_events(raw) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return raw.events("handoff_viewing")


async def test_a_heartbeat_is_announced_and_answered_with_who_looks(rf: Running) -> None:
    sid, hid = await a_queue_row(rf)
    dana, alex, sam = await rf.client(DANA), await rf.client(ALEX), await rf.client(SAM)
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        first = await call("POST", path(rf.url, sid, hid), alex.token)
        await wait_for(lambda: len(viewing_events(raw)) == 1, what="Alex's heartbeat")
        second = await call("POST", path(rf.url, sid, hid), sam.token)
        await wait_for(lambda: len(viewing_events(raw)) == 2, what="Sam's heartbeat")
    assert first.status_code == 200
    alex_id, sam_id = rf.seed.users[ALEX], rf.seed.users[SAM]
    assert first.json() == {
        "handoff_id": hid,
        "session_id": sid,
        "viewers": [{"viewer_id": alex_id, "viewer_name": "Alex Moreno"}],
        "expires_in": 30,
    }
    # The answer lists everyone looking, first comer first, the caller too.
    assert [v["viewer_name"] for v in second.json()["viewers"]] == ["Alex Moreno", "Sam Okafor"]
    assert viewing_events(raw)[0] == {
        "type": "handoff_viewing",
        "handoff_id": hid,
        "session_id": sid,
        "viewer_id": alex_id,
        "viewer_name": "Alex Moreno",
        "viewing": True,
        "expires_in": 30,
    }
    assert viewing_events(raw)[1]["viewer_id"] == sam_id


async def test_every_heartbeat_is_announced_so_a_late_stream_learns_within_one(
    rf: Running,
) -> None:
    sid, hid = await a_queue_row(rf)
    alex = await rf.client(ALEX)
    await call("POST", path(rf.url, sid, hid), alex.token)
    dana = await rf.client(DANA)
    async with raw_stream(rf.url, dana.token) as raw:  # connects after the first heartbeat
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        await call("POST", path(rf.url, sid, hid), alex.token)  # the next one, 10 s on
        await wait_for(lambda: bool(viewing_events(raw)), what="the next heartbeat")
    assert viewing_events(raw)[0]["viewing"] is True


async def test_stopped_viewing_is_announced_at_once_and_only_once(rf: Running) -> None:
    sid, hid = await a_queue_row(rf)
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        await call("POST", path(rf.url, sid, hid), alex.token)
        stopped = await call("DELETE", path(rf.url, sid, hid), alex.token)
        again = await call("DELETE", path(rf.url, sid, hid), alex.token)  # nothing to say
        await call("POST", path(rf.url, sid, hid), dana.token)  # a marker after both
        await wait_for(lambda: len(viewing_events(raw)) == 3, what="the marker")
    assert stopped.status_code == again.status_code == 200
    assert stopped.json()["viewers"] == []
    said = [(e["viewer_name"], e["viewing"]) for e in viewing_events(raw)]
    assert said == [("Alex Moreno", True), ("Alex Moreno", False), ("Dana Whitfield", True)]


async def test_a_viewer_not_heard_from_for_30_s_is_announced_gone(rf: Running) -> None:
    """A client that died says nothing: the server's clock says it for it."""
    assert rf.clock is not None
    sid, hid = await a_queue_row(rf)
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        await call("POST", path(rf.url, sid, hid), alex.token)
        await wait_for(lambda: len(viewing_events(raw)) == 1, what="the heartbeat")
        rf.clock.advance(seconds=29)
        await asyncio.sleep(1.5)  # a sweep or more: 29 s is not yet gone
        assert len(viewing_events(raw)) == 1
        rf.clock.advance(seconds=1.5)
        await wait_for(lambda: len(viewing_events(raw)) == 2, timeout=3, what="the expiry")
    gone = viewing_events(raw)[1]
    assert (gone["viewer_name"], gone["viewing"], gone["handoff_id"]) == ("Alex Moreno", False, hid)
    answer = await call("DELETE", path(rf.url, sid, hid), dana.token)
    assert answer.json()["viewers"] == []
    assert not rf.backend.viewers  # nothing kept in memory, and the sweeper has stopped
    await wait_for(lambda: not rf.backend._sweeping, timeout=3, what="the sweeper to stop")


async def test_a_heartbeat_keeps_the_viewer_past_the_first_30_s(rf: Running) -> None:
    assert rf.clock is not None
    sid, hid = await a_queue_row(rf)
    alex = await rf.client(ALEX)
    for _ in range(4):  # 40 s of heartbeats, 10 s apart
        answer = await call("POST", path(rf.url, sid, hid), alex.token)
        rf.clock.advance(seconds=10)
    assert [v["viewer_name"] for v in answer.json()["viewers"]] == ["Alex Moreno"]


@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_who_may_say_they_are_looking(rf: Running, method: str) -> None:
    sid, hid = await a_queue_row(rf)
    vic, eve = await rf.client(VIC), await rf.client(EVE)
    viewer = await call(method, path(rf.url, sid, hid), vic.token)
    assert viewer.status_code == 403 and "engineer" in viewer.json()["detail"]
    other_account = await call(method, path(rf.url, sid, hid), eve.token)
    assert other_account.status_code == 404
    nobody = await call(method, path(rf.url, sid, hid), None)
    assert nobody.status_code == 401
    alex = await rf.client(ALEX)
    wrong_session = await call(method, path(rf.url, "not-a-session", hid), alex.token)
    assert wrong_session.status_code == 404
    assert not rf.backend.viewers


async def test_other_accounts_hear_nothing(rf: Running) -> None:
    sid, hid = await a_queue_row(rf)
    eve, alex = await rf.client(EVE), await rf.client(ALEX)
    async with raw_stream(rf.url, eve.token) as contoso:
        await wait_for(lambda: bool(contoso.events("ready")), what="ready")
        await call("POST", path(rf.url, sid, hid), alex.token)
        marker = await eve.hand_off((await eve.create_session("Contoso marker")).id)
        await wait_for(lambda: bool(contoso.events("handoff_created")), what="the marker")
    assert contoso.events("handoff_created")[0]["handoff_id"] == marker.id
    assert viewing_events(contoso) == []


def test_viewers_lapse_on_the_servers_clock() -> None:
    clock = FakeClock()
    viewers = Viewers(ttl=30)
    viewers.beat("acct", "s1", "h1", "u-alex", "Alex", clock())
    clock.advance(seconds=20)
    viewers.beat("acct", "s1", "h1", "u-sam", "Sam", clock())
    assert [v.name for v in viewers.of("acct", "h1", clock())] == ["Alex", "Sam"]
    clock.advance(seconds=10)
    assert [v.name for v in viewers.of("acct", "h1", clock())] == ["Sam"]
    assert viewers.stop("acct", "h1", "u-alex", clock()) is None  # lapsed: nothing to announce
    (gone,) = viewers.expire(clock() + timedelta(seconds=20))
    assert (gone.account_id, gone.handoff_id, gone.viewer.name) == ("acct", "h1", "Sam")
    assert not viewers


class TestAShortSweep:
    """The sweep's period is the server's own; a quicker one is still correct."""

    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, viewing_sweep_seconds=0.05)

    async def test_gone_within_a_sweep_of_the_ttl(self, rf: Running) -> None:
        assert rf.clock is not None
        sid, hid = await a_queue_row(rf)
        dana, alex = await rf.client(DANA), await rf.client(ALEX)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.events("ready")), what="ready")
            await call("POST", path(rf.url, sid, hid), alex.token)
            rf.clock.advance(seconds=31)
            await wait_for(lambda: len(viewing_events(raw)) == 2, timeout=1, what="the expiry")


async def test_a_method_it_does_not_take_names_both_it_does(rf: Running) -> None:
    sid, hid = await a_queue_row(rf)
    alex = await rf.client(ALEX)
    wrong = await call("PUT", path(rf.url, sid, hid), alex.token)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST, DELETE"
    assert wrong.json() == {"detail": "Method Not Allowed"}
    me = await call("PUT", f"{rf.url}/api/v1/users/me", alex.token)
    assert me.status_code == 405 and me.headers["allow"] == "GET"
    missing = await call("GET", f"{rf.url}/api/v1/nothing-here", alex.token)
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
