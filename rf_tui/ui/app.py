"""The rf-tui application: owns the state, the one link to the server, and the screens."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from rf_tui.api.client import Client
from rf_tui.api.models import EscalationMetrics, Handoff, HandoffCreated, Me, QueueEntry
from rf_tui.api.stream import ConnectionState, EscalationStream, Live, Reconnecting, SignedOut
from rf_tui.config import Settings, seen_path
from rf_tui.state.away import AwayTracker
from rf_tui.state.clock import Clock, age, system_clock
from rf_tui.state.health import LinkHealth
from rf_tui.state.queue import Change, QueueState, Sort
from rf_tui.state.unread import SeenSet
from rf_tui.text import one_line
from rf_tui.ui import messages as m
from rf_tui.ui import render
from rf_tui.ui.commands import commands_for
from rf_tui.ui.link import Link
from rf_tui.ui.prefs import load_theme, save_theme
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.presenting import PresenterMode
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.terminal import Notifier, TerminalTitle, hung_up

HIGHLIGHT_SECONDS = 1.5
#: The exit status when the terminal went away: 128 + SIGHUP, as if one had come.
HUNG_UP = 129
NEW_MARKER_SECONDS = 60.0
#: Up to this many arrivals waiting for details are fetched one by one; more
#: than that (a burst) are filled by a single queue refetch.
DETAILS_ONE_BY_ONE = 3
#: Terminals at least this wide get the full link status ("last event 2m ago").
WIDE_STATUS = 110
#: Lite mode (a slow link): queue changes are drawn at most this often, ages per minute.
LITE_BATCH = 0.25
LITE_AGE_EVERY = 60.0
#: Seconds between refreshes of the 7-day metric while nothing else asks for one.
METRICS_EVERY = 300.0
#: Quiet seconds after a burst before the trailing refetch (see ``_tick``).
BURST_SETTLE = 1.0
#: A burst that does not stop still has its details filled this often.
BURST_REFETCH_EVERY = 5.0


class RfApp(PresenterMode):
    CSS_PATH = "app.tcss"
    TITLE = "rf-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
        Binding("p", "toggle_story", "Pause story"),  # presenter mode only (check_action)
    ]

    def __init__(
        self,
        settings: Settings,
        client: Client,
        *,
        clock: Clock = system_clock,
        stream: EscalationStream | None = None,
        presenter: Presenter | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.client = client
        self.clock = clock
        self.queue = QueueState()
        self.seen = SeenSet(None)
        self.sort = Sort.NEWEST
        self.filter_text = ""
        self.me: Me | None = None
        self.metrics: EscalationMetrics | None = None
        self.state: ConnectionState | None = None
        self.drafts: dict[str, str] = {}
        #: Why the last queue refetch failed (shown until one works), and the metric's.
        self.refresh_problem: str | None = None
        self.metrics_problem: str | None = None
        self.claimed_here: dict[str, Handoff] = {}
        self._retry_at = 0.0
        self._last_backfill = 0.0
        self._frozen = False
        self._metrics_at = float("-inf")
        self._burst_ended_at: float | None = None  # monotonic; None: no burst to settle
        self._fresh: dict[str, float] = {}  # arrivals seen live → monotonic arrival time
        self._signed_out_told = False
        self._want_details: dict[str, HandoffCreated] = {}
        self._touched: set[str] = set()
        self.presenter = presenter
        self.away = AwayTracker()
        self.health = LinkHealth(forced_lite=settings.lite)
        self._last_age_tick = 0.0
        self._last_event: datetime | None = None  # on the injected clock, for the status line
        self._claim_names: dict[str, str] = {}  # who took rows, from claim events in a gap
        self._theme_problem: str | None = None
        pick = load_theme(settings.state_dir, settings.profile) or settings.theme
        if pick and pick in self.available_themes:
            self.theme = pick
        elif pick:
            self._theme_problem = (
                f"No theme called {one_line(pick, 40)!r}; using {self.theme}. "
                "Pick one with ctrl+p → theme."
            )
        self._theme_saving = True  # from here on a change is the senior's pick
        self._flush_pending = False
        self._details_busy = False
        self.title_badge = TerminalTitle(self)
        self.notifier = Notifier(
            self.title_badge,
            notify=settings.notify,
            bell=settings.bell,
            under_tmux="TMUX" in os.environ,
        )
        self.link = Link(
            client,
            self.post_message,
            on_backfill=lambda: self.refetch(metrics=True),
            stream=stream,
            disguise=presenter.disguise if presenter else None,
        )
        #: Always there; it draws only while mounted, from the state above.
        self.queue_screen = QueueScreen()
        if settings.reduced_motion or settings.lite:
            self.animation_level = "none"
        self._motion = "none" if settings.reduced_motion else self.animation_level

    # ── Lifecycle ────────────────────────────────────────────────────────────

    def get_default_screen(self) -> Screen[None]:
        return self.queue_screen

    def on_mount(self) -> None:
        self.title_badge.start()
        self.run_worker(self.link.follow(), name="stream", group="stream", exclusive=True,
                        exit_on_error=False)  # fmt: skip
        self.set_interval(1.0, self._tick)
        if self._theme_problem:
            self.notify(self._theme_problem, title="Theme", severity="warning", markup=False)

    def on_unmount(self) -> None:
        self.title_badge.stop()

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "_theme_saving", False):
            problem = save_theme(self.settings.state_dir, self.settings.profile, theme)
            if problem:
                self.notify(problem, title="Theme", severity="warning", markup=False)

    @property
    def reduced_motion(self) -> bool:
        return self.animation_level == "none"

    def refetch(self, *, metrics: bool = False) -> None:
        """Refetch the queue; a newer request replaces one still in flight.

        The 7-day metric moves slowly: it comes along on (re)connect and every
        few minutes, not with every 30 s reconcile (idle cost at 1k rows).
        """
        now = time.monotonic()
        self._last_backfill = now
        stale = (
            self.metrics is None or self.metrics_problem or now - self._metrics_at >= METRICS_EVERY
        )
        if metrics or stale:
            self._metrics_at, metrics = now, True
        self.run_worker(self.link.backfill(self.queue.generation, metrics=metrics),
                        group="backfill", exclusive=True, exit_on_error=False)  # fmt: skip

    def _tick(self) -> None:
        if not self.is_headless and hung_up():
            self.exit(return_code=HUNG_UP)  # as a SIGHUP would have ended it
            return
        if not self.queue_screen.ready:
            return
        now = time.monotonic()
        for handoff_id, arrived in list(self._fresh.items()):
            age_s = now - arrived
            if HIGHLIGHT_SECONDS <= age_s < HIGHLIGHT_SECONDS + 1.0 and not self.reduced_motion:
                self.queue_screen.restyle(handoff_id, header=False)  # counts unchanged
            if age_s >= NEW_MARKER_SECONDS:
                del self._fresh[handoff_id]
        if not self.health.lite or now - self._last_age_tick >= LITE_AGE_EVERY:
            self._last_age_tick = now
            self.queue_screen.table.tick_ages()  # the rows in sight, nothing more
        self.queue_screen.refresh_link()  # repaints only when its words change
        self.notifier.flush(now)
        if isinstance(self.state, Reconnecting):
            self.queue_screen.refresh_header()
        settle = self._burst_ended_at
        if settle is not None and now - settle >= BURST_SETTLE and not self._details_busy:
            # The server drops events for a subscriber that falls behind, and a
            # burst is when that happens: once it is quiet, one refetch catches
            # what was dropped instead of waiting for the periodic reconcile.
            self._burst_ended_at = None
            self.refetch()
        elif (
            isinstance(self.state, Live)
            and now - self._last_backfill >= self.settings.reconcile_every
        ):
            self.refetch()

    # ── What the screens ask of the app ─────────────────────────────────────

    def visible_entries(self) -> list[QueueEntry]:
        return self.queue.ordered(self.sort, self.filter_text)

    def unread_ids(self) -> set[str]:
        return self.seen.unread(self.queue.ids())

    def age_text(self, entry: QueueEntry) -> str:
        if self.reduced_motion and entry.id in self._fresh:
            return "new"
        return age((self.clock() - entry.created_at).total_seconds())

    def is_highlighted(self, handoff_id: str) -> bool:
        arrived = self._fresh.get(handoff_id)
        return (
            not self.reduced_motion
            and arrived is not None
            and time.monotonic() - arrived < HIGHLIGHT_SECONDS
        )

    def link_text(self, width: int = 200) -> Text:
        now = time.monotonic()
        wait = self._retry_at - now if isinstance(self.state, Reconnecting) else None
        text = render.link_state(self.state, wait)
        if isinstance(self.state, Live):
            last = self._last_event
            age_s = None if last is None else (self.clock() - last).total_seconds()
            health = self.health.text(
                age_s, compact=width < WIDE_STATUS, figures=self.presenter is None
            )
            text.append(health, style="dim")
        if self.refresh_problem:
            text.append(f" · refresh failed: {one_line(self.refresh_problem, 100)}", style="red")
        return text

    def mark_seen(self, handoff_id: str) -> None:
        if self.seen.mark(handoff_id):
            self.queue_screen.restyle(handoff_id)
        self._warn_storage()

    def _warn_storage(self) -> None:
        if self.seen.problem:
            self.notify(self.seen.problem, title="Unread markers", severity="warning", markup=False)
            self.seen.problem = None  # say it once

    # ── From the network ─────────────────────────────────────────────────────

    def on_connection_changed(self, message: m.ConnectionChanged) -> None:
        self.state = message.state
        if isinstance(message.state, Live):
            self._last_event = self.clock()  # `ready` is the first frame
        if isinstance(message.state, Reconnecting):
            self._retry_at = time.monotonic() + message.state.next_try_in
            self.away.begin(self.queue.entries(), "reconnect")
        if isinstance(message.state, SignedOut) and not self._signed_out_told:
            self._signed_out_told = True
            self.notify(
                f"{message.state.reason} Sign in again with: "
                f"rf-tui login --server {self.settings.server} --email you@example.com",
                title="Signed out",
                severity="error",
                timeout=30,
                markup=False,
            )
        self.queue_screen.refresh_header()

    def on_signed_in(self, message: m.SignedIn) -> None:
        self.me = message.me
        if self.settings.state_dir is not None:
            self.seen = SeenSet(
                seen_path(self.settings.state_dir, self.settings.server, self.me.id)
            )
            self._warn_storage()
        self.queue_screen.rebuild()

    def on_queue_fetched(self, message: m.QueueFetched) -> None:
        self.refresh_problem = None
        self._apply(self.queue.reconcile(message.entries, message.since))
        self.queue_screen.refresh_header()
        if self.away.reason == "reconnect" and isinstance(self.state, Live):
            self._sum_up_gap()
        if not self._frozen:
            # What exists once the first queue is on screen (Textual, styles,
            # widgets, the backlog) lives all shift: take it out of the cyclic
            # collector's full passes, which otherwise pause an arrival's paint
            # for 60 ms at 1k rows (benchmarks/RESULTS.md).
            self._frozen = True
            self.call_after_refresh(gc.freeze)

    def on_queue_failed(self, message: m.QueueFailed) -> None:
        self.refresh_problem = message.reason
        self.queue_screen.refresh_header()

    def on_arrived(self, message: m.Arrived) -> None:
        self._last_event = self.clock()
        change = self.queue.arrived(message.event, self.clock())
        if not change:
            return
        self._fresh[message.event.handoff_id] = time.monotonic()
        if self._burst_ended_at is not None:  # still going: settle after the last one
            self._burst_ended_at = self._fresh[message.event.handoff_id]
        self._apply(change)
        self.title_badge.arrival()
        event = message.event
        notes = f" — {event.engineer_notes}" if event.engineer_notes else ""
        self.notifier.arrival(f"{event.priority}{notes}", time.monotonic())
        self._want_details[message.event.handoff_id] = message.event
        if not self._details_busy:
            self._details_busy = True
            # Paint the row first: the request and its answer would delay the frame.
            self.call_after_refresh(
                self.run_worker, self._fill_details(), group="details", exit_on_error=False
            )

    async def _fill_details(self) -> None:
        """Fetch what arrivals lack; a burst costs one queue refetch, not one call each.

        During a burst the refetch waits until it is quiet (``_tick``): parsing the
        whole queue again and again while arrivals pour in is what made keys lag.
        A burst that goes on still gets one every ``BURST_REFETCH_EVERY`` seconds.
        """
        try:
            while self._want_details:
                batch = list(self._want_details.values())
                self._want_details.clear()
                if len(batch) > DETAILS_ONE_BY_ONE:
                    now = time.monotonic()
                    self._burst_ended_at = now
                    if now - self._last_backfill >= BURST_REFETCH_EVERY:
                        self._last_backfill = now
                        await self.link.backfill(self.queue.generation, metrics=False)
                else:
                    for event in batch:
                        await self.link.details(event)
        finally:
            self._details_busy = False

    def on_detailed(self, message: m.Detailed) -> None:
        self._apply(self.queue.detailed(message.entry))

    def on_claimed_elsewhere(self, message: m.ClaimedElsewhere) -> None:
        self._last_event = self.clock()
        if self.away.reason is not None and message.event.claimed_by_name:
            self._claim_names[message.event.handoff_id] = message.event.claimed_by_name
        self._apply(self.queue.gone(message.event.handoff_id))

    def on_assessment_landed(self, message: m.AssessmentLanded) -> None:
        for screen in self._handoff_screens(message.event.handoff_id):
            self.run_worker(self.link.context(screen.handoff), group="context", exit_on_error=False)

    def on_metrics_fetched(self, message: m.MetricsFetched) -> None:
        self.metrics = message.metrics
        self.metrics_problem = None
        self.queue_screen.refresh_metric(message.metrics)

    def on_metrics_failed(self, message: m.MetricsFailed) -> None:
        self.metrics_problem = message.reason
        self.queue_screen.refresh_metric(self.metrics)

    def on_context_loaded(self, message: m.ContextLoaded) -> None:
        for screen in self._handoff_screens(message.handoff.id):
            screen.show_context(message.handoff, message.session, message.problem)

    def _apply(self, change: Change) -> None:
        """Show a change of the queue; changes made in one burst of messages are drawn once."""
        if not change:
            return
        self._touched.update(change.added, change.removed, change.updated)
        if not self._flush_pending:
            self._flush_pending = True
            # Runs after the messages already queued: a burst of 1,000 arrivals is
            # one re-order and one repaint, not a thousand.
            if self.health.lite:  # a slow link: fewer, bigger repaints
                self.set_timer(LITE_BATCH, self._draw_changes)
            else:
                self.call_later(self._draw_changes)

    def _draw_changes(self) -> None:
        self._flush_pending = False
        touched, self._touched = self._touched, set()
        self.queue_screen.apply(touched)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from commands_for(self, screen)

    # ── Focus and failures ───────────────────────────────────────────────────

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker failure ends here, told in words; the stream is restarted."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.log.error(f"worker {event.worker.name} failed: {error!r}")
        self.notify(
            f"Something went wrong ({type(error).__name__}); rf-tui carries on.",
            severity="error",
            markup=False,
        )
        if event.worker.group == "stream":
            self.run_worker(self.link.follow(), name="stream", group="stream", exclusive=True,
                            exit_on_error=False)  # fmt: skip


def make_app(
    settings: Settings,
    client: Client,
    *,
    clock: Clock = system_clock,
    stream: EscalationStream | None = None,
    presenter: Presenter | None = None,
) -> RfApp:
    """The one factory: the CLI and the tests build the app the same way."""
    return RfApp(settings, client, clock=clock, stream=stream, presenter=presenter)
