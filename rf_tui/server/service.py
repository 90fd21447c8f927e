"""What the reference server does, apart from HTTP: the seed's semantics.

Errors are raised as ``Refused`` with the status the API answers; the HTTP
layer (``app.py``) only translates. Every method runs on the server's event
loop, so bus publishes happen in order with the writes that caused them.
"""

from __future__ import annotations

import asyncio
import hashlib
import statistics
import time
from collections import defaultdict, deque
from datetime import date, datetime, timedelta, timezone
from typing import Any

from rf_tui.server import assess
from rf_tui.server import schemas as s
from rf_tui.server.auth import hash_password, issue_token, read_token, verify_password
from rf_tui.server.bus import open_bus
from rf_tui.server.config import ServerConfig
from rf_tui.server.db import Row, Store, open_store
from rf_tui.server.presence import Viewers

ENGINEER_ROLES = frozenset({"owner", "admin", "engineer"})
IN_TRANSIT = frozenset({"requesting_escalation", "escalated"})
PERIODS = {"7d": 7, "30d": 30, "90d": 90}
#: Failed sign-ins allowed per account email within the window, before 429.
LOGIN_ATTEMPTS = 5
LOGIN_WINDOW_SECONDS = 60.0
#: Queue answers kept written, one per (account, user, team) that asked lately.
QUEUES_CACHED = 256
METRIC_DEFINITION = (
    "Time from a senior claiming an escalation to their first action in the session "
    "(post-claim activity lag). It is not time saved: pair it with a manually timed "
    "baseline of today's verbal handoff; savings = baseline minus this number."
)


def build_snapshot(session: Row, steps: list[Row]) -> dict[str, Any]:
    """What the handoff freezes of the session: enough to brief a senior pre-claim."""
    package = session["escalation_package"]
    last_ai = next(
        (
            m.get("content")
            for m in reversed(session["conversation_messages"])
            if m.get("role") == "assistant"
        ),
        None,
    )
    return {
        "problem_summary": session["problem_summary"],
        "status_at_handoff": session["status"],
        "confidence_tier": session["confidence_tier"],
        "steps_attempted": package.get("steps_attempted", []),
        "dead_ends_flagged": package.get("dead_ends_flagged", []),
        "recent_steps": steps[-5:],
        "last_ai_message": last_ai,
    }


class Refused(Exception):
    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


NOT_FOUND = "Not found"


def _not_found() -> Refused:
    return Refused(404, NOT_FOUND)


