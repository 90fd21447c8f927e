"""Tenancy: another account's resources answer 404, never 403 and never data."""

from __future__ import annotations

import pytest

from rf_tui.api.errors import NotFound
from tests.helpers import DANA, EVE, SAM, Running


async def test_queue_shows_only_the_callers_account(rf: Running) -> None:
    dana, eve = await rf.client(DANA), await rf.client(EVE)
    northwind = {e.account_id for e in await dana.queue()}
    contoso = {e.account_id for e in await eve.queue()}
    assert northwind == {rf.seed.accounts["northwind"]}
    assert contoso == {rf.seed.accounts["contoso"]}


@pytest.mark.parametrize(
    ("call", "insider"),
    [
        pytest.param(lambda c, sid, hid: c.session(sid), DANA, id="GET session"),
        pytest.param(lambda c, sid, hid: c.handoffs(sid), DANA, id="GET handoffs"),
        pytest.param(lambda c, sid, hid: c.claim(sid, hid), DANA, id="POST claim"),
        pytest.param(lambda c, sid, hid: c.chat(sid, "hello"), SAM, id="POST chat"),
        pytest.param(lambda c, sid, hid: c.hand_off(sid), SAM, id="POST handoff"),
    ],
)
async def test_every_id_endpoint_hides_other_accounts(rf: Running, call, insider: str) -> None:  # type: ignore[no-untyped-def]
    dana = await rf.client(DANA)
    target = (await dana.queue())[0]
    eve = await rf.client(EVE)
    with pytest.raises(NotFound):
        await call(eve, target.session_id, target.id)
    # The same call from inside the account succeeds: the probe itself is sound.
    await call(await rf.client(insider), target.session_id, target.id)


async def test_a_handoff_id_under_the_wrong_session_is_404(rf: Running) -> None:
    dana = await rf.client(DANA)
    first, second = (await dana.queue())[:2]
    with pytest.raises(NotFound):
        await dana.claim(first.session_id, second.id)


async def test_only_the_owner_may_hand_a_session_off(rf: Running) -> None:
    sam, dana = await rf.client(SAM), await rf.client(DANA)
    session = await sam.create_session("Scanner to email stopped working")
    with pytest.raises(NotFound):
        await dana.hand_off(session.id)
    handoff = await sam.hand_off(session.id, priority="low", engineer_notes="SMTP auth?")
    assert handoff.handed_off_by_name == "Sam Okafor"
    assert handoff.priority == "low"
