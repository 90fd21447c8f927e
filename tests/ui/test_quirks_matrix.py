"""The senior's whole story against a reference server with each quirk, over a real socket.

An escalation arrives and shows as a row; another senior's claim takes a row away;
a race lost to a rival names the winner; the senior claims the arrival, reads the
four panels and sends a first action. Without claim events, or behind a proxy that
buffers the stream, rows come and go only by polling, so those runs poll often.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from rf_tui.api.client import Rows
from rf_tui.api.stream import Live
from rf_tui.feed.outcomes import Stats, StatsRefused
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens import handoff as handoff_screen
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.helpers import ALEX, SAM, FakeClock, Running
from tests.ui.conftest import AppFactory
from tests.ui.pilot import cell_text, open_read_only, panel_text, row_ids, said, until

MATRIX = [
    (),
    ("naive-times",),
    ("no-claim-events",),
    ("no-metrics",),
    ("no-presence",),
    ("no-trend",),
    ("no-etag",),
    ("path-prefix=/x",),
    ("buffered-stream",),
    ("bad-row",),
    ("clock-skew=3600",),
    ("clock-skew=-3600",),
    ("slow=200",),
]
#: Seconds between queue refetches where the stream cannot carry the story (30 by default).
POLL_EVERY = 0.5

PACKAGE = {
    "steps_attempted": [{"description": "Re-entered the scanner's SMTP password", "result": "535"}],
    "dead_ends_flagged": [{"description": "Rebooted the scanner", "reason": "same bounce"}],
}
CONVERSATION = [
    {"role": "user", "content": "Scanner emails bounce with 535"},
    {"role": "assistant", "content": "SMTP AUTH may be off for the scanner's mailbox."},
]


@pytest.fixture(params=MATRIX, ids=lambda specs: "+".join(specs) or "no-quirks")
def server_config(request: pytest.FixtureRequest, clock: FakeClock) -> ServerConfig:
    return ServerConfig(clock=clock, assessment_delay=0.05, quirks=Quirks.parse(request.param))


def polled_only(quirks: Quirks) -> bool:
    return quirks.buffered_stream or quirks.no_claim_events


async def started(pilot: Pilot[None], quirks: Quirks) -> RfApp:
    """The queue loaded and the metric shown (or why not); live, where the stream gets through."""
    app = pilot.app
    assert isinstance(app, RfApp)
    feed = app.feed
    await until(pilot, lambda: feed.loaded and feed.me is not None, "the queue")
    await until(pilot, lambda: app.queue_screen.table.row_count == 3, "the three seeded rows")
    await until(
        pilot,
        lambda: feed.metrics is not None or feed.metrics_problem is not None,
        "the metric, or why it is missing",
    )
    if not quirks.buffered_stream:
        await until(pilot, lambda: isinstance(feed.state, Live), "the stream to be live")
    return app


def by_summary(app: RfApp, words: str) -> str:
    return next(e.id for e in app.feed.queue.ordered() if words in e.summary)


async def test_the_story_holds(make: AppFactory, rf: Running) -> None:
    quirks = rf.backend.config.quirks
    app = make(reconcile_every=POLL_EVERY if polled_only(quirks) else 30.0)
    sam, alex = await rf.client(SAM), await rf.client(ALEX)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot, quirks)
        feed = app.feed
        if quirks.bad_row:  # told on the queue (a handoff opened later takes toasts down)
            await until(pilot, lambda: any(n.title == "Unreadable rows" for n in app._notifications),
                        "the unreadable row told")  # fmt: skip
            unreadable = [n.message for n in app._notifications if n.title == "Unreadable rows"]
            assert unreadable == [
                "1 row of the queue could not be read and is not shown: row 2: id: Field required"
            ]

        # An escalation arrives and shows as a row, with its details.
        session = await sam.create_session(
            "Scanner emails bounce since the M365 change",
            escalation_package=PACKAGE,
            conversation_messages=CONVERSATION,
        )
        arrival = await sam.hand_off(session.id, priority="urgent", engineer_notes="SMTP AUTH?")
        await until(
            pilot, lambda: "Scanner" in cell_text(app, arrival.id, "summary"), "the arrival's row"
        )
        assert cell_text(app, arrival.id, "priority") == "▲▲ urgent"

        # Another senior claims a row: it leaves this queue.
        taken = feed.queue.get(by_summary(app, "CFO stuck"))
        assert taken is not None
        await alex.claim(taken.session_id, taken.id)
        await until(pilot, lambda: taken.id not in row_ids(app), "the claimed row to leave")

        # A race lost: read-only on one row while the rival claims it. Where claims are
        # announced the open handoff hears first and names the winner; where they are
        # not, c meets the 409 and the toast names the winner.
        contested = feed.queue.get(by_summary(app, "VPN drops"))
        assert contested is not None
        app.queue_screen.table.move_to(contested.id)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the read-only handoff")
        reading = app.screen
        assert isinstance(reading, HandoffScreen)
        # Reading it tells the others (where the backend has the heartbeat, silently not).
        await until(pilot, lambda: feed.client.presence is not None, "the viewing heartbeat")
        await alex.claim(contested.session_id, contested.id)
        if not polled_only(quirks):
            await until(pilot, lambda: reading.taken_by == "Alex Moreno", "the claim, live")
        else:
            await pilot.press("c")
            # Told on the handoff's own line, not in a toast over its panels.
            await until(pilot, lambda: said(reading).startswith("Too late: Already claimed by "
                                                                "Alex Moreno"), "the news")  # fmt: skip
            assert reading.taken_by == "Alex Moreno"
        await until(
            pilot,
            lambda: "Claimed by Alex Moreno: you" in panel_text(reading, "start"),
            "the winner on the handoff",
        )
        await pilot.press("escape")
        await until(pilot, lambda: contested.id not in row_ids(app), "the lost row to leave")

        # The senior claims the arrival: the four panels brief them. (Its assessment is in
        # first; one that lands while the handoff is open is TestBehindABufferingProxy's.)
        await until(pilot, lambda: assessed(rf, session.id), "the AI assessment on the server")
        app.queue_screen.table.move_to(arrival.id)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the claimed handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        await until(pilot, lambda: screen.claimed and screen.session is not None, "its session")
        problem = panel_text(screen, "problem")
        assert "Scanner emails bounce since the M365 change" in problem
        assert "from Sam Okafor" in problem and "Notes: SMTP AUTH?" in problem
        tried = panel_text(screen, "tried")
        assert "✓ Re-entered the scanner's SMTP password → 535" in tried
        assert "✗ Rebooted the scanner → dead end: same bounce" in tried
        await until(
            pilot,
            lambda: "conditional-access policy" in panel_text(screen, "assessment"),
            "the assessment panel",
        )
        start = panel_text(screen, "start")
        assert "FlowPilot last said: SMTP AUTH may be off" in start
        assert "1 Open the user's Entra sign-in logs" in start

        # The first action goes to the session.
        await pilot.press("1", "enter")  # the first suggested step, as it is
        await until(pilot, lambda: "FlowPilot:" in panel_text(screen, "start"), "the reply")
        steps = rf.backend.store.steps(rf.seed.accounts["northwind"], session.id)
        sent = [s["content"] for s in steps if s["step_type"] == "user_message"]
        assert sent == ["Open the user's Entra sign-in logs and find the failing CA policy"]

        # The quirk was really met, not routed around.
        assert feed.client.presence is not quirks.no_presence
        if quirks.no_presence:  # a backend without it: nothing said, the feature just off
            assert not [n for n in app._notifications if n.severity == "error"]
        if quirks.buffered_stream:
            assert feed.state is not None and not isinstance(feed.state, Live)
        answer = await feed.client.queue_rows_if_changed(None)
        assert isinstance(answer, Rows) and answer.tag is not None
        assert (answer.tag.etag is None) is quirks.no_etag
        if quirks.no_metrics:
            metric = str(app.queue_screen.query_one("#metric").content)  # type: ignore[attr-defined]
            assert metric == (
                "Time to first action after claim: unavailable "
                "(Not offered by this server: it answers 404.)"
            )
        stats = await feed.stats("30d")
        if quirks.no_metrics:
            assert isinstance(stats, StatsRefused) and not stats.forbidden
        else:  # the figures come with or without the trend
            assert isinstance(stats, Stats) and stats.metrics.period == "30d"
            assert (stats.trend is None) is quirks.no_trend


def assessed(running: Running, session_id: str) -> bool:
    handoffs = running.backend.store.handoffs_for_session(
        running.seed.accounts["northwind"], session_id
    )
    return bool(handoffs) and handoffs[0]["ai_assessment_data"] is not None


class TestBehindABufferingProxy:
    """The stream never says the assessment landed; the handoff screen asks again."""

    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(
            clock=clock, assessment_delay=2.5, quirks=Quirks.parse(["buffered-stream"])
        )

    async def test_a_pending_assessment_fills_in_before_it_would_time_out(
        self, make: AppFactory, rf: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # 15 s in the app; the server here assesses in 2.5 s.
        monkeypatch.setattr(handoff_screen, "PENDING_SECONDS", 3.0)
        app = make(reconcile_every=POLL_EVERY)
        sam = await rf.client(SAM)
        async with app.run_test(size=(120, 40)) as pilot:
            await started(pilot, rf.backend.config.quirks)
            session = await sam.create_session("VPN drops for the night shift")
            arrival = await sam.hand_off(session.id)
            await until(pilot, lambda: arrival.id in row_ids(app), "the arrival, by polling")
            if assessed(rf, session.id):
                pytest.fail("the assessment landed before the senior could open it")
            app.queue_screen.table.move_to(arrival.id)
            screen = await open_read_only(pilot)
            assert "Assessment pending" in panel_text(screen, "assessment")
            await until(
                pilot,
                lambda: "network filter driver" in panel_text(screen, "assessment"),
                "the assessment, asked for again",
                timeout=8,
            )
            assert not isinstance(app.feed.state, Live)  # it never came by the stream
