"""The demo's other people: a junior who escalates and a rival senior who reads, then claims.

Each is a separate HTTP client of the reference server, as real colleagues
would be. Everything they do is drawn from a seeded RNG: the same seed tells
the same story, take after take.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from rf_tui.api.client import Client
from rf_tui.api.errors import ApiError
from rf_tui.server.scenarios import CLIENTS, SCENARIOS
from rf_tui.server.seed import DEMO_PASSWORD

JUNIOR = "sam@northwind.example"
RIVAL = "alex@northwind.example"


@dataclass
class Story:
    server: str
    seed: int = 7
    pace: float = 8.0
    rival: bool = True
    #: Share of arrivals the rival grabs first.
    rival_share: float = 0.4
    #: How long after an arrival the rival claims it, in seconds (from, to).
    rival_delay: tuple[float, float] = (3.0, 6.0)
    escalated: list[str] = field(default_factory=list)
    rival_claims: list[str] = field(default_factory=list)
    #: Set while the story plays; cleared, the junior and the rival hold their next move.
    playing: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.playing.set()

    def toggle(self) -> bool:
        """Pause or resume (presenter mode's p); True if it now plays."""
        if self.playing.is_set():
            self.playing.clear()
        else:
            self.playing.set()
        return self.playing.is_set()

    def plan(self, count: int) -> list[tuple[int, tuple[str, str], float, bool, float]]:
        """The first ``count`` beats: (scenario, (client, town), wait before, rival claims?,
        rival delay)."""
        rng = random.Random(self.seed)  # noqa: S311 - a repeatable story, not a secret
        order = list(range(len(SCENARIOS)))
        beats = []
        for i in range(count):
            if i % len(order) == 0:
                rng.shuffle(order)
            wait = self.pace * rng.uniform(0.75, 1.25)
            grab = self.rival and rng.random() < self.rival_share
            delay = rng.uniform(*self.rival_delay)
            beats.append((order[i % len(order)], rng.choice(CLIENTS), wait, grab, delay))
        return beats

    async def run(self, count: int = 10_000) -> None:
        async with Client(self.server) as junior, Client(self.server) as rival:
            await junior.login(JUNIOR, DEMO_PASSWORD)
            await rival.login(RIVAL, DEMO_PASSWORD)
            grabs: set[asyncio.Task[None]] = set()
            for index, client, wait, grab, delay in self.plan(count):
                await asyncio.sleep(wait)
                await self.playing.wait()
                try:
                    sid, hid = await self._escalate(junior, index, client)
                except ApiError:
                    continue  # the demo carries on; the next beat tries again
                if grab:
                    task = asyncio.create_task(self._grab(rival, sid, hid, delay))
                    grabs.add(task)
                    task.add_done_callback(grabs.discard)
            await asyncio.gather(*grabs)

    async def _escalate(
        self, junior: Client, index: int, client: tuple[str, str]
    ) -> tuple[str, str]:
        scenario = SCENARIOS[index]
        session = await junior.create_session(
            f"{scenario.summary} ({client[0]}, {client[1]})",
            escalation_package=scenario.package(),
            conversation_messages=scenario.messages(),
        )
        handoff = await junior.hand_off(
            session.id, priority=scenario.priority, engineer_notes=scenario.notes
        )
        self.escalated.append(handoff.id)
        return session.id, handoff.id

    async def _grab(self, rival: Client, session_id: str, handoff_id: str, delay: float) -> None:
        # The rival opens it first, as a senior would: for the second half of the
        # delay the demo's queue shows "👁 Alex" on the row, a warning before the race.
        await asyncio.sleep(delay / 2)
        await self.playing.wait()
        await rival.viewing(session_id, handoff_id)  # never raises: best effort
        try:
            await asyncio.sleep(delay / 2)
            await self.playing.wait()
            await rival.claim(session_id, handoff_id)
        except ApiError:
            return  # someone (the person demoing) was faster
        finally:
            await rival.viewing(session_id, handoff_id, viewing=False)
        self.rival_claims.append(handoff_id)
