"""Quirks: the reference server misbehaving on purpose, as real backends and proxies do.

``rf-tui serve --quirk NAME[=VALUE]`` (repeatable), or ``ServerConfig(quirks=...)``
in process. The faithful server is left as it is: every quirk is a layer of ASGI
middleware around it (``Quirky``), so what a client meets is exactly what the
wire carries, and no endpoint has to know that it is being misrepresented.

This module imports nothing beyond the standard library: ``rf-tui serve --help``
lists the quirks even where the server extra is not installed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The paths as app.py declares them (not imported: that would pull in FastAPI).
QUEUE_PATH = "/api/v1/ai-sessions/queue"
METRICS_PATH = "/api/v1/analytics/flowpilot/escalations"
TREND_PATH = METRICS_PATH + "/trend"
VIEWING_PATH = re.compile(r"/api/v1/ai-sessions/[^/]+/handoffs/[^/]+/viewing/?")
#: What a buffering proxy holds back before it passes a response on (nginx's
#: default proxy buffers are eight of 4 or 8 KB; this errs on the large side).
PROXY_BUFFER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Kind:
    """One quirk as ``--quirk`` takes it."""

    name: str
    help: str
    #: What its value is, for a quirk that takes one (``NAME=VALUE``).
    metavar: str | None = None

    @property
    def usage(self) -> str:
        return f"{self.name}={self.metavar}" if self.metavar else self.name


KINDS: tuple[Kind, ...] = (
    Kind(
        "naive-times",
        "every time without a zone, as FastAPI and SQLAlchemy write a plain DateTime "
        "column (2026-12-01T13:09:45.716)",
    ),
    Kind("no-claim-events", "claims are not announced on the stream (as --no-claim-events)"),
    Kind("no-metrics", "the metric endpoint answers 404, as on a backend without it"),
    Kind(
        "no-trend",
        "the trend by day (GET .../escalations/trend, rf-tui's own extension) answers 404, "
        "as on a backend without it",
    ),
    Kind(
        "no-presence",
        "the viewing heartbeat (POST and DELETE .../viewing, rf-tui's own extension) "
        "answers 404, as on a backend without it",
    ),
    Kind(
        "no-etag",
        "the queue comes without an ETag and If-None-Match is ignored (rf-tui's own "
        "extension), as on a backend without it: every answer is the whole queue",
    ),
    Kind(
        "path-prefix",
        "the whole API lives under PATH (PATH/api/v1/...) and nothing at the root; point "
        "the client at http://HOST:PORT/PATH",
        "PATH",
    ),
    Kind(
        "buffered-stream",
        "the event stream's body is held back as a buffering proxy does: nothing reaches "
        f"the client until {PROXY_BUFFER_BYTES // 1024} KB have piled up or the stream ends",
    ),
    Kind(
        "bad-row",
        "every queue answer has one malformed row among the good ones (no id, and a "
        "created_at that is not a time)",
    ),
    Kind(
        "clock-skew",
        "the server's clock is off by SECONDS (positive: ahead): every time it writes, and "
        "its Date header, are shifted",
        "SECONDS",
    ),
    Kind("slow", "every answer starts MS milliseconds late (the stream's events do not)", "MS"),
)
KNOWN = {kind.name: kind for kind in KINDS}


class UnknownQuirk(ValueError):
    """A ``--quirk`` that is not one of ``KINDS``, or a value it cannot take."""


@dataclass(frozen=True)
class Quirks:
    """Which quirks are on; the default is none, the faithful server."""

    naive_times: bool = False
    no_claim_events: bool = False
    no_metrics: bool = False
    no_trend: bool = False
    no_presence: bool = False
    no_etag: bool = False
    #: "" or a path such as "/rf" (a leading slash, none at the end).
    path_prefix: str = ""
    buffered_stream: bool = False
    bad_row: bool = False
    clock_skew: float = 0.0
    slow_ms: float = 0.0

    @classmethod
    def parse(cls, specs: Iterable[str]) -> Quirks:
        """From ``--quirk`` values; raises ``UnknownQuirk`` saying which ones exist."""
        quirks = cls()
        for spec in specs:
            quirks = quirks.with_(spec)
        return quirks

    def with_(self, spec: str) -> Quirks:
        """These quirks and one more, ``NAME`` or ``NAME=VALUE``."""
        name, has_value, value = spec.strip().partition("=")
        kind = KNOWN.get(name)
        if kind is None:
            known = ", ".join(k.usage for k in KINDS)
            raise UnknownQuirk(f"unknown quirk {name!r}; the known ones are: {known}")
        if kind.metavar is None and has_value:
            raise UnknownQuirk(f"the quirk {name} takes no value")
        if kind.metavar is not None and not value:
            raise UnknownQuirk(f"the quirk {name} needs a value: {kind.usage}")
        match name:
            case "naive-times":
                return replace(self, naive_times=True)
            case "no-claim-events":
                return replace(self, no_claim_events=True)
            case "no-metrics":
                return replace(self, no_metrics=True)
            case "no-trend":
                return replace(self, no_trend=True)
            case "no-presence":
                return replace(self, no_presence=True)
            case "no-etag":
                return replace(self, no_etag=True)
            case "path-prefix":
                return replace(self, path_prefix=_prefix(value))
            case "buffered-stream":
                return replace(self, buffered_stream=True)
            case "bad-row":
                return replace(self, bad_row=True)
            case "clock-skew":
                return replace(self, clock_skew=_number(name, value))
            case _:  # slow, the last of KINDS
                return replace(self, slow_ms=_number(name, value, at_least=0.0))

    def names(self) -> list[str]:
        """The quirks that are on, as ``--quirk`` spells them."""
        on = {
            "naive-times": self.naive_times,
            "no-claim-events": self.no_claim_events,
            "no-metrics": self.no_metrics,
            "no-trend": self.no_trend,
            "no-presence": self.no_presence,
            "no-etag": self.no_etag,
            f"path-prefix={self.path_prefix}": bool(self.path_prefix),
            "buffered-stream": self.buffered_stream,
            "bad-row": self.bad_row,
            f"clock-skew={self.clock_skew:g}": bool(self.clock_skew),
            f"slow={self.slow_ms:g}": bool(self.slow_ms),
        }
        return [name for name, is_on in on.items() if is_on]

    def __bool__(self) -> bool:
        return self != Quirks()

    @property
    def writes_date_header(self) -> bool:
        """The server's own Date header must give way to the quirks' skewed one."""
        return self.clock_skew != 0

    @property
    def retimes(self) -> bool:
        return self.naive_times or bool(self.clock_skew)

    @property
    def rewrites(self) -> bool:
        """Whether any body or header is rewritten; if not, they pass untouched."""
        return self.retimes or self.bad_row or self.no_claim_events


def _prefix(value: str) -> str:
    prefix = "/" + value.strip("/")
    if prefix == "/" or not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", prefix):
        raise UnknownQuirk(f"path-prefix needs a path such as /rf, not {value!r}")
    return prefix


def _number(name: str, value: str, at_least: float = -math.inf) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UnknownQuirk(f"the quirk {name} needs a number, not {value!r}") from None
    if not math.isfinite(number) or number < at_least:
        raise UnknownQuirk(f"the quirk {name} needs a number of at least {at_least:g}")
    return number


# ── Rewriting what the server writes ─────────────────────────────────────────


def retime(value: Any, quirks: Quirks) -> Any:
    """Every time under a key ending in ``_at`` shifted by the skew, and without its
    zone under naive-times; everything else as it was."""
    if isinstance(value, list):
        return [retime(item, quirks) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        moment = _time(item) if key.endswith("_at") else None
        if moment is None:
            out[key] = retime(item, quirks)
        else:  # in the style it came in: the API's models write Z, the stream +00:00
            zone = "Z" if item.endswith("Z") else "+00:00"
            out[key] = _write_time(moment, quirks, zone)
    return out


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _write_time(moment: datetime, quirks: Quirks, zone: str) -> str:
    moment = moment.astimezone(timezone.utc) + timedelta(seconds=quirks.clock_skew)
    if quirks.naive_times:
        return moment.replace(tzinfo=None).isoformat(timespec="milliseconds")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + zone


def with_bad_row(rows: list[Any]) -> list[Any]:
    """The queue with a malformed row second (first when it is empty), looking like the
    rows around it: a backend's one bad record among good ones."""
    bad: dict[str, Any] = dict(rows[0]) if rows and isinstance(rows[0], dict) else {}
    bad.pop("id", None)
    bad["created_at"] = "yesterday, around lunch"
    bad.setdefault("session_id", "00000000-0000-4000-8000-000000000000")
    return [*rows[:1], bad, *rows[1:]]


