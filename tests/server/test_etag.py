"""[ours] GET /queue's ETag and If-None-Match: 304 while nothing a row shows has changed."""

from __future__ import annotations

import httpx
import pytest

from rf_tui.server.app import etag_matches
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from tests.helpers import ALEX, DANA, SAM, FakeClock, Running, wait_for

QUEUE = "/api/v1/ai-sessions/queue"


async def fetch(rf: Running, token: str | None, if_none_match: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"}
    if if_none_match is not None:
        headers["if-none-match"] = if_none_match
    async with httpx.AsyncClient(base_url=rf.url) as http:
        return await http.get(QUEUE, headers=headers)


async def etag_of(rf: Running, token: str | None) -> str:
    answer = await fetch(rf, token)
    assert answer.status_code == 200
    return answer.headers["etag"]


async def test_a_strong_etag_and_304_with_no_body_while_unchanged(rf: Running) -> None:
    dana = await rf.client(DANA)
    first = await fetch(rf, dana.token)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')  # strong: no W/
    assert first.headers["cache-control"] == "private, no-cache"
    again = await fetch(rf, dana.token, etag)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "content-type" not in again.headers
    # The same bytes as before the ETag existed: what FastAPI's response_model wrote.
    assert (await fetch(rf, dana.token, '"something else"')).content == first.content


@pytest.mark.parametrize(
    "sent",
    ["{tag}", "W/{tag}", '"older", {tag}', "*", 'W/{tag} ,  "x"'],
    ids=["strong", "weak", "in-a-list", "star", "spaced"],
)
async def test_if_none_match_compares_weakly(rf: Running, sent: str) -> None:
    dana = await rf.client(DANA)
    tag = await etag_of(rf, dana.token)
    assert (await fetch(rf, dana.token, sent.format(tag=tag))).status_code == 304


def test_a_tag_that_differs_is_no_match() -> None:
    assert not etag_matches(None, '"a"')
    assert not etag_matches("", '"a"')
    assert not etag_matches('"b", W/"ab"', '"a"')
    assert etag_matches('W/"a"', 'W/"a"')


class TestWhatChangesIt:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        # Long enough that the arrival is fetched before its assessment lands.
        return ServerConfig(clock=clock, assessment_delay=0.5)

    async def test_a_claim_an_arrival_an_assessment_a_name_and_a_priority(
        self, rf: Running
    ) -> None:
        dana, alex, sam = await rf.client(DANA), await rf.client(ALEX), await rf.client(SAM)
        seen = [await etag_of(rf, dana.token)]

        entry = (await dana.queue())[0]
        await alex.claim(entry.session_id, entry.id)
        seen.append(await etag_of(rf, dana.token))

        session = await sam.create_session("Printer offline")
        handoff = await sam.hand_off(session.id, priority="urgent")
        arrived = await fetch(rf, dana.token)
        assert (
            b"Printer offline" in arrived.content
            and b'"ai_assessment_data":null' in arrived.content
        )
        seen.append(arrived.headers["etag"])
        assert (await fetch(rf, dana.token, seen[1])).status_code == 200

        await wait_for(
            lambda: (
                rf.backend.store.handoff(handoff.account_id, session.id, handoff.id)[
                    "ai_assessment_data"
                ]
                is not None
            ),
            what="the assessment",
        )
        seen.append(await etag_of(rf, dana.token))

        rf.backend.store._write("UPDATE users SET name = 'Samuel Okafor' WHERE email = ?", (SAM,))
        seen.append(await etag_of(rf, dana.token))

        rf.backend.store._write("UPDATE handoffs SET priority = 'low' WHERE id = ?", (handoff.id,))
        seen.append(await etag_of(rf, dana.token))
        assert len(set(seen)) == len(seen), seen


async def test_a_write_from_another_connection_to_the_file_changes_it(
    tmp_path: object, clock: FakeClock
) -> None:
    """Another process's write (a second server, sqlite3 on the file) is seen too."""
    from pathlib import Path

    from rf_tui.server.db import Store
    from tests.helpers import start_server

    assert isinstance(tmp_path, Path)
    config = ServerConfig(clock=clock, db_path=str(tmp_path / "rf.db"), assessment_delay=0.05)
    running = start_server(config)
    try:
        dana = await running.client(DANA)
        before = await etag_of(running, dana.token)
        other = Store(config.db_path)
        other._write("UPDATE handoffs SET priority = 'low'")
        other.close()
        assert await etag_of(running, dana.token) != before
        await running.aclose()
    finally:
        running.server.stop()


async def test_each_user_has_the_etag_of_their_own_queue(rf: Running) -> None:
    dana, alex = await rf.client(DANA), await rf.client(ALEX)
    sam = await rf.client(SAM)
    session = await sam.create_session("For Alex only")
    await sam.hand_off(session.id, target_user_id=rf.seed.users[ALEX])
    assert await etag_of(rf, dana.token) != await etag_of(rf, alex.token)


class TestNoEtag:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, quirks=Quirks.parse(["no-etag"]))

    async def test_no_etag_and_if_none_match_is_ignored(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        first = await fetch(rf, dana.token)
        assert first.status_code == 200 and "etag" not in first.headers
        tag = rf.backend.queue_answer(rf.backend.store.user_by_email(DANA))[1]
        for sent in (tag, "*"):
            again = await fetch(rf, dana.token, sent)
            assert again.status_code == 200 and again.content == first.content
        assert Quirks.parse(["no-etag"]).names() == ["no-etag"]
