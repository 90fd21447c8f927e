"""``rf-tui queue``, ``watch`` and ``claim``: the API layer for shell scripts.

No Textual on these paths (tests/test_layers.py checks it): a cron job or a
``watch | jq`` pipeline starts in a blink and never touches the terminal's
modes. Text from other people is sanitised in plain output; ``--json`` output
is escaped by the JSON encoder itself.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TextIO

from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed, ApiError, Forbidden, NotFound, NotSignedIn
from rf_tui.api.models import (
    AssessmentReady,
    HandoffClaimed,
    HandoffCreated,
    QueueEntry,
    UnknownEvent,
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
from rf_tui.state.clock import age, ago
from rf_tui.state.queue import QueueState, Sort
from rf_tui.text import one_line

OK = 0
FAILED = 1  # the network or the server failed
USAGE = 2  # flags, config or sign-in need fixing first
LOST_RACE = 3  # claim: someone else was first
DENIED = 4  # signed out (401) or not allowed (403)
NOT_FOUND = 5  # no such escalation waiting for you

EXIT_CODES = f"""\
exit codes:
  {OK}  done (watch: stopped with Ctrl-C)
  {FAILED}  the server could not be reached or answered with an error
  {USAGE}  a flag, config.toml or sign-in needs fixing first
  {LOST_RACE}  claim: someone else claimed it first (their name is printed)
  {DENIED}  not signed in, or your role may not do this
  {NOT_FOUND}  claim: no such escalation is waiting in your queue
