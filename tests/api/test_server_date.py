"""The client keeps each answer's Date header: the server's clock is read from them."""

from __future__ import annotations

from datetime import datetime, timezone

from rf_tui.api.client import Client
from tests.canned import Canned, response

ME = '{"id": "u1"}'


async def test_each_answer_s_date_is_kept_with_when_it_came() -> None:
    async with Canned() as server:
        server.routes["/api/v1/users/me"] = response(
            200, ME, headers={"date": "Tue, 01 Dec 2026 17:10:00 GMT"}
        )
        async with Client(server.url, "t") as client:
            before = datetime.now(timezone.utc)
            await client.me()
            (heard,) = client.dates
    said, received = heard
    assert said == datetime(2026, 12, 1, 17, 10, tzinfo=timezone.utc)
    assert before <= received <= datetime.now(timezone.utc)


async def test_a_missing_or_garbled_date_is_no_sample() -> None:
    async with Canned() as server, Client(server.url, "t") as client:
        for value in (None, "yesterday", "Tue, 99 Dec 2026 17:10:00 GMT", ""):
            headers = {"date": value} if value is not None else {}
            server.routes["/api/v1/users/me"] = response(200, ME, headers=headers)
            await client.me()  # the answer itself is still read
        assert list(client.dates) == []
