"""The feed's stats for an owner: the metric for a period and its trend by day, against
the reference server with the demo's history (its clock at 2026-11-23 12:00 UTC)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from rf_tui.feed import outcomes as out
from rf_tui.feed.feed import Feed
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from tests.feed.test_feed import Recorder
from tests.helpers import DANA, VIC, FakeClock, Running, add_team, count_requests

SENIOR = "senior@fabrikam.example"


async def test_the_metric_for_each_period(rf: Running) -> None:
    feed = Feed(await rf.client(DANA), Recorder(), clock=rf.clock)
    for period in out.PERIODS:
        stats = await feed.stats(period)  # type: ignore[arg-type]
        assert isinstance(stats, out.Stats), stats
        assert stats.period == period and stats.metrics.period == period
        assert "baseline" in stats.metrics.metric_definition.lower()  # never "saved" alone


async def test_a_viewer_is_told_why_not(rf: Running) -> None:
    feed = Feed(await rf.client(VIC), Recorder(), clock=rf.clock)
    stats = await feed.stats("30d")
    assert isinstance(stats, out.StatsRefused) and stats.forbidden
    assert stats.reason


async def test_the_trend_by_day_with_the_seeds_history(rf: Running) -> None:
    feed = Feed(await rf.client(DANA), Recorder(), clock=rf.clock)
    stats = await feed.stats("30d")
    assert isinstance(stats, out.Stats) and stats.trend is not None and stats.no_trend is None
    trend = stats.trend
    # 2026-11-23 12:00 less 30 days, to today: 31 days, oldest first, the empty ones too.
    assert (trend[0].day, trend[-1].day, len(trend)) == (date(2026, 10, 24), date(2026, 11, 23), 31)
    assert all(b.day - a.day == timedelta(days=1) for a, b in itertools.pairwise(trend))
    assert sum(d.claimed for d in trend) == stats.metrics.n_handoffs_claimed
    assert sum(d.with_action for d in trend) == stats.metrics.n_handoffs_with_action
    by_day = {d.day: d for d in trend}
    # The seed's week: 45 s on the 21st, 120 s on the 22nd, claimed without action today.
    assert by_day[date(2026, 11, 21)] == out.TrendDay(date(2026, 11, 21), 1, 1, 45.0)
    assert by_day[date(2026, 11, 22)] == out.TrendDay(date(2026, 11, 22), 1, 1, 120.0)
    assert by_day[date(2026, 11, 23)] == out.TrendDay(date(2026, 11, 23), 1, 0, None)
    assert by_day[date(2026, 11, 20)] == out.TrendDay(date(2026, 11, 20), 0, 0, None)
    assert sum(1 for d in trend if d.claimed) >= 10  # enough for a chart worth drawing


async def test_the_seeds_week_is_as_it_was(rf: Running) -> None:
    """The history for the trend is all older than a week: the 7-day line is unchanged."""
    stats = await Feed(await rf.client(DANA), Recorder(), clock=rf.clock).stats("7d")
    assert isinstance(stats, out.Stats)
    m = stats.metrics
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (3, 2)
    assert (m.avg_seconds_to_first_action, m.median_seconds_to_first_action) == (82.5, 82.5)
    assert m.p95_seconds_to_first_action == 120.0


async def test_the_30_60_180_case(rf: Running) -> None:
    """The seed's own example, claims placed by the clock: avg 90, median 60, p95 180."""
    add_team(rf, "Fabrikam", ("junior@fabrikam.example", "engineer"), (SENIOR, "owner"))
    assert rf.clock is not None
    junior, senior = await rf.client("junior@fabrikam.example"), await rf.client(SENIOR)
    rf.clock.advance(days=-3)
    for after in (30, 60, 180):
        session = await junior.create_session("Teams calls drop after 30 seconds")
        handoff = await junior.hand_off(session.id)
        await senior.claim(session.id, handoff.id)
        rf.clock.advance(seconds=after)
        await senior.chat(session.id, "Looking at the call quality dashboard")
    rf.clock.advance(days=3)
    stats = await Feed(senior, Recorder(), clock=rf.clock).stats("7d")
    assert isinstance(stats, out.Stats) and stats.trend is not None
    m = stats.metrics
    assert (m.n_handoffs_claimed, m.n_handoffs_with_action) == (3, 3)
    assert m.avg_seconds_to_first_action == 90.0
    assert m.median_seconds_to_first_action == 60.0
    assert m.p95_seconds_to_first_action == 180.0
    busy = [d for d in stats.trend if d.claimed]
    assert busy == [out.TrendDay(date(2026, 11, 20), 3, 3, 60.0)]


class TestWithoutTheTrend:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, quirks=Quirks.parse(["no-trend"]))

    async def test_the_figures_and_one_sentence_asked_once(self, rf: Running) -> None:
        client = await rf.client(DANA)
        asked = count_requests(client, "/escalations/trend")
        feed = Feed(client, Recorder(), clock=rf.clock)
        for period in ("30d", "7d", "90d"):
            stats = await feed.stats(period)
            assert isinstance(stats, out.Stats) and stats.metrics.period == period
            assert stats.trend is None
            assert stats.no_trend == "This server gives no trend by day (it answers 404)."
        assert len(asked) == 1  # a backend without it is asked once per run
