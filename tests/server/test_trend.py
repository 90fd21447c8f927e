"""[ours] The metric's trend by day (docs/contract.md, EscalationTrend), figures by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import httpx
import pytest

from rf_tui.api.client import Client
from rf_tui.api.errors import Forbidden, Invalid, NotOffered
from rf_tui.api.models import EscalationTrend
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from tests.helpers import DANA, VIC, FakeClock, Running, add_team

JUNIOR, SENIOR = "junior@tailspin.example", "senior@tailspin.example"
TREND = "/api/v1/analytics/flowpilot/escalations/trend"


@pytest.fixture
async def team(rf: Running) -> tuple[Client, Client, FakeClock]:
    add_team(rf, "Tailspin", (JUNIOR, "engineer"), (SENIOR, "owner"))
    assert rf.clock is not None
    return await rf.client(JUNIOR), await rf.client(SENIOR), rf.clock


async def claim_then_act(
    junior: Client, senior: Client, clock: FakeClock, after: float | None
) -> None:
    """An escalation claimed now; its first action ``after`` seconds later (None: never)."""
    session = await junior.create_session("Shared mailbox stopped syncing on phones")
    handoff = await junior.hand_off(session.id)
    await senior.claim(session.id, handoff.id)
    if after is not None:
        clock.advance(seconds=after)
        await senior.chat(session.id, "Checking the mailbox's ActiveSync settings")


def days(trend: EscalationTrend) -> dict[date, tuple[int, int, float | None]]:
    return {
        d.date: (d.n_handoffs_claimed, d.n_handoffs_with_action, d.median_seconds_to_first_action)
        for d in trend.days
    }


async def test_every_day_of_the_period_oldest_first_zeros_included(
    team: tuple[Client, Client, FakeClock],
) -> None:
    junior, senior, clock = team  # 2026-11-23 12:00 UTC
    for after in (30, 60, 180):  # the seed's case: median 60
        await claim_then_act(junior, senior, clock, after)
    trend = await senior.escalation_trend("7d")
    assert trend.period == "7d" and "baseline" in trend.metric_definition
    # From a week ago (a partial day) to today (partial too): eight days.
    assert [d.date for d in trend.days] == [date(2026, 11, 16) + timedelta(n) for n in range(8)]
    by_day = days(trend)
    assert by_day.pop(date(2026, 11, 23)) == (3, 3, 60.0)
    assert set(by_day.values()) == {(0, 0, None)}
    assert len((await senior.escalation_trend("30d")).days) == 31
    assert len((await senior.escalation_trend("90d")).days) == 91


async def test_a_claim_is_on_the_utc_day_it_was_claimed(
    team: tuple[Client, Client, FakeClock],
) -> None:
    junior, senior, clock = team
    clock.now = datetime(2026, 11, 20, 23, 59, 59, tzinfo=timezone.utc)
    await claim_then_act(junior, senior, clock, 45)  # acted after midnight: still the 20th
    clock.now = datetime(2026, 11, 21, 0, 0, 0, tzinfo=timezone.utc)
    await claim_then_act(junior, senior, clock, 15)  # claimed at midnight: the 21st
    clock.now = datetime(2026, 11, 21, 23, 0, tzinfo=timezone.utc)
    await claim_then_act(junior, senior, clock, 120)
    await claim_then_act(junior, senior, clock, None)  # claimed, no action: claimed only
    clock.now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    by_day = days(await senior.escalation_trend("7d"))
    assert by_day[date(2026, 11, 20)] == (1, 1, 45.0)
    assert by_day[date(2026, 11, 21)] == (3, 2, 67.5)  # median of 15 and 120
    assert by_day[date(2026, 11, 22)] == (0, 0, None)


async def test_the_days_add_up_to_the_metric(team: tuple[Client, Client, FakeClock]) -> None:
    junior, senior, clock = team
    start = clock.now
    # One claim just inside each window, one just outside the week's.
    for back, after in ((timedelta(days=7, seconds=-1), 20), (timedelta(days=7, seconds=1), 50),
                        (timedelta(days=29, hours=23), None), (timedelta(days=89), 300)):  # fmt: skip
        clock.now = start - back
        await claim_then_act(junior, senior, clock, after)
    clock.now = start
    for period, claimed, with_action in (("7d", 1, 1), ("30d", 3, 2), ("90d", 4, 3)):
        trend, metric = await senior.escalation_trend(period), await senior.metrics(period)
        assert sum(d.n_handoffs_claimed for d in trend.days) == claimed == metric.n_handoffs_claimed
        with_actions = sum(d.n_handoffs_with_action for d in trend.days)
        assert with_actions == with_action == metric.n_handoffs_with_action
    week = days(await senior.escalation_trend("7d"))
    assert week[date(2026, 11, 16)] == (1, 1, 20.0)  # 7 days less a second ago: in


async def test_only_the_callers_account(
    rf: Running, team: tuple[Client, Client, FakeClock]
) -> None:
    _, senior, _ = team
    assert all(d.n_handoffs_claimed == 0 for d in (await senior.escalation_trend("90d")).days)
    northwind = await (await rf.client(DANA)).escalation_trend("90d")
    assert sum(d.n_handoffs_claimed for d in northwind.days) > 0  # the demo's history


async def test_a_viewer_is_refused(rf: Running) -> None:
    vic = await rf.client(VIC)
    with pytest.raises(Forbidden) as err:
        await vic.escalation_trend("30d")
    assert "engineer" in err.value.detail


async def test_another_period_is_422(rf: Running) -> None:
    dana = await rf.client(DANA)
    with pytest.raises(Invalid) as err:
        await dana.escalation_trend("1d")
    assert err.value.status == 422 and "period" in err.value.detail


class TestNoTrend:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, quirks=Quirks.parse(["no-trend"]))

    async def test_it_answers_404_and_the_metric_still_answers(self, rf: Running) -> None:
        dana = await rf.client(DANA)
        async with httpx.AsyncClient() as http:
            answer = await http.get(
                f"{rf.url}{TREND}?period=7d", headers={"authorization": f"Bearer {dana.token}"}
            )
        assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
        with pytest.raises(NotOffered, match=r"^Not offered by this server: it answers 404\.$"):
            await dana.escalation_trend("7d")
        assert (await dana.metrics("7d")).n_handoffs_claimed == 3
