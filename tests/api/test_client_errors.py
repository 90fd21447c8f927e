"""Every failure the client meets becomes a typed error with a plain sentence."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import (
    AlreadyClaimed,
    ApiError,
    BadResponse,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    NotSignedIn,
    RateLimited,
    ServerError,
    Unreachable,
    WrongAddress,
)
from tests.canned import Canned, response
from tests.helpers import VIC, Running

QUEUE = "/api/v1/ai-sessions/queue"
CLAIM = "/api/v1/ai-sessions/s1/handoffs/h1/claim"

CASES = [
    pytest.param(response(401, '{"detail": "Token expired"}'), NotSignedIn, id="401"),
    pytest.param(response(403, '{"detail": "Engineers only"}'), Forbidden, id="403"),
    pytest.param(response(404, '{"detail": "Not found"}'), WrongAddress, id="404-on-the-queue"),
    pytest.param(response(409, '{"detail": "Busy"}'), Conflict, id="409-plain"),
    pytest.param(response(422, '{"detail": [{"loc": ["query", "period"], "msg": "bad"}]}'), Invalid, id="422"),
    pytest.param(response(400, '{"detail": "Bad request"}'), Invalid, id="400"),
    pytest.param(response(429, "{}", headers={"retry-after": "7"}), RateLimited, id="429"),
    pytest.param(response(500, '{"detail": "boom"}'), ServerError, id="500"),
    pytest.param(response(502, "<html><h1>Bad Gateway</h1></html>", content_type="text/html"), ServerError, id="502-html"),
    pytest.param(response(503, b""), ServerError, id="503-empty"),
    pytest.param(response(504, b"upstream timed out", content_type="text/plain"), ServerError, id="504"),
    pytest.param(response(200, b'[{"id": "x", '), BadResponse, id="truncated-json"),
    pytest.param(response(200, b""), BadResponse, id="empty-200"),
    pytest.param(response(200, b'{"not": "a list"}'), BadResponse, id="not-a-list"),
    pytest.param(response(200, b"<html>login page</html>", content_type="text/html"), WrongAddress, id="html-200"),
    pytest.param(response(302, b"", headers={"location": "https://elsewhere.example/"}), BadResponse, id="redirect"),
    pytest.param(response(418, b"{}"), ApiError, id="418"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "error"), CASES)
async def test_http_failures_are_typed(raw: bytes, error: type[ApiError]) -> None:
    async with Canned({QUEUE: raw}) as server, Client(server.url, token="t0k3n") as client:
        with pytest.raises(ApiError) as err:
            await client.queue()
    assert type(err.value) is error
    assert err.value.message and err.value.message[0].isupper()
    assert "httpx" not in err.value.message and "Traceback" not in err.value.message


async def test_a_malformed_row_is_left_out_and_named_not_fatal() -> None:
    """One bad row of a real backend must not hide the rest of the queue."""
    from tests.hostile.server import entry

    rows = json.dumps([entry(1), {"id": 7}, entry(2, created_at="yesterday")])
    async with Canned({QUEUE: response(200, rows)}) as server, Client(server.url, "t") as client:
        got = await client.queue_rows()
    assert [e.id for e in got.entries] == ["h1"]
    assert got.skipped[0].startswith("row 2 (7): session_id: Field required")
    assert got.skipped[1].startswith("row 3 (h2): created_at: ")


async def test_a_long_queue_checked_in_turns_is_the_queue_checked_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The queue is checked a few hundred rows per turn of the event loop (keys and
    paints run between); what comes out, bad rows and their numbers too, is what
    one pass gives."""
    from rf_tui.api import client as client_module
    from rf_tui.api.client import PARSE_TURN, parse_rows
    from tests.hostile.server import entry

    data = [entry(i) for i in range(2 * PARSE_TURN + 7)]
    bad = (0, PARSE_TURN - 1, PARSE_TURN, 2 * PARSE_TURN + 6)  # at each turn's edges
    for at in bad:
        data[at] = {"id": f"bad{at}"}
    turns = 0
    seen_at: list[int] = []  # the loop's turn count at each chunk checked
    parse_into = client_module._parse_into

    def recording(*args: object) -> None:
        seen_at.append(turns)
        parse_into(*args)  # type: ignore[arg-type]

    async def count_turns() -> None:
        nonlocal turns
        while True:
            await asyncio.sleep(0)
            turns += 1

    monkeypatch.setattr(client_module, "_parse_into", recording)
    counter = asyncio.create_task(count_turns())
    raw = response(200, json.dumps(data))
    async with Canned({QUEUE: raw}) as server, Client(server.url, "t") as client:
        got = await client.queue_rows()
    counter.cancel()
    assert len(seen_at) == 3 and seen_at[0] < seen_at[1] < seen_at[2]  # others ran between
    monkeypatch.undo()
    assert got == parse_rows(data)
    assert len(got.entries) == len(data) - len(bad)
    assert [s.split(":")[0] for s in got.skipped] == [f"row {at + 1} (bad{at})" for at in bad]


async def test_forbidden_keeps_the_servers_detail() -> None:
    raw = response(403, '{"detail": "Claiming needs an engineer or admin role."}')
    async with Canned({QUEUE: raw}) as server, Client(server.url, token="t") as client:
        with pytest.raises(Forbidden) as err:
            await client.queue()
    assert err.value.detail == "Claiming needs an engineer or admin role."


