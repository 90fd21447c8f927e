"""A queue that fits the window (issue 15, part 5), driven against the reference server.

At 80×24 the problem gets the room; the client and town show; identical summaries
are told apart; a filter says "2 of 5 shown"; a row a colleague claims leaves with a
word; at 60×20 the sort, `r` and `?` stay in reach.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from rf_tui.feed import events as ev
from rf_tui.server.config import ServerConfig
from rf_tui.ui.actions import footer_plan
from rf_tui.ui.app import RfApp
from rf_tui.ui.messages import Fed
from rf_tui.ui.screens import queue as queue_screen
from rf_tui.ui.screens.choice import ChoiceScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.mine import MineScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.widgets.keys_footer import KeysFooter
from tests.helpers import ALEX, SAM, FakeClock, Running, count_requests
from tests.ui.conftest import AppFactory
from tests.ui.pilot import ready, row_ids, until

VPN = "VPN drops every few minutes on three laptops since KB5034441 went out"
OUTLOOK = "Outlook asks for the password every hour on the front desk PC"


def header(app: RfApp) -> str:
    return str(app.queue_screen.query_one("#counts", Static).content)


def toasts(app: RfApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def footer_keys(app: RfApp) -> list[str]:
    """The keys the queue's footer shows, as drawn."""
    footer = app.queue_screen.query_one(KeysFooter)
    return [getattr(w, "key_display", "") for w in footer.children]


async def escalate(running: Running, summary: str, **handoff: str) -> str:
    sam = await running.client(SAM)
    session = await sam.create_session(summary)
    return (await sam.hand_off(session.id, **handoff)).id


