"""The queue screen, driven like a senior would, against the real reference server."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from textual import events

from rf_tui.server.config import ServerConfig
from rf_tui.ui.screens.choice import ChoiceScreen
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from tests.helpers import ALEX, SAM, FakeClock, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, ready, row_ids, until


def header(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.queue_screen.query_one("#counts").content.plain)


async def test_queue_is_populated_at_start(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        assert header(app).startswith("3 escalations awaiting pickup · 3 unread")
        ids = row_ids(app)
        assert "VPN drops" in cell_text(app, ids[0], "summary")  # newest first
        assert cell_text(app, ids[0], "priority") == "▲ high"
        assert cell_text(app, ids[0], "requester") == "Sam Okafor"
        assert cell_text(app, ids[0], "age") == "1m"
        assert cell_text(app, ids[0], "mark") == "●"


async def test_an_arrival_appears_at_the_top_with_its_details(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    sam = await rf.client(SAM)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        session = await sam.create_session("Scanner emails bounce since the M365 change")
        handoff = await sam.hand_off(session.id, priority="urgent", engineer_notes="SMTP AUTH off?")
        await until(pilot, lambda: row_ids(app)[:1] == [handoff.id], "the arrival at the top")
        await until(pilot, lambda: "Scanner" in cell_text(app, handoff.id, "summary"), "details")
        assert cell_text(app, handoff.id, "priority") == "▲▲ urgent"
        assert cell_text(app, handoff.id, "notes").startswith("SMTP AUTH")
        assert header(app).startswith("4 escalations awaiting pickup · 4 unread")


async def test_unread_clears_on_open_claim_and_dismiss_not_on_cursor(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        first, second, third = row_ids(app)
        await pilot.press("down", "down", "up", "up")  # moving over rows reads nothing
        assert app.queue_screen.unread_ids() == {first, second, third}

        await pilot.press("o")  # open
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff screen")
        await pilot.press("escape")
        assert cell_text(app, first, "mark") == " "

        await pilot.press("down", "d")  # explicit dismiss
        assert cell_text(app, second, "mark") == " "
        assert app.queue_screen.unread_ids() == {third}

        await pilot.press("down", "c")  # claim
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "claimed handoff")
        assert third in app.desk.seen

    again = make()  # a restart: the same server and user, a new app
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=2)
        assert again.queue_screen.unread_ids() == set()
        assert header(again).startswith("2 escalations awaiting pickup · 0 unread")


async def test_claimed_elsewhere_leaves_live(make: AppFactory, rf: Running) -> None:
    app = make()
    alex = await rf.client(ALEX)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        target = app.feed.queue.get(row_ids(app)[1])
        assert target is not None
        await alex.claim(target.session_id, target.id)
        await until(pilot, lambda: target.id not in row_ids(app), "the claimed row to leave")
        assert len(row_ids(app)) == 2


class TestRaceWithoutClaimEvents:
    """A backend that does not announce claims: the loser learns by 409."""

    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, assessment_delay=0.05, announce_claims=False)

    async def test_losing_the_race_names_the_winner_then_the_row_leaves(
        self, make: AppFactory, rf: Running
    ) -> None:
        app = make()
        alex = await rf.client(ALEX)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await ready(pilot, rows=3)
            target = app.feed.queue.get(row_ids(app)[0])
            assert target is not None
            assert rf.clock is not None
            await alex.claim(target.session_id, target.id)
            rf.clock.advance(seconds=2)  # Dana reaches for it two seconds after Alex
            await pilot.press("c")
            await until(pilot, lambda: bool(app._notifications), "a toast")
            toast = list(app._notifications)[-1]
            assert toast.message == "Already claimed by Alex Moreno 2s ago."
            await until(
                pilot,
                lambda: "claimed by Alex Moreno" in cell_text(app, target.id, "summary"),
                "the winner's name on the row",
            )
            await until(
                pilot, lambda: target.id not in row_ids(app), "the row to leave", 5
            )  # after a moment naming who
            assert not isinstance(app.screen, HandoffScreen)


async def test_a_role_without_claim_rights_is_told_why(make: AppFactory, rf: Running) -> None:
    app = make()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        # An admin demotes Dana to viewer while she is looking at the queue.
        rf.backend.store._write(
            "UPDATE users SET role = 'viewer' WHERE email = ?", (app.feed.me.email,)
        )  # type: ignore[union-attr]
        await pilot.press("c")
        await until(pilot, lambda: bool(app._notifications), "a toast")
        toast = list(app._notifications)[-1]
        assert "Only engineers or admins can claim" in toast.message
        assert len(row_ids(app)) == 3


async def test_a_viewer_sees_why_there_is_no_queue(make: AppFactory) -> None:
    app = make("vic@northwind.example")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "engineer" in app.queue_screen.link_text().plain, "the reason")
        assert app.queue_screen.link_text().plain.startswith("✕ offline")


async def test_filter_sort_and_help(make: AppFactory) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("slash", *"mfa", "enter")
        await until(pilot, lambda: app.queue_screen.table.row_count == 1, "the filter")
        assert "CFO stuck" in cell_text(app, row_ids(app)[0], "summary")
        await pilot.press("escape")
        await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the filter to clear")
        await pilot.press("slash", *"p:normal", "enter")
        await until(pilot, lambda: app.queue_screen.table.row_count == 1, "priority filter")
        await pilot.press("escape", "s")
        assert "oldest first" in header(app)
        assert "Warehouse" in cell_text(app, row_ids(app)[0], "summary")
        await pilot.press("s")
        assert cell_text(app, row_ids(app)[0], "priority") == "▲▲ urgent"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_hostile_text_is_shown_literally(make: AppFactory, rf: Running) -> None:
    app = make()
    sam = await rf.client(SAM)
    async with app.run_test(size=(120, 24)) as pilot:
        await ready(pilot, rows=3)
        session = await sam.create_session("[bold]Printer[/bold] \x1b[2J on fire [/oops]")
        handoff = await sam.hand_off(session.id, engineer_notes="\x1b]2;PWNED\x07 call me")
        await until(pilot, lambda: "Printer" in cell_text(app, handoff.id, "summary"), "details")
        assert cell_text(app, handoff.id, "summary").startswith("[bold]Printer[/bold] ␛[2J on")
        assert cell_text(app, handoff.id, "notes").startswith("␛]2;PWNED␇ call")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        assert app.is_running


async def test_arrivals_while_unfocused_badge_the_title(make: AppFactory, rf: Running) -> None:
    app = make()
    sam = await rf.client(SAM)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        app.post_message(events.AppBlur())
        await pilot.pause()
        for summary in ("Badge one", "Badge two"):
            await sam.hand_off((await sam.create_session(summary)).id)
        await until(pilot, lambda: app.title_badge.count == 2, "two arrivals counted")
        assert app.title_badge.written == ["(1) rf-tui", "(2) rf-tui"]
        app.post_message(events.AppFocus())
        await until(pilot, lambda: app.title_badge.written[-1] == "rf-tui", "the badge to clear")


async def test_an_expired_sign_in_says_how_to_sign_in_again(rf: Running, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rf_tui.api.client import Client
    from rf_tui.settings import Settings
    from rf_tui.ui.app import make_app

    settings = Settings(server=rf.url, token="expired.or.forged", state_dir=tmp_path)
    app = make_app(settings, Client(rf.url, "expired.or.forged"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(
            pilot, lambda: app.queue_screen.link_text().plain == "✕ signed out", "signed out"
        )
        await until(pilot, lambda: bool(app._notifications), "the explanation")
        toast = list(app._notifications)[-1]
        assert f"rf-tui login --server {rf.url}" in toast.message
        assert app.is_running


async def test_unusable_state_dir_warns_once_and_keeps_markers(rf: Running, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rf_tui.api.client import Client
    from rf_tui.settings import Settings
    from rf_tui.ui.app import make_app
    from tests.ui.conftest import token_for

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state directory should be")
    token = token_for(rf, "dana@northwind.example")
    settings = Settings(server=rf.url, token=token, state_dir=blocker / "state")
    app = make_app(settings, Client(rf.url, token), clock=rf.clock)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        await pilot.press("d", "down", "d")
        assert len(app.queue_screen.unread_ids()) == 1  # both markers kept in memory
        warnings = [n for n in app._notifications if n.title == "Unread markers"]
        assert len(warnings) == 1 and "cannot be saved" in warnings[0].message


async def test_a_corrupt_markers_file_is_set_aside_at_start(make: AppFactory) -> None:
    from rf_tui.paths import seen_path

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        assert app.feed.me is not None
        path = seen_path(make.state_dir, make.running.url, app.feed.me.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{{{ not json")
    again = make()
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot, rows=3)
        assert any("damaged" in n.message for n in again._notifications)
        assert path.with_name(path.name + ".corrupt").exists()
        await pilot.press("d")
        assert len(again.queue_screen.unread_ids()) == 2


async def test_arrivals_stay_in_sight_and_the_cursor_stays_put(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    sam = await rf.client(SAM)
    async with app.run_test(size=(80, 12)) as pilot:
        await ready(pilot, rows=3)
        reading = app.queue_screen.table.current_id()
        latest = ""
        assert rf.clock is not None
        for i in range(12):  # more than the window holds
            rf.clock.advance(seconds=1)
            latest = (await sam.hand_off((await sam.create_session(f"Arrival {i}")).id)).id
        await until(pilot, lambda: row_ids(app)[:1] == [latest], "the last arrival on top")
        table = app.queue_screen.table
        assert table.scroll_y == 0  # the top, with the newest, is what is shown
        assert table.current_id() == reading  # c names and shows it before claiming it


async def test_paging_keys_and_a_click_move_through_a_long_queue(
    make: AppFactory, rf: Running
) -> None:
    app = make()
    sam = await rf.client(SAM)
    assert rf.clock is not None
    for i in range(20):  # far more than an 80x12 window shows
        rf.clock.advance(seconds=1)
        await sam.hand_off((await sam.create_session(f"Backlog {i}")).id)
    async with app.run_test(size=(80, 12)) as pilot:
        await ready(pilot, rows=23)
        table = app.queue_screen.table
        await pilot.press("G")
        assert table.current_id() == row_ids(app)[-1]
        assert table.scroll_y > 0  # the view followed the cursor to the end
        await pilot.press("g")
        assert (table.current_id(), table.scroll_y) == (row_ids(app)[0], 0)
        await pilot.press("pagedown")
        assert table.cursor_row > 1
        await pilot.press("home")
        # A click on the third row (under the one-line header) selects it and
        # offers open or claim for it.
        await pilot.click(table, offset=(30, 3))
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the choice")
        assert table.current_id() == row_ids(app)[2]


async def test_a_burst_is_followed_by_one_refetch_once_it_is_quiet(
    make: AppFactory, rf: Running
) -> None:
    # The server drops events for a subscriber that falls behind; bursts are when
    # that happens. A refetch after the burst, not the periodic reconcile (here
    # ten minutes away), must catch what was dropped.
    app = make(reconcile_every=600.0)
    sam = await rf.client(SAM)
    sessions = [await sam.create_session(f"Burst {i}") for i in range(8)]
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        refetches: list[str] = []

        async def count(request: httpx.Request) -> None:
            if request.url.path.endswith("/ai-sessions/queue"):
                refetches.append(request.url.path)

        app.feed.client.http.event_hooks["request"].append(count)
        await asyncio.gather(*(sam.hand_off(s.id) for s in sessions))
        await until(pilot, lambda: app.queue_screen.table.row_count == 11, "the burst")
        await until(pilot, lambda: len(refetches) >= 1, "a refetch after the burst")


async def test_the_reconcile_does_not_refetch_the_slow_metric_but_a_claim_does(
    make: AppFactory,
) -> None:
    app = make(reconcile_every=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, rows=3)
        calls = {"metrics": 0, "refetch": 0}

        async def count(request: httpx.Request) -> None:
            if request.url.path.endswith("/ai-sessions/queue"):
                calls["refetch"] += 1
            elif "/analytics/" in request.url.path:
                calls["metrics"] += 1

        app.feed.client.http.event_hooks["request"].append(count)
        await until(pilot, lambda: calls["refetch"] >= 3, "three reconciles")
        assert calls["metrics"] == 0  # a 7-day figure: not every 30 s
        await pilot.press("c")  # a claim moves its counts (a claim refreshes it)
        await until(pilot, lambda: bool(app.desk.claimed_here), "the claim")
        await until(pilot, lambda: calls["metrics"] == 1, "the metric after a claim")


async def test_the_cursor_row_reads_in_the_cursor_colour(make: AppFactory) -> None:
    """A red "urgent" or dim notes on the blue cursor bar were barely legible."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, rows=3)
        table = app.queue_screen.table
        urgent = next(i for i in row_ids(app) if cell_text(app, i, "priority").endswith("urgent"))
        await pilot.press(*["j"] * row_ids(app).index(urgent))
        assert table.current_id() == urgent
        cursor = table.get_component_rich_style("queue--cursor")
        line = table.render_line(table.cursor_row + 1)  # below the header
        styles = [seg.style for seg in line if seg.text.strip() and seg.style]
        assert {s.color for s in styles} == {cursor.color} and not any(s.dim for s in styles)
        other = table.render_line(1 if table.cursor_row else 2)  # a row off the cursor
        assert len({seg.style.color for seg in other if seg.text.strip() and seg.style}) > 1
