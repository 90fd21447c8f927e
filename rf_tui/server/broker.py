"""The escalation bus across replicas, over Redis pub/sub: ``rf-tui serve --broker redis://…``.

Each replica keeps its own subscribers exactly as the in-process bus does (bounded
buffers, drop-on-full, one keepalive ticker, the ``ready`` frame first). What
changes is where a published event goes: to Redis, on its account's channel, and
from there to every replica's one listener, this one's included, which hands it
to its own subscribers. Every stream therefore sees every replica's events in one
order, Redis's, and an event is published only after the write it tells of is
committed (the service publishes after the store returns).

A request never waits on Redis: an event is queued for a sender task and dropped
(counted in ``lost``) when Redis is away or the queue is full. When the listener
loses Redis, every stream on this replica ends, and new ones are refused until it
is back: a client then reconnects and backfills, so it misses nothing that was
committed. A replica that merely kept its streams open could not promise that.
"""

from __future__ import annotations

import asyncio
import logging
import time

import redis.asyncio as redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from rf_tui.server.bus import Bus, BusDown, Event, Subscription, frame
from rf_tui.text import shown_url

CHANNEL = "rf-tui:escalations:"
#: Events waiting for the sender before new ones are dropped: a publisher never waits.
OUTBOX = 1024
#: Seconds between attempts to reach Redis again, doubling up to the most.
RETRY_FIRST, RETRY_MOST = 0.1, 2.0
#: Seconds to wait for Redis to answer at all: beyond it, it is away.
ANSWER_WITHIN = 2.0
#: While Redis stays away, the log says so again this often.
RETOLD = 30.0
#: An idle listener asks Redis for a PING this often, so a link that died quietly
#: (no reset: a cable, a firewall) is noticed, not waited on for ever.
HEALTH_EVERY = 5

log = logging.getLogger("rf_tui.server")


def _client(url: str) -> redis.Redis:
    # No retries inside redis-py: a listener that reconnected on its own would have
    # missed what was published meanwhile without anyone knowing (module docstring).
    return redis.Redis.from_url(
        url,
        retry=Retry(NoBackoff(), 0),
        socket_connect_timeout=ANSWER_WITHIN,
        health_check_interval=HEALTH_EVERY,
    )


class RedisBus(Bus):
    def __init__(self, url: str, buffer: int = 64) -> None:
        super().__init__(buffer)
        self.url = url
        #: Whether the listener is subscribed: only then are streams promised events.
        self.up = False
        #: Events not sent to Redis (it was away, or the outbox was full).
        self.lost = 0
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=OUTBOX)
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self._went_down_at: float | None = None
        self._told_at = time.monotonic()  # start() says it first

    async def start(self, wait: float = ANSWER_WITHIN) -> None:
        """Start the listener and the sender; wait up to ``wait`` s for the listener
        (a replica may start before Redis: it keeps trying, and refuses streams)."""
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._listen()), loop.create_task(self._send())]
        try:
            await asyncio.wait_for(self._subscribed.wait(), wait)
        except asyncio.TimeoutError:
            log.warning(
                "Redis at %s is not answering yet; event streams wait for it", shown_url(self.url)
            )

    @property
    def accepting(self) -> bool:
        return self.up

    def subscribe(self, account_id: str, keepalive: float | None = None) -> Subscription:
        if not self.up:
            raise BusDown("The event broker is not reachable.")
        return super().subscribe(account_id, keepalive)

    def publish(self, account_id: str, event: Event) -> int:
        """Queued for Redis, never waited on; this replica's subscribers get it back
        from Redis with everyone else's. Returns 0: who gets it is Redis's to know."""
        if not self.up:
            self.lost += 1  # every stream has ended; their backfill will show it
            return 0
        try:
            self._outbox.put_nowait((account_id, frame(event)))
        except asyncio.QueueFull:
            self.lost += 1
        return 0

    async def _send(self) -> None:
        client = _client(self.url)
        try:
            while True:
                account_id, encoded = await self._outbox.get()
                # Twice: after Redis restarted, the first try meets the connection that
                # died with it, and only the second gets a new one. (If the first did
                # arrive, the event is heard twice, which a client takes as once.)
                for last in (False, True):
                    try:
                        await asyncio.wait_for(
                            client.publish(CHANNEL + account_id, encoded), ANSWER_WITHIN
                        )
                        break
                    except (RedisError, OSError, asyncio.TimeoutError):
                        if last:
                            self.lost += 1
        finally:
            await client.aclose()

    async def _listen(self) -> None:
        wait = RETRY_FIRST
        while True:
            client = _client(self.url)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await asyncio.wait_for(pubsub.psubscribe(CHANNEL + "*"), ANSWER_WITHIN)
                self._went_up()
                wait = RETRY_FIRST
                async for message in pubsub.listen():
                    if message["type"] == "pmessage":
                        channel = message["channel"].decode()
                        self.deliver(channel.removeprefix(CHANNEL), message["data"])
                self._went_down(ConnectionError("Redis closed the subscription"))
            except (RedisError, OSError, asyncio.TimeoutError) as exc:
                self._went_down(exc)
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
                await client.aclose()
            await asyncio.sleep(wait)
            wait = min(RETRY_MOST, wait * 2)

    def _went_up(self) -> None:
        if self._went_down_at is not None:
            away = time.monotonic() - self._went_down_at
            log.warning("Redis is back after %.1f s; event streams open again", away)
            self._went_down_at = None
        self.up = True
        self._subscribed.set()

    def _went_down(self, exc: BaseException) -> None:
        now, why = time.monotonic(), str(exc) or type(exc).__name__
        if self.up:
            log.warning("Lost Redis (%s); ending event streams until it is back", why)
            self._went_down_at = self._told_at = now
        elif now - self._told_at >= RETOLD:  # a typo in --broker must not look healthy
            self._told_at = now
            log.warning(
                "Redis at %s is still not answering (%s); event streams are refused",
                shown_url(self.url), why,
            )  # fmt: skip
        self.up = False
        self.end_streams()  # their clients reconnect, and backfill what they missed

    async def aclose(self) -> None:
        self.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
