"""The live stream, read by hand: frames and comments (keepalives), each timed.

httpx-sse hides comments, and a keepalive is a comment; so the doctor reads the
lines itself. ``read_stream`` notes what it saw; ``judge_stream`` and
``judge_keepalive`` turn that into lines.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import anyio
import httpx

from rf_tui.api.client import API_PREFIX, read_capped
from rf_tui.api.errors import ApiError
from rf_tui.api.stream import STREAM_PATH
from rf_tui.doctor.model import LINK_DEAD_AFTER, POLL_EVERY, SMALL_BODY, Check, ms, secs
from rf_tui.doctor.wire import html_title, transport_problem
from rf_tui.text import one_line, shown_url

_COMPRESSED = ("gzip", "br", "deflate", "zstd", "compress")


class _Frames:
    """SSE lines to frames and comments (httpx-sse hides comments, and we time them)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._fields = False

    def feed(self, chunk: bytes) -> list[tuple[str, str]]:
        """("frame", event name) and ("comment", text), in order."""
        found: list[tuple[str, str]] = []
        self._buffer += chunk
        *lines, self._buffer = re.split(rb"\r\n|\r|\n", self._buffer)
        if len(self._buffer) > SMALL_BODY:
            self._buffer = b""  # a line this long is no frame we look for; memory stays bounded
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            if not line:
                if self._fields:
                    found.append(("frame", self._event or "message"))
                self._event, self._fields = "", False
            elif line.startswith(":"):
                found.append(("comment", line[1:].strip()))
            else:
                name, _, value = line.partition(":")
                self._fields = True
                if name == "event":
                    self._event = value.strip()
        return found


@dataclass
class StreamSeen:
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    headers_after: float | None = None
    body: bytes = b""
    first_frame: str | None = None
    first_after: float | None = None
    #: Comments that came before the first frame.
    comments: int = 0
    bytes_seen: int = 0
    #: Seconds from the first frame to the next comment (--wait-keepalive).
    keepalive_gap: float | None = None
    #: Seconds from the request until the stream ended or broke, if it did.
    ended_after: float | None = None
    #: What broke it, before the first frame.
    error: BaseException | None = None

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()


_BUFFERED = (
    f"The app falls back to fetching the queue every {POLL_EVERY} s, so new escalations "
    "show up late. Ask whoever runs the proxy to pass "
    f"{API_PREFIX}{STREAM_PATH} through unbuffered: for nginx `proxy_buffering off;` "
    "(or let the server's X-Accel-Buffering: no through) and `gzip off;` there; other "
    "proxies have the same switch."
)


def judge_stream(seen: StreamSeen, wait: float, server: str, ca: str | None) -> Check:
    """What the stream's answer says, from what was seen of it."""
    name = "stream"
    if seen.error is not None and seen.status is None:
        finding, advice = transport_problem(seen.error, server, ca, wait)
        return Check(name, "fail", finding, advice)
    if seen.status is None:
        return Check(
            name,
            "warn",
            f"no answer to the stream request within {secs(wait)} s: something between here and "
            "the server holds it back (a buffering proxy)",
            _BUFFERED,
        )
    answer = f"HTTP {seen.status}"
    if seen.status != 200:
        advice = {
            401: "Sign in again: rf-tui login.",
            403: "Your role may not follow the stream; ask for the engineer role.",
            404: f"The server or a proxy has no {API_PREFIX}{STREAM_PATH}; the app polls the "
            f"queue every {POLL_EVERY} s instead. Tell whoever runs it.",
        }.get(seen.status, "The app retries with a growing pause; tell whoever runs the server.")
        if 300 <= seen.status < 400:
            where = one_line(shown_url(seen.headers.get("location", "")), 100) or "nowhere"
            answer += f" to {where}"
        return Check(name, "fail", f"the stream answered {answer}", advice)
    if seen.content_type != "text/event-stream":
        title = html_title(seen.body)
        what = f"an HTML page ('{title}')" if title else (seen.content_type or "no content type")
        return Check(
            name,
            "fail",
            f"the stream answered with {what}, not text/event-stream",
            "A proxy or a sign-in page may be in front of it. The app keeps retrying and "
            f"fetches the queue every {POLL_EVERY} s meanwhile.",
        )
    encoding = seen.headers.get("content-encoding", "").strip().lower()
    compressed = encoding in _COMPRESSED
    no_cache = "no-cache" in seen.headers.get("cache-control", "").lower()
    accel = seen.headers.get("x-accel-buffering", "").strip().lower() == "no"
    if seen.first_frame is None and seen.ended_after is not None:
        how = "broke" if seen.error is not None else "ended"
        return Check(
            name,
            "fail",
            f"the stream {how} {ms(seen.ended_after)} after it was asked for, before any frame",
            "The app reconnects with a growing pause and fetches the queue every "
            f"{POLL_EVERY} s meanwhile. Tell whoever runs the server, or the proxy if one cuts "
            "long answers.",
        )
    if seen.first_frame is None:
        after = ms(seen.headers_after or 0.0)
        if seen.comments:
            return Check(
                name,
                "warn",
                f"keepalives came but no ready frame within {secs(wait)} s",
                "The contract's stream starts with `event: ready`. The app counts it live "
                f"only at its first event and fetches the queue every {POLL_EVERY} s until then.",
            )
        held = f" (compressed: {encoding})" if compressed else ""
        return Check(
            name,
            "warn",
            f"headers came after {after}, then no ready frame within {secs(wait)} s{held}: "
            "something between here and the server holds the stream back (a buffering proxy)",
            _BUFFERED,
        )
    first = ms(seen.first_after or 0.0)
    if seen.first_frame != "ready":
        return Check(
            name,
            "warn",
            f"live, but the first frame was '{one_line(seen.first_frame, 40)}', not ready",
            "It works: the app counts the stream live at its first frame. The contract's "
            "`ready` lets it refetch the queue at once.",
        )
    if compressed:
        return Check(
            name,
            "warn",
            f"live: ready after {first}, but the stream is compressed ({encoding})",
            "Compression makes the server and proxies hold frames back until a block fills: "
            "turn it off for text/event-stream (nginx: `gzip off;` in that location).",
        )
    if not no_cache:
        return Check(
            name,
            "warn",
            f"live: ready after {first}, but without Cache-Control: no-cache",
            "The server or the proxy should send Cache-Control: no-cache on the stream, or a "
            "cache in between may hold it back.",
        )
    extra = "" if accel else "; no X-Accel-Buffering: no (only nginx needs it)"
    return Check(name, "ok", f"live: ready after {first}; text/event-stream, no-cache{extra}")


