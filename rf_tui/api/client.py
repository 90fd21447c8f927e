"""Async client for the ResolutionFlow escalation API (docs/contract.md).

One ``httpx.AsyncClient`` for the life of the client: timeouts set, TLS verified
by default, redirects *not* followed (a bearer token must never be replayed to
another origin). Every failure becomes an ``rf_tui.api.errors`` exception.
"""

from __future__ import annotations

import hashlib
import json as json_module
import ssl
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlsplit

import anyio
import anyio.lowlevel
import httpx
from pydantic import BaseModel, ValidationError

from rf_tui import __version__
from rf_tui.api.errors import (
    AlreadyClaimed,
    ApiError,
    BadResponse,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    NotOffered,
    NotSignedIn,
    RateLimited,
    ServerError,
    Unreachable,
    WrongAddress,
)
from rf_tui.api.models import (
    ChatReply,
    EscalationMetrics,
    EscalationTrend,
    Handoff,
    LoginResult,
    Me,
    QueueEntry,
    Session,
    Viewer,
    ViewingAnswer,
    aware,
)
from rf_tui.text import one_line, shown_url

API_PREFIX = "/api/v1"
QUEUE_PATH = "/ai-sessions/queue"
#: Bigger answers are refused: a queue of 10,000 escalations is a few MB.
MAX_BODY = 16 * 1024 * 1024
#: Queue rows checked between two turns of the event loop (about 2 ms of work).
PARSE_TURN = 250
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
_DETAIL_MAX = 300
#: What a backend without an extension of ours (the viewing heartbeat, the trend)
#: answers it with.
NO_PRESENCE = frozenset({404, 405, 501})

M = TypeVar("M", bound=BaseModel)


def _seg(value: str) -> str:
    """Quote an id for use as one path segment (ids can come from the network)."""
    return quote(value, safe="")