async def test_rate_limit_carries_retry_after() -> None:
    raw = response(429, "{}", headers={"retry-after": "7"})
    async with Canned({QUEUE: raw}) as server, Client(server.url, token="t") as client:
        with pytest.raises(RateLimited) as err:
            await client.queue()
    assert err.value.retry_after == 7.0
    assert "7 s" in err.value.message


async def test_409_with_structured_detail_is_already_claimed() -> None:
    raw = response(
        409,
        '{"detail": {"message": "Already claimed", "claimed_by": "u-1",'
        ' "claimed_by_name": "Alex", "claimed_at": "2026-11-23T12:00:02Z"}}',
    )
    async with Canned({CLAIM: raw}) as server, Client(server.url, token="t") as client:
        with pytest.raises(AlreadyClaimed) as err:
            await client.claim("s1", "h1")
    assert (err.value.claimed_by, err.value.claimed_by_name) == ("u-1", "Alex")
    assert err.value.claimed_at is not None and err.value.claimed_at.second == 2


async def test_a_404_names_a_missing_thing_or_a_wrong_address() -> None:
    """The contract's 404 for an id is JSON with a detail: that escalation is gone. On a
    path every server has, or as a web server's page, it is the address that is wrong."""
    missing = response(404, '{"detail": "Not found"}')
    async with Canned({CLAIM: missing}) as server, Client(server.url, token="t") as client:
        with pytest.raises(NotFound) as gone:
            await client.claim("s1", "h1")
    assert gone.value.message == "That escalation was not found. It may have been removed."
    page = response(404, "<html><h1>404</h1></html>", content_type="text/html")
    async with Canned({CLAIM: page}) as server, Client(server.url, token="t") as client:
        with pytest.raises(WrongAddress) as wrong:
            await client.claim("s1", "h1")
    assert "does not look like the ResolutionFlow API root" in wrong.value.message
    async with Canned({}) as server, Client(server.url + "/api/v1/", token="t") as client:
        with pytest.raises(WrongAddress) as doubled:
            await client.me()
    assert f"Drop /api/v1 from the address: try {server.url}" in doubled.value.message


async def test_a_redirect_is_not_followed_and_the_token_goes_nowhere() -> None:
    async with Canned() as elsewhere:
        raw = response(307, b"", headers={"location": elsewhere.url + QUEUE})
        async with Canned({QUEUE: raw}) as server, Client(server.url, token="s3cr3t") as client:
            with pytest.raises(BadResponse) as err:
                await client.queue()
    assert elsewhere.requests == []
    assert "redirected" in err.value.message


async def test_unreachable_server() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with Client(f"http://127.0.0.1:{port}", token="t") as client:
        with pytest.raises(Unreachable) as err:
            await client.queue()
    assert (
        err.value.message == f"Cannot reach the server at http://127.0.0.1:{port}. Is it running?"
    )


async def test_a_server_that_never_answers_times_out() -> None:
    async def silent(_: asyncio.StreamWriter) -> None:
        await asyncio.Event().wait()

    async with (
        Canned({QUEUE: silent}) as server,
        Client(server.url, token="t", timeout=httpx.Timeout(0.2)) as client,
    ):
        with pytest.raises(Unreachable) as err:
            await client.queue()
    assert "did not answer in time" in err.value.message


async def test_a_connection_cut_mid_body_is_unreachable() -> None:
    async def cut(writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b'[{"id": "x"}]' * 10)[:-40])
        await writer.drain()

    async with Canned({QUEUE: cut}) as server, Client(server.url, token="t") as client:
        with pytest.raises(Unreachable) as err:
            await client.queue()
    assert "broke" in err.value.message


async def test_reference_server_errors_are_typed(rf: Running) -> None:
    vic = await rf.client(VIC)
    with pytest.raises(Forbidden):
        await vic.queue()
    stranger = await rf.client()
    with pytest.raises(NotSignedIn):
        await stranger.queue()
    with pytest.raises(Invalid):
        await (await rf.client("dana@northwind.example")).metrics("1d")


async def test_repr_never_shows_the_token() -> None:
    client = Client("http://127.0.0.1:9", token="super-secret-token")
    try:
        assert "super-secret-token" not in repr(client)
    finally:
        await client.aclose()


async def test_a_50_mb_body_is_refused_not_swallowed() -> None:
    async def huge(writer: asyncio.StreamWriter) -> None:
        size = 50 * 1024 * 1024
        writer.write(response(200, b"", headers={"content-length": str(size)}, length=False))
        chunk = b"[" + b" " * (1024 * 1024 - 1)
        for _ in range(50):
            writer.write(chunk)
            await writer.drain()

    async with Canned({QUEUE: huge}) as server, Client(server.url, token="t") as client:
        with pytest.raises(BadResponse) as err:
            await client.queue()
    assert "more than 16 MB" in err.value.message


async def test_a_trickling_server_hits_the_overall_deadline() -> None:
    async def trickle(writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b"", headers={"content-length": "1000"}, length=False))
        for _ in range(1000):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.05)  # the fault under test: 20 bytes a second

    async with (
        Canned({QUEUE: trickle}) as server,
        Client(server.url, token="t", deadline=0.5) as client,
    ):
        with pytest.raises(Unreachable) as err:
            await client.queue()
    assert "took longer than 0.5 s" in err.value.message
