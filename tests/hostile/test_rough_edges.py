"""Rough edges of issue 14, met through the real app against the stand-in backend."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from rf_tui import cli
from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream, Live
from rf_tui.cli import script
from rf_tui.cli.plain import Plain
from rf_tui.cli.watching import Watcher
from rf_tui.disguise import Disguise
from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.settings import Settings
from rf_tui.state.clock import Clock, system_clock
from rf_tui.state.queue import NO_SUMMARY, NOT_LOADED
from rf_tui.text import SHOWN_LINES
from rf_tui.ui.app import RfApp, make_app
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.reader import LongText, ReaderScreen
from tests.canned import response
from tests.helpers import FakeClock, wait_for
from tests.hostile.cases import created
from tests.hostile.harness import controls, shown
from tests.hostile.server import API, T0, Hostile, entry, frame
from tests.ui.pilot import cell_text, open_read_only, panel_text, until


@asynccontextmanager
async def app_on(
    hostile: Hostile,
    state_dir: Path,
    *,
    clock: Clock | None = None,
    presenter: Presenter | None = None,
    size: tuple[int, int] = (110, 30),
    **settings: object,
) -> AsyncIterator[tuple[RfApp, Pilot[None]]]:
    """The real app on the stand-in backend, live with its first rows."""
    client = Client(hostile.url, "token", deadline=2.0)
    stream = EscalationStream(client, heartbeat=0.2, read_timeout=0.8, backoff_base=0.05)
    config = Settings(server=hostile.url, token="token", state_dir=state_dir, **settings)  # type: ignore[arg-type]
    app = make_app(
        config,
        client,
        clock=presenter.clock if presenter else clock or FakeClock(T0),
        stream=stream,
        presenter=presenter,
    )
    try:
        async with app.run_test(size=size, notifications=True) as pilot:
            await until(pilot, lambda: isinstance(app.feed.state, Live), "live", 8)
            await until(pilot, lambda: app.queue_screen.table.row_count > 0, "the first rows")
            yield app, pilot
    finally:
        await client.aclose()


# ── A winner's name full of escape sequences ─────────────────────────────────

NOISY_NAME = "\x1b]2;PWNED\x07\x1b[31m\x1b[1m\x1b[5m" * 6 + "Alex Moreno\x1b[0m"


async def test_a_noisy_winner_name_leaves_the_sentence_whole(tmp_path: Path) -> None:
    async with Hostile() as hostile:
        body = {"detail": {"claimed_by": "u-alex", "claimed_by_name": NOISY_NAME}}
        hostile.claim_answer = response(409, json.dumps(body))
        async with app_on(hostile, tmp_path) as (app, pilot):
            top = app.queue_screen.table.current_id()
            assert top is not None
            await pilot.press("c")
            await until(pilot, lambda: any("Already" in n.message for n in app._notifications),
                        "the toast")  # fmt: skip
            toast = next(n.message for n in app._notifications if "Already" in n.message)
            # The name, not a screenful of control pictures, and the sentence ends.
            assert toast == "Already claimed by \ufffdAlex Moreno\ufffd."
            await until(pilot, lambda: "Alex" in cell_text(app, top, "summary"), "the row")
            assert cell_text(app, top, "summary").startswith("claimed by \ufffdAlex Moreno")
            assert controls(shown(app)) == []


async def test_a_noisy_name_claiming_what_is_open_here_reads_as_a_name(tmp_path: Path) -> None:
    async with Hostile() as hostile, app_on(hostile, tmp_path) as (app, pilot):
        app.queue_screen.table.move_to("h1")
        screen = await open_read_only(pilot)
        claimed = {"handoff_id": "h1", "session_id": "s1", "claimed_by": "u-alex",
                   "claimed_by_name": NOISY_NAME}  # fmt: skip
        await hostile.push(frame("handoff_claimed", claimed))
        await until(pilot, lambda: screen.taken_by is not None, "the claim elsewhere")
        start = panel_text(screen, "start")
        assert "Claimed by \ufffdAlex Moreno\ufffd: you can read it, not claim it." in start
        assert controls(shown(app)) == []


# ── A null summary ───────────────────────────────────────────────────────────


async def test_a_row_without_a_summary_says_so_once_its_details_are_in(tmp_path: Path) -> None:
    async with Hostile() as hostile:
        hostile.queue[1] = entry(2, problem_summary=None)  # fetched with the queue
        async with app_on(hostile, tmp_path) as (app, pilot):
            assert cell_text(app, "h2", "summary") == NO_SUMMARY
            # An arrival: "fetching" while its details are asked for, then plainly none.
            hostile.queue.insert(0, entry(9, problem_summary=None))
            await hostile.push(frame("handoff_created", created(9)))
            await until(pilot, lambda: cell_text(app, "h9", "summary") == NO_SUMMARY, "none given")
            # Details that cannot be fetched say so, instead of "fetching" until the refetch.
            hostile.routes[("GET", f"{API}/ai-sessions/s8/handoffs")] = response(500, b"{}")
            await hostile.push(frame("handoff_created", created(8)))
            await until(pilot, lambda: cell_text(app, "h8", "summary") == NOT_LOADED, "failed")
            assert "fetching" not in shown(app)


# ── Skew-aware time ──────────────────────────────────────────────────────────


def on_server_clock(hostile: Hostile, skew: float, minutes_ago: float) -> None:
    """A server ``skew`` seconds off, with one escalation made ``minutes_ago`` by its clock
    and no assessment."""
    hostile.clock_skew = skew
    made = hostile.now() - timedelta(minutes=minutes_ago)
    hostile.queue = [entry(1, created_at=made.isoformat(), ai_assessment_data=None)]


async def test_a_server_ten_minutes_ahead_ages_on_its_clock(tmp_path: Path) -> None:
    async with Hostile() as hostile:
        on_server_clock(hostile, skew=600, minutes_ago=1.5)
        async with app_on(hostile, tmp_path, clock=system_clock) as (app, pilot):
            await until(pilot, lambda: cell_text(app, "h1", "age") == "1m", "1m, not now")
            status = app.queue_screen.link_text().plain
            assert "server clock 10 min ahead: ages use the server's time" in status
            assert "last event just now" in status  # heard by our clock, not 10m ago
            screen = await open_read_only(pilot)
            # A minute old on the server: the assessment timed out; it is not pending.
            assert "timed out" in panel_text(screen, "assessment")
            assert "escalated 1m ago" in panel_text(screen, "problem")


async def test_a_server_three_hours_behind_shows_a_fresh_escalation_as_fresh(
    tmp_path: Path,
) -> None:
    async with Hostile() as hostile:
        on_server_clock(hostile, skew=-3 * 3600, minutes_ago=2.5)
        async with app_on(hostile, tmp_path, clock=system_clock, size=(80, 24)) as (app, pilot):
            await until(pilot, lambda: cell_text(app, "h1", "age") == "2m", "2m, not 3h")
            assert "server clock −3h" in app.queue_screen.link_text(80).plain


def test_rf_tui_queue_ages_on_the_servers_clock(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    on_server_clock(hostile, skew=-3 * 3600, minutes_ago=2.5)
    hostile.start_in_thread()
    assert cli.main(["queue", "--server", hostile.url, "--token", "token"]) == 0
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert " 2m  Sam " in line  # not "3h"
    assert "server clock 3 h behind" in captured.err


async def test_plain_and_watch_age_on_the_servers_clock_and_say_so() -> None:
    async with Hostile() as hostile:
        on_server_clock(hostile, skew=600, minutes_ago=1.5)
        plain_out, watch_out = io.StringIO(), io.StringIO()
        plain_client = Client(hostile.url, "token")
        watch_client = Client(hostile.url, "token")
        plain = Plain(plain_client, plain_out)
        watcher = Watcher(watch_client, True, watch_out)
        running = [asyncio.create_task(plain.follow()), asyncio.create_task(watcher.run())]
        try:
            await wait_for(lambda: "waiting, newest first" in plain_out.getvalue(), what="list")
            await wait_for(lambda: "clock_skew" in watch_out.getvalue(), what="watch's line")
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            await plain_client.aclose()
            await watch_client.aclose()
    said = plain_out.getvalue()
    assert "Server clock 10 min ahead: ages use the server's time." in said
    assert "(1m)" in said  # not "(now)"
    told = [json.loads(line) for line in watch_out.getvalue().splitlines()]
    skew = next(t for t in told if t.get("state") == "clock_skew")
    assert 598 <= skew["offset_seconds"] <= 602


# ── Presenter mode from the first paint ──────────────────────────────────────

REAL_PEOPLE = ("Priya", "Shah", "Tomasz", "Kowalczyk")


async def test_a_take_shows_no_real_name_before_the_details_either(tmp_path: Path) -> None:
    async with Hostile() as hostile:
        # One row's note names the person whose own row comes after it.
        hostile.queue = [
            entry(1, engineer_notes="Priya Shah saw it first"),
            entry(2, handed_off_by_name="Priya Shah"),
        ]
        # An arrival from someone new, whose details are held back for now.
        hostile.queue.insert(0, entry(9, handed_off_by_name="Tomasz Kowalczyk",
                                      engineer_notes="Tomasz here: the scanner again"))  # fmt: skip
        release = asyncio.Event()
        details = f"{API}/ai-sessions/s9/handoffs"

        async def held(writer: asyncio.StreamWriter) -> None:
            await release.wait()
            writer.write(hostile._dated(hostile._default("GET", details, b"")))
            await writer.drain()

        hostile.routes[("GET", details)] = held
        arrival = hostile.queue.pop(0)  # not in the first fetch: it arrives on the stream
        take = Presenter(lambda: True, Disguise(people=["Sam"]), started=T0)
        async with app_on(hostile, tmp_path, presenter=take, notify=True) as (app, pilot):
            sent: list[str] = []
            app.title_badge.write = sent.append  # type: ignore[method-assign]
            app.post_message(events.AppBlur())
            await until(pilot, lambda: app.title_badge.unfocused, "unfocused")
            hostile.queue.insert(0, arrival)
            await hostile.push(
                frame("handoff_created", created(9, engineer_notes=arrival["engineer_notes"]))
            )
            await until(pilot, lambda: "h9" in app.queue_screen.table, "the arrival's row")
            await until(pilot, lambda: any("777" in s for s in sent), "the notification")
            seen = shown(app) + "".join(sent)
            assert not [name for name in REAL_PEOPLE if name in seen], seen
            release.set()  # the details name the writer: now the note shows, disguised
            await until(pilot, lambda: "scanner" in cell_text(app, "h9", "notes"), "notes")
            seen = shown(app) + "".join(sent)
            assert not [name for name in REAL_PEOPLE if name in seen], seen
            # The whole note, in its reader, is the disguised one, with the keys shown.
            app.queue_screen.table.move_to("h9")
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the whole note")
            whole = " ".join(app.screen.query_one(LongText).rows)
            assert "scanner again" in whole and not [n for n in REAL_PEOPLE if n in whole]
            assert app.screen.query("#keys")


async def test_the_first_queue_of_a_take_hides_names_a_later_row_brings() -> None:
    """The first paint: a row's note naming someone whose own row comes later in the answer."""
    async with Hostile() as hostile:
        hostile.queue = [
            entry(1, engineer_notes="Priya Shah saw it first"),
            entry(2, handed_off_by_name="Priya Shah"),
        ]
        told: list[ev.FeedEvent] = []
        async with Client(hostile.url, "token") as client:
            feed = Feed(client, told.append, disguise=Disguise(people=["Sam"]))
            following = asyncio.create_task(feed.run())
            try:
                await wait_for(lambda: any(isinstance(e, ev.QueueChanged) for e in told), what="it")
            finally:
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
        first = next(e for e in told if isinstance(e, ev.QueueChanged))
        assert first.cause == "first"
        text = " ".join(f"{e.requester} {e.engineer_notes}" for e in first.added)
        assert "saw it first" in text and not [n for n in REAL_PEOPLE if n in text], text


