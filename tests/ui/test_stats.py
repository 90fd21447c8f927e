"""The stats screen: opened from the queue and the palette, each period's figures as
the server gives them, a viewer told why not, and a trend as a chart and as a table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.filter import Monochrome, NoColor
from textual.pilot import Pilot
from textual.widgets import DataTable, Sparkline, Static

from rf_tui.api.models import EscalationMetrics
from rf_tui.feed import outcomes as out
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from rf_tui.server.service import METRIC_DEFINITION
from rf_tui.state.clock import duration
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.screens.stats import StatsScreen
from tests.helpers import ALEX, DANA, VIC, FakeClock, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, until
from tests.ui.test_actions import run_from_palette


async def claim_and_act(rf: Running, after: timedelta) -> None:
    """Alex claims the newest escalation and sends his first action ``after`` later."""
    clock = rf.clock
    assert clock is not None
    alex = await rf.client(ALEX)
    entry = (await alex.queue())[0]
    await alex.claim(entry.session_id, entry.id)
    clock.advance(seconds=after.total_seconds())
    await alex.chat(entry.session_id, "Checking the event log first")


async def history(rf: Running) -> None:
    """One claim twelve days ago (first action after 40 s), one today (after 2 min):
    the 7 days see one, the 30 and 90 days both."""
    assert rf.clock is not None
    await claim_and_act(rf, timedelta(seconds=40))
    rf.clock.advance(days=12)
    await claim_and_act(rf, timedelta(minutes=2))


def text_of(screen: StatsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def stats_screen(pilot: Pilot[None]) -> StatsScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats screen")
    screen = app.screen
    assert isinstance(screen, StatsScreen)
    await until(pilot, lambda: screen.outcome is not None, "the server's figures")
    return screen


def expected_figures(m: EscalationMetrics) -> str:
    conversion = (
        f"{round(100 * m.n_handoffs_with_action / m.n_handoffs_claimed)}%"
        if m.n_handoffs_claimed
        else "—"
    )
    return (
        f"Claimed {m.n_handoffs_claimed} · with a first action {m.n_handoffs_with_action} · "
        f"conversion {conversion}\nTime to first action after claim: "
        f"avg {duration(m.avg_seconds_to_first_action)} · "
        f"median {duration(m.median_seconds_to_first_action)} · "
        f"p95 {duration(m.p95_seconds_to_first_action)}"
    )


async def test_each_period_shows_the_servers_figures_and_definition(
    make: AppFactory, rf: Running
) -> None:
    await history(rf)
    dana = await rf.client(DANA)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        screen = await stats_screen(pilot)
        assert screen.period == "7d"  # what it opens on: the queue's week, as rf-tui stats
        seen = {}
        for key, period in (("7", "7d"), ("9", "90d"), ("3", "30d"), ("left", "7d")):
            await pilot.press(key)
            await until(
                pilot,
                lambda p=period: isinstance(screen.outcome, out.Stats) and screen.period == p,  # type: ignore[misc]
                f"the {period} figures",
            )
            expected = await dana.metrics(period)
            assert text_of(screen, "#stats-figures") == expected_figures(expected)
            assert text_of(screen, "#stats-definition") == expected.metric_definition  # verbatim
            assert f"[{period}]" in text_of(screen, "#stats-title")
            seen[period] = expected.n_handoffs_claimed
        assert seen["7d"] < seen["30d"] <= seen["90d"]  # the claim twelve days ago counts
        # The reference server gives the trend by day: charted, a day per bar or so.
        trend = screen.outcome.trend  # type: ignore[union-attr]
        assert trend is not None and sum(d.claimed for d in trend) == seen["7d"]
        assert screen.query_one("#stats-trend").display
        assert not screen.query_one("#trend-none").display
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "back to the queue")


async def test_conversion_is_a_dash_when_none_was_claimed() -> None:
    from rf_tui.ui.screens.stats import conversion

    assert conversion(EscalationMetrics(period="7d")) == "—"
    assert conversion(EscalationMetrics(n_handoffs_claimed=3, n_handoffs_with_action=2)) == "67%"


async def test_the_palette_opens_stats(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, rows=3)
        await run_from_palette(pilot, "Stats")
        screen = await stats_screen(pilot)
        assert isinstance(screen.outcome, out.Stats)


async def test_a_viewer_is_told_why_not(make: AppFactory) -> None:
    app = make(VIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue")
        await pilot.press("a")
        screen = await stats_screen(pilot)
        assert isinstance(screen.outcome, out.StatsRefused) and screen.outcome.forbidden
        said = text_of(screen, "#stats-status")
        assert said.startswith("Stats are for owners, admins and engineers")
        assert "The server says: " in said
        assert not screen.query_one("#stats-figures").display


def handmade(days: int = 30) -> out.Stats:
    """A trend the server does not send yet: quiet weekends, a slow day, a day with
    claims but no first action."""
    start = date(2026, 10, 25)
    trend = []
    for i in range(days):
        claimed = 0 if i % 7 in (5, 6) else 2 + i % 4
        acted = max(0, claimed - 1) if i != 10 else 0
        median = None if not acted else 45.0 + 15 * (i % 5) + (300.0 if i == 17 else 0.0)
        trend.append(out.TrendDay(start + timedelta(days=i), claimed, acted, median))
    metrics = EscalationMetrics(
        period="30d",
        n_handoffs_claimed=sum(d.claimed for d in trend),
        n_handoffs_with_action=sum(d.with_action for d in trend),
        avg_seconds_to_first_action=90.0,
        median_seconds_to_first_action=60.0,
        p95_seconds_to_first_action=180.0,
        metric_definition=METRIC_DEFINITION,  # the seed's, as long as it is
    )
    return out.Stats("30d", metrics, tuple(trend), None)


async def shown_with_trend(pilot: Pilot[None], stats: out.Stats) -> StatsScreen:
    """The stats screen, the server's answer in, then handed ``stats`` to paint."""
    await ready(pilot)
    await pilot.press("a")
    screen = await stats_screen(pilot)
    screen.show(stats)
    await pilot.pause()
    return screen


