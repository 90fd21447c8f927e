"""The one place the UI talks to the API.

Each method is a coroutine the app runs as a worker; results and failures go
back as messages (``rf_tui.ui.messages``). Widgets never call this directly:
they post intents, the app starts the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.message import Message

from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed, ApiError, Forbidden, NotSignedIn
from rf_tui.api.models import (
    AssessmentReady,
    Handoff,
    HandoffClaimed,
    HandoffCreated,
    Me,
    QueueEntry,
)
from rf_tui.api.stream import (
    Backfill,
    Connecting,
    EscalationStream,
    Live,
    Offline,
    Reconnecting,
    SignedOut,
)
from rf_tui.disguise import Disguise
from rf_tui.state.away import summarise
from rf_tui.ui import messages as m

H = TypeVar("H", bound=Handoff)

#: Rows that left during a gap looked up one by one to name who took them.
AWAY_LOOKUPS = 20
CLAIM_FORBIDDEN = "Only engineers or admins can claim escalations; your role is read-only."


class Link:
    def __init__(
        self,
        client: Client,
        post: Callable[[Message], object],
        *,
        on_backfill: Callable[[], None],
        stream: EscalationStream | None = None,
        disguise: Disguise | None = None,
    ) -> None:
        self.client = client
        #: Presenter mode: every name and text is swapped here, where it comes in,
        #: so no screen, toast or copied note can show the real one.
        self.disguise = disguise
        self.post = post
        self.on_backfill = on_backfill
        self.stream = stream or EscalationStream(client)
        self.me: Me | None = None

    async def follow(self) -> None:
        """Follow the stream for the life of the app (reconnecting inside)."""
        async for item in self.stream.items():
            if isinstance(item, Backfill):
                self.on_backfill()
            elif isinstance(item, HandoffCreated):
                self.post(m.Arrived(item))
            elif isinstance(item, HandoffClaimed):
                if self.disguise is not None:
                    name = self.disguise.person(item.claimed_by_name)
                    item = item.model_copy(update={"claimed_by_name": name})
                self.post(m.ClaimedElsewhere(item))
            elif isinstance(item, AssessmentReady):
                self.post(m.AssessmentLanded(item))
            elif isinstance(item, Connecting | Live | Reconnecting | Offline | SignedOut):
                self.post(m.ConnectionChanged(item))
            # Ready and UnknownEvent need nothing from the UI.

    async def backfill(self, since: int, *, metrics: bool = True) -> None:
        """Who am I (once), the whole queue, and the metric."""
        try:
            if self.me is None:
                self.me = await self.client.me()
                self.post(m.SignedIn(self._me(self.me)))
            else:  # a small request, timed: the status line's round trip
                self.post(m.LinkMeasured(await self.client.ping()))
            entries = await self.client.queue()
        except NotSignedIn as exc:
            self.post(m.ConnectionChanged(SignedOut(exc.message)))
            return
        except Forbidden as exc:
            self.post(m.QueueFailed(f"You cannot see the queue. {exc.message}"))
            return
        except ApiError as exc:
            self.post(m.QueueFailed(exc.message))  # the next backfill retries
            return
        if self.disguise is not None:
            entries = [self.disguise.handoff(e) for e in entries]
        self.post(m.QueueFetched(entries, since))
        if metrics:
            await self.metrics()

    async def metrics(self) -> None:
        try:
            self.post(m.MetricsFetched(await self.client.metrics("7d")))
        except ApiError as exc:
            self.post(m.MetricsFailed(exc.message))

    async def who_took(
        self, arrived: set[str], gone: dict[str, str], known: dict[str, str]
    ) -> None:
        """How each row that left during a gap left: claimed (by whom) or withdrawn.

        Names come from claim events seen (``known``); the others are looked up,
        a few at most. Another senior's claimed session answers 404 (it is
        theirs now), so those count as "left the queue", not as withdrawn.
        """
        outcome: dict[str, str | None] = {i: known[i] for i in gone if i in known}
        for handoff_id, session_id in [(i, s) for i, s in gone.items() if i not in known][
            :AWAY_LOOKUPS
        ]:
            try:
                handoffs = await self.client.handoffs(session_id)
            except ApiError:
                continue  # hidden (404) or the link is struggling: counted as unknown
            found = next((h for h in handoffs if h.id == handoff_id), None)
            if found is not None:
                taken = found.claimed_by or found.claimed_by_name
                name = self._person(found.claimed_by_name)
                outcome[handoff_id] = (name or "someone") if taken else None
        unknown = len(gone) - len(outcome)
        self.post(m.AwaySummarised(summarise(arrived, outcome, unknown)))

    async def details(self, event: HandoffCreated) -> None:
        """The full row for an arrival (the event carries no summary)."""
        try:
            handoffs = await self.client.handoffs(event.session_id)
        except ApiError:
            return  # the next reconcile fills it in
        for handoff in handoffs:
            if handoff.id == event.handoff_id:
                entry = QueueEntry.model_validate(handoff.model_dump())
                self.post(m.Detailed(self._handoff(entry)))

    async def claim(self, entry: Handoff) -> None:
        try:
            handoff = await self.client.claim(entry.session_id, entry.id)
        except AlreadyClaimed as exc:
            winner = self._person(exc.claimed_by_name) or "someone else"
            self.post(m.ClaimLost(entry.id, winner, exc.claimed_at))
            return
        except Forbidden as exc:
            reason = CLAIM_FORBIDDEN if "engineer" in exc.detail.lower() else exc.message
            self.post(m.ClaimFailed(entry.id, reason))
            return
        except ApiError as exc:
            self.post(m.ClaimFailed(entry.id, f"Could not claim: {exc.message}"))
            return
        self.post(m.ClaimWon(self._handoff(handoff)))
        await self.metrics()

    async def context(self, handoff: Handoff) -> None:
        """The session behind a handoff (and the handoff again, for a late assessment)."""
        fresh = handoff
        try:
            for candidate in await self.client.handoffs(handoff.session_id):
                if candidate.id == handoff.id:
                    fresh = candidate
            session = await self.client.session(handoff.session_id)
        except ApiError as exc:
            self.post(m.ContextLoaded(self._handoff(fresh), None, exc.message))
            return
        if self.disguise is not None:
            session = self.disguise.session(session)
        self.post(m.ContextLoaded(self._handoff(fresh), session, None))

    async def chat(self, session_id: str, text: str) -> None:
        try:
            reply = await self.client.chat(session_id, text)
        except ApiError as exc:
            self.post(m.ChatFailed(session_id, text, exc.message))
            return
        if self.disguise is not None:
            reply = self.disguise.reply(reply)
        self.post(m.ChatAnswered(session_id, text, reply))
        await self.metrics()

    # ── Presenter mode ───────────────────────────────────────────────────────

    def _person(self, name: str | None) -> str | None:
        return name if self.disguise is None else self.disguise.person(name)

    def _handoff(self, handoff: H) -> H:
        return handoff if self.disguise is None else self.disguise.handoff(handoff)

    def _me(self, me: Me) -> Me:
        return me if self.disguise is None else self.disguise.me(me)
