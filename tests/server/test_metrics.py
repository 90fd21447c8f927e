"""Time to first action after claim (docs/contract.md, EscalationMetrics), case by case."""

from __future__ import annotations

import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import Invalid
from tests.helpers import FakeClock, Running, add_team

JUNIOR, SENIOR = "junior@fabrikam.example", "senior@fabrikam.example"


@pytest.fixture
async def team(rf: Running) -> tuple[Client, Client, FakeClock]:
    add_team(rf, "Fabrikam", (JUNIOR, "engineer"), (SENIOR, "admin"))
    assert rf.clock is not None
    return await rf.client(JUNIOR), await rf.client(SENIOR), rf.clock


async def _escalation(
    junior: Client, summary: str = "Outlook keeps asking for a password"
) -> tuple[str, str]:
    session = await junior.create_session(summary)
    handoff = await junior.hand_off(session.id)
    return session.id, handoff.id


async def _claim_then_act(
    junior: Client, senior: Client, clock: FakeClock, after: float | None
) -> None:
    sid, hid = await _escalation(junior)
    await senior.claim(sid, hid)
    if after is not None:
        clock.advance(seconds=after)
        await senior.chat(sid, "Checking the credential manager first")


async def test_deltas_30_60_180(team: tuple[Client, Client, FakeClock]) -> None:
    junior, senior, clock = team
    for delta in (30, 60, 180):
        await _claim_then_act(junior, senior, clock, delta)
    m = await senior.metrics("7d")
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (3, 3)
    assert m.avg_seconds_to_first_action == 90.0
    assert m.median_seconds_to_first_action == 60.0
    assert m.p95_seconds_to_first_action == 180.0
    assert "baseline" in m.metric_definition


async def test_claimed_without_action_counts_only_as_claimed(
    team: tuple[Client, Client, FakeClock],
) -> None:
    junior, senior, clock = team
    await _claim_then_act(junior, senior, clock, None)
    await _claim_then_act(junior, senior, clock, 40)
    m = await senior.metrics("7d")
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (2, 1)
    assert m.avg_seconds_to_first_action == 40.0


async def test_no_action_at_all_gives_nulls(team: tuple[Client, Client, FakeClock]) -> None:
    junior, senior, clock = team
    await _claim_then_act(junior, senior, clock, None)
    m = await senior.metrics("7d")
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (1, 0)
    assert m.avg_seconds_to_first_action is None
    assert m.median_seconds_to_first_action is None
    assert m.p95_seconds_to_first_action is None


async def test_unclaimed_handoffs_are_excluded(team: tuple[Client, Client, FakeClock]) -> None:
    junior, senior, _ = team
    await _escalation(junior)
    m = await senior.metrics("7d")
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (0, 0)


async def test_steps_before_the_claim_are_not_the_first_action(
    team: tuple[Client, Client, FakeClock],
) -> None:
    junior, senior, clock = team
    session = await junior.create_session("Laptop fan at full speed all day")
    await junior.chat(session.id, "I already updated the BIOS")  # before the claim
    handoff = await junior.hand_off(session.id)
    clock.advance(seconds=5)
    await senior.claim(session.id, handoff.id)
    clock.advance(seconds=75)
    await senior.chat(session.id, "Let's look at the power plan")
    m = await senior.metrics("7d")
    assert m.avg_seconds_to_first_action == 75.0


async def test_window_7d_excludes_what_90d_includes(team: tuple[Client, Client, FakeClock]) -> None:
    junior, senior, clock = team
    clock.advance(days=-10)
    await _claim_then_act(junior, senior, clock, 20)
    clock.advance(days=10)
    await _claim_then_act(junior, senior, clock, 50)
    week, quarter = await senior.metrics("7d"), await senior.metrics("90d")
    assert (week.n_handoffs_claimed, week.avg_seconds_to_first_action) == (1, 50.0)
    assert (quarter.n_handoffs_claimed, quarter.avg_seconds_to_first_action) == (2, 35.0)


async def test_period_1d_is_422(team: tuple[Client, Client, FakeClock]) -> None:
    _, senior, _ = team
    with pytest.raises(Invalid) as err:
        await senior.metrics("1d")
    assert err.value.status == 422
    assert "period" in err.value.detail


async def test_metrics_are_scoped_to_the_account(rf: Running) -> None:
    # The seed's Northwind history: claims after 45 s and 120 s, one without action.
    dana = await rf.client("dana@northwind.example")
    m = await dana.metrics("7d")
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (3, 2)
    assert m.avg_seconds_to_first_action == 82.5