class Client:
    """The escalation API over HTTP. Use as ``async with Client(...) as c``."""

    def __init__(
        self,
        server: str,
        token: str | None = None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline: float = 30.0,
        max_body: int = MAX_BODY,
    ) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self.deadline = deadline
        self.max_body = max_body
        #: (the server's Date header, our time when it came), newest last: the
        #: feed estimates the server's clock from them.
        self.dates: deque[tuple[datetime, datetime]] = deque(maxlen=32)
        #: Whether the server takes the viewing heartbeat: None until asked, False
        #: once it answered 404 or 405 (then it is never asked again).
        self.presence: bool | None = None
        if isinstance(verify, str):
            verify = ssl.create_default_context(cafile=verify)
        self.http = httpx.AsyncClient(
            base_url=self.server + API_PREFIX,
            timeout=timeout,
            verify=verify,
            follow_redirects=False,
            transport=transport,
            headers={"user-agent": f"rf-tui/{__version__}"},
        )

    def __repr__(self) -> str:
        # Never the token: reprs end up in logs and tracebacks.
        return f"Client(server={shown_url(self.server)!r}, signed_in={self.token is not None})"

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    # ── Transport ────────────────────────────────────────────────────────────

    def not_the_api(self, why: str) -> WrongAddress:
        """The address is not the API root: say so, and what to try instead."""
        where = shown_url(self.server)
        parts = urlsplit(self.server)
        path = parts.path.rstrip("/")
        root = shown_url(f"{parts.scheme}://{parts.netloc}")
        if path.lower().endswith(API_PREFIX):
            hint = f"Drop {API_PREFIX} from the address: try {where[: -len(API_PREFIX)]}"
        elif path:
            hint = f"Check the path in it: try {root}, or ask where the API is served"
        else:
            hint = f"Check it: it should be what comes before {API_PREFIX} in the API's URLs"
        return WrongAddress(
            f"The address {where} does not look like the ResolutionFlow API root: {why}. {hint}."
        )

    def transport_error(self, exc: httpx.HTTPError) -> ApiError:
        """Turn an httpx transport failure into a sentence about this server."""
        where = shown_url(self.server)
        if isinstance(exc, httpx.TimeoutException):
            return Unreachable(f"The server at {where} did not answer in time.")
        text = str(exc)
        if _plain_http_answered(exc) and self.server.lower().startswith("https://"):
            plain = "http://" + self.server[len("https://") :]
            return Unreachable(
                f"The server at {where} speaks plain HTTP on that port, not TLS: "
                f"try {shown_url(plain)}"
            )
        if "CERTIFICATE_VERIFY_FAILED" in text or isinstance(exc.__cause__, ssl.SSLError):
            return Unreachable(
                f"The TLS certificate of {where} could not be verified. "
                "If it uses a private CA, pass its bundle with --ca-bundle."
            )
        if isinstance(exc, httpx.ConnectError):
            return Unreachable(f"Cannot reach the server at {where}. Is it running?")
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return Unreachable(f"{where} is not a usable server address (use http:// or https://).")
        return Unreachable(f"The connection to {where} broke ({type(exc).__name__}).")

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        what: str | None = None,
    ) -> Any:
        """The answer's JSON. ``what`` names the thing an id in ``path`` points to;
        None means a path every ResolutionFlow server has, so a 404 there says
        the address is wrong, not that something was removed."""
        response, body = await self._exchange(method, path, json=json, params=params)
        self._check(response, body, path, what)
        return self._json(response, body, path)

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[httpx.Response, bytes]:
        """The answer and its whole body, whatever its status."""
        try:
            # An overall deadline as well as httpx's per-read one: a server that
            # trickles a byte a second never trips a read timeout.
            with anyio.fail_after(self.deadline):
                async with self.http.stream(
                    method,
                    path,
                    json=json,
                    params=params,
                    headers={**self.auth_headers(), **(headers or {})},
                ) as response:
                    # Timed as the headers come, not after a big body has trickled in.
                    self._heard_date(response.headers.get("date"))
                    body = await read_capped(response, self.max_body)
        except TimeoutError:
            raise Unreachable(
                f"The server at {shown_url(self.server)} took longer than {self.deadline:g} s "
                "to answer."
            ) from None
        except httpx.HTTPError as exc:
            raise self.transport_error(exc) from None
        return response, body

    def _check(self, response: httpx.Response, body: bytes, path: str, what: str | None) -> None:
        try:
            raise_for_status(response, body, what=what or "That item")
        except ApiError as exc:
            raise self._maybe_wrong_address(exc, path, body, fixed=what is None) from None

    def _json(self, response: httpx.Response, body: bytes, path: str) -> Any:
        try:
            return json_module.loads(body)
        except ValueError:
            if "html" in response.headers.get("content-type", "").lower():
                raise self.not_the_api(f"{API_PREFIX}{path} answered with a web page") from None
            raise BadResponse(
                "The server's answer was not valid JSON. Is this a ResolutionFlow server?",
                status=response.status_code,
            ) from None

    def _heard_date(self, value: str | None) -> None:
        if not value:
            return
        try:
            when = aware(parsedate_to_datetime(value))
        except (TypeError, ValueError, IndexError):
            return  # a header that is not a date tells nothing about the clock
        self.dates.append((when, datetime.now(timezone.utc)))

    def _maybe_wrong_address(
        self, exc: ApiError, path: str, body: bytes, *, fixed: bool
    ) -> ApiError:
        if exc.status not in (404, 405):
            return exc
        doubled = urlsplit(self.server).path.rstrip("/").lower().endswith(API_PREFIX)
        # The contract's 404 is JSON with a detail; a web server's is a page.
        if fixed or doubled or _detail(body) is None:
            return self.not_the_api(f"{API_PREFIX}{path} is not there")
        return exc

    # ── Calls ────────────────────────────────────────────────────────────────

    async def login(self, email: str, password: str) -> LoginResult:
        """Sign in with email and password; keeps the token for later calls."""
        try:
            data = await self._request(
                "POST", "/auth/login", json={"email": email, "password": password}
            )
        except NotSignedIn:
            raise NotSignedIn("Wrong email or password.") from None
        result = _parse(LoginResult, data)
        self.token = result.access_token
        return result

    async def me(self) -> Me:
        return _parse(Me, await self._request("GET", "/users/me"))

    async def ping(self) -> float:
        """Seconds for one small request and its answer: the link's round trip."""
        started = time.monotonic()
        await self._request("GET", "/users/me")
        return time.monotonic() - started

    async def queue(self) -> list[QueueEntry]:
        """Unclaimed escalations of this account, newest first (unreadable rows left out)."""
        return (await self.queue_rows()).entries

    async def queue_rows(self) -> Rows:
        """The queue, and a sentence for each row too malformed to show.

        One bad row of a real backend (no id, a time that is not one) must not
        hide the rest of the queue from the senior.
        """
        return await parse_rows_in_turns(await self._request("GET", QUEUE_PATH))

    async def queue_rows_if_changed(self, last: QueueTag | None) -> Rows | Unchanged:
        """The queue as ``queue_rows`` gives it, or ``Unchanged`` when it is the answer
        ``last`` tags (from ``Rows.tag``): then nothing was parsed.

        [ours] With the last answer's ETag it asks ``If-None-Match``, and a 304 is
        "unchanged". A backend (or proxy) without ETags sends the whole queue each
        time: bytes that hash as the last answer's are "unchanged" too, unparsed.
        """
        conditional = last is not None and last.etag is not None
        headers = {"if-none-match": last.etag} if last is not None and last.etag else {}
        response, body = await self._exchange("GET", QUEUE_PATH, headers=headers)
        if response.status_code == 304 and conditional:
            assert last is not None
            return Unchanged(last)
        if response.status_code == 304:
            # Not Modified, to a request that named nothing it could be modified from
            # (a proxy's cache): there is nothing to reuse; ask past any cache, once.
            response, body = await self._exchange(
                "GET", QUEUE_PATH, headers={"cache-control": "no-cache"}
            )
            if response.status_code == 304:
                raise BadResponse(
                    "The server answered 304 Not Modified to a request for the whole queue.",
                    status=304,
                )
        self._check(response, body, QUEUE_PATH, None)
        tag = QueueTag(response.headers.get("etag"), hashlib.blake2b(body, digest_size=16).digest())
        if last is not None and tag.digest == last.digest:
            return Unchanged(tag)
        rows = await parse_rows_in_turns(self._json(response, body, QUEUE_PATH))
        rows.tag = tag
        return rows

    async def handoffs(self, session_id: str) -> list[Handoff]:
        data = await self._request(
            "GET", f"/ai-sessions/{_seg(session_id)}/handoffs", what="That session"
        )
        return _parse_list(Handoff, data)

    async def session(self, session_id: str) -> Session:
        data = await self._request("GET", f"/ai-sessions/{_seg(session_id)}", what="That session")
        return _parse(Session, data)

    async def claim(self, session_id: str, handoff_id: str) -> Handoff:
        """Claim an escalation. Raises ``AlreadyClaimed`` when someone was first."""
        path = f"/ai-sessions/{_seg(session_id)}/handoffs/{_seg(handoff_id)}/claim"
        return _parse(Handoff, await self._request("POST", path, what="That escalation"))

    async def chat(self, session_id: str, message: str) -> ChatReply:
        data = await self._request(
            "POST",
            f"/ai-sessions/{_seg(session_id)}/chat",
            json={"message": message},
            what="That session",
        )
        return _parse(ChatReply, data)

    async def viewing(
        self, session_id: str, handoff_id: str, *, viewing: bool = True
    ) -> ViewingOutcome:
        """[ours] Tell the server this senior has the handoff open (``POST …/viewing``, every
        10 s while it is), or has closed it (``viewing=False``: ``DELETE …/viewing``).

        Never raises an ``ApiError``: a backend without it (404, 405, 501) is
        "unsupported", remembered, and not asked again; anything else is "failed".
        """
        if self.presence is False:
            return ViewingOutcome("unsupported")
        path = f"/ai-sessions/{_seg(session_id)}/handoffs/{_seg(handoff_id)}/viewing"
        try:
            data = await self._request(
                "POST" if viewing else "DELETE", path, what="That escalation"
            )
        except ApiError as exc:
            # A proxy's 404 page reads as a wrong address: the same "not here".
            if exc.status in NO_PRESENCE or isinstance(exc, WrongAddress):
                self.presence = False
                return ViewingOutcome("unsupported", problem=exc.message)
            return ViewingOutcome("failed", problem=exc.message)
        self.presence = True
        try:
            answer = ViewingAnswer.model_validate(data)
        except ValidationError:
            return ViewingOutcome("sent")  # it was heard; who else looks, we cannot tell
        return ViewingOutcome("sent", answer.viewers, answer.expires_in)

    async def metrics(self, period: str = "7d") -> EscalationMetrics:
        try:
            data = await self._request(
                "GET",
                "/analytics/flowpilot/escalations",
                params={"period": period},
                what="The metric",  # not every backend has it: a 404 is no wrong address
            )
        except NotFound:
            # A backend without the analytics endpoint: "may have been removed" would
            # send the senior looking for something that was never there.
            raise ApiError("Not offered by this server: it answers 404.", status=404) from None
        return _parse(EscalationMetrics, data)

    async def escalation_trend(self, period: str = "30d") -> EscalationTrend:
        """[ours] The metric's claims by UTC day (``GET …/escalations/trend``).

        A backend without it answers 404: that is "not offered by this server"
        (``NotOffered``), never "removed" nor a wrong address.
        """
        try:
            data = await self._request(
                "GET",
                "/analytics/flowpilot/escalations/trend",
                params={"period": period},
                what="The trend",
            )
        except (NotFound, WrongAddress):  # a proxy's 404 page reads as a wrong address
            raise NotOffered("Not offered by this server: it answers 404.") from None
        except ApiError as exc:
            if exc.status in NO_PRESENCE:  # 405, 501: no such route either
                said = f"Not offered by this server: it answers {exc.status}."
                raise NotOffered(said, exc.status) from None
            raise
        return _parse(EscalationTrend, data)

    async def create_session(
        self,
        problem_summary: str,
        *,
        escalation_package: dict[str, Any] | None = None,
        conversation_messages: list[dict[str, str]] | None = None,
    ) -> Session:
        """Start a session (reference server only: lets demos play the junior)."""
        body: dict[str, Any] = {"problem_summary": problem_summary}
        if escalation_package is not None:
            body["escalation_package"] = escalation_package
        if conversation_messages is not None:
            body["conversation_messages"] = conversation_messages
        return _parse(Session, await self._request("POST", "/ai-sessions", json=body))

    async def hand_off(
        self,
        session_id: str,
        *,
        intent: str = "escalate",
        engineer_notes: str | None = None,
        priority: str | None = None,
        target_user_id: str | None = None,
    ) -> Handoff:
        body: dict[str, Any] = {"intent": intent}
        if engineer_notes is not None:
            body["engineer_notes"] = engineer_notes
        if priority is not None:
            body["priority"] = priority
        if target_user_id is not None:
            body["target_user_id"] = target_user_id
        data = await self._request(
            "POST", f"/ai-sessions/{_seg(session_id)}/handoff", json=body, what="That session"
        )
        return _parse(Handoff, data)


