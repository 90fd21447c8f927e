"""The viewing heartbeat ([ours]) from the client's side: outcomes, never errors, and a
backend without it asked once."""

from __future__ import annotations

import json

import pytest

from rf_tui.api.client import Client
from rf_tui.api.models import HandoffViewing
from rf_tui.api.stream import MalformedFrame, decode_event
from tests.canned import Canned, response
from tests.helpers import ALEX, DANA, Running

VIEWING = "/api/v1/ai-sessions/s1/handoffs/h1/viewing"


async def test_sent_with_who_looks_and_stopped(rf: Running) -> None:
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    entry = (await dana.queue())[0]
    await alex.viewing(entry.session_id, entry.id)
    seen = await dana.viewing(entry.session_id, entry.id)
    assert seen.status == "sent" and seen.expires_in == 30
    assert [(v.viewer_id, v.viewer_name) for v in seen.viewers] == [
        (rf.seed.users[ALEX], "Alex Moreno"),
        (rf.seed.users[DANA], "Dana Whitfield"),
    ]
    stopped = await dana.viewing(entry.session_id, entry.id, viewing=False)
    assert stopped.status == "sent"
    assert [v.viewer_name for v in stopped.viewers] == ["Alex Moreno"]
    assert dana.presence is True


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(response(404, '{"detail": "Not Found"}'), id="404"),
        pytest.param(response(405, '{"detail": "Method Not Allowed"}'), id="405"),
        pytest.param(response(501, ""), id="501"),
        pytest.param(response(404, "<h1>Not Found</h1>", content_type="text/html"), id="404-page"),
    ],
)
async def test_a_backend_without_it_is_asked_once(raw: bytes) -> None:
    async with Canned({VIEWING: raw}) as server, Client(server.url, token="t") as client:
        first = await client.viewing("s1", "h1")
        later = [await client.viewing("s1", "h1"), await client.viewing("s1", "h1", viewing=False)]
    assert first.status == "unsupported" and first.problem
    assert [o.status for o in later] == ["unsupported", "unsupported"]
    assert client.presence is False
    assert [path for path, _ in server.requests] == [VIEWING]  # never asked again


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(response(500, '{"detail": "boom"}'), "failed", id="500"),
        pytest.param(response(401, '{"detail": "expired"}'), "failed", id="401"),
        pytest.param(response(200, "[]"), "sent", id="an-odd-answer"),
        pytest.param(response(200, '{"viewers": "Alex"}'), "sent", id="viewers-not-a-list"),
        pytest.param(response(200, "not json"), "failed", id="not-json"),
    ],
)
async def test_anything_else_is_an_outcome_not_an_error(raw: bytes, status: str) -> None:
    async with Canned({VIEWING: raw}) as server, Client(server.url, token="t") as client:
        outcomes = [await client.viewing("s1", "h1"), await client.viewing("s1", "h1")]
    assert [o.status for o in outcomes] == [status, status]
    assert all(o.viewers == () for o in outcomes)
    assert len(server.requests) == 2  # a failure is tried again at the next heartbeat


async def test_ids_are_one_path_segment_each() -> None:
    async with Canned() as server, Client(server.url, token="t") as client:
        await client.viewing("../../users", "me?x")
    ((path, _),) = server.requests
    assert path == "/api/v1/ai-sessions/..%2F..%2Fusers/handoffs/me%3Fx/viewing"


def test_the_event_is_read_loosely() -> None:
    event = decode_event(
        "handoff_viewing",
        json.dumps(
            {
                "type": "handoff_viewing",
                "handoff_id": "h1",
                "session_id": "s1",
                "viewer_id": "u-alex",
                "viewer_name": "Alex Moreno",
                "viewing": True,
                "expires_in": 30,
                "something_new": [1, 2],
            }
        ),
    )
    assert event == HandoffViewing(
        handoff_id="h1", session_id="s1", viewer_id="u-alex", viewer_name="Alex Moreno",
        viewing=True, expires_in=30.0,
    )  # fmt: skip
    bare = decode_event("handoff_viewing", '{"handoff_id": "h1", "viewer_id": 7}')
    assert bare == HandoffViewing(handoff_id="h1", viewer_id="7")  # viewing, for the default TTL
    odd = decode_event(
        "handoff_viewing",
        '{"handoff_id": "h1", "viewer_id": "u", "viewing": null, "expires_in": "soon"}',
    )
    assert isinstance(odd, HandoffViewing) and odd.viewing and odd.expires_in is None
    stopped = decode_event(
        "handoff_viewing", '{"handoff_id": "h1", "viewer_id": "u", "viewing": false}'
    )
    assert isinstance(stopped, HandoffViewing) and not stopped.viewing


@pytest.mark.parametrize(
    "data",
    [
        '{"handoff_id": "h1"}',
        '{"viewer_id": "u"}',
        '"h1"',
        '{"handoff_id": "h1", "viewer_id": "u", "viewing": "maybe"}',
    ],
)
def test_a_viewing_frame_without_what_it_is_about_is_malformed(data: str) -> None:
    with pytest.raises(MalformedFrame):
        decode_event("handoff_viewing", data)