def judge_keepalive(seen: StreamSeen, wait: float) -> Check:
    name = "keepalive"
    if seen.first_frame is None:
        return Check(name, "skip", "not measured: the stream never went live")
    if seen.keepalive_gap is None and seen.ended_after is not None:
        return Check(
            name,
            "warn",
            f"the stream was cut {secs(seen.ended_after)} s after it opened, before a keepalive",
            "The app reconnects each time. A proxy's read timeout (nginx proxy_read_timeout, "
            "60 s by default) may be what cuts it; the server should send a comment "
            "(': keepalive') after 25 s of silence.",
        )
    if seen.keepalive_gap is None:
        return Check(
            name,
            "warn",
            f"no keepalive within {secs(wait)} s of silence",
            f"The app calls a silent stream dead after {LINK_DEAD_AFTER} s and reconnects. The "
            "server should send a comment (': keepalive') after 25 s of silence; a proxy's "
            "read timeout (nginx proxy_read_timeout, 60 s by default) may cut it too.",
        )
    gap = seen.keepalive_gap
    if gap > LINK_DEAD_AFTER:
        return Check(
            name,
            "warn",
            f"a keepalive came after {gap:.0f} s of silence",
            f"The app gives up on a silent stream after {LINK_DEAD_AFTER} s and reconnects: "
            "the server should send one every 25 s.",
        )
    return Check(
        name, "ok", f"one came after {gap:.1f} s of silence (the app waits {LINK_DEAD_AFTER} s)"
    )


async def read_stream(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    wait: float,
    keepalive_wait: float | None,
    connect_timeout: float = 5.0,
) -> StreamSeen:
    """Open the stream and note its answer, until ``ready`` (or ``wait`` s have gone).

    With ``keepalive_wait`` it stays on after the first frame, for the first
    keepalive comment that follows.
    """
    seen = StreamSeen()
    started = time.monotonic()
    timeout = httpx.Timeout(connect_timeout, read=None)
    try:
        # One scope for the whole read; its deadline moves once the stream is live.
        with anyio.CancelScope(deadline=anyio.current_time() + wait) as scope:
            async with http.stream("GET", STREAM_PATH, headers=headers, timeout=timeout) as answer:
                seen.status, seen.headers = answer.status_code, answer.headers
                seen.headers_after = time.monotonic() - started
                if answer.status_code != 200 or seen.content_type != "text/event-stream":
                    seen.body = await read_capped(answer, SMALL_BODY)
                    return seen
                await _follow(answer, seen, scope, started, keepalive_wait)
    except (httpx.HTTPError, ApiError) as exc:
        seen.ended_after = time.monotonic() - started
        if seen.first_frame is None:
            seen.error = exc
    return seen


async def _follow(
    answer: httpx.Response,
    seen: StreamSeen,
    scope: anyio.CancelScope,
    started: float,
    keepalive_wait: float | None,
) -> None:
    frames = _Frames()
    live_at = 0.0
    async for chunk in answer.aiter_bytes():
        seen.bytes_seen += len(chunk)
        for kind, name in frames.feed(chunk):
            now = time.monotonic()
            if seen.first_frame is None:
                if kind == "comment":
                    seen.comments += 1
                    continue
                seen.first_frame, seen.first_after = name, now - started
                if not keepalive_wait:
                    return
                live_at = now
                scope.deadline = anyio.current_time() + keepalive_wait
            elif kind == "comment":
                seen.keepalive_gap = now - live_at
                return
            else:
                live_at = now  # the keepalive counts from the last thing sent
    seen.ended_after = time.monotonic() - started  # the server closed it