# ── Status and shape ─────────────────────────────────────────────────────────


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The whole body, or ``BadResponse`` as soon as it grows past ``limit`` bytes."""
    chunks, total = [], 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            raise BadResponse(
                f"The server sent more than {limit // (1024 * 1024)} MB in one answer; "
                "rf-tui refused it.",
                status=response.status_code,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _detail(body: bytes) -> Any:
    try:
        parsed = json_module.loads(body)
    except ValueError:
        return None
    return parsed.get("detail") if isinstance(parsed, dict) else None


def _detail_text(detail: Any, fallback: str) -> str:
    if isinstance(detail, str) and detail.strip():
        text = detail.strip()
    elif isinstance(detail, dict) and isinstance(detail.get("message"), str):
        text = detail["message"]
    elif isinstance(detail, list) and detail:
        # FastAPI's validation errors: [{"loc": [...], "msg": "..."}]
        parts = []
        for item in detail[:3]:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                parts.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg", "")))
        text = "; ".join(p for p in parts if p) or fallback
    else:
        text = fallback
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1] + "…"


def raise_for_status(response: httpx.Response, body: bytes, *, what: str = "That item") -> None:
    """Raise the typed error for a non-2xx answer; return quietly on 2xx."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = _detail(body)
    if status == 401:
        raise NotSignedIn()
    if status == 403:
        raise Forbidden(_detail_text(detail, "your role may not do this."))
    if status == 404:
        raise NotFound(what)
    if status == 409:
        if isinstance(detail, dict) and ("claimed_by" in detail or "claimed_by_name" in detail):
            raise _already_claimed(detail)
        raise Conflict(_detail_text(detail, "someone changed this at the same time."))
    if status in (400, 422):
        raise Invalid(_detail_text(detail, "it did not accept what we sent."), status=status)
    if status == 429:
        raise RateLimited(_retry_after(response.headers.get("retry-after")))
    if status >= 500:
        raise ServerError(status)
    if 300 <= status < 400:
        target = response.headers.get("location", "somewhere else")
        raise BadResponse(
            f"The server redirected to {target[:200]}; check the server address "
            "(rf-tui does not follow redirects with your sign-in).",
            status=status,
        )
    raise ApiError(f"Unexpected answer from the server (HTTP {status}).", status=status)


