"""The hostile-input corpus: named cases of SSE framing, HTTP failures and hostile text."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from rf_tui.api.stream import Live
from rf_tui.ui.app import RfApp
from rf_tui.ui.screens import handoff as handoff_screen
from rf_tui.ui.screens import queue as queue_screen
from rf_tui.ui.screens.handoff import HandoffScreen
from tests.canned import response
from tests.hostile.harness import Case
from tests.hostile.server import API, Hostile, entry, frame, session
from tests.ui.pilot import until

QUEUE = ("GET", f"{API}/ai-sessions/queue")
METRICS = ("GET", f"{API}/analytics/flowpilot/escalations")
STREAM = ("GET", f"{API}/ai-sessions/escalations/stream")
ME = ("GET", f"{API}/users/me")


def created(n: int, **extra: Any) -> dict[str, Any]:
    return {"type": "handoff_created", "handoff_id": f"h{n}", "session_id": f"s{n}",
            "priority": "high", "engineer_notes": f"notes {n}",
            "created_at": "2026-11-23T11:59:00+00:00", **extra}  # fmt: skip


def has_row(n: int, words: str | None = None) -> Any:
    def check(app: RfApp) -> bool:
        got = app.feed.queue.get(f"h{n}")
        return got is not None and (words is None or words in got.summary)

    return check


def arrive_raw(n: int, raw: bytes, **fields: Any) -> Any:
    """The server knows escalation n; the stream announces it with ``raw`` bytes."""

    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        h.queue.insert(0, entry(n, **fields))
        h.sessions[f"s{n}"] = session(n)
        await h.push(raw)

    return act


def arrive(n: int, **fields: Any) -> Any:
    return arrive_raw(n, frame("handoff_created", created(n)), **fields)


def sse_cases() -> list[Case]:
    good = json.dumps(created(9))
    return [
        Case("sse-created-at-without-zone", has_row(9, "Problem number 9"),
             act=arrive_raw(9, frame("handoff_created", created(9, created_at="2026-11-23T11:59:00.716")),
                            created_at="2026-11-23T11:59:00.716")),
        Case("sse-created-at-not-a-time", has_row(9, "Problem number 9"),
             act=arrive_raw(9, frame("handoff_created", created(9, created_at="soon")))),
        Case("sse-crlf", has_row(9, "Problem number 9"),
             act=arrive_raw(9, f"event: handoff_created\r\ndata: {good}\r\n\r\n".encode())),
        Case("sse-cr-only", has_row(9, "Problem number 9"),
             act=arrive_raw(9, f"event: handoff_created\rdata: {good}\r\r".encode())),
        Case("sse-mixed-endings", has_row(9, "Problem number 9"),
             act=arrive_raw(9, f"event: handoff_created\r\ndata: {good}\n\r".encode())),
        Case("sse-bom", has_row(9, "Problem number 9"),
             arrange=lambda h: setattr(h, "stream_preamble", b"\xef\xbb\xbf" + h.stream_preamble),
             act=arrive(9)),
        Case("sse-no-trailing-blank-line", has_row(9, "Problem number 9"),
             act=_then_cut(arrive_raw(9, f"event: handoff_created\ndata: {good}\n".encode()))),
        Case("sse-1mb-data-line", has_row(9),
             act=arrive_raw(9, frame("handoff_created", created(9, engineer_notes="n" * 1_000_000)))),
        Case("sse-invalid-utf8", has_row(9),
             act=arrive_raw(9, b'event: handoff_created\ndata: {"handoff_id": "h9", "session_id": "s9",'
                               b' "engineer_notes": "bad \xff\xfe bytes"}\n\n')),
        Case("sse-unknown-event", lambda app: app.feed.stream.unknown_events == 1,
             act=_push(frame("handoff_withdrawn", {"handoff_id": "h1"}))),
        Case("sse-retry-and-id-fields", has_row(9),
             act=arrive_raw(9, f"retry: 10\nid: 42\nevent: handoff_created\ndata: {good}\n\n".encode())),
        Case("sse-data-without-event", lambda app: app.feed.stream.unknown_events == 1,
             act=_push(b"data: hello\n\n")),
        Case("sse-malformed-json", lambda app: app.feed.stream.malformed_frames == 1 and has_row(9)(app),
             act=_both(_push(b"event: handoff_created\ndata: {oops\n\n"), arrive(9))),
        Case("sse-wrong-types", lambda app: app.feed.stream.malformed_frames == 1,
             act=_push(frame("handoff_created", {"handoff_id": None, "session_id": ["x"]}))),
        Case("sse-missing-fields", lambda app: app.feed.stream.malformed_frames == 1,
             act=_push(frame("handoff_created", {"type": "handoff_created"}))),
        Case("sse-extra-fields", has_row(9),
             act=arrive_raw(9, frame("handoff_created", created(9, surprise={"nested": [1, 2]})))),
        Case("sse-duplicate-events", lambda app: has_row(9)(app) and len(app.feed.queue) == 4,
             act=arrive_raw(9, frame("handoff_created", created(9)) * 3)),
        Case("sse-claimed-before-created", lambda app: "h8" not in app.feed.queue and app.feed.queue.generation >= 1,
             act=_push(frame("handoff_claimed", {"handoff_id": "h8", "session_id": "s8", "claimed_by_name": "Alex"})
                       + frame("handoff_created", created(8)))),
        Case("sse-stall-after-ready", "reconnecting",
             act=lambda h, pilot, app: _stall_next(h)),
        Case("sse-closes-every-100ms", "reconnecting",
             arrange=lambda h: h.routes.__setitem__(STREAM, _closing_stream)),
        Case("sse-event-storm-500", lambda app: len(app.feed.queue) == 503,
             act=_storm(500)),
        Case("sse-ready-with-bad-json", lambda app: isinstance(app.feed.state, Live),
             arrange=lambda h: setattr(h, "stream_preamble", b"event: ready\ndata: {nope\n\n" + h.stream_preamble)),
        Case("sse-nul-in-data", has_row(9),
             act=arrive_raw(9, frame("handoff_created", created(9, engineer_notes="a\u0000b")))),
        Case("sse-empty-data", lambda app: app.feed.stream.malformed_frames == 1,
             act=_push(b"event: handoff_created\ndata:\n\n")),
        Case("sse-huge-event-name", lambda app: app.feed.stream.unknown_events == 1,
             act=_push(b"event: " + b"x" * 100_000 + b"\ndata: {}\n\n")),
        Case("sse-claimed-removes-row", lambda app: "h2" not in app.feed.queue, recover=True,
             act=_push(frame("handoff_claimed", {"handoff_id": "h2", "session_id": "s2",
                                                 "claimed_by_name": "Alex"}))),
    ]  # fmt: skip


def _push(raw: bytes) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        await h.push(raw)

    return act


def _both(*acts: Any) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        for one in acts:
            await one(h, pilot, app)

    return act


def _then_cut(first: Any) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        await first(h, pilot, app)
        await h.cut_streams()  # the unterminated frame is never dispatched; the backfill finds it

    return act


async def _stall_next(h: Hostile) -> None:
    """The stream goes silent (no keepalives either) and so does every new one."""
    h.routes[STREAM] = _stalling_stream
    await h.cut_streams()


async def _stalling_stream(writer: asyncio.StreamWriter) -> None:
    writer.write(response(200, b"", content_type="text/event-stream", length=False))
    writer.write(b'event: ready\ndata: {"account_id": "acct"}\n\n')
    await writer.drain()
    await asyncio.Event().wait()


def _storm(count: int) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        raw = b""
        for n in range(100, 100 + count):
            h.queue.append(entry(n))
            raw += frame("handoff_created", created(n))
        await h.push(raw)

    return act


async def _closing_stream(writer: asyncio.StreamWriter) -> None:
    writer.write(response(200, b"", content_type="text/event-stream", length=False))
    writer.write(b'event: ready\ndata: {"account_id": "acct"}\n\n')
    await writer.drain()
    await asyncio.sleep(0.1)  # the fault: the stream closes 100 ms after it opens


# ── HTTP ──────────────────────────────────────────────────────────────────────


def on_refetch(route: tuple[str, str], raw: bytes | Any) -> Any:
    """Mid-session, the given route starts failing; then the app refetches."""

    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        h.routes[route] = raw
        app.feed.refetch()

    return act


async def _trickle(writer: asyncio.StreamWriter) -> None:
    writer.write(response(200, b"", headers={"content-length": "100000"}, length=False))
    for _ in range(1000):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.05)  # the fault: 20 bytes a second


async def _huge(writer: asyncio.StreamWriter) -> None:
    writer.write(response(200, b"", headers={"content-length": str(50 << 20)}, length=False))
    for _ in range(50):
        writer.write(b"[" + b" " * ((1 << 20) - 1))
        await writer.drain()


def http_cases() -> list[Case]:
    j = lambda status, body: response(status, json.dumps(body))  # noqa: E731
    return [
        Case("http-400", "The server rejected the request", act=on_refetch(QUEUE, j(400, {"detail": "bad"}))),
        Case("http-401-mid-session", "signed out", act=on_refetch(QUEUE, j(401, {"detail": "expired"})),
             recover=False),
        Case("http-403", "You cannot see the queue", act=on_refetch(QUEUE, j(403, {"detail": "Engineers only"}))),
        Case("http-404", "does not look like the ResolutionFlow API root",
             act=on_refetch(QUEUE, j(404, {"detail": "Not Found"}))),
        Case("http-web-page-for-the-queue", "does not look like the ResolutionFlow API root",
             act=on_refetch(QUEUE, response(200, "<!doctype html><title>RF</title>", content_type="text/html"))),
        Case("http-409-plain-on-claim", "Could not claim: Conflict: busy",
             act=_claim_with(j(409, {"detail": "busy"}))),
        Case("http-409-structured-on-claim", "Already claimed by Alex",
             act=_claim_with(j(409, {"detail": {"message": "Already claimed", "claimed_by": "u-a",
                                                "claimed_by_name": "Alex", "claimed_at": "2026-11-23T11:59:58+00:00"}}))),
        Case("http-409-claimed-at-without-zone", "Already claimed by Alex",
             act=_claim_with(j(409, {"detail": {"claimed_by": "u-a", "claimed_by_name": "Alex",
                                                "claimed_at": "2026-11-23T11:59:58.716"}}))),
        Case("http-queue-times-without-zone", has_row(9, "Problem number 9"),
             act=on_refetch(QUEUE, j(200, [entry(9, created_at="2026-11-23T11:58:00.716",
                                                  claimed_at=None)]))),
        Case("http-queue-times-with-an-offset", has_row(9, "Problem number 9"),
             act=on_refetch(QUEUE, j(200, [entry(9, created_at="2026-11-23T17:28:00+05:30")]))),
        Case("http-queue-rows-that-are-not-objects", "3 unreadable rows",
             act=on_refetch(QUEUE, j(200, [entry(9), None, "h10", 5]))),
        Case("http-queue-object-instead-of-list", "was an object, not a list of escalations",
             act=on_refetch(QUEUE, j(200, {"items": [entry(9)]}))),
        Case("http-queue-with-malformed-rows", "2 unreadable rows",
             act=on_refetch(QUEUE, j(200, [entry(9), {"session_id": "s-no-id", "created_at": "2026-11-23T11:00:00Z"},
                                           entry(8, created_at="yesterday"), entry(7)]))),
        Case("http-422-on-chat", "Not sent; your message is still in the box",
             act=_chat_with(j(422, {"detail": [{"loc": ["body", "message"], "msg": "too long"}]}))),
        Case("http-429-retry-after", "rate-limiting us. Try again in 7 s",
             act=on_refetch(QUEUE, response(429, "{}", headers={"retry-after": "7"}))),
        Case("http-500", "HTTP 500", act=on_refetch(QUEUE, j(500, {"detail": "boom"}))),
        Case("http-502-html", "HTTP 502",
             act=on_refetch(QUEUE, response(502, "<html><h1>Bad Gateway</h1></html>", content_type="text/html"))),
        Case("http-503-empty", "HTTP 503", act=on_refetch(QUEUE, response(503, b""))),
        Case("http-504", "HTTP 504", act=on_refetch(QUEUE, response(504, b"timeout", content_type="text/plain"))),
        Case("http-empty-body", "not valid JSON", act=on_refetch(QUEUE, response(200, b""))),
        Case("http-truncated-json", "not valid JSON", act=on_refetch(QUEUE, response(200, b'[{"id": "h1", '))),
        Case("http-wrong-shape", "1 unreadable row", act=on_refetch(QUEUE, j(200, [{"id": 1}]))),
        Case("http-50mb-body", "more than 16 MB", act=on_refetch(QUEUE, _huge)),
        Case("http-trickle-1-byte", "took longer than 2 s", act=on_refetch(QUEUE, _trickle)),
        Case("http-redirect-elsewhere", "redirected",
             act=on_refetch(QUEUE, response(307, b"", headers={"location": "http://127.0.0.2:9/steal"}))),
        Case("http-metrics-500", "unavailable (The server had a problem (HTTP 500)",
             act=_metrics_fail()),
        Case("http-session-404-on-open", "Could not load the session",
             act=_open_missing_session()),
        Case("http-me-401", "signed out", arrange=lambda h: h.routes.__setitem__(ME, j(401, {"detail": "x"})),
             recover=False, ready=False),
    ]  # fmt: skip


def _claim_with(raw: bytes) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        h.claim_answer = raw
        await pilot.press("c")

    return act


def _chat_with(raw: bytes) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        h.chat_answer = raw
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "claimed")
        await pilot.press("1", "enter")

    return act


def _metrics_fail() -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        h.routes[METRICS] = response(500, b"{}")
        app.feed.metrics = None
        app.feed.refetch()

    return act


def _open_missing_session() -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        h.sessions.clear()
        await pilot.press("o")

    return act


# ── Text ──────────────────────────────────────────────────────────────────────

HOSTILE_TEXT = {
    "rich-markup": (
        "[bold red]URGENT[/bold red] click [link=http://x]here[/link]",
        "[bold red]URGENT[/bold red]",
    ),
    "broken-markup": ("a [/oops] b [", "a [/oops] b ["),
    "osc-title": ("x\x1b]2;PWNED\x07y", "x␛]2;PWNED␇y"),
    "osc52-clipboard": ("\x1b]52;c;cm0gLXJmIC8=\x07", "␛]52;c;cm0gLXJmIC8=␇"),
    "osc8-hyperlink": ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "␛]8;;http://evil␛\\click"),
    "csi-clear-screen": ("\x1b[2J\x1b[Hgone", "␛[2J␛[Hgone"),
    "dcs": ("\x1bP+q6b64\x1b\\", "␛P+q6b64␛\\"),
    "c1-controls": ("a\x9b31mb\x90c\x9cd", "a\ufffd31mb\ufffdc\ufffdd"),
    "bidi-override": ("user\u202egnp.exe", "user\ufffdgnp.exe"),
    "zero-width": ("ad\u200bmin\u200d\ufeff", "ad\u200bmin"),
    "combining-marks": ("Z\u0335\u0321\u0322a\u0334\u0315l\u0337go", "l\u0337go"),
    "wide-cjk": ("打印机无法连接网络", "打印机"),
    "emoji": ("🔥 server 👨‍👩‍👧 down", "server"),
    "nul": ("a\x00b", "a␀b"),
    "backspace-overwrite": ("safe\x08\x08\x08\x08evil", "safe␈␈␈␈evil"),
}


def text_cases() -> list[Case]:
    cases = []
    for name, (raw, visible) in HOSTILE_TEXT.items():
        for where in ("summary", "notes", "assessment"):
            cases.append(Case(f"text-{name}-in-{where}", visible, act=_hostile_text(raw, where)))
    cases += [
        Case("text-100k-note", "n" * 200, act=_hostile_text("n" * 100_000, "notes")),
        Case("text-10k-step-list", "step 9999", act=_hostile_text("", "steps", steps=10_000)),
        Case("text-hostile-requester", "\ufffdSam", act=_hostile_text("\x1b]2;x\x07Sam", "requester")),
        Case("text-hostile-winner-name", "Already claimed by \ufffdAlex",
             act=_claim_with(response(409, json.dumps({"detail": {"claimed_by": "u", "claimed_by_name": "\x1b[31mAlex"}})))),
    ]  # fmt: skip
    return cases


def _hostile_text(raw: str, where: str, steps: int = 0) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        fields: dict[str, Any] = {}
        sess = session(9)
        if where == "summary":
            fields["problem_summary"] = raw
            sess["problem_summary"] = raw
        elif where == "notes":
            fields["engineer_notes"] = raw
        elif where == "requester":
            fields["handed_off_by_name"] = raw
        elif where == "assessment":
            fields["ai_assessment_data"] = {
                "likely_cause": raw,
                "suggested_steps": [raw],
                "confidence": raw,
            }
        elif where == "steps":
            sess["escalation_package"] = {
                "steps_attempted": [
                    {"description": f"step {i}", "result": "no"} for i in range(steps)
                ]
            }
        h.queue.insert(0, entry(9, **fields))
        h.sessions["s9"] = sess
        await h.push(frame("handoff_created", created(9)))
        await until(
            pilot, lambda: "h9" in app.feed.queue and not app.feed.queue.is_partial("h9"), "details"
        )
        table = app.queue_screen.table
        await until(pilot, lambda: "h9" in table, "the row")
        table.move_to("h9")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        await until(pilot, lambda: screen.session is not None, "the session")

    return act


# ── Keys while rows move ──────────────────────────────────────────────────────


def motion_cases() -> list[Case]:
    return [
        Case("motion-c-as-the-cursor-row-is-claimed-elsewhere", "Press c again to claim",
             act=_claim_as_the_row_leaves()),
        Case("motion-keys-during-a-burst", lambda app: len(app.feed.queue) >= 42,
             act=_keys_during_a_burst(40)),
        Case("motion-a-word-typed-at-a-read-only-handoff", "press c on its own to claim",
             act=_typed_at_read_only("check accept")),
    ]  # fmt: skip


def _claims(h: Hostile) -> list[str]:
    return [path for method, path, _ in h.requests if path.endswith("/claim")]


@contextmanager
def _patched(module: Any, **values: float) -> Iterator[None]:
    """However slow the machine, keys count as pressed "a moment" after the change."""
    before = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(module, name, value)


def _claim_as_the_row_leaves() -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        table = app.queue_screen.table
        aimed = table.current_id()
        assert aimed is not None
        with _patched(queue_screen, SETTLE_SECONDS=60.0):
            claimed = {
                "handoff_id": aimed,
                "session_id": "s" + aimed[1:],
                "claimed_by_name": "Alex",
            }
            await h.push(frame("handoff_claimed", claimed))
            await until(pilot, lambda: aimed not in table, "the row to leave")
            await pilot.press("c")
            await until(pilot, lambda: any("Press c again" in n.message
                                           for n in app._notifications), "the ask")  # fmt: skip
        assert _claims(h) == []

    return act


def _keys_during_a_burst(count: int) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        for n in range(10, 10 + count):
            h.queue.insert(0, entry(n))
            h.sessions[f"s{n}"] = session(n)
            await h.push(frame("handoff_created", created(n)))
            await pilot.press("j" if n % 3 else "k")
        await pilot.press("c", "escape", "G", "c", "escape")

    return act


def _typed_at_read_only(words: str) -> Any:
    async def act(h: Hostile, pilot: Pilot[None], app: RfApp) -> None:
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, HandoffScreen), "the read-only handoff")
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        box = screen.query_one("#message", Input)
        with _patched(handoff_screen, HOLD_SECONDS=30.0, TYPING_SECONDS=30.0):
            await pilot.press(*("space" if c == " " else c for c in words))
            await until(pilot, lambda: box.value == words, "the word in the box")
        assert _claims(h) == [] and not screen.claimed

    return act


def all_cases() -> list[Case]:
    return sse_cases() + http_cases() + text_cases() + motion_cases()
