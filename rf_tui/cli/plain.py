"""``rf-tui --plain``: the queue as lines of text, for screen readers, phones and logs.

No alternate screen, no cursor tricks: one line per event, each escalation
with a number, and a prompt that takes ``c N`` (claim), ``s N`` (show),
``l`` (list) and ``q`` (quit). Textual hides the cursor, which braille
displays need, so this is the accessible way in. Same sanitising and the same
reconnecting stream as the TUI; no Textual import.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from datetime import datetime, timezone
from typing import TextIO

from rf_tui.api.client import Client
from rf_tui.api.errors import AlreadyClaimed, ApiError
from rf_tui.api.models import Handoff, HandoffClaimed, HandoffCreated, QueueEntry
from rf_tui.api.stream import Backfill, EscalationStream, Live, Offline, Reconnecting, SignedOut
from rf_tui.cli.script import DENIED, FAILED, OK
from rf_tui.export import handoff_markdown
from rf_tui.state.clock import age, ago
from rf_tui.state.queue import QueueState, Sort
from rf_tui.text import one_line

HELP = "Commands: l list · s N show · c N claim · q quit (then Enter)"


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Plain:
    def __init__(self, client: Client, out: TextIO, stream: EscalationStream) -> None:
        self.client, self.out, self.stream = client, out, stream
        self.queue = QueueState()
        self.numbers: dict[str, int] = {}  # handoff id → its number, for good
        self.by_number: dict[int, str] = {}
        self.claimed_here: dict[str, Handoff] = {}

    def say(self, text: str) -> None:
        stamp = _now().astimezone().strftime("%H:%M")
        self.out.write(f"{stamp} {text}\n")
        self.out.flush()

    def number(self, handoff_id: str) -> int:
        if handoff_id not in self.numbers:
            self.numbers[handoff_id] = len(self.numbers) + 1
            self.by_number[self.numbers[handoff_id]] = handoff_id
        return self.numbers[handoff_id]

    def line(self, entry: QueueEntry) -> str:
        """[4] high — VPN drops after KB5034441 — Sam Okafor — 'tried reinstalling' (2m)"""
        parts = [f"[{self.number(entry.id)}] {one_line(entry.priority, 7)}"]
        parts.append(one_line(entry.summary or "(details coming)", 100))
        if entry.requester:
            parts.append(one_line(entry.requester, 40))
        if entry.engineer_notes:
            parts.append(repr(one_line(entry.engineer_notes, 80)))
        when = age((_now() - entry.created_at).total_seconds())
        return " — ".join(parts) + f" ({when})"

    def list(self) -> None:
        entries = self.queue.ordered(Sort.NEWEST)
        noun = "escalation" if len(entries) == 1 else "escalations"
        self.say(f"{len(entries)} {noun} waiting, newest first:")
        for entry in entries:
            self.out.write(f"  {self.line(entry)}\n")
        self.out.flush()

    # ── The stream ───────────────────────────────────────────────────────────

    async def follow(self) -> int:
        async for item in self.stream.items():
            if isinstance(item, Backfill):
                await self.backfill(item.reconnect)
            elif isinstance(item, HandoffCreated):
                await self.arrived(item)
            elif isinstance(item, HandoffClaimed):
                self.claimed(item)
            elif isinstance(item, Live):
                self.say("Connected: new escalations appear here as they come.")
            elif isinstance(item, Reconnecting):
                self.say(f"Connection lost ({item.reason}). Trying again in "
                         f"{item.next_try_in:.0f}s.")  # fmt: skip
            elif isinstance(item, Offline | SignedOut):
                self.say(item.reason)
                return DENIED if isinstance(item, SignedOut) else FAILED
        return OK

    async def backfill(self, reconnect: bool) -> None:
        since = self.queue.generation
        try:
            entries = await self.client.queue()
        except ApiError as exc:
            self.say(f"Could not fetch the queue: {exc.message}")
            return
        change = self.queue.reconcile(entries, since)
        if not reconnect:
            self.list()
            self.out.write(HELP + "\n")
            self.out.flush()
            return
        for handoff_id in change.added:
            if (entry := self.queue.get(handoff_id)) is not None:
                self.say(f"NEW while disconnected {self.line(entry)}")
        for handoff_id in change.removed:
            self.say(f"GONE while disconnected [{self.number(handoff_id)}]")

    async def arrived(self, event: HandoffCreated) -> None:
        if not self.queue.arrived(event, _now()):
            return
        try:  # the event has no summary: one small request for the whole line
            for handoff in await self.client.handoffs(event.session_id):
                if handoff.id == event.handoff_id:
                    self.queue.detailed(QueueEntry.model_validate(handoff.model_dump()))
        except ApiError:
            pass  # the line says "(details coming)"; `l` shows them after a refetch
        if (entry := self.queue.get(event.handoff_id)) is not None:
            self.say(f"NEW {self.line(entry)}")

    def claimed(self, event: HandoffClaimed) -> None:
        if self.queue.gone(event.handoff_id):
            who = one_line(event.claimed_by_name or "someone", 40)
            self.say(f"CLAIMED [{self.number(event.handoff_id)}] by {who}")

    # ── The prompt ───────────────────────────────────────────────────────────

    async def command(self, text: str) -> bool:
        """Run one typed command; False to stop."""
        words = text.strip().split()
        if not words:
            return True
        verb, arg = words[0].lower(), words[1] if len(words) > 1 else ""
        if verb in ("q", "quit", "exit"):
            return False
        if verb in ("l", "list"):
            self.list()
        elif verb in ("c", "claim", "s", "show"):
            entry = self.pick(arg)
            if entry is not None:
                await (self.claim(entry) if verb.startswith("c") else self.show(entry))
        else:
            self.out.write(HELP + "\n")
            self.out.flush()
        return True

    def pick(self, arg: str) -> Handoff | None:
        handoff_id = self.by_number.get(int(arg)) if arg.isdigit() else None
        entry = None
        if handoff_id is not None:
            entry = self.queue.get(handoff_id) or self.claimed_here.get(handoff_id)
        if entry is None:
            self.say(f"No escalation [{one_line(arg, 10) or '?'}] is waiting. Type l to list.")
        return entry

    async def claim(self, entry: Handoff) -> None:
        if entry.id in self.claimed_here:
            number = self.number(entry.id)
            self.say(f"[{number}] is already yours. Type s {number} to read it.")
            return
        try:
            handoff = await self.client.claim(entry.session_id, entry.id)
        except AlreadyClaimed as exc:
            when = ago(exc.claimed_at, _now())
            who = one_line(exc.claimed_by_name or "someone else", 40)
            self.say(f"Too late: already claimed by {who}{' ' + when if when else ''}.")
            self.queue.gone(entry.id)
            return
        except ApiError as exc:
            self.say(f"Could not claim: {exc.message}")
            return
        self.queue.gone(entry.id)
        self.say(f"Claimed [{self.number(entry.id)}]. Type s {self.number(entry.id)} to read it.")
        self.claimed_here[entry.id] = handoff

    async def show(self, entry: Handoff) -> None:
        try:
            session = await self.client.session(entry.session_id)
        except ApiError:
            session = None  # what the queue row carries is still worth reading
        self.out.write(handoff_markdown(entry, session, link=None, now=_now(), signed=False))
        self.out.flush()


def _typed_lines(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[str]) -> None:
    """Read stdin on a daemon thread: a blocked read must never hold up the exit."""

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(inbox.put_nowait, line)
        loop.call_soon_threadsafe(inbox.put_nowait, "")  # end of input

    threading.Thread(target=read, name="rf-tui-plain-input", daemon=True).start()


async def run(client: Client, out: TextIO = sys.stdout) -> int:
    async with client:
        plain = Plain(client, out, EscalationStream(client))
        inbox: asyncio.Queue[str] = asyncio.Queue()
        _typed_lines(asyncio.get_running_loop(), inbox)
        following = asyncio.create_task(plain.follow())
        try:
            while not following.done():
                reading = asyncio.create_task(inbox.get())
                done, _ = await asyncio.wait(
                    {reading, following}, return_when=asyncio.FIRST_COMPLETED
                )
                if following in done:
                    reading.cancel()
                    break
                typed = reading.result()
                if typed == "":  # no more input (a log, a pipe): keep following
                    await following
                    break
                if not await plain.command(typed):  # q
                    break
        finally:
            following.cancel()
            result = await asyncio.gather(following, return_exceptions=True)
        code = result[0]
        return code if isinstance(code, int) else OK
