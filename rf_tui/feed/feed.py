"""The one consumer of the stream and of the queue: every front end renders its events.

The feed owns the fetch policy, so no front end can get it wrong:

- the queue is fetched at start and on a timer **whether or not the stream is
  up** (a proxy that refuses or buffers the stream must not leave a real queue
  looking empty), and again after every (re)connect, because the server keeps no
  history and drops events for subscribers that fall behind;
- a few arrivals get their details one request each; a burst costs one queue
  refetch now and then, and one more once it is quiet;
- rows that leave during a gap are named (claim events seen, then a few lookups);
- a loop that fails in a way nobody foresaw is retried with the stream's capped
  backoff, never in a hot loop;
- while the senior has an escalation open, the server hears so every 10 s (the
  viewing heartbeat, [ours]), and who else has one open is kept for the rows.

It knows nothing of Textual: it calls ``sink`` with immutable events
(``rf_tui.feed.events``) and answers one-off requests (claim, context, chat)
with outcomes (``rf_tui.feed.outcomes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from datetime import datetime
from typing import Any, TypeVar

from rf_tui.api.client import Client, QueueTag, Rows, Unchanged, ViewingOutcome
from rf_tui.api.errors import (
    AlreadyClaimed,
    ApiError,
    Forbidden,
    NotFound,
    NotOffered,
    NotSignedIn,
    RateLimited,
    Unreachable,
)
from rf_tui.api.models import (
    AssessmentReady,
    EscalationMetrics,
    Handoff,
    HandoffClaimed,
    HandoffCreated,
    HandoffViewing,
    Me,
    QueueEntry,
)
from rf_tui.api.stream import (
    Backfill,
    ConnectionState,
    EscalationStream,
    Garbled,
    Live,
    Reconnecting,
    SignedOut,
    backoff_delay,
)
from rf_tui.disguise import Disguise
from rf_tui.feed import events as ev
from rf_tui.feed import outcomes as out
from rf_tui.feed.timing import UNLIVE_EVERY
from rf_tui.state.away import AwayTracker, summarise
from rf_tui.state.clock import Clock, ServerTime, system_clock
from rf_tui.state.presence import Presence
from rf_tui.state.queue import Change, QueueState

H = TypeVar("H", bound=Handoff)

#: Up to this many arrivals waiting for details are fetched one by one; more
#: than that (a burst) are filled by a single queue refetch.
DETAILS_ONE_BY_ONE = 3
#: Quiet seconds after a burst before the trailing refetch.
BURST_SETTLE = 1.0
#: A burst that does not stop still has its details filled this often.
BURST_REFETCH_EVERY = 5.0
#: Seconds between refreshes of the 7-day metric while nothing else asks for one.
METRICS_EVERY = 300.0
#: Rows that left during a gap looked up one by one to name who took them.
GAP_LOOKUPS = 20
#: A loop that ran this long before failing starts its backoff afresh.
STABLE_AFTER = 10.0
#: Seconds between viewing heartbeats while an escalation is open (the server
#: counts each for 30 s, so two may be lost before the others see it go).
VIEWING_EVERY = 10.0
#: Where my claims stand is asked this many at a time.
STANDINGS_AT_ONCE = 4


class Feed:
    def __init__(
        self,
        client: Client,
        sink: Callable[[ev.FeedEvent], object],
        *,
        stream: EscalationStream | None = None,
        clock: Clock = system_clock,
        reconcile_every: float = 30.0,
        unlive_every: float = UNLIVE_EVERY,
        metrics_every: float = METRICS_EVERY,
        viewing_every: float = VIEWING_EVERY,
        disguise: Disguise | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        painted: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.client = client
        self.sink = sink
        self.stream = stream or EscalationStream(client)
        #: The server's clock (``clock`` plus the offset its Date headers show):
        #: the one every front end reads ages on, since the times it writes are its own.
        self.clock = ServerTime(clock)
        self.reconcile_every = reconcile_every
        self.unlive_every = unlive_every
        self.metrics_every = metrics_every
        self.viewing_every = viewing_every
        #: Presenter mode: names and text are swapped here, where they come in,
        #: so no front end, toast or copied note can show the real ones.
        self.disguise = disguise
        self._mono = monotonic
        self._sleep = sleep
        #: Waits until the front end has shown what it was just told: an arrival's
        #: details are asked for after its row is painted, not in the way of it.
        self._painted = painted or _next_turn

        self.queue = QueueState()
        self.me: Me | None = None
        self.state: ConnectionState | None = None
        self.metrics: EscalationMetrics | None = None
        self.metrics_problem: str | None = None
        #: Why there is no trend by day, once the server said it has none ([ours]).
        self._no_trend: str | None = None
        #: Whether any queue fetch has worked: until then nobody may say "no escalations".
        self.loaded = False
        #: Why the last queue fetch failed, until one works.
        self.load_problem: str | None = None
        #: Rows of the last fetch too malformed to show, a sentence each.
        self.skipped: tuple[str, ...] = ()
        #: When the stream last said anything (on our clock, not the server's:
        #: it is when we heard it).
        self.last_event: datetime | None = None
        self.away = AwayTracker()
        #: Who else has each escalation open (names already disguised).
        self.presence = Presence()

        #: Queue answers that were the same as the one before (an ETag's 304, or the
        #: same bytes): not parsed, nothing reconciled, nothing told.
        self.unchanged = 0
        #: The last queue answer reconciled, and the queue's generation then: while
        #: nothing has changed here since, an answer that is the same needs no work.
        self._queue_tag: QueueTag | None = None
        self._tag_generation = -1
        self._due = 0.0  # monotonic time of the next queue fetch: at once
        self._asked = True  # the next fetch was asked for (not the timer's): no ping
        self._settle_at: float | None = None  # a burst's trailing refetch
        self._wanted_at: list[float] = []  # when arrivals wanting details were read, lately
        self._poll_wake = asyncio.Event()
        self._details_wake = asyncio.Event()
        self._want: dict[str, HandoffCreated] = {}
        self._last_fetch = -math.inf
        self._failures = 0
        self._metrics_at = -math.inf
        self._claim_names: dict[str, str] = {}  # who took rows, from claim events in a gap
        self._claiming: set[str] = set()  # our own claims, asked for or answered
        self._finished: ConnectionState | None = None
        self._stop_on: tuple[type[Any], ...] = ()
        self._tasks: set[asyncio.Task[Any]] = set()
        # Escalations open here: how many screens show each, the heartbeat's task,
        # and the event that wakes it early (closed, or the row left the queue).
        self._open: dict[str, int] = {}
        self._beating: dict[str, asyncio.Task[Any]] = {}
        self._wake: dict[str, asyncio.Event] = {}

    # ── Running ──────────────────────────────────────────────────────────────

    async def run(self, *, stop_on: tuple[type[Any], ...] = ()) -> ConnectionState | None:
        """Follow the stream and keep the queue fresh until signed out or cancelled.

        A state of a type in ``stop_on`` (say ``Offline`` for a script) ends the
        run too; the state that ended it is returned.
        """
        self._stop_on = stop_on
        loops = {
            asyncio.ensure_future(self._supervised("the live stream", self._follow)),
            asyncio.ensure_future(self._supervised("the queue refresh", self._poll)),
            asyncio.ensure_future(self._supervised("fetching details", self._fill_details)),
        }
        try:
            pending = loops
            while pending and self._finished is None:
                _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            return self._finished
        finally:
            for task in loops | self._tasks:
                task.cancel()
            await asyncio.gather(*loops, *self._tasks, return_exceptions=True)

    async def _supervised(self, what: str, loop: Callable[[], Awaitable[None]]) -> None:
        failures = 0
        while True:
            started = self._mono()
            try:
                await loop()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._mono() - started >= STABLE_AFTER:
                    failures = 0
                failures += 1
                delay = backoff_delay(failures)
                self.sink(ev.Trouble(f"{what} failed ({type(exc).__name__})", delay))
                await self._sleep(delay)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def poll_every(self) -> float:
        """Seconds between queue fetches: often while the API answers but no stream is
        live (a proxy that buffers or refuses it), so arrivals are late by seconds, not
        half a minute."""
        if isinstance(self.state, Live):
            return self.reconcile_every
        return min(self.reconcile_every, self.unlive_every)

    def refetch(self) -> None:
        """Fetch the queue now (or as soon as the fetch in flight is done)."""
        self._due = 0.0
        self._asked = True
        self._poll_wake.set()

    def refresh_metric(self) -> None:
        self._spawn(self._metric())

    async def stats(self, period: out.Period) -> out.StatsOutcome:
        """The metric for ``period`` (7d, 30d, 90d) and, where the server gives one,
        its trend by day: for the stats screen and ``rf-tui stats``."""
        try:
            metrics = await self.client.metrics(period)
        except Forbidden as exc:
            return out.StatsRefused(period, exc.message, forbidden=True, status=exc.status)
        except ApiError as exc:
            return out.StatsRefused(period, exc.message, status=exc.status)
        if self._no_trend is not None:  # a backend without it: asked once per run
            return out.Stats(period, metrics, None, self._no_trend)
        try:
            trend = await self.client.escalation_trend(period)
        except NotOffered as exc:
            self._no_trend = f"This server gives no trend by day (it answers {exc.status})."
            return out.Stats(period, metrics, None, self._no_trend)
        except ApiError as exc:
            return out.Stats(period, metrics, None, f"The trend by day did not load: {exc.message}")
        days = tuple(
            out.TrendDay(d.date, d.n_handoffs_claimed, d.n_handoffs_with_action,
                         d.median_seconds_to_first_action)
            for d in trend.days
        )  # fmt: skip
        return out.Stats(period, metrics, days)

    # ── The stream ───────────────────────────────────────────────────────────

    async def _follow(self) -> None:
        async for item in self.stream.items():
            if isinstance(item, HandoffViewing):
                self._viewing_heard(item)
            elif isinstance(item, Garbled) and item.event == "handoff_viewing":
                pass  # nothing of the queue was in it: no refetch
            elif isinstance(item, Backfill | Garbled):
                self.refetch()  # Garbled: an arrival or a claim may be in what was lost
            elif isinstance(item, HandoffCreated):
                self._arrived(item)
            elif isinstance(item, HandoffClaimed):
                self._claimed(item)
            elif isinstance(item, AssessmentReady):
                self.last_event = self.clock.base()
                self.sink(ev.AssessmentLanded(item))
            elif isinstance(item, ConnectionState):
                self._connection(item)
                if isinstance(item, self._stop_on):
                    self._finish(item)
                    return
            # Ready and UnknownEvent need nothing from anyone.

    def _connection(self, state: ConnectionState) -> None:
        self.state = state
        if isinstance(state, Live):
            self.last_event = self.clock.base()  # `ready` is the first frame
        elif isinstance(state, Reconnecting):
            self.away.begin(self.queue.entries(), "reconnect")
        elif isinstance(state, SignedOut):
            self._finish(state)
        self.sink(ev.ConnectionChanged(state))

    def _finish(self, state: ConnectionState) -> None:
        self._finished = state
        self._poll_wake.set()

    def _arrived(self, event: HandoffCreated) -> None:
        self.last_event = self.clock.base()
        if self.disguise is not None and event.engineer_notes:
            # The event does not say who wrote the note, so the disguise cannot
            # know that name yet: the note waits for the details, which do.
            event = event.model_copy(update={"engineer_notes": None})
        change = self.queue.arrived(event, self.clock())
        if not change:
            return
        self._emit("arrival", change)
        self._want[event.handoff_id] = event
        self._details_wake.set()

    def _claimed(self, event: HandoffClaimed) -> None:
        self.last_event = self.clock.base()
        name = self._person(event.claimed_by_name)
        if self.away.reason is not None and name:
            self._claim_names[event.handoff_id] = name
        by_me = self.me is not None and event.claimed_by == self.me.id
        entry = self.queue.get(event.handoff_id)
        change = self.queue.gone(event.handoff_id)
        if change:
            self._emit("claimed", change, claimed_by=name, by_me=by_me)
        if by_me and event.handoff_id not in self._claiming:
            # Claimed as me from another client: Mine remembers it too.
            if entry is not None:
                update = {"claimed_by": event.claimed_by, "claimed_at": event.claimed_at,
                          "claimed_by_name": name}  # fmt: skip
                self.sink(ev.ClaimedByMe(Handoff.model_validate(entry.model_dump() | update)))
            else:  # never listed here: ask for it
                self._spawn(self._mine_elsewhere(event.session_id, event.handoff_id))

    def _emit(
        self, cause: ev.Cause, change: Change, *, claimed_by: str | None = None, by_me: bool = False
    ) -> None:
        for handoff_id in change.removed:
            if (wake := self._wake.get(handoff_id)) is not None:
                wake.set()  # open here, and no longer waiting: "stopped viewing" now
        get = self.queue.get
        self.sink(
            ev.QueueChanged(
                cause,
                added=tuple(e for i in change.added if (e := get(i)) is not None),
                removed=tuple(ev.Departure(i, claimed_by, by_me) for i in change.removed),
                updated=tuple(e for i in change.updated if (e := get(i)) is not None),
            )
        )

    # ── The queue, on its timer ──────────────────────────────────────────────

    async def _poll(self) -> None:
        while self._finished is None:
            now = self._mono()
            due = self._due if self._settle_at is None else min(self._due, self._settle_at)
            if now < due:
                self._poll_wake.clear()
                wait = None if math.isinf(due) else due - now
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._poll_wake.wait(), wait)
                continue
            self._settle_at = None
            # The timer's fetches also time a small request: the round trip the
            # status line shows (the ones asked for come in bursts and at start).
            measure, self._asked = not self._asked, False
            await self._refetch(measure=measure)

    async def _refetch(self, *, metrics: bool | None = None, measure: bool = False) -> None:
        """Who am I (once), the whole queue, the metric when it is due."""
        self._due = math.inf  # a request made while this one is in flight runs after it
        self._last_fetch = self._mono()
        ok = False
        try:
            ok = await self._fetch_queue(measure=measure)
        except Exception as exc:  # told here, backed off by the loop's supervisor
            self._load_failed(f"rf-tui could not ask for it ({type(exc).__name__}).")
            raise
        finally:  # even when it raised: the next try is scheduled, backing off
            self._failures = 0 if ok else self._failures + 1
            nxt = self.poll_every
            if not ok:
                nxt = min(nxt, backoff_delay(self._failures, base=1.0))
            self._due = min(self._due, self._mono() + nxt)
        if ok and self.away.reason == "reconnect" and isinstance(self.state, Live):
            await self._close_gap()
        if self._finished is not None:
            return  # signed out: nothing more to ask
        # The metric comes even when the queue did not: "unavailable (why)" says more
        # than "loading…" for as long as the queue fails.
        stale = (
            self.metrics is None
            or self.metrics_problem is not None
            or self._mono() - self._metrics_at >= self.metrics_every
        )
        if metrics or (metrics is None and stale):
            await self._metric()

    async def _first_load(self) -> Rows | Unchanged:
        """Who we are and the rows, asked at once: the app's first paint of the queue
        waits for one round trip, not two. Told in the order they always were: who
        we are (or why not) first, then the rows (or why not)."""
        asking = asyncio.ensure_future(self.client.me())
        try:
            try:
                rows: Rows | Unchanged | ApiError = await self.client.queue_rows_if_changed(None)
            except ApiError as exc:
                rows = exc
            self.me = self._me(await asking)
        finally:
            if not asking.done():  # cancelled while the rows were on their way
                asking.cancel()
                await asyncio.gather(asking, return_exceptions=True)
        self.presence.me = self.me.id
        self.sink(ev.SignedIn(self.me))
        if isinstance(rows, ApiError):
            raise rows
        return rows

    async def _fetch_queue(self, *, measure: bool) -> bool:
        since = self.queue.generation
        try:
            if self.me is None:
                rows = await self._first_load()
            else:
                if measure:
                    self.sink(ev.LinkMeasured(await self.client.ping()))
                # Only while nothing changed here since that answer: an event (a late
                # one too) may have moved the queue off it, and the server's "the same
                # as then" would not bring it back.
                last = self._queue_tag if since == self._tag_generation else None
                rows = await self.client.queue_rows_if_changed(last)
        except NotSignedIn as exc:
            self._connection(SignedOut(exc.message))
            return False
        except Forbidden as exc:
            self._load_failed(f"You cannot see the queue. {exc.message}")
            return False
        except ApiError as exc:
            self._load_failed(exc.message)
            return False
        self._read_clock()
        if isinstance(rows, Unchanged):
            self._queue_tag = rows.tag
            self.unchanged += 1
            return True
        entries = rows.entries
        if self.disguise is not None:
            entries = self.disguise.handoffs(entries)
        if tuple(rows.skipped) != self.skipped:
            self.skipped = tuple(rows.skipped)
            self.sink(ev.RowsSkipped(self.skipped))
        first = not self.loaded
        change = self.queue.reconcile(entries, since)
        # An event that came while the answer was on its way is not in it (or is
        # older than it): the next answer is read whole, whatever it says.
        moved = self.queue.generation != since
        self._queue_tag, self._tag_generation = rows.tag, -1 if moved else since
        self.loaded, self.load_problem = True, None
        gap = self.away.reason == "reconnect" and isinstance(self.state, Live)
        self._emit("first" if first else "gap" if gap else "refetch", change)
        return True

    def _read_clock(self) -> None:
        """The Date headers of the answers since the last look: the server's clock."""
        moved = False
        while self.client.dates:
            moved |= self.clock.heard(*self.client.dates.popleft())
        if moved:
            self.sink(ev.ClockSkewed(self.clock.offset))

    def _load_failed(self, reason: str) -> None:
        self.load_problem = reason
        self._tag_generation = -1  # the next answer is read whole, and clears this
        self.sink(ev.QueueLoadFailed(reason, loaded=self.loaded))
        # Arrivals this fetch was to fill (a burst's) stop saying "fetching".
        waiting = [e.id for e in self.queue.entries() if self.queue.is_partial(e.id)]
        self._missed(i for i in waiting if i not in self._want)

    def _missed(self, handoff_ids: Iterable[str]) -> None:
        change = self.queue.missed(handoff_ids)
        if change:
            self._emit("details", change)

    async def _metric(self) -> None:
        self._metrics_at = self._mono()
        try:
            self.metrics, self.metrics_problem = await self.client.metrics("7d"), None
        except ApiError as exc:
            self.metrics_problem = exc.message
        self.sink(ev.MetricChanged(self.metrics, self.metrics_problem))

    # ── Details for arrivals ─────────────────────────────────────────────────

    async def _fill_details(self) -> None:
        """Fetch what arrivals lack; a burst costs one queue refetch, not one call each.

        During a burst the refetch waits until it is quiet: parsing the whole
        queue again and again while arrivals pour in is what makes keys lag. A
        burst that goes on still gets one every ``BURST_REFETCH_EVERY`` seconds.
        """
        while True:
            await self._details_wake.wait()
            self._details_wake.clear()
            await self._painted()  # and arrivals read meanwhile join this batch
            while self._want:
                batch = list(self._want.values())
                self._want.clear()
                now = self._mono()
                # Arrivals of a burst come a few at a time (the server commits them
                # one by one): counted over the settle window, stragglers join the
                # burst's refetch instead of each costing a request.
                self._wanted_at = [t for t in self._wanted_at if now - t < BURST_SETTLE]
                self._wanted_at += [now] * len(batch)
                if len(self._wanted_at) > DETAILS_ONE_BY_ONE:
                    self._settle_at = now + BURST_SETTLE
                    self._poll_wake.set()
                    if now - self._last_fetch >= BURST_REFETCH_EVERY:
                        await self._refetch(metrics=False)
                else:
                    for event in batch:
                        await self._details(event)

    async def _details(self, event: HandoffCreated) -> None:
        try:
            handoffs = await self.client.handoffs(event.session_id)
        except ApiError:
            self._missed([event.handoff_id])  # the next refetch fills it in
            return
        if not any(handoff.id == event.handoff_id for handoff in handoffs):
            self._missed([event.handoff_id])  # withdrawn or taken: the next refetch says
        for handoff in handoffs:
            if handoff.id == event.handoff_id:
                entry = self._handoff(QueueEntry.model_validate(handoff.model_dump()))
                change = self.queue.detailed(entry)
                if change.removed:
                    self._emit("claimed", change, claimed_by=self._person(entry.claimed_by_name))
                elif change:
                    self._emit("details", change)

    # ── Gaps ─────────────────────────────────────────────────────────────────

    def blurred(self) -> None:
        """The user looked away: a gap starts (it counts if they stay away)."""
        self.away.blurred(self.queue.entries(), self._mono())

    def focused(self) -> None:
        """The user is back: if they were away long enough, say what changed."""
        if self.away.focused(self._mono()):
            self._spawn(self._close_gap())

    async def _close_gap(self) -> None:
        """How each row that left during a gap left: claimed (by whom) or withdrawn.

        Names come from claim events seen; the others are looked up, a few at
        most. Another senior's claimed session answers 404 (it is theirs now),
        so those count as "left the queue", not as withdrawn.
        """
        arrived, gone = self.away.close(self.queue.ids())
        known, self._claim_names = self._claim_names, {}
        if not arrived and not gone:
            return
        outcome: dict[str, str | None] = {i: known[i] for i in gone if i in known}
        unnamed = [(i, s) for i, s in gone.items() if i not in known][:GAP_LOOKUPS]
        for handoff_id, session_id in unnamed:
            try:
                handoffs = await self.client.handoffs(session_id)
            except ApiError:
                continue  # hidden (404) or the link is struggling: counted as unknown
            found = next((h for h in handoffs if h.id == handoff_id), None)
            if found is not None and self._mine(found) and handoff_id not in self._claiming:
                self.sink(ev.ClaimedByMe(self._handoff(found)))  # from another client
            if found is not None:
                taken = found.claimed_by or found.claimed_by_name
                name = self._person(found.claimed_by_name) or "someone"
                outcome[handoff_id] = name if taken else None
        summary = summarise(arrived, outcome, len(gone) - len(outcome))
        departures = tuple(ev.Departure(i, name) for i, name in outcome.items())
        self.sink(ev.GapClosed(summary, departures))

    # ── One-off requests ─────────────────────────────────────────────────────

    async def claim(self, entry: Handoff) -> out.ClaimOutcome:
        self._claiming.add(entry.id)  # its claim event, if it comes first, is ours
        try:
            handoff = self._handoff(await self.client.claim(entry.session_id, entry.id))
        except AlreadyClaimed as exc:
            winner = self._person(exc.claimed_by_name) or "someone else"
            return out.ClaimLost(entry.id, winner, exc.claimed_at)
        except Forbidden as exc:
            reason = out.CLAIM_FORBIDDEN if "engineer" in exc.detail.lower() else exc.message
            return out.ClaimRefused(entry.id, reason)
        except ApiError as exc:
            # It may have gone through all the same: a claim event naming me then
            # tells Mine, as one made from another client would.
            self._claiming.discard(entry.id)
            return out.ClaimRefused(entry.id, f"Could not claim: {exc.message}")
        change = self.queue.gone(handoff.id)
        if change:
            me = self.me.name if self.me else None
            self._emit("claimed", change, claimed_by=me, by_me=True)
        self.refresh_metric()
        return out.Claimed(handoff)

    def let_go(self, lost: out.ClaimLost) -> None:
        """A lost race's row leaves, once the front end has shown who won."""
        change = self.queue.gone(lost.handoff_id)
        if change:
            self._emit("claimed", change, claimed_by=lost.winner)

    async def context(self, handoff: Handoff) -> out.Context:
        """The session behind a handoff (and the handoff again, for a late assessment)."""
        fresh = handoff
        try:
            for candidate in await self.client.handoffs(handoff.session_id):
                if candidate.id == handoff.id:
                    fresh = self._handoff(candidate)
            session = await self.client.session(handoff.session_id)
        except ApiError as exc:
            return out.Context(fresh, None, exc.message)
        if self.disguise is not None:
            session = self.disguise.session(session)
        return out.Context(fresh, session)

    async def chat(self, session_id: str, text: str) -> out.ChatOutcome:
        try:
            reply = await self.client.chat(session_id, text)
        except ApiError as exc:
            return out.ChatRefused(session_id, text, exc.message)
        if self.disguise is not None:
            reply = self.disguise.reply(reply)
        self.refresh_metric()
        return out.ChatAnswered(session_id, text, reply)

    # ── Who is looking ([ours]: the viewing heartbeat) ───────────────────────

    def start_viewing(self, handoff: Handoff) -> None:
        """The senior opened this escalation: the other seniors see it on its row.

        The server hears so at once and every ``viewing_every`` seconds while it stays
        open and waiting in the queue; a backend without the heartbeat (404) turns
        this off for good, and nobody is told: there is nothing they could do.
        """
        if handoff.id not in self.queue or self.client.presence is False:
            return  # claimed already (reopened), or not offered: nothing to tell
        self._open[handoff.id] = self._open.get(handoff.id, 0) + 1
        beating = self._beating.get(handoff.id)
        if beating is None or beating.done():  # done: cancelled before it began
            wake = self._wake[handoff.id] = asyncio.Event()
            self._beating[handoff.id] = self._spawn(self._heartbeat(handoff, wake))

    def stop_viewing(self, handoff_id: str) -> None:
        """Closed: the server hears "stopped viewing" at once (its 30 s expiry is only
        for a client that could not say so)."""
        left = self._open.get(handoff_id, 0) - 1
        if left > 0:
            self._open[handoff_id] = left
            return
        self._open.pop(handoff_id, None)
        if (wake := self._wake.get(handoff_id)) is not None:
            wake.set()

    def _still_viewing(self, handoff_id: str) -> bool:
        return handoff_id in self._open and handoff_id in self.queue

    async def _heartbeat(self, handoff: Handoff, wake: asyncio.Event) -> None:
        handoff_id = handoff.id
        try:
            while True:
                told = False
                while self._still_viewing(handoff_id):
                    wake.clear()
                    outcome = await self.client.viewing(handoff.session_id, handoff_id)
                    if outcome.status == "unsupported":
                        return
                    if outcome.status == "sent":
                        told = True
                        self._viewers_answered(handoff_id, outcome)
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(wake.wait(), self.viewing_every)
                if told:
                    await self.client.viewing(handoff.session_id, handoff_id, viewing=False)
                if not self._still_viewing(handoff_id):  # not opened again meanwhile
                    return
        except RuntimeError:
            return  # the client was closed under it: the app is on its way out
        finally:  # the screen's count stays until it closes (stop_viewing)
            if self._beating.get(handoff_id) is asyncio.current_task():
                del self._beating[handoff_id], self._wake[handoff_id]

    def _viewers_answered(self, handoff_id: str, outcome: ViewingOutcome) -> None:
        viewers = [(v.viewer_id, self._person(v.viewer_name) or "") for v in outcome.viewers]
        if outcome.viewers and self.presence.answered(
            handoff_id, viewers, self._mono(), outcome.expires_in
        ):
            self.sink(ev.ViewersChanged((handoff_id,)))

    def _viewing_heard(self, event: HandoffViewing) -> None:
        now, handoff_id = self._mono(), event.handoff_id
        changed = self.presence.expire(now)  # memory stays bounded, for watch as for the app
        if event.viewing:
            name = self._person(event.viewer_name) or ""
            if self.presence.viewing(handoff_id, event.viewer_id, name, now, event.expires_in):
                changed.add(handoff_id)
        elif self.presence.stopped(handoff_id, event.viewer_id, now):
            changed.add(handoff_id)
        if changed:
            self.sink(ev.ViewersChanged(tuple(sorted(changed))))

    def viewers(self, handoff_id: str) -> tuple[str, ...]:
        """The others who have this escalation open now, first comer first."""
        return self.presence.viewers(handoff_id, self._mono())

    def expire_viewers(self) -> set[str]:
        """Forget viewers not heard of in time (the front end asks once a second);
        the escalations whose rows that changes."""
        return self.presence.expire(self._mono())

    # ── Mine: the escalations I claimed ──────────────────────────────────────

    async def standings(self, claims: Iterable[tuple[str, str]]) -> AsyncIterator[out.ClaimState]:
        """Where each (handoff id, session id) of mine stands, as each answer comes.

        A few are asked at a time. Once the server cannot be reached (or signs us
        out, or slows us down) the rest are told ``unknown`` for the same reason,
        rather than each waiting out its own time-out.
        """
        pending = list(claims)
        if not pending:
            return
        gate = asyncio.Semaphore(STANDINGS_AT_ONCE)
        stop: list[str] = []  # why asking more is no use, once it is known

        async def one(handoff_id: str, session_id: str) -> out.ClaimState:
            async with gate:
                if stop:
                    return out.ClaimState(handoff_id, "unknown", reason=stop[0])
                state, hopeless = await self._standing(handoff_id, session_id)
                if hopeless and state.reason and not stop:
                    stop.append(state.reason)
                return state

        tasks = [asyncio.ensure_future(one(h, s)) for h, s in pending]
        try:
            for done in asyncio.as_completed(tasks):
                yield await done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def standing(self, handoff_id: str, session_id: str) -> out.ClaimState:
        """One claim of mine: ``GET .../handoffs`` (newest first), and the session
        when it is still mine, to see whether a first action followed the claim."""
        return (await self._standing(handoff_id, session_id))[0]

    async def _standing(self, handoff_id: str, session_id: str) -> tuple[out.ClaimState, bool]:
        """The state, and whether asking about the others is any use now."""
        if self.me is None:
            return out.ClaimState(handoff_id, "unknown", reason="Not signed in yet."), True
        try:
            handoffs = [self._handoff(h) for h in await self.client.handoffs(session_id)]
        except (NotFound, Forbidden) as exc:  # hidden from me now, or removed
            return out.ClaimState(handoff_id, "gone", reason=exc.message), False
        except (Unreachable, NotSignedIn, RateLimited) as exc:
            return out.ClaimState(handoff_id, "unknown", reason=exc.message), True
        except ApiError as exc:  # this one answered oddly: the others may not
            return out.ClaimState(handoff_id, "unknown", reason=exc.message), False
        finally:
            self._read_clock()
        mine = next((h for h in handoffs if h.id == handoff_id), None)
        if mine is None:
            reason = "Its session no longer lists this escalation."
            return out.ClaimState(handoff_id, "gone", reason=reason), False
        if not mine.claimed_by:
            return out.ClaimState(handoff_id, "released", mine), False
        if not self._mine(mine):
            return out.ClaimState(handoff_id, "taken", mine, by=mine.claimed_by_name), False
        newer = [h for h in handoffs if h.created_at > mine.created_at and h.intent == "escalate"]
        latest = max(newer, key=lambda h: h.created_at, default=None)
        if latest is not None and not latest.claimed_by:
            return out.ClaimState(handoff_id, "queued", mine, again=True), False
        if latest is not None and not self._mine(latest):
            state = out.ClaimState(handoff_id, "taken", mine, by=latest.claimed_by_name, again=True)
            return state, False
        return out.ClaimState(handoff_id, await self._acted(mine), mine), False

    async def _acted(self, mine: Handoff) -> out.Standing:
        """``acted`` if a step came after the claim (the metric's first action)."""
        claimed_at = mine.claimed_at
        if claimed_at is None:
            return "yours"
        try:
            session = await self.client.session(mine.session_id)
        except ApiError:
            return "yours"  # its handoff said it is mine; the rest is a detail
        times = [s.created_at for s in session.steps if s.created_at is not None]
        return "acted" if any(t > claimed_at for t in times) else "yours"

    def _mine(self, handoff: Handoff) -> bool:
        return self.me is not None and handoff.claimed_by == self.me.id

    async def _mine_elsewhere(self, session_id: str, handoff_id: str) -> None:
        """A claim event named me for an escalation never listed here: fetch it for Mine."""
        try:
            handoffs = await self.client.handoffs(session_id)
        except ApiError:
            return  # Mine cannot list what it cannot show; the claim is the server's anyway
        found = next((h for h in handoffs if h.id == handoff_id), None)
        if found is not None and self._mine(found):
            self.sink(ev.ClaimedByMe(self._handoff(found)))

    # ── Presenter mode ───────────────────────────────────────────────────────

    def _person(self, name: str | None) -> str | None:
        return name if self.disguise is None else self.disguise.person(name)

    def _handoff(self, handoff: H) -> H:
        return handoff if self.disguise is None else self.disguise.handoff(handoff)

    def _me(self, me: Me) -> Me:
        return me if self.disguise is None else self.disguise.me(me)


async def _next_turn() -> None:
    await asyncio.sleep(0)
