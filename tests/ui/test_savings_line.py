"""The honest savings line: baseline runs beside the in-product median, on the stats
screen and the queue's metric line, and the stopwatch reachable in the TUI (b).

The seed's 7 days: three claims, first actions after 45 s and 120 s, so the in-product
median is 82.5 s and 3 escalations are claimed a week.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Static

from rf_tui.ui.app import RfApp
from rf_tui.ui.screens.stats import StatsScreen
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, until
from tests.ui.test_stats import stats_screen, text_of


def metric_line(app: RfApp) -> str:
    return str(app.queue_screen.query_one("#metric", Static).content)


async def test_four_runs_ask_for_one_more_five_give_the_figure(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot, rows=3)
        for _ in range(4):
            app.desk.baseline.add(600.0)
        app.queue_screen.refresh_metric()
        assert "4 of 5 runs timed; 1 more before a savings figure" in metric_line(app)
        assert "Savings 0" not in metric_line(app)
        await pilot.press("a", "7")
        screen = await stats_screen(pilot)
        await until(pilot, lambda: screen.period == "7d" and screen.outcome is not None, "7d")
        savings = text_of(screen, "#stats-savings")
        assert "1 more run needed" in savings and "no figure until" in savings

        app.desk.baseline.add(600.0)  # the fifth
        await pilot.press("3", "7")  # ask again
        await until(pilot, lambda: "per escalation" in text_of(screen, "#stats-savings"), "5")
        savings = text_of(screen, "#stats-savings")
        # By hand: (600 - 82.5) s * 3 a week / 3600 = 0.43125, so 0.43 h: under 1.0.
        assert "median 10m 00s of 5 runs" in savings
        assert "0.43 h" in savings and "does not meet it" in savings
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")
        app.queue_screen.refresh_metric()
        line = metric_line(app)
        assert line.startswith(
            "7d: Savings 0.43 h/week (misses 1.0) · baseline 10m 00s − in-product"
        )


async def test_negative_savings_are_shown_as_they_are(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot, rows=3)
        for _ in range(5):
            app.desk.baseline.add(30.0)  # quicker by phone than in-product: say so
        await pilot.press("a", "7")
        screen = await stats_screen(pilot)
        await until(pilot, lambda: "per escalation" in text_of(screen, "#stats-savings"), "7d")
        # 30 - 82.5 = -52.5 s an escalation; * 3 / 3600 = -0.04375, so -0.04 h a week.
        savings = text_of(screen, "#stats-savings")
        assert "− 1m 22s = −52s" in savings or "− 1m 22s = −53s" in savings, savings
        assert "−0.04 h" in savings


async def test_b_times_a_baseline_run_from_the_stats_screen(
    make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("a")
        screen = await stats_screen(pilot)
        assert isinstance(screen, StatsScreen)
        await pilot.press("b", "b")  # a double press: nothing kept, and said
        assert app.desk.baseline.running() is None and app.desk.baseline.runs() == []
        assert any("not kept" in n.message for n in app._notifications)

        await pilot.press("b")
        assert app.desk.baseline.running() is not None
        assert "stopwatch running since" in text_of(screen, "#stats-savings")
        # Three minutes at the ticket under the old handoff, then b.
        minutes_later = app.desk.baseline.running().started_at + timedelta(minutes=3)  # type: ignore[union-attr]
        monkeypatch.setattr(app.desk.baseline, "_now", lambda: minutes_later)
        await pilot.press("b")
        (run,) = app.desk.baseline.runs()
        assert run.seconds == 180.0 and not run.by_hand
        assert "stopwatch running" not in text_of(screen, "#stats-savings")
        assert "median 3m 00s of 1 run" in text_of(screen, "#stats-savings")
