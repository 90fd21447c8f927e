"""``rf-tui queue``, ``watch`` and ``claim``: the API layer for shell scripts.

No Textual on these paths (tests/test_layers.py checks it): a cron job or a
``watch | jq`` pipeline starts in a blink and never touches the terminal's
modes. Text from other people is sanitised in plain output; ``--json`` output
is escaped by the JSON encoder itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TextIO

from rf_tui import exit_codes as exits
from rf_tui import paths
from rf_tui.api.client import Client
from rf_tui.api.errors import (
    AlreadyClaimed,
    ApiError,
    Forbidden,
    NotFound,
    NotSignedIn,
    WrongAddress,
)
from rf_tui.api.models import QueueEntry
from rf_tui.api.stream import (
    ConnectionState,
    EscalationStream,
    Live,
    Offline,
    Reconnecting,
    SignedOut,
)
from rf_tui.feed import events as ev
from rf_tui.feed.feed import Feed
from rf_tui.feed.outcomes import ClaimLost
from rf_tui.state.clock import ServerTime, age, skew_text
from rf_tui.state.queue import FETCHING, NO_SUMMARY, NOT_YET, QueueState, Sort
from rf_tui.store.known import KnownSessions
from rf_tui.text import cell_len, one_line, pad, person

# The codes these commands return; rf_tui/exit_codes.py says which command returns which.
OK, FAILED, USAGE = exits.OK, exits.FAILED, exits.USAGE
LOST_RACE, DENIED, NOT_FOUND = exits.LOST_RACE, exits.DENIED, exits.NOT_FOUND
PIPE_CLOSED = exits.PIPE_CLOSED

#: An arrival's line waits this long at most for its details (summary, requester).
DETAILS_WAIT = 2.0


def exit_code(error: ApiError) -> int:
    if isinstance(error, WrongAddress):
        return USAGE  # --server needs fixing, whatever the server said
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
        when = age((now - e.created_at).total_seconds())
        head = (  # padded by terminal cells, so a CJK requester keeps the columns straight
            f"{pad(one_line(e.id), 12)} {pad(one_line(e.priority, 7), 7)} "
            f"{when:>4}  {pad(person(e.requester, 16), 16)}  "
        )
        room = None if width is None else max(10, width - cell_len(head))
        lines.append(head + one_line(e.summary or NO_SUMMARY, room or 10_000))
    return lines


def server_now(client: Client) -> datetime:
    """Now on the server's clock, from the Date headers of the answers so far: the
    times it sends are on that clock, so ages are read on it too."""
    clock = ServerTime(_now)
    for heard in client.dates:
        clock.heard(*heard)
    if text := skew_text(clock.offset):
        print(f"rf-tui: {text}", file=sys.stderr)  # stdout stays parseable
    return clock()


async def show_queue(client: Client, as_json: bool, out: TextIO) -> int:
    async with client:
        rows = await client.queue_rows()
    now = server_now(client)
    for problem in rows.skipped:  # the good rows still go out; stdout stays parseable
        print(f"rf-tui: left out a malformed row, {problem}", file=sys.stderr)
    entries = rows.entries
    _known(client).remember((e.id, e.session_id) for e in entries)
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
        for line in queue_lines(ordered, now, width):
            out.write(line + "\n")
    return OK


async def claim(client: Client, handoff_id: str, session_id: str | None, out: TextIO) -> int:
    known = _known(client)
    async with client:
        if session_id is None:
            waiting = {e.id: e.session_id for e in await client.queue()}
            # Gone from the queue, but listed or claimed here before: the claim
            # itself then says who won, or confirms it is already yours.
            session_id = waiting.get(handoff_id) or known.get(handoff_id)
            if session_id is None:
                print(
                    f"rf-tui: escalation {one_line(handoff_id, 40)} is not waiting in your "
                    "queue. If someone claimed it, --session SESSION_ID tells who.",
                    file=sys.stderr,
                )
                return NOT_FOUND
        try:
            handoff = await client.claim(session_id, handoff_id)
        except AlreadyClaimed as exc:
            lost = ClaimLost(handoff_id, exc.claimed_by_name or "someone else", exc.claimed_at)
            out.write(lost.sentence(server_now(client)) + "\n")
            return LOST_RACE
    known.remember([(handoff.id, handoff.session_id)])
    out.write(f"Claimed {handoff.id}: {one_line(handoff.summary, 100)}\n")
    return OK


def _known(client: Client) -> KnownSessions:
    return KnownSessions(paths.known_path(paths.state_dir(), client.server))


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


def entry_line(entry: QueueEntry, head: str | None = None, *, summary: str | None = None) -> str:
    """urgent ad7c… — VPN drops every few minutes — Sam Okafor — 'tried a reboot'

    ``head`` replaces the priority and id (``--plain`` numbers its rows).
    """
    parts = [head or f"{one_line(entry.priority, 7)} {entry.id}"]
    parts.append(one_line(entry.summary or summary or NO_SUMMARY, 100))
    if entry.requester:
        parts.append(person(entry.requester))
    if entry.engineer_notes:
        parts.append(repr(one_line(entry.engineer_notes, 80)))
    return " — ".join(parts)


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
    except BrokenPipeError:
        # The reader went away (`| head -1`): end quietly, as a tool killed by
        # SIGPIPE would, and keep the interpreter's last flush from raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return PIPE_CLOSED