def _already_claimed(detail: dict[str, Any]) -> AlreadyClaimed:
    raw_at = detail.get("claimed_at")
    at: datetime | None = None
    if isinstance(raw_at, str):
        try:
            at = aware(datetime.fromisoformat(raw_at.replace("Z", "+00:00")))
        except ValueError:
            at = None
    by = detail.get("claimed_by")
    name = detail.get("claimed_by_name")
    return AlreadyClaimed(
        str(by) if by is not None else None,
        str(name) if name is not None else None,
        at,
    )


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # An HTTP-date: rare enough that "later" is good enough.


def _parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ())) or "the answer"
        raise BadResponse(
            f"The server's answer did not have the expected shape ({loc}: {first.get('msg')})."
        ) from None


@dataclass(frozen=True)
class ViewingOutcome:
    """What a viewing heartbeat came to ([ours])."""

    status: Literal["sent", "unsupported", "failed"]
    #: Who has the handoff open now, the caller among them, when the server says.
    viewers: tuple[Viewer, ...] = ()
    #: Seconds the heartbeat counts for, when the server says.
    expires_in: float | None = None
    problem: str | None = None


@dataclass(frozen=True)
class QueueTag:
    """[ours] Which queue answer was read: its ETag when the server sent one, and a
    hash of its bytes for when it did not."""

    etag: str | None
    digest: bytes