"""


def exit_code(error: ApiError) -> int:
    if isinstance(error, AlreadyClaimed):
        return LOST_RACE
    if isinstance(error, NotSignedIn | Forbidden):
        return DENIED
    if isinstance(error, NotFound):
        return NOT_FOUND
    return FAILED


def _now() -> datetime:
    return datetime.now(timezone.utc)


def entry_json(entry: QueueEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "session_id": entry.session_id,
        "priority": entry.priority,
        "summary": entry.summary,
        "requester": entry.requester,
        "engineer_notes": entry.engineer_notes,
        "created_at": entry.created_at.isoformat(),
        "target_user_id": entry.target_user_id,
    }


def queue_lines(entries: list[QueueEntry], now: datetime, width: int | None) -> list[str]:
    """One line per escalation: id, priority, age, requester, problem."""
    lines = []
    for e in entries:
        head = (
            f"{e.id:<12} {one_line(e.priority, 7):<7} "
            f"{age((now - e.created_at).total_seconds()):>4}  {one_line(e.requester, 16):<16}  "
        )
        room = None if width is None else max(10, width - len(head))
        lines.append(head + one_line(e.summary or "(no summary)", room or 10_000))
    return lines


async def show_queue(client: Client, as_json: bool, out: TextIO) -> int:
    async with client:
        entries = await client.queue()
    state = QueueState()
    state.reconcile(entries, since=0)
    ordered = state.ordered(Sort.NEWEST)
    if as_json:
        json.dump([entry_json(e) for e in ordered], out, indent=2)
        out.write("\n")
    else:
        width = shutil.get_terminal_size().columns if out.isatty() else None
        if not ordered:
            out.write("No escalations waiting.\n")
        for line in queue_lines(ordered, _now(), width):
            out.write(line + "\n")
    return OK


async def claim(client: Client, handoff_id: str, session_id: str | None, out: TextIO) -> int:
    async with client:
        if session_id is None:
            waiting = {e.id: e for e in await client.queue()}
            if handoff_id not in waiting:
                raise NotFound(
                    f"Escalation {one_line(handoff_id, 40)} is not waiting in your queue"
                )
            session_id = waiting[handoff_id].session_id
        try:
            handoff = await client.claim(session_id, handoff_id)
        except AlreadyClaimed as exc:
            when = ago(exc.claimed_at, _now())
            who = one_line(exc.claimed_by_name or "someone else", 60)
            out.write(f"Already claimed by {who}{' ' + when if when else ''}.\n")
            return LOST_RACE
    out.write(f"Claimed {handoff.id}: {one_line(handoff.summary, 100)}\n")
    return OK


class Watcher:
    """Stream events as lines; after a reconnect, what the gap hid, from a refetch."""

    def __init__(self, client: Client, as_json: bool, out: TextIO, stream: EscalationStream):
        self.client, self.as_json, self.out, self.stream = client, as_json, out, stream
        self.queue = QueueState()
        # Arrivals already printed, oldest first, so a reconnect's refetch does
        # not print them again (capped: a watch may run for weeks).
        self.told: dict[str, None] = {}

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
        async for item in self.stream.items():
            if isinstance(item, Backfill):
                await self.backfill(item.reconnect)
            elif isinstance(item, HandoffCreated):
                self.created(item)
            elif isinstance(item, HandoffClaimed):
                self.queue.gone(item.handoff_id)
                self.emit(
                    "handoff_claimed",
                    f"CLAIMED {item.handoff_id}",
                    handoff_id=item.handoff_id,
                    session_id=item.session_id,
                )
            elif isinstance(item, AssessmentReady):
                self.emit(
                    "handoff_assessment_ready",
                    f"ASSESSED {item.handoff_id}",
                    handoff_id=item.handoff_id,
                    session_id=item.session_id,
                )
            elif isinstance(item, UnknownEvent):
                continue
            elif isinstance(item, Live):
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
                self.emit(
                    "state", item.reason, state=type(item).__name__.lower(), reason=item.reason
                )
                return DENIED if isinstance(item, SignedOut) else FAILED
            elif isinstance(item, Connecting):
                continue
        return OK

    def created(self, event: HandoffCreated) -> None:
        # Printed even if the first refetch already held it: it is news either way.
        self.queue.arrived(event, _now())
        if not self.tell(event.handoff_id):
            return
        notes = f" — {one_line(event.engineer_notes, 80)!r}" if event.engineer_notes else ""
        self.emit(
            "handoff_created",
            f"NEW {one_line(event.priority, 7)} {event.handoff_id}{notes}",
            handoff_id=event.handoff_id,
            session_id=event.session_id,
            priority=event.priority,
            engineer_notes=event.engineer_notes,
            created_at=event.created_at.isoformat() if event.created_at else None,
        )

    async def backfill(self, reconnect: bool) -> None:
        """The server keeps no history: a refetch says what a gap hid."""
        since = self.queue.generation
        try:
            entries = await self.client.queue()
        except ApiError as exc:
            self.emit(
                "state",
                f"refetch failed: {exc.message}",
                state="refetch_failed",
                reason=exc.message,
            )
            return
        change = self.queue.reconcile(entries, since)
        if not reconnect:
            for handoff_id in change.added:  # the queue as it is, not news
                self.tell(handoff_id)
            return
        for handoff_id in change.added:
            entry = self.queue.get(handoff_id)
            if entry is None or not self.tell(handoff_id):
                continue
            self.emit(
                "missed_created",
                f"NEW {one_line(entry.priority, 7)} {entry.id} (while "
                f"disconnected) {one_line(entry.summary, 80)}",
                handoff_id=entry.id,
                **{k: v for k, v in entry_json(entry).items() if k != "id"},
            )
        for handoff_id in change.removed:
            self.emit(
                "missed_gone",
                f"GONE {handoff_id} (claimed or withdrawn while disconnected)",
                handoff_id=handoff_id,
            )


async def watch(
    client: Client,
    as_json: bool,
    out: TextIO,
    make_stream: Callable[[Client], EscalationStream] = EscalationStream,
) -> int:
    async with client:
        return await Watcher(client, as_json, out, make_stream(client)).run()


def run(coro: Any) -> int:
    """Run a command; an API failure is one sentence on stderr and an exit code."""
    try:
        return int(asyncio.run(coro))
    except ApiError as exc:
        print(f"rf-tui: {exc.message}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        return OK
