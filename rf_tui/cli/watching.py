"""``rf-tui watch``: one line per live event, the feed's, until interrupted.

Apart from rf_tui/cli/script.py so that `rf-tui queue` and `claim` do not load
the stream and the feed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TextIO

from rf_tui.api.client import Client
from rf_tui.api.models import QueueEntry
from rf_tui.api.stream import (
    ConnectionState,
    EscalationStream,
    Live,
    Offline,
    Reconnecting,
    SignedOut,
)
from rf_tui.cli.script import DENIED, DETAILS_WAIT, FAILED, OK, _now, entry_json, entry_line
from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.state.queue import FETCHING, NOT_YET
from rf_tui.text import person


class Watcher:
    """Feed events as lines; after a reconnect, what the gap hid."""

    def __init__(
        self, client: Client, as_json: bool, out: TextIO, stream: EscalationStream | None = None
    ) -> None:
        self.as_json, self.out = as_json, out
        self.feed = Feed(client, self.on_event, stream=stream)
        # Arrivals already printed, oldest first, so a refetch does not print them
        # again (capped: a watch may run for weeks).
        self.told: dict[str, None] = {}
        self._pending: set[str] = set()  # arrivals whose line waits for their details
        self._last_problem: str | None = None

    def tell(self, handoff_id: str) -> bool:
        """True the first time only."""
        if handoff_id in self.told:
            return False
        self.told[handoff_id] = None
        if len(self.told) > 10_000:
            del self.told[next(iter(self.told))]
        return True

    def emit(self, kind: str, text: str, **fields: Any) -> None:
        if self.as_json:
            self.out.write(json.dumps({"type": kind, **fields}) + "\n")
        else:
            stamp = _now().astimezone().strftime("%H:%M:%S")
            self.out.write(f"{stamp} {text}\n")
        self.out.flush()

    async def run(self) -> int:
        final = await self.feed.run(stop_on=(Offline, SignedOut))
        return DENIED if isinstance(final, SignedOut) else FAILED if final else OK

    def on_event(self, event: ev.FeedEvent) -> None:
        if isinstance(event, ev.QueueChanged):
            self.changed(event)
        elif isinstance(event, ev.AssessmentLanded):
            item = event.event
            self.emit(
                "handoff_assessment_ready",
                f"ASSESSED {item.handoff_id}",
                handoff_id=item.handoff_id,
                session_id=item.session_id,
            )
        elif isinstance(event, ev.ConnectionChanged):
            self.connection(event.state)
        elif isinstance(event, ev.QueueLoadFailed):
            if event.reason != self._last_problem:  # once per reason, not per retry
                self._last_problem = event.reason
                self.emit("state", event.text(), state="refetch_failed", reason=event.reason)
        elif isinstance(event, ev.Trouble):
            self.emit("state", event.what, state="trouble", reason=event.what)
        elif isinstance(event, ev.RowsSkipped) and event.rows:
            self.emit("state", event.text(), state="rows_skipped", rows=list(event.rows))
        elif isinstance(event, ev.ClockSkewed) and event.text():
            self.emit("state", event.text(), state="clock_skew", offset_seconds=event.offset)

    def connection(self, item: ConnectionState) -> None:
        if isinstance(item, Live):
            self.emit("state", "live", state="live")
        elif isinstance(item, Reconnecting):
            self.emit(
                "state",
                f"reconnecting in {item.next_try_in:.0f}s: {item.reason}",
                state="reconnecting",
                attempt=item.attempt,
                next_try_in=round(item.next_try_in, 1),
                reason=item.reason,
            )
        elif isinstance(item, Offline | SignedOut):
            self.emit("state", item.reason, state=type(item).__name__.lower(), reason=item.reason)

    def changed(self, change: ev.QueueChanged) -> None:
        self._last_problem = None  # a fetch worked: the next failure is news
        if change.cause == "first":
            for entry in change.added:  # the queue as it is, not news
                self.tell(entry.id)
            return
        if change.cause == "arrival":
            for entry in change.added:
                if self.tell(entry.id):
                    self._pending.add(entry.id)
            asyncio.get_running_loop().call_later(DETAILS_WAIT, self._created_pending)
            return
        added = {entry.id for entry in change.added}
        for entry in (*change.added, *change.updated):
            if entry.id in self._pending:  # its details are here: now the line is whole
                self._pending.discard(entry.id)
                self.created(entry)
            elif entry.id in added and self.tell(entry.id):
                self.missed(entry, gap=change.cause == "gap")
        for gone in change.removed:
            self._pending.discard(gone.handoff_id)
            if change.cause in ("gap", "refetch"):
                when = "while disconnected" if change.cause == "gap" else "unannounced"
                self.emit(
                    "missed_gone",
                    f"GONE {gone.handoff_id} (claimed or withdrawn {when})",
                    handoff_id=gone.handoff_id,
                )
            else:
                who = gone.claimed_by or "someone"
                self.emit(
                    "handoff_claimed",
                    f"CLAIMED {gone.handoff_id} by {person(who) or 'someone'}",
                    handoff_id=gone.handoff_id,
                    claimed_by_name=gone.claimed_by,
                )

    def _created_pending(self) -> None:
        """Details that did not come in time: the line goes out with what there is."""
        for handoff_id in sorted(self._pending):
            if (entry := self.feed.queue.get(handoff_id)) is not None:
                self.created(entry, summary=self._missing(entry))
        self._pending.clear()

    def _missing(self, entry: QueueEntry) -> str:
        """Why a line printed now has no summary (it is printed once, so not "fetching")."""
        said = self.feed.queue.summary(entry)
        return NOT_YET if said == FETCHING else said

    def created(self, entry: QueueEntry, *, summary: str | None = None) -> None:
        self.emit(
            "handoff_created",
            f"NEW {entry_line(entry, summary=summary)}",
            handoff_id=entry.id,
            **{k: v for k, v in entry_json(entry).items() if k != "id"},
        )

    def missed(self, entry: QueueEntry, *, gap: bool) -> None:
        how = (
            "missed while disconnected"
            if gap
            else "missed by the stream"
            if isinstance(self.feed.state, Live)
            else "by polling: no live stream"
        )
        self.emit(
            "missed_created",
            f"NEW {entry_line(entry)} ({how})",
            handoff_id=entry.id,
            **{k: v for k, v in entry_json(entry).items() if k != "id"},
        )


async def watch(
    client: Client,
    as_json: bool,
    out: TextIO,
    make_stream: Callable[[Client], EscalationStream] | None = None,
) -> int:
    async with client:
        stream = (make_stream or EscalationStream)(client)
        return await Watcher(client, as_json, out, stream).run()
