"""``rf-tui --plain``: the queue as lines of text, for screen readers, phones and logs.

No alternate screen, no cursor tricks: one line per event, each escalation
with a number, and a prompt that takes ``c N`` (claim), ``s N`` (show),
``m N text`` (send a first action), ``l`` (list) and ``q`` (quit). Textual
hides the cursor, which braille displays need, so this is the accessible way
in. A renderer of the same feed as the TUI; no Textual import.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TextIO

from rf_tui.api.client import Client
from rf_tui.api.models import Handoff, QueueEntry
from rf_tui.api.stream import EscalationStream, Live, Offline, Reconnecting, SignedOut
from rf_tui.cli.script import DENIED, FAILED, OK, entry_line
from rf_tui.export import handoff_text
from rf_tui.feed import events as ev
from rf_tui.feed import outcomes as out
from rf_tui.feed.feed import Feed
from rf_tui.state.clock import Clock, age, system_clock
from rf_tui.state.queue import FETCHING, NOT_YET, Sort
from rf_tui.text import one_line, person, sanitize

HELP = "Commands: l list · s N show · c N claim · m N text: first action · q quit (then Enter)"
#: An arrival's line waits this long at most for its details (summary, requester).
DETAILS_WAIT = 2.0


class Plain:
    def __init__(
        self,
        client: Client,
        out: TextIO,
        stream: EscalationStream | None = None,
        *,
        clock: Clock = system_clock,
    ) -> None:
        self.out, self.clock = out, clock
        self.feed = Feed(client, self.on_event, stream=stream, clock=clock)
        self.numbers: dict[str, int] = {}  # handoff id → its number, for good
        self.by_number: dict[int, str] = {}
        self.claimed_here: dict[str, Handoff] = {}
        self._pending: set[str] = set()  # arrivals whose line waits for their details
        self._last_problem: str | None = None
        self._last_drop: str | None = None  # the reason last told for a lost stream
        self._was_live = False

    def say(self, text: str) -> None:
        stamp = self.clock().astimezone().strftime("%H:%M")
        self.out.write(f"{stamp} {text}\n")
        self.out.flush()

    def number(self, handoff_id: str) -> int:
        if handoff_id not in self.numbers:
            self.numbers[handoff_id] = len(self.numbers) + 1
            self.by_number[self.numbers[handoff_id]] = handoff_id
        return self.numbers[handoff_id]

    def line(self, entry: QueueEntry) -> str:
        """[4] high — VPN drops after KB5034441 — Sam Okafor — 'tried reinstalling' (2m)"""
        head = f"[{self.number(entry.id)}] {one_line(entry.priority, 7)}"
        when = age((self.feed.clock() - entry.created_at).total_seconds())  # the server's clock
        said = self.feed.queue.summary(entry)
        summary = NOT_YET if said == FETCHING else said  # a line is printed once
        return f"{entry_line(entry, head, summary=summary)} ({when})"

    def list(self) -> None:
        if not self.feed.loaded:
            reason = self.feed.load_problem or "still fetching it."
            self.say(f"Queue not loaded yet: {reason}")
            return
        entries = self.feed.queue.ordered(Sort.NEWEST)
        noun = "escalation" if len(entries) == 1 else "escalations"
        self.say(f"{len(entries)} {noun} waiting, newest first:")
        for entry in entries:
            self.out.write(f"  {self.line(entry)}\n")
        self.out.flush()

    # ── What the feed says ───────────────────────────────────────────────────

    def on_event(self, event: ev.FeedEvent) -> None:
        if isinstance(event, ev.QueueChanged):
            self.changed(event)
        elif isinstance(event, ev.ConnectionChanged):
            self.connection(event)
        elif isinstance(event, ev.QueueLoadFailed):
            if event.reason != self._last_problem:  # once per reason, not per retry
                self._last_problem = event.reason
                self.say(event.text())
        elif isinstance(event, ev.RowsSkipped):
            if event.rows:
                self.say(event.text())
        elif isinstance(event, ev.GapClosed):
            if event.summary.claimed_by:  # who took what: worth a line of its own
                self.say(event.summary.text())
        elif isinstance(event, ev.ClockSkewed):
            if text := event.text():
                self.say(text[0].upper() + text[1:] + ".")
        elif isinstance(event, ev.Trouble):
            self.say(f"Something went wrong: {event.what}. Trying again in {event.retry_in:.0f}s.")

    def changed(self, change: ev.QueueChanged) -> None:
        if change.cause == "first":
            self._last_problem = None
            self.list()
            self.out.write(HELP + "\n")
            self.out.flush()
            return
        if change.cause == "arrival":
            for entry in change.added:
                self._pending.add(entry.id)
            asyncio.get_running_loop().call_later(DETAILS_WAIT, self._announce_pending)
            return
        if change.cause == "gap":
            for entry in change.added:
                self._pending.discard(entry.id)
                self.say(f"NEW while disconnected {self.line(entry)}")
            for gone in change.removed:
                self._pending.discard(gone.handoff_id)
                self.say(f"GONE while disconnected [{self.number(gone.handoff_id)}]")
            return
        added = {entry.id for entry in change.added}
        for entry in (*change.added, *change.updated):
            if entry.id in self._pending:  # its details are here: now the line is whole
                self._pending.discard(entry.id)
                self.say(f"NEW {self.line(entry)}")
            elif entry.id in added:  # found by a refetch: a stream held back, an event lost
                self.say(f"NEW {self.line(entry)}")
        for gone in change.removed:
            if gone.handoff_id in self._pending:
                self._pending.discard(gone.handoff_id)
                continue  # it came and went before anyone read it
            if gone.by_me:
                continue  # the claim already said so
            who = person(gone.claimed_by) or "someone"
            self.say(f"CLAIMED [{self.number(gone.handoff_id)}] by {who}")

    def _announce_pending(self) -> None:
        """Details that did not come in time: the line goes out with what there is."""
        for handoff_id in sorted(self._pending):
            if (entry := self.feed.queue.get(handoff_id)) is not None:
                self.say(f"NEW {self.line(entry)}")
        self._pending.clear()

    def connection(self, event: ev.ConnectionChanged) -> None:
        state = event.state
        if isinstance(state, Live):
            self._was_live, self._last_drop = True, None
            self.say("Connected: new escalations appear here as they come.")
        elif isinstance(state, Reconnecting):
            # Once per reason, not once per retry: a screen reader reads every line.
            if state.reason != self._last_drop:
                self._last_drop = state.reason
                lost = "Connection lost" if self._was_live else "Cannot connect to the live stream"
                self.say(f"{lost} ({state.reason}). Trying again, backing off; the queue is "
                         "still refreshed.")  # fmt: skip
        elif isinstance(state, Offline):
            every = f"{self.feed.reconcile_every:.0f}s"
            self.say(f"{state.reason} Live updates are off; the queue is refreshed every {every}.")
        elif isinstance(state, SignedOut):
            self.say(state.reason)

    async def follow(self) -> int:
        """Run the feed until signed out (or cancelled)."""
        final = await self.feed.run(stop_on=(SignedOut,))
        return DENIED if isinstance(final, SignedOut) else OK

    # ── The prompt ───────────────────────────────────────────────────────────

    async def command(self, text: str) -> bool:
        """Run one typed command; False to stop."""
        words = text.strip().split(maxsplit=2)
        if not words:
            return True
        verb, arg = words[0].lower(), words[1] if len(words) > 1 else ""
        if verb in ("q", "quit", "exit"):
            return False
        if verb in ("l", "list"):
            self.list()
        elif verb in ("c", "claim", "s", "show", "m", "message"):
            entry = self.pick(arg)
            if entry is None:
                pass
            elif verb.startswith("c"):
                await self.claim(entry)
            elif verb.startswith("s"):
                await self.show(entry)
            else:
                await self.message(entry, words[2] if len(words) > 2 else "")
        else:
            self.out.write(HELP + "\n")
            self.out.flush()
        return True

    def pick(self, arg: str) -> Handoff | None:
        handoff_id = self.by_number.get(int(arg)) if arg.isdigit() else None
        entry: Handoff | None = None
        if handoff_id is not None:
            entry = self.feed.queue.get(handoff_id) or self.claimed_here.get(handoff_id)
        if entry is None:
            self.say(f"No escalation [{one_line(arg, 10) or '?'}] is waiting. Type l to list.")
        return entry

    async def claim(self, entry: Handoff) -> None:
        number = self.number(entry.id)
        if entry.id in self.claimed_here:
            self.say(f"[{number}] is already yours. Type s {number} to read it.")
            return
        outcome = await self.feed.claim(entry)
        if isinstance(outcome, out.ClaimLost):
            self.say(f"Too late: {outcome.sentence(self.feed.clock())}")
            self.feed.let_go(outcome)
        elif isinstance(outcome, out.ClaimRefused):
            self.say(outcome.reason)
        else:
            self.claimed_here[entry.id] = outcome.handoff
            self.say(f"Claimed [{number}]. Type s {number} to read it, then "
                     f"m {number} and your first step to send it.")  # fmt: skip

    async def show(self, entry: Handoff) -> None:
        context = await self.feed.context(entry)  # without a session, the row is still worth it
        self.out.write(handoff_text(context.handoff, context.session))
        self.out.flush()

    async def message(self, entry: Handoff, text: str) -> None:
        number = self.number(entry.id)
        if entry.id not in self.claimed_here:
            self.say(f"Claim [{number}] first: c {number}.")
            return
        if not text.strip():
            self.say(f"Type the step after the number: m {number} checked the DNS records")
            return
        outcome = await self.feed.chat(entry.session_id, text.strip())
        if isinstance(outcome, out.ChatRefused):
            self.say(f"Not sent: {outcome.reason}")
            return
        self.say(f"Sent to [{number}]. The AI answers:")
        self.out.write(handoff_reply(outcome.reply.content) + "\n")
        self.out.flush()


def handoff_reply(content: str) -> str:
    return "  " + sanitize(content, multiline=True).strip().replace("\n", "\n  ")


def _typed_lines(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[str]) -> None:
    """Read stdin on a daemon thread: a blocked read must never hold up the exit."""

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(inbox.put_nowait, line)
        loop.call_soon_threadsafe(inbox.put_nowait, "")  # end of input

    threading.Thread(target=read, name="rf-tui-plain-input", daemon=True).start()


async def run(client: Client, out: TextIO = sys.stdout) -> int:
    async with client:
        plain = Plain(client, out)
        inbox: asyncio.Queue[str] = asyncio.Queue()
        _typed_lines(asyncio.get_running_loop(), inbox)
        following = asyncio.create_task(plain.follow())
        while not following.done():
            reading = asyncio.create_task(inbox.get())
            done, _ = await asyncio.wait({reading, following}, return_when=asyncio.FIRST_COMPLETED)
            if following in done:
                reading.cancel()
                break
            typed = reading.result()
            if typed == "":  # no more input (a log, a pipe): keep following
                await asyncio.wait({following})
                break
            if not await plain.command(typed):  # q
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
                return OK
        if following.cancelled():
            return OK
        error = following.exception()
        if error is not None:  # never a silent 0 for a crash: a cron job reads the code
            plain.say(f"rf-tui stopped: {type(error).__name__}: {one_line(str(error), 200)}")
            return FAILED
        return following.result()