# ── A very long note ─────────────────────────────────────────────────────────


async def test_a_long_note_shows_its_head_and_n_reads_all_of_it(tmp_path: Path) -> None:
    notes = "".join(f"line {i}: event 4625, an account failed to log on\n" for i in range(5000))
    async with Hostile() as hostile:
        hostile.queue = [entry(1, engineer_notes=notes)]
        async with app_on(hostile, tmp_path, size=(120, 40)) as (app, pilot):
            screen = await open_read_only(pilot)
            await until(pilot, lambda: screen.session is not None, "the session")
            problem = panel_text(screen, "problem")
            # What is drawn is capped, and says how much more there is and how to read it.
            assert "line 199:" in problem and "line 200:" not in problem
            assert "… 4,800 more lines (238 KB) not shown: n shows the whole note" in problem
            assert len(problem.splitlines()) < SHOWN_LINES + 10
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the whole note")
            reader = app.screen.query_one(LongText)
            assert len(reader.rows) == 5001 and reader.rows[4999].startswith("line 4999:")
            await pilot.press("end")
            await until(pilot, lambda: reader.scroll_y == reader.max_scroll_y > 0, "the end")
            bottom = reader.render_line(reader.scrollable_content_region.height - 2)
            assert "line 4999:" in bottom.text
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, "back to the handoff")


def test_rf_tui_claim_says_when_the_winner_claimed_on_the_servers_clock(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    on_server_clock(hostile, skew=-3 * 3600, minutes_ago=9)
    won = (hostile.now() - timedelta(minutes=5.5)).isoformat()
    body = {"detail": {"claimed_by": "u-alex", "claimed_by_name": "Alex", "claimed_at": won}}
    hostile.claim_answer = response(409, json.dumps(body))
    hostile.start_in_thread()
    argv = ["claim", "h1", "--server", hostile.url, "--token", "token"]
    assert cli.main(argv) == script.LOST_RACE
    assert capsys.readouterr().out == "Already claimed by Alex 5m ago.\n"  # not "3h ago"
