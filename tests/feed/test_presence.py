"""The feed's side of who is looking ([ours]): heartbeats while open, "stopped viewing"
when closed, viewers of other rows kept and lapsed, and a backend without it left alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from rf_tui.api.client import Client
from rf_tui.api.models import QueueEntry
from rf_tui.api.stream import EscalationStream, Live
from rf_tui.disguise import Disguise
from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.server.seed import DEMO_PASSWORD
from tests.feed.test_feed import Recorder, running_feed
from tests.helpers import ALEX, DANA, FakeClock, Running, count_requests, wait_for
from tests.hostile.server import API, T0, Hostile, frame

QUICK = 0.1  # seconds between heartbeats here (10 in the app)


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def feeds(running: Running, *emails: str, **kw: object) -> AsyncIterator[list[Feed]]:
    """A live, loaded feed per senior, each with its own client, heartbeats every QUICK s."""
    async with AsyncExitStack() as stack:
        made = []
        for email in emails:
            client = await stack.enter_async_context(Client(running.url))
            await client.login(email, DEMO_PASSWORD)
            stream = EscalationStream(client, backoff_base=0.05, backoff_cap=0.2)
            feed = Feed(client, kw.pop("sink", Recorder()), stream=stream,  # type: ignore[arg-type]
                        clock=FakeClock(), viewing_every=QUICK, **kw)  # type: ignore[arg-type]  # fmt: skip
            await stack.enter_async_context(running_feed(feed))
            made.append(feed)
        for feed in made:
            await wait_for(lambda f=feed: f.loaded and isinstance(f.state, Live), what="live")  # type: ignore[misc]
        yield made


def looking(handoff_id: str, viewer_id: str, name: str) -> bytes:
    data = {"handoff_id": handoff_id, "viewer_id": viewer_id, "viewer_name": name, "viewing": True}
    return frame("handoff_viewing", data)


def first_row(feed: Feed) -> QueueEntry:
    return feed.queue.ordered()[0]


async def test_one_seniors_open_handoff_shows_on_the_others_row_and_goes_when_closed(
    rf: Running,
) -> None:
    async with feeds(rf, DANA, ALEX) as (dana, alex):
        row = first_row(dana)
        dana.start_viewing(row)
        await wait_for(lambda: alex.viewers(row.id) == ("Dana Whitfield",), timeout=1,
                       what="Dana on Alex's row")  # fmt: skip
        assert dana.viewers(row.id) == ()  # never oneself
        assert any(row.id in e.handoff_ids for e in alex.sink.of(ev.ViewersChanged))  # type: ignore[attr-defined]
        dana.stop_viewing(row.id)
        await wait_for(lambda: alex.viewers(row.id) == (), timeout=1, what="gone at once")
        await wait_for(lambda: not rf.backend.viewers, what="the server to forget her")


async def test_heartbeats_repeat_while_open_and_stop_with_one_delete(rf: Running) -> None:
    async with feeds(rf, DANA) as (dana,):
        sent: list[str] = []

        async def method(request):  # type: ignore[no-untyped-def]
            if request.url.path.endswith("/viewing"):
                sent.append(request.method)

        dana.client.http.event_hooks["request"].append(method)
        row = first_row(dana)
        dana.start_viewing(row)
        await wait_for(lambda: sent.count("POST") >= 3, what="three heartbeats")
        dana.stop_viewing(row.id)
        await wait_for(lambda: "DELETE" in sent, timeout=1, what="stopped viewing")
        await asyncio.sleep(3 * QUICK)
    assert sent[-1] == "DELETE" and sent.count("DELETE") == 1
    assert not rf.backend.viewers


async def test_the_others_heartbeat_answer_names_who_was_already_there(rf: Running) -> None:
    """Alex opened it before Dana's stream was up: her own heartbeat's answer names him."""
    alex = await rf.client(ALEX)
    entry = (await alex.queue())[0]
    await alex.viewing(entry.session_id, entry.id)  # no stream of Dana's hears this
    async with feeds(rf, DANA) as (dana,):
        assert dana.viewers(entry.id) == ()
        row = dana.queue.get(entry.id)
        assert row is not None
        dana.start_viewing(row)
        await wait_for(lambda: dana.viewers(entry.id) == ("Alex Moreno",), what="the answer")


async def test_a_row_that_leaves_the_queue_stops_the_heartbeat(rf: Running) -> None:
    async with feeds(rf, DANA, ALEX) as (dana, alex):
        row = first_row(dana)
        dana.start_viewing(row)
        await wait_for(lambda: alex.viewers(row.id) != (), timeout=1, what="Dana viewing")
        sent = count_requests(dana.client, "/viewing")
        await dana.claim(row)  # hers now: nobody else's queue has it
        await wait_for(lambda: not rf.backend.viewers, timeout=1, what="stopped viewing")
        await asyncio.sleep(3 * QUICK)
        assert len(sent) == 1  # the DELETE, and no heartbeat after it
        dana.stop_viewing(row.id)  # the screen closes later: nothing more to say
        await asyncio.sleep(2 * QUICK)
        assert len(sent) == 1


async def test_closed_and_opened_again_at_once_keeps_viewing(rf: Running) -> None:
    async with feeds(rf, DANA, ALEX) as (dana, alex):
        row = first_row(dana)
        dana.start_viewing(row)
        await wait_for(lambda: alex.viewers(row.id) != (), timeout=1, what="Dana viewing")
        dana.stop_viewing(row.id)
        dana.start_viewing(row)  # before the DELETE has gone out
        await asyncio.sleep(5 * QUICK)
        assert alex.viewers(row.id) == ("Dana Whitfield",)
        assert [v.name for v in rf.backend.viewers.of(
            rf.seed.accounts["northwind"], row.id, rf.clock())] == ["Dana Whitfield"]  # type: ignore[misc]  # fmt: skip


async def test_a_handoff_not_in_the_queue_is_not_announced(rf: Running) -> None:
    async with feeds(rf, DANA) as (dana,):
        row = first_row(dana)
        sent = count_requests(dana.client, "/viewing")
        dana.start_viewing(row.model_copy(update={"id": "claimed-earlier"}))  # `r`: reopened
        await asyncio.sleep(2 * QUICK)
        dana.stop_viewing("claimed-earlier")
        assert sent == []


async def test_the_names_are_disguised_in_presenter_mode(rf: Running) -> None:
    disguise = Disguise(people=["Dana Whitfield", "Alex Moreno"])
    async with feeds(rf, ALEX, disguise=disguise) as (alex,):
        dana = await rf.client(DANA)
        row = first_row(alex)
        await dana.viewing(row.session_id, row.id)
        await wait_for(lambda: alex.viewers(row.id) != (), what="Dana viewing")
        (shown,) = alex.viewers(row.id)
        assert shown == disguise.person("Dana Whitfield") and "Dana" not in shown


async def test_a_backend_without_it_is_asked_once_and_nobody_is_told() -> None:
    async with Hostile() as hostile:
        seen = Recorder()
        async with Client(hostile.url, "token") as client:
            feed = Feed(client, seen, clock=FakeClock(T0), viewing_every=QUICK,
                        stream=EscalationStream(client, backoff_base=0.05))  # fmt: skip
            async with running_feed(feed):
                await wait_for(lambda: len(feed.queue) == 3, what="the queue")
                row = first_row(feed)
                feed.start_viewing(row)
                await asyncio.sleep(3 * QUICK)
                feed.stop_viewing(row.id)
                feed.start_viewing(row)  # opened again: not asked again
                await asyncio.sleep(2 * QUICK)
                feed.stop_viewing(row.id)
        viewing = [r for r in hostile.requests if r[1].endswith("/viewing")]
        assert [(method, path) for method, path, _ in viewing] == [
            ("POST", f"{API}/ai-sessions/s1/handoffs/h1/viewing")
        ]
        assert client.presence is False
        assert not seen.of(ev.Trouble) and not seen.of(ev.ViewersChanged)


async def test_viewers_heard_on_the_stream_lapse_on_our_own_clock() -> None:
    """The server's "stopped viewing" can be lost like any event: 30 s without a
    heartbeat and the row says nobody, on a clock no server or presenter can stop."""
    mono = Monotonic()
    async with Hostile() as hostile:
        seen = Recorder()
        async with Client(hostile.url, "token") as client:
            feed = Feed(client, seen, clock=FakeClock(T0), monotonic=mono,
                        stream=EscalationStream(client, backoff_base=0.05))  # fmt: skip
            async with running_feed(feed):
                await wait_for(lambda: isinstance(feed.state, Live) and feed.loaded, what="live")
                await hostile.push(looking("h2", "u-alex", "Alex Moreno"))
                await hostile.push(looking("h3", "u-dana", "Dana"))  # me, in another terminal
                await wait_for(lambda: len(feed.presence) == 2, what="both heard")
                assert feed.viewers("h2") == ("Alex Moreno",) and feed.viewers("h3") == ()
                mono.now += 29.9
                assert feed.expire_viewers() == set() and feed.viewers("h2") != ()
                mono.now += 0.1
                assert feed.viewers("h2") == ()
                assert feed.expire_viewers() == {"h2"}
        changed = [e.handoff_ids for e in seen.of(ev.ViewersChanged)]  # type: ignore[attr-defined]
        assert changed == [("h2",)]  # not for my own


async def test_a_garbled_viewing_frame_costs_no_queue_refetch() -> None:
    """A broken `handoff_created` may have hidden an arrival, so it costs a refetch; a
    broken `handoff_viewing` hid nothing of the queue."""
    async with Hostile() as hostile, Client(hostile.url, "token") as client:
        stream = EscalationStream(client, backoff_base=0.05)
        feed = Feed(client, Recorder(), clock=FakeClock(T0), stream=stream)
        asked: list[str] = []
        feed.refetch = lambda: asked.append("refetch")  # type: ignore[method-assign]
        async with running_feed(feed):
            await wait_for(lambda: isinstance(feed.state, Live) and feed.loaded, what="live")
            asked.clear()  # the backfill after `ready`
            await hostile.push(frame("handoff_viewing", {"viewer_id": "u-alex"}))
            await hostile.push(frame("handoff_viewing", '{"handoff_id": "h1", "viewer'))
            await hostile.push(looking("h2", "u-alex", "Alex"))  # read after both
            await wait_for(lambda: feed.viewers("h2") == ("Alex",), what="the good frame")
            assert stream.malformed_frames == 2 and stream.unknown_events == 0
            assert asked == []
            await hostile.push(frame("handoff_created", {"handoff_id": "h9"}))  # no session_id
            await wait_for(lambda: asked == ["refetch"], what="the refetch a broken arrival costs")