async def test_at_80x24_the_problem_gets_the_room_and_the_client_shows(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        table = app.queue_screen.table
        assert table.widths.summary >= 55  # no client in the seeded rows: 23 before
        handoff_id = await escalate(rf, f"{VPN} (Kestrel Logistics, Leeds)", priority="high")
        await until(pilot, lambda: "client" in table.header_line(), "the client column")
        line = table.line(handoff_id)
        assert VPN[:38] in line  # the problem's first 38 cells, and more
        assert "Kestrel…, Leeds" in line and "Sam O." in line and line.rstrip().endswith("now")
        assert table.cells(handoff_id)["client"] == "Kestrel Logistics, Leeds"
        # Columns line up with their headers.
        head = table.header_line()
        assert line.index("Kestrel") == head.index("client")
        # The metric takes one line, however much it has to say.
        metric = app.queue_screen.query_one("#metric", Static)
        assert metric.size.height == 1 and "\n" not in str(metric.content)
        assert str(metric.content).startswith("1st action after claim (7d): avg")


async def test_wide_windows_show_the_whole_summary_and_client(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot, rows=3)
        handoff_id = await escalate(rf, f"{VPN} (Aire Valley Schools Trust, Keighley)")
        table = app.queue_screen.table
        await until(pilot, lambda: "Keighley" in table.line(handoff_id), "the client and town")
        line = table.line(handoff_id)
        assert VPN in line and "Aire Valley Schools Trust, Keighley" in line
        assert "Sam Okafor" in line and "▲ high" not in line and "• normal" in line
        metric = str(app.queue_screen.query_one("#metric", Static).content)
        assert metric.endswith("savings = your manual baseline − this")  # the whole sentence


async def test_60x20_keeps_the_client_the_sort_and_r_and_help(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await ready(pilot, rows=3)
        handoff_id = await escalate(rf, f"{VPN} (Kestrel Logistics, Leeds)")
        table = app.queue_screen.table
        await until(pilot, lambda: "Leeds" in table.line(handoff_id), "the town")
        assert table.widths.summary >= 24
        assert header(app).startswith("4 waiting · 4 unread · newest")
        keys = footer_keys(app)
        assert {"c", "s", "m", "?"} <= set(keys), keys
        assert "^p" in keys  # the palette still lists what gave way
        footer = app.queue_screen.query_one(KeysFooter)
        assert sum(w.size.width for w in footer.children) <= 60

        await pilot.press("s")
        await until(pilot, lambda: "oldest" in header(app), "the sort, in sight")
        await pilot.press("r")  # Mine, as m opens it
        await until(pilot, lambda: isinstance(app.screen, MineScreen), "Mine")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.queue_screen, "the queue")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("d")  # not in the footer here, and still a key
        await until(pilot, lambda: len(app.queue_screen.unread_ids()) == 3, "d marks it read")


async def test_the_footer_gives_back_its_keys_when_the_window_grows(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(60, 20)) as pilot:
        await ready(pilot, rows=3)
        assert "d" not in footer_keys(app)
        await pilot.resize_terminal(120, 30)
        await until(pilot, lambda: "d" in footer_keys(app), "every key back")
        assert {"c", "o", "d", "/", "s", "m", "?", "q"} <= set(footer_keys(app))


def test_the_footer_plan_leaves_out_the_least_vital_keys_first() -> None:
    keys = [
        ("claim", "c", "Claim"),
        ("open", "o", "Open"),
        ("dismiss_unread", "d", "Mark read"),
        ("filter", "/", "Filter"),
        ("cycle_sort", "s", "Sort"),
        ("reopen", "r", "Reopen"),
        ("app.help", "?", "Help"),
        ("quit", "q", "Quit"),
    ]
    palette = ("^p", "Commands")
    assert footer_plan(keys, 200, palette) == frozenset()
    assert footer_plan(keys, 80, palette) == {"quit"}
    assert footer_plan(keys, 60, palette) == {"quit", "dismiss_unread", "open"}
    assert {"claim", "cycle_sort", "reopen", "app.help"}.isdisjoint(
        footer_plan(keys, 20, palette)
    )  # never given way, however narrow


async def test_identical_summaries_are_told_apart(make: AppFactory, rf: Running) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        twin = f"{OUTLOOK} (Harbourside Dental, Bristol)"
        first = await escalate(rf, twin)
        assert rf.clock is not None
        rf.clock.advance(minutes=3)
        second = await escalate(rf, twin)
        table = app.queue_screen.table
        await until(pilot, lambda: table.twins(first) == 1, "both rows, with their details")
        one, two = table.line(first), table.line(second)
        assert one != two
        short_one, short_two = table.short_id(first), table.short_id(second)
        assert short_one != short_two and len(short_one) >= 4
        assert f"#{short_one}" in one and f"#{short_two}" in two
        assert "3m" in one and "now" in two  # and the ages differ

        # Enter on it: the whole summary, who asked, how long ago, its short id.
        table.move_to(first)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the choice")
        title = str(app.screen.query_one("#choice-title", Static).content)
        assert twin in title
        assert f"from Sam Okafor · 3m ago · • normal · #{short_one}" in title
        await pilot.press("escape")

        # A twin that leaves takes the other's id with it.
        entry = app.feed.queue.get(second)
        assert entry is not None
        await (await rf.client(ALEX)).claim(entry.session_id, second)
        await until(pilot, lambda: second not in table, "the twin to leave", 8)
        assert table.twins(first) == 0 and "#" not in table.line(first)


async def test_a_filter_says_how_many_of_how_many_it_shows(make: AppFactory, rf: Running) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        await escalate(rf, f"{OUTLOOK} (Harbourside Dental, Bristol)")
        await escalate(rf, f"{OUTLOOK} (Kestrel Logistics, Leeds)")
        await until(pilot, lambda: app.queue_screen.table.row_count == 5, "five rows")
        assert header(app).startswith("5 escalations awaiting pickup")
        await pilot.press("slash", *"outlook", "enter")
        await until(pilot, lambda: app.queue_screen.table.row_count == 2, "the filter")
        assert header(app).startswith("2 of 5 shown · 5 unread · newest first · filter: outlook")
        await escalate(rf, "Printer offline in the warehouse")  # not shown, but counted
        await until(pilot, lambda: header(app).startswith("2 of 6 shown"), "the new total")
        await pilot.press("escape")
        await until(pilot, lambda: header(app).startswith("6 escalations awaiting"), "all")


async def test_a_row_claimed_by_a_colleague_leaves_with_a_word(
    make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_screen, "LEAVE_SECONDS", 30.0)  # however slow this machine
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        screen, table = app.queue_screen, app.queue_screen.table
        claims = count_requests(app.feed.client, "/claim")
        await pilot.press("down")
        before = row_ids(app)
        taken = before[1]
        entry = app.feed.queue.get(taken)
        assert entry is not None
        await alex.claim(entry.session_id, taken)
        await until(pilot, lambda: "claimed by Alex Moreno" in table.line(taken), "the word")
        # In place, greyed, the cursor still on it; the header counts it gone.
        assert row_ids(app) == before and table.current_id() == taken
        assert header(app).startswith("2 escalations awaiting pickup")
        assert table.line(taken).lstrip().startswith("▲")  # the row, not just the word

        for key in ("c", "o", "enter"):  # none of them claims or opens it
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen) and claims == []
        assert "Already taken: Alex Moreno claimed it; it is leaving the queue." in toasts(app)

        screen.leaving._until[taken] = 0.0  # its moment is over
        screen._sweep()
        await until(pilot, lambda: taken not in row_ids(app), "the row to go")
        assert row_ids(app) == [before[0], before[2]]
        assert table.current_id() == before[2]  # on its neighbour, which a c names first
        aim = table.aim(queue_screen.SETTLE_SECONDS)
        assert aim is not None and aim.shifted