@dataclass(frozen=True)
class Unchanged:
    """The queue is the answer ``tag`` names (304, or the same bytes): nothing was parsed."""

    tag: QueueTag


@dataclass
class Rows:
    entries: list[QueueEntry] = field(default_factory=list)
    #: One sentence per row left out: "row 4 (h4): created_at: Input should be …".
    skipped: list[str] = field(default_factory=list)
    #: What ``queue_rows_if_changed`` names this answer by next time.
    tag: QueueTag | None = None


def parse_rows(data: Any) -> Rows:
    """The queue's rows, each checked on its own (also what ``rf-tui doctor`` reports)."""
    rows = Rows()
    _parse_into(rows, data, 0, len(_row_list(data)))
    return rows


async def parse_rows_in_turns(data: Any) -> Rows:
    """``parse_rows``, letting the event loop run between turns of ``PARSE_TURN`` rows:
    keys pressed during a burst are not held while thousands of rows are checked."""
    rows = Rows()
    for start in range(0, len(_row_list(data)), PARSE_TURN):
        if start:
            await anyio.lowlevel.checkpoint()
        _parse_into(rows, data, start, start + PARSE_TURN)
    return rows


def _row_list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise BadResponse(
            f"The queue the server sent was {_kind(data)}, not a list of escalations."
        )
    return data


def _parse_into(rows: Rows, data: list[Any], start: int, stop: int) -> None:
    """Rows ``start`` to ``stop`` of the queue, each checked on its own, into ``rows``."""
    for number, item in enumerate(data[start:stop], start + 1):
        try:
            rows.entries.append(QueueEntry.model_validate(item))
        except ValidationError as exc:
            rows.skipped.append(_row_problem(number, item, exc))


def _row_problem(number: int, item: Any, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "the row"
    ident = item.get("id") if isinstance(item, dict) else None
    named = f" ({one_line(str(ident), 40)})" if isinstance(ident, (str, int)) else ""
    return f"row {number}{named}: {where}: {one_line(str(first.get('msg')), 80)}"


def _kind(data: Any) -> str:
    """What a JSON value is, in words (a backend that wraps lists in an object…)."""
    kinds = {dict: "an object", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(data), "a number" if isinstance(data, int | float) else "something else")


def _parse_list(model: type[M], data: Any) -> list[M]:
    if not isinstance(data, list):
        raise BadResponse(f"The server's answer was {_kind(data)}, not the list expected.")
    return [_parse(model, item) for item in data]


def _plain_http_answered(exc: BaseException) -> bool:
    """True when a TLS handshake met a plain-HTTP answer (https:// to an http port)."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            reason = (seen.reason or "").upper()
            text = str(seen).lower()
            return reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "HTTP_REQUEST") or (
                "wrong version number" in text or "record layer failure" in text
            )
        seen = seen.__cause__ or seen.__context__
    return False
