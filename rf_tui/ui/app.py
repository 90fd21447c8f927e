"""The rf-tui application: builds the feed and the desk, routes feed events, owns the terminal.

Thin by design: rows, sort, filter and unread belong to the queue screen; claim,
context and chat run in the screens' own workers; the feed does all network I/O.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.feed.types import Client, EscalationStream, Live, SignedOut, backoff_delay
from rf_tui.settings import Settings
from rf_tui.state.clock import Clock, system_clock
from rf_tui.state.health import LinkHealth
from rf_tui.store.prefs import load_theme, save_theme
from rf_tui.text import one_line
from rf_tui.ui.actions import bindings
from rf_tui.ui.commands import commands_for
from rf_tui.ui.desk import Desk
from rf_tui.ui.flows import (
    check_mine,
    claimed_elsewhere,
    handoff_screens,
    mine_screens,
    show_mine,
    show_stats,
    tell_problems,
)
from rf_tui.ui.messages import Drafted, Fed
from rf_tui.ui.presenter import Presenter
from rf_tui.ui.screens.handoff import HandoffScreen
from rf_tui.ui.screens.help import HelpScreen
from rf_tui.ui.screens.queue import QueueScreen
from rf_tui.ui.terminal import Notifier, TerminalTitle, hung_up
from rf_tui.ui.textual_private import crop_partial_updates

#: The exit status when the terminal went away: 128 + SIGHUP, as if one had come.
HUNG_UP = 129
#: Seconds the cyclic collector may stay off at start-up waiting for the first queue.
COLLECTOR_OFF_AT_MOST = 5.0
#: Idle, the app still wakes this often to notice a terminal that went away without
#: a SIGHUP (``hung_up``): Textual's input thread then spins a core until it exits.
HANG_UP_CHECK = 10.0
TICK_LATE = 0.02
#: The same trouble is told again after this many seconds, not at every retry.
TROUBLE_RETOLD = 60.0


class RfApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "rf-tui"
    BINDINGS = bindings("app")  # p: presenter mode only (check_action)

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
        crop_partial_updates()  # an age's repaint is its few characters, not its row
        self.settings = settings
        self.feed = Feed(
            client,
            self._fed,
            stream=stream,
            clock=clock,
            reconcile_every=settings.reconcile_every,
            disguise=presenter.disguise if presenter else None,
            painted=self._painted,
        )
        # Ages are read on the server's clock, the one the times it sends are on.
        self.desk = Desk(
            self.feed,
            settings,
            self.feed.clock,
            presenter,
            health=LinkHealth(forced_lite=settings.lite),
        )
        self.presenter = presenter
        #: Always there; it draws only while mounted, from the feed.
        self.queue_screen = QueueScreen(self.desk)
        self.title_badge = TerminalTitle(self)
        self.notifier = Notifier(
            self.title_badge,
            notify=settings.notify,
            bell=settings.bell,
            under_tmux="TMUX" in os.environ,
        )
        self._frozen = False
        self._signed_out_told = False
        self._feed_failures = 0
        self._tick_timer: Timer | None = None
        self._tick_due = 0.0
        self._trouble_told: dict[str, float] = {}
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
        if settings.reduced_motion or settings.lite:
            self.animation_level = "none"
        self._motion = "none" if settings.reduced_motion else self.animation_level

    # ── Lifecycle ────────────────────────────────────────────────────────────

    def get_default_screen(self) -> Screen[None]:
        return self.queue_screen

    def on_mount(self) -> None:
        # The collector may be off while the app loads (rf_tui/cli/__init__.py); a
        # first queue that does not come (no server) must not keep it off.
        self.set_timer(COLLECTOR_OFF_AT_MOST, gc.enable)
        self.title_badge.start()
        self._start_feed()
        self._plan_tick(1.0)
        if self._theme_problem:
            self.notify(self._theme_problem, title="Theme", severity="warning", markup=False)

    def _start_feed(self) -> None:
        self.run_worker(self.feed.run(), name="feed", group="feed", exclusive=True,
                        exit_on_error=False)  # fmt: skip

    def on_unmount(self) -> None:
        self.title_badge.stop()
        self.desk.drafts.save()  # what was typed in the last second, too

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "_theme_saving", False):
            problem = save_theme(self.settings.state_dir, self.settings.profile, theme)
            if problem:
                self.notify(problem, title="Theme", severity="warning", markup=False)

    @property
    def reduced_motion(self) -> bool:
        return self.animation_level == "none"

    def _plan_tick(self, delay: float) -> None:
        if self._tick_timer is not None:
            self._tick_timer.stop()  # one planned tick at a time
        self._tick_due = time.monotonic() + delay
        self._tick_timer = self.set_timer(delay, self._tick, name="tick")

    def hurry(self) -> None:
        """Something now changes by the second (an arrival, a draft, the link): tick
        within a second, not at the next beat of the ages."""
        if self._tick_due - time.monotonic() > 1.0:
            self._plan_tick(1.0)

    def on_drafted(self, _: Drafted) -> None:
        self.hurry()  # saved once typing pauses (store/drafts.py)

    def _next_tick_in(self) -> float:
        if self.desk.drafts.unsaved or self.notifier.held:
            return 1.0
        # A little past the beat: a timer a hair early would find nothing due yet.
        return min(self.queue_screen.tick_in() + TICK_LATE, HANG_UP_CHECK)

    def _tick(self) -> None:
        if not self.is_headless and hung_up():
            self.exit(return_code=HUNG_UP)  # as a SIGHUP would have ended it
            return
        try:
            self.notifier.flush(time.monotonic())
            self.queue_screen.tick()  # one timer for the whole app, not one each
            # Drafts are saved once typing pauses, not on every key (store/drafts.py).
            self.desk.drafts.tick()
            if self.desk.drafts.problem:
                tell_problems(self, self.desk)
        finally:  # planned from what this tick did: the ages it just drew
            self._plan_tick(self._next_tick_in())

    # ── From the feed ────────────────────────────────────────────────────────

    async def _painted(self) -> None:
        """Returns once the messages already posted are handled and the screen refreshed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def shown() -> None:
            if not done.done():
                done.set_result(None)

        def settle() -> None:
            # Through the message queue first (the Fed messages already in it),
            # then after the refresh they cause.
            self.call_after_refresh(shown)

        self.call_later(settle)
        await done

    @staticmethod
    def _collect_again() -> None:
        gc.freeze()
        gc.enable()

    def _fed(self, event: ev.FeedEvent) -> None:
        self.post_message(Fed(event))

    def on_fed(self, message: Fed) -> None:
        event = message.event
        if isinstance(event, ev.QueueChanged | ev.ConnectionChanged | ev.ViewersChanged):
            self.hurry()  # highlights, a countdown, heartbeats: by the second for a while
        if isinstance(event, ev.SignedIn):  # before the rows are drawn with its markers
            self.desk.sign_in(event.me)
        self.queue_screen.feed_event(event)
        if isinstance(event, ev.QueueChanged | ev.GapClosed):
            self._taken(event.removed if isinstance(event, ev.QueueChanged) else event.departures)
        if isinstance(event, ev.QueueChanged):
            if event.cause == "arrival":
                self._arrived(event)
            elif event.cause == "first" and not self._frozen:
                # What exists once the first queue is on screen (Textual, styles,
                # widgets, the backlog) lives all shift: take it out of the cyclic
                # collector's full passes, which otherwise pause an arrival's paint
                # for 60 ms at 1k rows (benchmarks/RESULTS.md).
                self._frozen = True
                self.call_after_refresh(self._collect_again)
        elif isinstance(event, ev.ConnectionChanged):
            if isinstance(event.state, SignedOut):
                self._signed_out(event.state)
            elif isinstance(event.state, Live):
                for mine in mine_screens(self):
                    mine.recheck_unknown()
        elif isinstance(event, ev.SignedIn):
            tell_problems(self, self.desk)
            for mine in mine_screens(self):
                mine.refresh_rows()  # from earlier runs too, now that we know whose
            if self.desk.claimed_here:  # Mine, from earlier runs: where each stands now
                self.run_worker(check_mine(self, self.desk), group="mine", exit_on_error=False)
        elif isinstance(event, ev.ClaimedByMe):
            claimed_elsewhere(self, self.desk, event.handoff)
        elif isinstance(event, ev.LinkMeasured):
            self._measured(event.rtt)
        elif isinstance(event, ev.ClockSkewed):
            for screen in handoff_screens(self):
                screen.render_panels()  # "escalated 2m ago", pending or timed out
        elif isinstance(event, ev.AssessmentLanded):
            for screen in handoff_screens(self, event.event.handoff_id):
                screen.load_context()
        elif isinstance(event, ev.Trouble):
            self._trouble(event)
        elif isinstance(event, ev.RowsSkipped) and event.rows:
            self.notify(event.text(), title="Unreadable rows", severity="warning", markup=False,
                        timeout=8)  # fmt: skip

    def _taken(self, departures: tuple[ev.Departure, ...]) -> None:
        """A handoff open read-only follows its escalation being claimed elsewhere."""
        for gone in departures:
            if not gone.by_me:
                for screen in handoff_screens(self, gone.handoff_id):
                    screen.taken(gone.claimed_by)

    def _arrived(self, change: ev.QueueChanged) -> None:
        now = time.monotonic()
        for entry in change.added:
            self.title_badge.arrival()
            notes = f" — {entry.engineer_notes}" if entry.engineer_notes else ""
            self.notifier.arrival(f"{entry.priority}{notes}", now)

    def _signed_out(self, state: SignedOut) -> None:
        if self._signed_out_told:
            return
        self._signed_out_told = True
        self.notify(
            f"{state.reason} Sign in again with: "
            f"rf-tui login --server {self.settings.server} "
            f"--email {self.settings.email or 'you@example.com'}",
            title="Signed out",
            severity="error",
            timeout=30,
            markup=False,
        )

    def _measured(self, rtt: float) -> None:
        switched = self.desk.health.measured(rtt)
        if switched is None:
            return
        self.animation_level = "none" if switched else self._motion
        ms = f"{rtt * 1000:.0f} ms"
        self.notify(
            f"Slow link ({ms} round trip): lite mode, with no animation, fewer repaints and "
            "ages by the minute."
            if switched
            else f"The link is quick again ({ms}): lite mode is off.",
            title="Link",
            markup=False,
        )
        self.queue_screen.refresh_link()

    def _trouble(self, trouble: ev.Trouble) -> None:
        now = time.monotonic()
        if now - self._trouble_told.get(trouble.what, -TROUBLE_RETOLD) < TROUBLE_RETOLD:
            return  # it retries, backing off: once a minute is enough to say so
        self._trouble_told[trouble.what] = now
        self.notify(
            f"Something went wrong: {trouble.what}. rf-tui keeps trying "
            f"(next in {trouble.retry_in:.0f}s).",
            severity="error",
            markup=False,
        )

    # ── Focus ────────────────────────────────────────────────────────────────

    def on_app_blur(self, _: events.AppBlur) -> None:
        self.title_badge.blurred()
        self.feed.blurred()

    def on_app_focus(self, _: events.AppFocus) -> None:
        self.title_badge.focused()
        self.feed.focused()

    # ── Presenter mode ───────────────────────────────────────────────────────

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_story":
            return self.presenter is not None
        return True

    def action_toggle_story(self) -> None:
        if self.presenter is not None:
            playing = self.presenter.toggle_story()
            self.notify("Story playing." if playing else "Story paused: p resumes.",
                        markup=False, timeout=2)  # fmt: skip

    async def on_event(self, event: events.Event) -> None:
        # Keys are counted as they arrive, before any binding: a priority binding
        # (the handoff's digits) takes a key before on_key would ever see it.
        if isinstance(event, events.Key) and not event.is_forwarded and self.presenter:
            focused = self.focused
            if focused is None or not focused.check_consume_key(event.key, event.character):
                self.presenter.pressed(event.key)  # typing in a box is not a key press
                # After the key's own action: it may have opened another screen.
                self.call_after_refresh(self._show_keys)
        await super().on_event(event)

    def _show_keys(self) -> None:
        if self.presenter is not None:
            for overlay in self.screen.query("#keys"):
                overlay.update(self.presenter.overlay())  # type: ignore[attr-defined]

    # ── Help, commands, failures ─────────────────────────────────────────────

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """On the handoff screen, news takes the line above the footer: a toast would
        sit over the panel the senior is reading for seconds."""
        screen = self.screen
        if isinstance(screen, HandoffScreen):
            screen.tell(message, title=title, severity=severity, timeout=timeout)
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_help(self) -> None:
        """Help, at the section of the screen it was asked from."""
        from rf_tui.ui.screens.mine import MineScreen
        from rf_tui.ui.screens.stats import StatsScreen

        screen = self.screen
        section = (
            "Handoff"
            if isinstance(screen, HandoffScreen)
            else "Mine"
            if isinstance(screen, MineScreen)
            else "Stats"
            if isinstance(screen, StatsScreen)
            else None
        )
        self.push_screen(HelpScreen(section))

    def action_mine(self) -> None:
        show_mine(self, self.desk)  # the palette offers it on every screen

    def action_stats(self) -> None:
        show_stats(self, self.desk)  # the palette offers it on every screen

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from commands_for(self, screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker failure ends here, told in words; the feed comes back, backing off."""
        if event.state is WorkerState.SUCCESS and event.worker.group == "feed":
            self._feed_failures = 0
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.log.error(f"worker {event.worker.name} failed: {error!r}")
        self.notify(
            f"Something went wrong ({type(error).__name__}); rf-tui carries on.",
            severity="error",
            markup=False,
        )
        if event.worker.group == "feed":
            # Never at once: a failure that repeats must not spin a core.
            self._feed_failures += 1
            self.set_timer(backoff_delay(self._feed_failures), self._start_feed)


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