async def test_a_trend_is_a_chart_and_a_table_of_the_same_values(make: AppFactory) -> None:
    stats = handmade()
    assert stats.trend is not None
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await shown_with_trend(pilot, stats)
        assert screen.query_one("#stats-trend").display
        assert not screen.query_one("#trend-none").display
        claimed = screen.query_one("#trend-claimed", Sparkline)
        assert list(claimed.data or []) == [d.claimed for d in stats.trend]
        assert "█ 5" in text_of(screen, "#trend-claimed-caption")  # the busiest day
        assert "█ 6m 15s" in text_of(screen, "#trend-median-caption")  # the slow day
        days = text_of(screen, "#trend-days")
        assert days.startswith("Oct 25") and days.endswith("Nov 23")

        await pilot.press("t")
        table = screen.query_one("#trend-table", DataTable)
        assert table.display and not screen.query_one("#stats-trend").display
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(rows) == len(stats.trend)
        assert rows[0] == ["2026-10-25", "2", "1", "45s"]
        assert rows[10] == ["2026-11-04", "4", "0", "no action"]
        assert rows[17] == ["2026-11-11", "3", "2", "6m 15s"]
        await pilot.press("t")
        assert screen.query_one("#stats-trend").display and not table.display


async def test_no_color_keeps_the_chosen_period_and_the_chart_readable(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app, RfApp)
        assert any(isinstance(f, NoColor | Monochrome) for f in app._filters)
        screen = await shown_with_trend(pilot, handmade())
        # The chosen period is bracketed, not only lit; the bars' heights carry the values.
        assert "[30d]" in text_of(screen, "#stats-title")
        shot = app.export_screenshot()
        assert "█" in shot and "▁" in shot


async def test_presenter_mode_shows_the_keys_on_the_stats_screen(
    make: AppFactory, rf: Running
) -> None:
    from tests.ui.test_presenter import presenter

    app = make(presenter=presenter(rf))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("a")
        screen = await stats_screen(pilot)
        await pilot.press("7", "t")
        await until(pilot, lambda: screen.period == "7d", "the 7 days")
        assert "a 7 t" in text_of(screen, "#keys")


class TestWithoutTheTrend:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, quirks=Quirks.parse(["no-trend"]))

    async def test_one_line_says_so_and_no_chart_pretends(self, make: AppFactory) -> None:
        app = make()
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("a")
            screen = await stats_screen(pilot)
            assert isinstance(screen.outcome, out.Stats) and screen.outcome.trend is None
            assert "gives no trend by day" in text_of(screen, "#trend-none")
            assert not screen.query_one("#stats-trend").display
            assert text_of(screen, "#stats-figures")  # the figures all the same
