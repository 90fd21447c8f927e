"""The stats screen with a trend by day, pinned as SVG at 80×24 and 160×48, and in
NO_COLOR (fixed clock, fixed seed; the trend handmade, as the server sends none yet).

Look at the SVGs under tests/ui/__snapshots__/ before committing a change to them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import AppFactory
from tests.ui.test_stats import handmade, shown_with_trend

Snap = Callable[..., bool]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_stats_with_a_trend(snap_compare: Snap, make: AppFactory, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await shown_with_trend(pilot, handmade())

    assert snap_compare(make(), terminal_size=size, run_before=run_before)


def test_stats_in_no_color(
    snap_compare: Snap, make: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot[None]) -> None:
        await shown_with_trend(pilot, handmade())

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)


def test_stats_trend_as_a_table(snap_compare: Snap, make: AppFactory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await shown_with_trend(pilot, handmade())
        await pilot.press("t")

    assert snap_compare(make(), terminal_size=(80, 24), run_before=run_before)
