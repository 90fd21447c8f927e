"""A ResolutionFlow of our own that misbehaves on request (loopback only).

By default it answers like a well-behaved backend, from plain dicts a test can
edit. A test then overrides a route with raw bytes or a coroutine, or pushes
raw bytes into every open event stream. It runs on the test's event loop, or
in a thread for a subprocess to talk to.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

from tests.canned import response

Writer = asyncio.StreamWriter
Handler = Callable[[Writer], Awaitable[None]]
API = "/api/v1"
#: What the contract's stream answers with besides its content type.
STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
ME = {
    "id": "u-dana",
    "email": "dana@example.com",
    "name": "Dana",
    "account_id": "acct",
    "account_role": "admin",
    "team_id": None,
}


def entry(n: int, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"h{n}",
        "session_id": f"s{n}",
        "account_id": "acct",
        "handed_off_by": "u-sam",
        "handed_off_by_name": "Sam",
        "intent": "escalate",
        "priority": "normal",
        "engineer_notes": f"notes {n}",
        "snapshot": {},
        "ai_assessment_data": {
            "likely_cause": f"cause {n}",
            "suggested_steps": [f"step {n}.1", f"step {n}.2"],
            "confidence": 0.5,
        },
        "target_user_id": None,
        "claimed_by": None,
        "claimed_by_name": None,
        "claimed_at": None,
        "created_at": (T0 - timedelta(minutes=n)).isoformat(),
        "problem_summary": f"Problem number {n}",
    }
    data.update(fields)
    return data


def session(n: int, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"s{n}",
        "account_id": "acct",
        "user_id": "u-sam",
        "problem_summary": f"Problem number {n}",
        "status": "escalated",
        "confidence_tier": None,
        "escalation_package": {
            "steps_attempted": [{"description": f"tried {n}", "result": "no luck"}],
            "dead_ends_flagged": [],
        },
        "conversation_messages": [{"role": "assistant", "content": f"last AI words {n}"}],
        "steps": [],
    }
    data.update(fields)
    return data


def frame(event: str, data: Any) -> bytes:
    body = data if isinstance(data, str) else json.dumps(data)
    return f"event: {event}\ndata: {body}\n\n".encode()


class Hostile:
    def __init__(self) -> None:
        self.me = dict(ME)
        self.queue = [entry(1), entry(2), entry(3)]
        self.sessions = {f"s{n}": session(n) for n in (1, 2, 3)}
        self.metrics: dict[str, Any] = {
            "period": "7d",
            "n_handoffs_claimed": 0,
            "n_handoffs_with_action": 0,
            "metric_definition": "x",
        }
        self.routes: dict[tuple[str, str], bytes | Handler] = {}
        self.stream_preamble: bytes = frame("ready", {"account_id": "acct"})
        self.claim_answer: bytes | None = None
        self.chat_answer: bytes | None = None
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        #: Seconds this server's clock is off real time: its answers then carry a
        #: Date header (none otherwise, as the canned answers have none).
        self.clock_skew: float | None = None
        self._streams: set[asyncio.Queue[bytes | None]] = set()
        self._server: asyncio.Server | None = None
        self.url = ""

    # ── Control ──────────────────────────────────────────────────────────────

    async def push(self, raw: bytes) -> None:
        """Write ``raw`` into every open event stream."""
        for queue in list(self._streams):
            await queue.put(raw)

    async def cut_streams(self) -> None:
        for queue in list(self._streams):
            await queue.put(None)

    @property
    def stream_count(self) -> int:
        return len(self._streams)

    # ── Serving ──────────────────────────────────────────────────────────────

    async def __aenter__(self) -> Hostile:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self.cut_streams()

    def start_in_thread(self) -> threading.Thread:
        """Serve from a thread with its own loop (for a subprocess client)."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.__aenter__())
            ready.set()
            loop.run_forever()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(10)
        return thread

    async def _handle(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target = line.split(" ")[:2]
            path = target.split("?")[0]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (h.partition(":") for h in header_lines if h)
            }
            length = int(headers.get("content-length", "0") or 0)
            body = await reader.readexactly(length) if length else b""
            self.requests.append((method, path, headers))
            await self._answer(method, path, body, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def _answer(self, method: str, path: str, body: bytes, writer: Writer) -> None:
        override = self.routes.get((method, path))
        if isinstance(override, bytes):
            writer.write(override)
            await writer.drain()
            return
        if override is not None:
            await override(writer)
            return
        writer.write(self._dated(self._default(method, path, body)))
        await writer.drain()
        if path == f"{API}/ai-sessions/escalations/stream":
            await self._stream(writer)

    def now(self) -> datetime:
        """This server's time: real time, off by ``clock_skew``."""
        return datetime.now(timezone.utc) + timedelta(seconds=self.clock_skew or 0)

    def _dated(self, raw: bytes) -> bytes:
        if self.clock_skew is None:
            return raw
        status, rest = raw.split(b"\r\n", 1)
        date = format_datetime(self.now(), usegmt=True).encode()
        return status + b"\r\ndate: " + date + b"\r\n" + rest

    def _default(self, method: str, path: str, body: bytes) -> bytes:
        ok = lambda data: response(200, json.dumps(data))  # noqa: E731
        parts = path.removeprefix(API + "/").split("/")
        if path == f"{API}/users/me":
            return ok(self.me)
        if path == f"{API}/ai-sessions/queue":
            return ok(self.queue)
        if path == f"{API}/analytics/flowpilot/escalations":
            return ok(self.metrics)
        if path == f"{API}/ai-sessions/escalations/stream":
            head = response(200, b"", content_type="text/event-stream", length=False,
                            headers=STREAM_HEADERS)  # fmt: skip
            return head + self.stream_preamble
        if parts[0] == "ai-sessions" and len(parts) == 2:
            found = self.sessions.get(parts[1])
            return ok(found) if found else response(404, '{"detail": "Not found"}')
        if parts[0] == "ai-sessions" and parts[2:] == ["handoffs"]:
            return ok([e for e in self.queue if e["session_id"] == parts[1]])
        if parts[0] == "ai-sessions" and len(parts) == 5 and parts[4] == "claim":
            if self.claim_answer is not None:
                return self.claim_answer
            match = next((e for e in self.queue if e["id"] == parts[3]), None)
            if match is None:
                return response(404, '{"detail": "Not found"}')
            self.queue.remove(match)
            return ok({**match, "claimed_by": ME["id"], "claimed_by_name": "Dana",
                       "claimed_at": T0.isoformat()})  # fmt: skip
        if parts[0] == "ai-sessions" and parts[2:] == ["chat"]:
            if self.chat_answer is not None:
                return self.chat_answer
            return ok({"content": "ok", "suggested_flows": [], "fork": None, "actions": [],
                       "questions": []})  # fmt: skip
        return response(404, '{"detail": "Not found"}')

    async def _stream(self, writer: Writer) -> None:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._streams.add(queue)
        try:
            await writer.drain()
            while True:
                try:
                    raw = await asyncio.wait_for(queue.get(), timeout=0.1)
                except asyncio.TimeoutError:
                    raw = b": keepalive\n\n"  # a healthy server is never silent for long
                if raw is None:
                    break
                writer.write(raw)
                await writer.drain()
        finally:
            self._streams.discard(queue)
