"""The feed's stats for an owner: the metric for a period, against the reference server."""

from __future__ import annotations

from rf_tui.feed import outcomes as out
from rf_tui.feed.feed import Feed
from tests.feed.test_feed import Recorder
from tests.helpers import DANA, VIC, Running


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