async def test_it_leaves_on_its_own_after_a_moment(make: AppFactory, rf: Running) -> None:
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        taken = row_ids(app)[0]
        entry = app.feed.queue.get(taken)
        assert entry is not None
        await alex.claim(entry.session_id, taken)
        table = app.queue_screen.table
        await until(pilot, lambda: "claimed by" in table.line(taken), "the word")
        await until(pilot, lambda: taken not in row_ids(app), "it to go", 3 + 2)


async def test_where_nobody_is_named_it_says_claimed(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        taken = row_ids(app)[2]
        app.feed.queue.gone(taken)  # as the stream's claim event with no name does
        app.post_message(Fed(ev.QueueChanged("claimed", removed=(ev.Departure(taken),))))
        table = app.queue_screen.table
        await until(pilot, lambda: "claimed · " in table.line(taken), "the bare word")
        table.move_to(taken)
        await pilot.press("c")
        await until(pilot, lambda: bool(toasts(app)), "the toast")
        assert toasts(app)[-1] == "Already taken: Someone else claimed it; it is leaving the queue."


async def test_my_own_claim_leaves_at_once(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        mine = row_ids(app)[0]
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        assert mine not in row_ids(app) and mine not in app.queue_screen.leaving


class TestWithoutClaimEvents:
    """A backend that does not announce claims (the demo's): a refetch sees the row
    gone, not who took it, and says no more than that."""

    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, announce_claims=False)

    async def test_a_row_a_refetch_finds_gone_leaves_with_a_word_too(
        self, make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(queue_screen, "LEAVE_SECONDS", 30.0)
        app = make()
        alex = await rf.client(ALEX)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await ready(pilot, rows=3)
            table = app.queue_screen.table
            before = row_ids(app)
            entry = app.feed.queue.get(before[1])
            assert entry is not None
            await alex.claim(entry.session_id, entry.id)
            app.feed.refetch()  # what the poll does
            await until(pilot, lambda: "no longer waiting" in table.line(entry.id), "the word")
            assert row_ids(app) == before
            table.move_to(entry.id)
            await pilot.press("c")
            await until(pilot, lambda: bool(toasts(app)), "the toast")
            assert toasts(app)[-1] == (
                "Already taken: It is no longer waiting (claimed or withdrawn); "
                "it is leaving the queue."
            )


def test_a_tag_on_a_row_is_kept_whole_and_the_words_give_way() -> None:
    """Room for a short mark after the problem (who else is looking, a short id)."""
    from datetime import datetime, timezone

    from rich.text import Text

    from rf_tui.feed.types import QueueEntry
    from rf_tui.ui.widgets.queue_table import RowView, Widths, row_cells

    entry = QueueEntry(
        id="h1",
        session_id="s1",
        problem_summary=f"{VPN} (Kestrel Logistics, Leeds)",
        created_at=datetime(2026, 11, 23, tzinfo=timezone.utc),
    )
    row = RowView(entry, unread=False, summary=entry.summary, tags=(Text("👁 Alex"),))
    widths = Widths.fit(80)
    cell = row_cells(row, widths, "1m", (Text("#h1"),))[2].plain
    assert cell.endswith("… 👁 Alex #h1") and VPN[:20] in cell
    assert Text(cell).cell_len <= widths.summary
