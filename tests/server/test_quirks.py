"""`rf-tui serve --quirk`: each quirk as it shows on the wire, off a real socket."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import ApiError, WrongAddress
from rf_tui.cli import main, parser
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import KINDS, Quirks, UnknownQuirk
from tests.helpers import ALEX, DANA, SAM, FakeClock, Running, start_server, wait_for
from tests.server.test_stream import raw_stream

NAIVE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")


def quirky(clock: FakeClock, *specs: str) -> ServerConfig:
    return ServerConfig(clock=clock, assessment_delay=0.05, quirks=Quirks.parse(specs))


async def escalate(running: Running, summary: str = "Printer offline") -> tuple[str, str]:
    sam = await running.client(SAM)
    session = await sam.create_session(summary)
    handoff = await sam.hand_off(session.id, priority="high")
    return session.id, handoff.id


def times_in(value: Any) -> list[str]:
    """Every value under a key ending in _at, anywhere in a JSON document."""
    if isinstance(value, list):
        return [t for item in value for t in times_in(item)]
    if isinstance(value, dict):
        return [
            t
            for key, item in value.items()
            for t in ([item] if key.endswith("_at") and item else times_in(item))
        ]
    return []


async def call(method: str, url: str, token: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient() as http:
        return await http.request(method, url, headers=headers)


async def get(running: Running, token: str | None, path: str) -> httpx.Response:
    return await call("GET", f"{running.url}/api/v1{path}", token)


# ── Naming them ──────────────────────────────────────────────────────────────


def test_quirks_parse_and_name_themselves() -> None:
    specs = ["naive-times", "path-prefix=/rf/", "clock-skew=-90", "slow=250", "bad-row"]
    quirks = Quirks.parse(specs)
    assert quirks.path_prefix == "/rf" and quirks.clock_skew == -90 and quirks.slow_ms == 250
    assert quirks.names() == ["naive-times", "path-prefix=/rf", "bad-row", "clock-skew=-90",
                              "slow=250"]  # fmt: skip
    assert Quirks.parse(quirks.names()) == quirks
    assert not Quirks() and quirks


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("slow-stream", "unknown quirk 'slow-stream'; the known ones are: naive-times, "),
        ("slow", "slow needs a value: slow=MS"),
        ("slow=-5", "slow needs a number of at least 0"),
        ("clock-skew=soon", "clock-skew needs a number, not 'soon'"),
        ("naive-times=yes", "naive-times takes no value"),
        ("path-prefix=/a b", "path-prefix needs a path such as /rf"),
    ],
)
def test_a_quirk_that_does_not_exist_or_fit_says_so(spec: str, says: str) -> None:
    with pytest.raises(UnknownQuirk, match=re.escape(says)):
        Quirks.parse([spec])


def test_serve_lists_the_quirks_and_refuses_an_unknown_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["serve", "--quirk", "teapot"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "unknown quirk 'teapot'; the known ones are:" in err
    assert all(kind.usage in err for kind in KINDS)
    serve_help = next(
        action.choices["serve"].format_help()
        for action in parser()._actions
        if isinstance(action.choices, dict) and "serve" in action.choices
    )
    assert all(kind.usage in serve_help for kind in KINDS)


def test_no_claim_events_flag_is_the_quirk() -> None:
    args = parser().parse_args(["serve", "--no-claim-events", "--quirk", "slow=5"])
    assert Quirks.parse(args.quirk) == Quirks(no_claim_events=True, slow_ms=5)


# ── On the wire ──────────────────────────────────────────────────────────────


class TestNaiveTimes:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "naive-times")

    async def test_every_time_lacks_a_zone(self, rf: Running) -> None:
        dana, alex = await rf.client(DANA), await rf.client(ALEX)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.frames()), what="ready")
            session_id, handoff_id = await escalate(rf)
            await alex.claim(session_id, handoff_id)
            await wait_for(lambda: bool(raw.events("handoff_claimed")), what="the claim")
        queue = (await get(rf, dana.token, "/ai-sessions/queue")).json()
        claim = f"{rf.url}/api/v1/ai-sessions/{session_id}/handoffs/{handoff_id}/claim"
        lost = await call("POST", claim, dana.token)
        assert lost.status_code == 409
        handoffs = (await get(rf, alex.token, f"/ai-sessions/{session_id}/handoffs")).json()
        seen = [
            *times_in(queue),
            *times_in(lost.json()),
            *times_in(handoffs),
            *times_in([data for _, data in raw.frames()]),
        ]
        assert len(seen) >= 3 + 1 + 2 + 2  # queue rows, the 409, created and claimed, events
        assert all(NAIVE.fullmatch(t) for t in seen), seen
        # The zone is gone, not the instant: the server's clock is UTC.
        assert rf.clock is not None
        newest = rf.clock.now - timedelta(minutes=1)
        assert queue[0]["created_at"] == newest.strftime("%Y-%m-%dT%H:%M:%S.000")


class TestClockSkew:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "clock-skew=3600")

    async def test_times_and_the_date_header_run_an_hour_ahead(self, rf: Running) -> None:
        assert rf.clock is not None
        dana = await rf.client(DANA)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.frames()), what="ready")
            await escalate(rf)
            await wait_for(lambda: bool(raw.events("handoff_created")), what="the arrival")
        ahead = rf.clock.now + timedelta(hours=1)
        created = raw.events("handoff_created")[0]["created_at"]
        assert datetime.fromisoformat(str(created)) == ahead
        answer = await get(rf, dana.token, "/ai-sessions/queue")
        assert datetime.fromisoformat(answer.json()[0]["created_at"]) == ahead
        assert answer.headers.get_list("date") == [answer.headers["date"]]  # only the skewed one
        assert parsedate_to_datetime(answer.headers["date"]) == ahead.replace(microsecond=0)


class TestNoMetrics:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "no-metrics")

    async def test_the_metric_is_not_found_and_the_rest_answers(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        answer = await get(rf, dana.token, "/analytics/flowpilot/escalations?period=7d")
        assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
        assert len(await dana.queue()) == 3
        with pytest.raises(ApiError, match=r"^Not offered by this server: it answers 404\.$"):
            await dana.metrics()


class TestNoPresence:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "no-presence")

    async def test_the_heartbeat_is_not_found_and_nothing_is_announced(self, rf: Running) -> None:
        dana, alex = await rf.client(DANA), await rf.client(ALEX)
        entry = (await dana.queue())[0]
        viewing = f"{rf.url}/api/v1/ai-sessions/{entry.session_id}/handoffs/{entry.id}/viewing"
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.frames()), what="ready")
            for method in ("POST", "DELETE", "PUT"):
                answer = await call(method, viewing, alex.token)
                assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
            await escalate(rf)  # a marker: what was sent before it has come
            await wait_for(lambda: bool(raw.events("handoff_created")), what="the marker")
        assert raw.events("handoff_viewing") == []
        assert not rf.backend.viewers  # it never reached the server
        assert (await alex.viewing(entry.session_id, entry.id)).status == "unsupported"
        assert len(await dana.queue()) == 4  # the rest answers


class TestPathPrefix:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "path-prefix=/rf/v2")

    async def test_the_api_lives_under_the_prefix_only(self, rf: Running) -> None:
        assert rf.url.endswith(f":{rf.server.port}/rf/v2")
        dana = await rf.client(DANA)  # the client pointed at http://host:port/rf/v2
        assert len(await dana.queue()) == 3
        root = rf.url.removesuffix("/rf/v2")
        assert (await call("GET", f"{root}/api/v1/users/me", dana.token)).status_code == 404
        assert (await call("GET", f"{root}/rf/api/v1/users/me", dana.token)).status_code == 404
        assert (await call("GET", f"{rf.url}/api/v1/users/me", dana.token)).status_code == 200
        assert (await call("GET", f"{rf.url}/openapi.json")).status_code == 200
        async with Client(root, dana.token) as beside:  # the prefix left out
            with pytest.raises(WrongAddress, match="does not look like the ResolutionFlow API"):
                await beside.me()
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.frames()), what="ready")


class TestBufferedStream:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "buffered-stream")

    async def test_frames_are_held_until_the_stream_ends(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: raw.status == 200, what="the headers, which pass at once")
            assert raw.headers is not None
            assert raw.headers["content-type"].startswith("text/event-stream")
            await escalate(rf)
            # Sent by the server: the arrival and its assessment.
            await wait_for(lambda: rf.backend.bus.delivered == 2, what="the events to be sent")
            with pytest.raises(AssertionError, match="timed out"):
                await wait_for(lambda: bool(raw.lines), timeout=0.5, what="a held frame")
            rf.server.stop()  # the stream ends: the proxy lets go of what it held
            await wait_for(lambda: len(raw.frames()) == 3, what="the held frames")
        events = [event for event, _ in raw.frames()]
        assert events == ["ready", "handoff_created", "handoff_assessment_ready"]


class TestBadRow:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "bad-row")

    async def test_one_malformed_row_among_the_good_ones(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        raw = (await get(rf, dana.token, "/ai-sessions/queue")).json()
        assert len(raw) == 4
        bad = [row for row in raw if "id" not in row]
        assert len(bad) == 1 and bad[0]["created_at"] == "yesterday, around lunch"
        assert raw[0]["created_at"] == "2026-11-23T11:59:00Z"  # the good rows as they were
        rows = await dana.queue_rows()
        assert len(rows.entries) == 3
        assert rows.skipped == ["row 2: id: Field required"]


class TestSlow:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return quirky(clock, "slow=500")

    async def test_answers_are_late_and_the_stream_s_events_are_not(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.frames()), what="ready")
            sam = await rf.client(SAM)
            session = await sam.create_session("Printer offline")
            started = time.monotonic()
            task = asyncio.create_task(sam.hand_off(session.id))
            await wait_for(lambda: bool(raw.events("handoff_created")), what="the arrival")
            assert not task.done()  # the event is out while the answer is still held back
            await task
            assert time.monotonic() - started >= 0.5


class TestNoClaimEvents:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        config = quirky(clock, "no-claim-events")
        config.assessment_delay = 60.0  # past the timeout: no assessment events in between
        return config

    async def test_claims_are_not_announced(self, rf: Running) -> None:
        dana, alex = await rf.client(DANA), await rf.client(ALEX)
        async with raw_stream(rf.url, dana.token) as raw:
            await wait_for(lambda: bool(raw.frames()), what="ready")
            session_id, handoff_id = await escalate(rf, "Claimed quietly")
            await alex.claim(session_id, handoff_id)
            await escalate(rf, "Arrives after the claim")
            await wait_for(lambda: len(raw.events("handoff_created")) == 2, what="both arrivals")
        assert [event for event, _ in raw.frames()] == ["ready", "handoff_created",
                                                        "handoff_created"]  # fmt: skip
        assert rf.backend.bus.delivered == 3  # the claim was published, and left out on the wire


async def test_a_server_without_quirks_is_not_wrapped(clock: FakeClock) -> None:
    srv = start_server(ServerConfig(clock=clock))
    try:
        dana = await srv.client(DANA)
        answer = await get(srv, dana.token, "/ai-sessions/queue")
        assert answer.json()[0]["created_at"].endswith("Z")
        dates = parsedate_to_datetime(answer.headers["date"])
        assert abs(dates - datetime.now(timezone.utc)) < timedelta(minutes=5)  # uvicorn's own
    finally:
        await srv.aclose()
        srv.server.stop()