# ── The middleware ───────────────────────────────────────────────────────────


def _header(message: Message, name: bytes) -> bytes:
    return next((v for k, v in message.get("headers", ()) if k.lower() == name), b"")


def _set_header(message: Message, name: bytes, value: bytes) -> None:
    headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != name]
    message["headers"] = [*headers, (name, value)]


def _without(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() != name]


def _no_etag(send: Send) -> Send:
    async def plain(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": _without(message.get("headers", ()), b"etag")}
        await send(message)

    return plain


async def _not_found(send: Send) -> None:
    body = b'{"detail":"Not Found"}'
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Quirky:
    """The quirks as one ASGI middleware: ``app.add_middleware(Quirky, quirks=..., clock=...)``.

    ``clock`` is the server's domain clock, so the skewed Date header agrees with
    the times in the bodies, as a real server's would.
    """

    def __init__(self, app: ASGIApp, quirks: Quirks, clock: Callable[[], datetime]) -> None:
        self.app = app
        self.quirks = quirks
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        quirks, path = self.quirks, scope["path"]
        if quirks.path_prefix:
            # The app is mounted under the prefix: Starlette routes on the path
            # past root_path, and /docs finds /openapi.json under it too.
            if not path.startswith(quirks.path_prefix + "/"):
                await _not_found(send)
                return
            scope = {**scope, "root_path": scope.get("root_path", "") + quirks.path_prefix}
            path = path[len(quirks.path_prefix) :]
        if quirks.no_metrics and path == METRICS_PATH:
            await _not_found(send)
            return
        if quirks.no_trend and path.rstrip("/") == TREND_PATH:
            await _not_found(send)
            return
        if quirks.no_presence and VIEWING_PATH.fullmatch(path):
            await _not_found(send)  # so no handoff_viewing is ever sent either
            return
        if quirks.no_etag and path == QUEUE_PATH:
            scope = {**scope, "headers": _without(scope.get("headers", ()), b"if-none-match")}
            send = _no_etag(send)
        # The app's messages are rewritten, then held by the "proxy", then sent late.
        if quirks.slow_ms:
            send = _late(send, quirks.slow_ms / 1000)
        if quirks.buffered_stream:
            send = _buffering(send)
        if quirks.rewrites:
            send = self._rewriting(path, send)
        await self.app(scope, receive, send)

    def _rewriting(self, path: str, send: Send) -> Send:
        """Rewrite JSON bodies whole and event-stream frames one by one."""
        quirks = self.quirks
        held: list[Message] = []
        kind = ""

        async def rewrite(message: Message) -> None:
            nonlocal kind
            if message["type"] == "http.response.start":
                content_type = _header(message, b"content-type")
                kind = (
                    "stream" if content_type.startswith(b"text/event-stream")
                    else "json" if content_type.startswith(b"application/json")
                    else ""
                )  # fmt: skip
                if quirks.writes_date_header:
                    moment = self.clock() + timedelta(seconds=quirks.clock_skew)
                    from email.utils import format_datetime

                    _set_header(message, b"date", format_datetime(moment, usegmt=True).encode())
                if kind == "json":
                    held.append(message)  # its content-length changes with the body
                    return
                await send(message)
            elif kind == "json":
                held.append(message)
                if not message.get("more_body", False):
                    start, *parts = held
                    body = self._json(path, b"".join(p.get("body", b"") for p in parts))
                    _set_header(start, b"content-length", str(len(body)).encode())
                    await send(start)
                    await send({"type": "http.response.body", "body": body})
            elif kind == "stream":
                body = self._frame(message.get("body", b""))
                if body or not message.get("more_body", False):
                    await send({**message, "body": body})
            else:
                await send(message)

        return rewrite

    def _json(self, path: str, body: bytes) -> bytes:
        quirks = self.quirks
        bad_row = quirks.bad_row and path == QUEUE_PATH
        if not (quirks.retimes or bad_row):
            return body
        try:
            data = json.loads(body)
        except ValueError:
            return body
        if quirks.retimes:
            data = retime(data, quirks)
        if bad_row and isinstance(data, list):
            data = with_bad_row(data)
        # As FastAPI writes it.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    def _frame(self, chunk: bytes) -> bytes:
        """Frames of the stream (the bus writes each whole), minus claims if they are hidden."""
        frames = []
        for frame in chunk.decode().split("\n\n"):
            lines = frame.split("\n")
            if self.quirks.no_claim_events and "event: handoff_claimed" in lines:
                continue
            for i, line in enumerate(lines):
                if self.quirks.retimes and line.startswith("data: "):
                    lines[i] = "data: " + json.dumps(retime(json.loads(line[6:]), self.quirks))
            frames.append("\n".join(lines))
        return "\n\n".join(frames).encode()


def _buffering(send: Send) -> Send:
    """A proxy's buffer in front of the event stream: the headers pass, the body waits."""
    held: list[bytes] = []
    streaming = False

    async def buffer(message: Message) -> None:
        nonlocal streaming
        if message["type"] == "http.response.start":
            streaming = _header(message, b"content-type").startswith(b"text/event-stream")
        elif streaming and message["type"] == "http.response.body":
            held.append(message.get("body", b""))
            more = message.get("more_body", False)
            if more and sum(map(len, held)) < PROXY_BUFFER_BYTES:
                return
            message = {**message, "body": b"".join(held)}
            held.clear()
        await send(message)

    return buffer


def _late(send: Send, seconds: float) -> Send:
    async def late(message: Message) -> None:
        if message["type"] == "http.response.start":
            import asyncio  # this table is read by `rf-tui --help`: asyncio only when served

            await asyncio.sleep(seconds)
        await send(message)

    return late
