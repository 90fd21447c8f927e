"""Role gates (docs/contract.md): viewers may not act on escalations; the rest may."""

from __future__ import annotations

import httpx
import pytest

from rf_tui.api.errors import Forbidden
from tests.helpers import ALEX, DANA, EVE, VIC, Running


async def _first(rf: Running) -> tuple[str, str]:
    dana = await rf.client(DANA)
    entry = (await dana.queue())[0]
    return entry.session_id, entry.id


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, sid, hid: c.queue(), id="queue"),
        pytest.param(lambda c, sid, hid: c.claim(sid, hid), id="claim"),
        pytest.param(lambda c, sid, hid: c.metrics("7d"), id="metrics"),
    ],
)
async def test_viewer_is_refused_with_a_detail_naming_engineer(rf: Running, call) -> None:  # type: ignore[no-untyped-def]
    sid, hid = await _first(rf)
    vic = await rf.client(VIC)
    with pytest.raises(Forbidden) as err:
        await call(vic, sid, hid)
    assert "engineer" in err.value.detail


async def test_viewer_cannot_open_the_stream(rf: Running) -> None:
    vic = await rf.client(VIC)
    async with httpx.AsyncClient(base_url=rf.url) as http:
        response = await http.get(
            "/api/v1/ai-sessions/escalations/stream", headers=vic.auth_headers()
        )
    assert response.status_code == 403
    assert "engineer" in response.json()["detail"]


async def test_viewer_cannot_read_a_colleagues_session(rf: Running) -> None:
    sid, _ = await _first(rf)
    vic = await rf.client(VIC)
    with pytest.raises(Forbidden) as err:
        await vic.session(sid)
    assert "engineer" in err.value.detail


@pytest.mark.parametrize("email", [DANA, ALEX, EVE], ids=["admin", "engineer", "owner"])
async def test_engineer_admin_and_owner_may_use_the_queue(rf: Running, email: str) -> None:
    client = await rf.client(email)
    queue = await client.queue()
    assert queue, "every seeded account has a waiting escalation"
    metrics = await client.metrics("30d")
    assert metrics.period == "30d"
    claimed = await client.claim(queue[0].session_id, queue[0].id)
    assert claimed.claimed_by == (await client.me()).id
