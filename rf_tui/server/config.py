"""Settings of one reference-server run."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from rf_tui.server.quirks import Quirks


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class ServerConfig:
    #: A SQLite file, ``:memory:``, or a ``postgresql://`` URL (db.open_store).
    db_path: str = ":memory:"
    #: ``redis://…``: events go through Redis to every replica; None: in-process.
    broker_url: str | None = None
    #: HS256 signing key; a fresh one per run unless given, so tokens die with it.
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token_ttl_seconds: int = 12 * 3600
    #: Seconds of silence before the stream sends `: keepalive`.
    keepalive_seconds: float = 25.0
    #: Events buffered per subscriber before new ones are dropped for it.
    subscriber_buffer: int = 64
    #: The AI assessment lands this long after an escalation...
    assessment_delay: float = 1.0
    #: ...unless that is longer than this: then it stays null (the timeout path).
    assessment_timeout: float = 5.0
    #: Publish handoff_claimed. The real backend may not (docs/contract.md), and the
    #: demo turns it off so a rival's claim is met as a 409, as in real life.
    announce_claims: bool = True
    #: A viewing heartbeat ([ours]) counts for this long; the client sends one every 10 s.
    viewing_ttl_seconds: int = 30
    #: How often viewers not heard from within the TTL are looked for and announced gone.
    viewing_sweep_seconds: float = 1.0
    #: scrypt cost as log2(N); 14 is the usual interactive figure.
    password_cost: int = 14
    #: Domain timestamps (created_at, claimed_at, steps) come from here, so
    #: tests can place events in time without sleeping.
    clock: Callable[[], datetime] = utc_now
    #: Misbehaviour on purpose, as real backends and proxies show it (quirks.py).
    quirks: Quirks = field(default_factory=Quirks)