class Backend:
    def __init__(self, config: ServerConfig, store: Store | None = None) -> None:
        self.config = config
        self.store = store or open_store(config.db_path)
        self.bus = open_bus(config.broker_url, config.subscriber_buffer)
        self._tasks: set[asyncio.Task[None]] = set()
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self.viewers = Viewers(config.viewing_ttl_seconds)
        self._sweeping = False
        #: (account, user, team) → (store version, body, ETag) of its last queue answer.
        self._queues: dict[tuple[str, str, str | None], tuple[tuple[int, int], bytes, str]] = {}
        # A throwaway hash to compare against when the email is unknown, so a
        # login takes as long for a stranger as for a real user.
        self._decoy = hash_password("decoy", cost=config.password_cost)

    # ── Auth ─────────────────────────────────────────────────────────────────

    def login(self, email: str, password: str) -> dict[str, Any]:
        key = email.strip().lower()
        now = time.monotonic()
        failures = self._failures[key]
        while failures and now - failures[0] > LOGIN_WINDOW_SECONDS:
            failures.popleft()
        if len(failures) >= LOGIN_ATTEMPTS:
            wait = max(1, int(LOGIN_WINDOW_SECONDS - (now - failures[0])) + 1)
            raise Refused(
                429,
                f"Too many failed sign-ins for this account; try again in {wait} s.",
                {"Retry-After": str(wait)},
            )
        user = self.store.user_by_email(email.strip())
        ok = verify_password(password, user["password_hash"] if user else self._decoy)
        if user is None or not ok:
            failures.append(now)
            raise Refused(401, "Incorrect email or password")
        failures.clear()
        ttl = self.config.token_ttl_seconds
        token = issue_token(user["id"], user["account_id"], secret=self.config.secret, ttl=ttl)
        return {"access_token": token, "token_type": "bearer", "expires_in": ttl}

    def user_for_token(self, token: str | None) -> Row:
        if not token:
            raise Refused(401, "Not authenticated")
        claims = read_token(token, secret=self.config.secret)
        user = self.store.user_by_id(str(claims["sub"])) if claims else None
        if claims is None or user is None or user["account_id"] != claims.get("acc"):
            raise Refused(401, "Invalid or expired token")
        return user

    @staticmethod
    def account_of(user: Row) -> str:
        if not user["account_id"]:
            raise Refused(403, "No account")
        return str(user["account_id"])

    @classmethod
    def require_engineer(cls, user: Row) -> str:
        account = cls.account_of(user)
        if user["role"] not in ENGINEER_ROLES:
            raise Refused(403, "This needs an engineer, admin or owner role.")
        return account

    @staticmethod
    def me(user: Row) -> dict[str, Any]:
        return {
            "id": user["id"],
            "email": user["email"],
            "name": user["name"],
            "account_id": user["account_id"],
            "account_role": user["role"],
            "team_id": user["team_id"],
        }

    # ── Sessions ─────────────────────────────────────────────────────────────

    def create_session(self, user: Row, body: dict[str, Any]) -> dict[str, Any]:
        account = self.account_of(user)
        package = body.get("escalation_package") or {}
        for key in ("steps_attempted", "dead_ends_flagged"):
            package[key] = [
                item if isinstance(item, dict) else {"description": item}
                for item in package.get(key, [])
            ]
        session_id = self.store.add_session(
            account_id=account,
            user_id=user["id"],
            problem_summary=body["problem_summary"],
            escalation_package=package,
            conversation_messages=body.get("conversation_messages") or [],
            created_at=self.config.clock(),
        )
        return self._session_out(account, session_id)

    def _session_out(self, account: str, session_id: str) -> dict[str, Any]:
        row = self.store.session(account, session_id)
        if row is None:
            raise _not_found()
        row["steps"] = self.store.steps(account, session_id)
        del row["created_at"]
        return row

    def _claimed_by(self, account: str, session_id: str, user_id: str) -> bool:
        return any(
            h["claimed_by"] == user_id for h in self.store.handoffs_for_session(account, session_id)
        )

    def _readable_session(self, user: Row, session_id: str) -> tuple[str, Row]:
        """The owner always; an engineer-or-admin while it is in transit; its claimer."""
        account = self.account_of(user)
        row = self.store.session(account, session_id)
        if row is None:
            raise _not_found()
        if row["user_id"] == user["id"]:
            return account, row
        if user["role"] not in ENGINEER_ROLES:
            raise Refused(403, "Reading a colleague's session needs an engineer or admin role.")
        if row["status"] in IN_TRANSIT or self._claimed_by(account, session_id, user["id"]):
            return account, row
        raise _not_found()

    def get_session(self, user: Row, session_id: str) -> dict[str, Any]:
        account, _ = self._readable_session(user, session_id)
        return self._session_out(account, session_id)

    def chat(self, user: Row, session_id: str, message: str) -> dict[str, Any]:
        account, row = self._readable_session(user, session_id)
        if row["user_id"] != user["id"] and not self._claimed_by(account, session_id, user["id"]):
            raise Refused(403, "Claim this escalation before working in the session.")
        now = self.config.clock()
        reply = assess.chat_reply(row, message)
        self.store.add_step(
            session_id=session_id, account_id=account, step_type="user_message",
            content=message, at=now,
        )  # fmt: skip
        self.store.add_step(
            session_id=session_id, account_id=account, step_type="ai_response",
            content=reply["content"], at=now,
        )  # fmt: skip
        self.store.append_messages(
            session_id,
            [
                {"role": "user", "content": message},
                {"role": "assistant", "content": reply["content"]},
            ],
        )
        return reply

    # ── Handoffs ─────────────────────────────────────────────────────────────

    def _handoff_out(self, row: Row) -> dict[str, Any]:
        out = dict(row)
        out.pop("handed_off_by_team", None)
        return out

    def create_handoff(self, user: Row, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        account = self.account_of(user)
        session = self.store.session(account, session_id)
        # Only the owner may hand a session off; to anyone else it does not exist.
        if session is None or session["user_id"] != user["id"]:
            raise _not_found()
        target = body.get("target_user_id")
        if target is not None and self.store.user_in_account(account, target) is None:
            raise Refused(422, "target_user_id is not a user of this account")
        now = self.config.clock()
        handoff_id = self.store.add_handoff(
            session_id=session_id,
            account_id=account,
            handed_off_by=user["id"],
            intent=body["intent"],
            priority=body.get("priority") or "normal",
            engineer_notes=body.get("engineer_notes"),
            snapshot=build_snapshot(session, self.store.steps(account, session_id)),
            target_user_id=target,
            created_at=now,
        )
        if body["intent"] == "escalate":
            self.store.set_session_status(session_id, "escalated")
        row = self.store.handoff(account, session_id, handoff_id)
        assert row is not None
        # Published only now that the row is committed (autocommit store).
        if body["intent"] == "escalate":
            self.bus.publish(
                account,
                {
                    "type": "handoff_created",
                    "handoff_id": handoff_id,
                    "session_id": session_id,
                    "priority": row["priority"],
                    "engineer_notes": row["engineer_notes"],
                    "created_at": row["created_at"],
                },
            )
            self._spawn(self._assess(account, session_id, handoff_id))
        return self._handoff_out(row)

    def list_handoffs(self, user: Row, session_id: str) -> list[dict[str, Any]]:
        account, _ = self._readable_session(user, session_id)
        return [self._handoff_out(r) for r in self.store.handoffs_for_session(account, session_id)]

    def queue(self, user: Row) -> list[dict[str, Any]]:
        account = self.require_engineer(user)
        return [
            self._handoff_out(r) for r in self.store.queue(account, user["id"], user["team_id"])
        ]

    def queue_answer(self, user: Row) -> tuple[bytes, str]:
        """[ours] ``GET /queue``'s JSON, and its strong ETag: a hash of those bytes.

        Written again only after a write to the store, so an unchanged queue costs
        no query and no serialising. The hash changes whenever anything a row
        shows does (a claim, an arrival, a priority, a name, an assessment).
        """
        account = self.require_engineer(user)
        key = (account, str(user["id"]), user["team_id"])
        version = self.store.version  # read before the rows: a write after it is a miss
        cached = self._queues.get(key)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        rows = s.QUEUE.validate_python(self.queue(user))
        body = s.QUEUE.dump_json(rows, by_alias=True)  # as FastAPI writes a response_model
        etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        if len(self._queues) >= QUEUES_CACHED:
            self._queues.clear()
        self._queues[key] = (version, body, etag)
        return body, etag

    def claim(self, user: Row, session_id: str, handoff_id: str) -> dict[str, Any]:
        account = self.require_engineer(user)
        if self.store.handoff(account, session_id, handoff_id) is None:
            raise _not_found()
        won = self.store.claim(account, handoff_id, user["id"], self.config.clock())
        row = self.store.handoff(account, session_id, handoff_id)
        assert row is not None
        if won:
            self.store.set_session_status(session_id, "active", only_if="escalated")
        if won and self.config.announce_claims:
            self.bus.publish(
                account,
                {
                    "type": "handoff_claimed",
                    "handoff_id": handoff_id,
                    "session_id": session_id,
                    "claimed_by": row["claimed_by"],
                    "claimed_by_name": row["claimed_by_name"],
                    "claimed_at": row["claimed_at"],
                },
            )
        if not won and row["claimed_by"] != user["id"]:
            raise Refused(
                409,
                {
                    "message": "Already claimed",
                    "claimed_by": row["claimed_by"],
                    "claimed_by_name": row["claimed_by_name"],
                    "claimed_at": row["claimed_at"],
                },
            )
        return self._handoff_out(row)

    # ── Who is looking ([ours]: the viewing heartbeat) ─────────────────────

    def view(self, user: Row, session_id: str, handoff_id: str) -> dict[str, Any]:
        """A heartbeat: the caller has the handoff open. Announced every time, so a
        stream that connects later learns of it within one heartbeat."""
        account = self.require_engineer(user)
        if self.store.handoff(account, session_id, handoff_id) is None:
            raise _not_found()
        now = self.config.clock()
        self.viewers.beat(account, session_id, handoff_id, user["id"], user["name"], now)
        self._announce_viewing(account, session_id, handoff_id, user["id"], user["name"], True)
        if not self._sweeping:
            self._sweeping = True
            self._spawn(self._sweep_viewers())
        return self._viewing_out(account, session_id, handoff_id, now)

    def unview(self, user: Row, session_id: str, handoff_id: str) -> dict[str, Any]:
        """The caller closed the handoff: the others hear it at once, not in 30 s."""
        account = self.require_engineer(user)
        if self.store.handoff(account, session_id, handoff_id) is None:
            raise _not_found()
        now = self.config.clock()
        gone = self.viewers.stop(account, handoff_id, user["id"], now)
        if gone is not None:
            self._announce_viewing(account, session_id, handoff_id, gone.user_id, gone.name, False)
        return self._viewing_out(account, session_id, handoff_id, now)

    def _viewing_out(
        self, account: str, session_id: str, handoff_id: str, now: datetime
    ) -> dict[str, Any]:
        return {
            "handoff_id": handoff_id,
            "session_id": session_id,
            "viewers": [
                {"viewer_id": v.user_id, "viewer_name": v.name}
                for v in self.viewers.of(account, handoff_id, now)
            ],
            "expires_in": self.config.viewing_ttl_seconds,
        }

    def _announce_viewing(
        self, account: str, session_id: str, handoff_id: str, user_id: str, name: str,
        viewing: bool,
    ) -> None:  # fmt: skip
        self.bus.publish(
            account,
            {
                "type": "handoff_viewing",
                "handoff_id": handoff_id,
                "session_id": session_id,
                "viewer_id": user_id,
                "viewer_name": name,
                "viewing": viewing,
                "expires_in": self.config.viewing_ttl_seconds,
            },
        )

    async def _sweep_viewers(self) -> None:
        """While anyone is viewing: announce those not heard from within the TTL as gone
        (a client that died, or lost its link, sent no "stopped viewing")."""
        try:
            while self.viewers:
                await asyncio.sleep(self.config.viewing_sweep_seconds)
                for gone in self.viewers.expire(self.config.clock()):
                    viewer = gone.viewer
                    self._announce_viewing(
                        gone.account_id, viewer.session_id, gone.handoff_id, viewer.user_id,
                        viewer.name, False,
                    )  # fmt: skip
        finally:
            self._sweeping = False

    # ── AI assessment (async, bounded) ───────────────────────────────────────

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _assess(self, account: str, session_id: str, handoff_id: str) -> None:
        session = self.store.session(account, session_id)
        if session is None:
            return

        async def produce() -> dict[str, Any]:
            await asyncio.sleep(self.config.assessment_delay)
            return assess.assessment_for(session)

        try:
            data = await asyncio.wait_for(produce(), timeout=self.config.assessment_timeout)
        except asyncio.TimeoutError:
            return  # The handoff keeps ai_assessment_data = null, as the backend does.
        self.store.set_assessment(handoff_id, data)
        self.bus.publish(
            account,
            {
                "type": "handoff_assessment_ready",
                "handoff_id": handoff_id,
                "session_id": session_id,
            },
        )

    async def start(self) -> None:
        """What must run on the server's loop before the first request (the broker)."""
        await self.bus.start()

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.bus.aclose()

    # ── Metrics ──────────────────────────────────────────────────────────────

    def metrics(self, user: Row, period: str) -> dict[str, Any]:
        account = self.require_engineer(user)
        since = self.config.clock() - timedelta(days=PERIODS[period])
        rows = self.store.claimed_with_first_action(account, since)
        deltas = sorted(_delta(r) for r in rows if r["first_action_at"] is not None)
        out: dict[str, Any] = {
            "period": period,
            "n_handoffs_claimed": len(rows),
            "n_handoffs_with_action": len(deltas),
            "avg_seconds_to_first_action": None,
            "median_seconds_to_first_action": _median(deltas),
            "p95_seconds_to_first_action": None,
            "metric_definition": METRIC_DEFINITION,
        }
        if deltas:
            p95 = deltas[max(0, round(0.95 * (len(deltas) - 1)))]
            out["avg_seconds_to_first_action"] = round(statistics.fmean(deltas), 2)
            out["p95_seconds_to_first_action"] = round(p95, 2)
        return out

    def trend(self, user: Row, period: str) -> dict[str, Any]:
        """[ours] The metric's claims by UTC day of ``claimed_at``, oldest first.

        The same claims as ``metrics`` (claimed at or after now minus the period),
        so the days add up to its counts: the first and last days are partial, and
        every day between is there, with zeros when nothing was claimed.
        """
        account = self.require_engineer(user)
        now = self.config.clock()
        since = now - timedelta(days=PERIODS[period])
        first, today = _utc_day(since), _utc_day(now)
        claimed: defaultdict[date, int] = defaultdict(int)
        deltas: defaultdict[date, list[float]] = defaultdict(list)
        for row in self.store.claimed_with_first_action(account, since):
            day = _utc_day(_parse(row["claimed_at"]))
            claimed[day] += 1
            if row["first_action_at"] is not None:
                deltas[day].append(_delta(row))
        days = []
        for offset in range((today - first).days + 1):
            day = first + timedelta(days=offset)
            days.append(
                {
                    "date": day.isoformat(),
                    "n_handoffs_claimed": claimed[day],
                    "n_handoffs_with_action": len(deltas[day]),
                    "median_seconds_to_first_action": _median(deltas[day]),
                }
            )
        return {"period": period, "days": days, "metric_definition": METRIC_DEFINITION}


def _delta(row: Row) -> float:
    """Seconds from the claim to the first action, never below 0."""
    return max(0.0, (_parse(row["first_action_at"]) - _parse(row["claimed_at"])).total_seconds())


def _median(deltas: list[float]) -> float | None:
    return round(statistics.median(deltas), 2) if deltas else None


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(timezone.utc).date()


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)
