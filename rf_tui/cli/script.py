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
from typing import TYPE_CHECKING, Any, TextIO

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
from rf_tui.state.clock import ServerTime, age, skew_text
from rf_tui.state.queue import NO_SUMMARY, QueueState, Sort
from rf_tui.store.known import KnownSessions
from rf_tui.text import cell_len, one_line, pad, person

if TYPE_CHECKING:
    from rf_tui.api.stream import EscalationStream

# The stream and the feed are for `watch` (rf_tui/cli/watching.py) and a lost
# claim: `rf-tui queue` in a script's loop pays for the client and models only.

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
            from rf_tui.feed.outcomes import ClaimLost

            lost = ClaimLost(handoff_id, exc.claimed_by_name or "someone else", exc.claimed_at)
            out.write(lost.sentence(server_now(client)) + "\n")
            return LOST_RACE
    known.remember([(handoff.id, handoff.session_id)])
    out.write(f"Claimed {handoff.id}: {one_line(handoff.summary, 100)}\n")
    return OK


def _known(client: Client) -> KnownSessions:
    return KnownSessions(paths.known_path(paths.state_dir(), client.server))


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
    make_stream: Callable[[Client], EscalationStream] | None = None,
) -> int:
    """``rf-tui watch``: rf_tui/cli/watching.py, imported only when it runs."""
    from rf_tui.cli import watching

    return await watching.watch(client, as_json, out, make_stream)


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
