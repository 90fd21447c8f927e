"""The checks of ``rf-tui doctor``: one ``Check`` per line, in the order a tech reads them.

Each step asks the server what the app will ask it, with the same client (TLS,
CA bundle, no redirects, user agent), and says what it found and, when it is
not ok, what to do. A step that makes the rest meaningless (nothing answers, no
token) ends the run; the steps after it are listed as ``skip`` with the reason.
Every network step has a deadline, so a run never hangs on a stuck proxy.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpx
from pydantic import TypeAdapter, ValidationError

from rf_tui.api.client import API_PREFIX, MAX_BODY, Client, Rows, parse_rows, read_capped
from rf_tui.api.errors import ApiError
from rf_tui.api.models import EscalationMetrics, Me, QueueEntry
from rf_tui.doctor.model import SMALL_BODY, Check, Status, ms, span
from rf_tui.doctor.stream import judge_keepalive, judge_stream, read_stream
from rf_tui.doctor.wire import (
    Answer,
    env_proxy,
    error_chain,
    host_port,
    html_title,
    is_loopback,
    transport_problem,
    with_scheme,
)
from rf_tui.state.clock import duration, system_clock
from rf_tui.text import one_line, shown_url

#: Past this the clocks are told to differ (Date has whole seconds, and a round trip).
SKEW_WARN = 60.0
#: A round trip past this puts the app in lite mode (rf_tui/state/health.py).
SLOW = 0.5
_ENGINEER_OR_ADMIN = ("owner", "admin", "engineer")


@dataclass(frozen=True)
class Options:
    server: str
    token: str | None = None
    ca_bundle: str | None = None
    email: str | None = None
    #: Seconds to connect, as the app allows.
    connect_timeout: float = 5.0
    #: Seconds for each request, from connecting to the last byte (the app allows 15
    #: between reads): a slow server is told as slow by the speed check, not as down.
    step_timeout: float = 15.0
    #: Seconds for the stream's ``ready`` frame, on top of one round trip.
    ready_wait: float = 5.0
    #: Seconds to wait after ``ready`` for a keepalive; None: not measured.
    keepalive_wait: float | None = None


#: The names of the lines, in order; a run cut short lists the rest as skipped.
def names(options: Options) -> list[str]:
    found = ["address", "connection", "api", "clock", "sign-in", "role", "speed", "queue"]
    found += ["times", "metric", "stream"] + (["keepalive"] if options.keepalive_wait else [])
    return found


class _Blocked(Exception):
    """The rest cannot be checked; the reason names why, for the skipped lines."""


_TIME = TypeAdapter(datetime)


def zoneless(value: Any) -> bool:
    """A time the client reads, but without a zone (so it is taken as UTC)."""
    if not isinstance(value, str):
        return False
    try:
        return _TIME.validate_python(value).tzinfo is None
    except ValidationError:
        return False


class Doctor:
    def __init__(
        self,
        options: Options,
        *,
        clock: Callable[[], datetime] = system_clock,
        on_check: Callable[[Check], None] | None = None,
    ) -> None:
        self.options = options
        #: Told of each check as it is made, so a terminal sees a slow run progress.
        self.on_check = on_check
        self.clock = clock
        self.checks: list[Check] = []
        self.base = options.server.rstrip("/")
        self._client: Client | None = None
        self._round_trip = 0.0

    @property
    def client(self) -> Client:
        assert self._client is not None
        return self._client

    def add(self, name: str, status: Status, finding: str, advice: str = "") -> None:
        self.made(Check(name, status, finding, advice))

    def made(self, check: Check) -> None:
        self.checks.append(check)
        if self.on_check is not None:
            self.on_check(check)

    async def run(self) -> list[Check]:
        try:
            await self._steps()
        except _Blocked as blocked:
            self._skip_the_rest(str(blocked))
        except BrokenPipeError:
            raise  # the reader went away (| head): nothing the server did
        except Exception as exc:
            # A server can answer what nobody foresaw; the lines so far still help
            # more than a traceback would.
            step = next((n for n in names(self.options) if n not in self._done()), "doctor")
            self.add(
                step,
                "fail",
                f"rf-tui doctor could not read the answer ({type(exc).__name__}: "
                f"{one_line(str(exc), 80)})",
                "Report this to rf-tui's maintainers with the output of rf-tui doctor --json.",
            )
            self._skip_the_rest("rf-tui doctor stopped")
        finally:
            if self._client is not None:
                await self._client.aclose()
        return self.checks

    def _done(self) -> set[str]:
        return {c.name for c in self.checks}

    def _skip_the_rest(self, why: str) -> None:
        done = self._done()
        for name in names(self.options):
            if name not in done:
                self.add(name, "skip", f"not checked: {why}")

    async def _steps(self) -> None:
        self.address()
        self.open_client()
        await self.api()
        await self.sign_in()
        await self.queue()
        await self.metric()
        await self.stream()

    async def fetch(
        self,
        path: str,
        *,
        auth: bool,
        limit: int = SMALL_BODY,
        params: dict[str, str] | None = None,
    ) -> Answer:
        headers = self.client.auth_headers() if auth else {}
        wall, started = time.time(), time.monotonic()
        # httpx's timeouts are per read; this bounds a server that trickles.
        with anyio.fail_after(self.options.step_timeout):
            async with self.client.http.stream(
                "GET", path, headers=headers, params=params
            ) as response:
                body = await read_capped(response, limit)
        seconds = time.monotonic() - started
        middle = datetime.fromtimestamp(wall + seconds / 2, timezone.utc)
        return Answer(response, body, seconds, middle)

    def _problem(self, exc: BaseException) -> tuple[str, str]:
        o = self.options
        return transport_problem(exc, self.base, o.ca_bundle, o.step_timeout, o.connect_timeout)

    # ── address and connection ───────────────────────────────────────────────

    def address(self) -> None:
        shown = shown_url(self.options.server)
        parts = urlsplit(self.options.server)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.add(
                "address",
                "fail",
                f"{one_line(shown, 100)} is not a web address",
                "Give the server as https://host (or http://host:port on a trusted network).",
            )
            raise _Blocked("the address is not usable")
        path = parts.path.rstrip("/")
        if path.lower().endswith(API_PREFIX):
            self.base = urlunsplit((parts.scheme, parts.netloc, path[: -len(API_PREFIX)], "", ""))
            fixed = shown_url(self.base)
            self.add(
                "address",
                "fail",
                f"{shown} ends in {API_PREFIX}, which rf-tui adds itself: it would ask "
                f"{shown}{API_PREFIX}/…",
                f"Use --server {fixed} (or server = in the profile). "
                "The checks below use that address.",
            )
        elif parts.query or parts.fragment:
            self.base = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
            self.add(
                "address",
                "warn",
                f"{shown} has a ?query or #fragment, which an API address does not",
                f"Use --server {shown_url(self.base)}. The checks below use that address.",
            )
        elif parts.scheme == "http" and not is_loopback(parts.hostname):
            self.add(
                "address",
                "warn",
                f"{shown}: plain HTTP, so your password and token cross the network unencrypted",
                "Use https:// if the server offers it.",
            )
        else:
            self.add("address", "ok", shown)

    def open_client(self) -> None:
        verify: bool | ssl.SSLContext = True
        ca = self.options.ca_bundle
        if ca:
            try:
                verify = ssl.create_default_context(cafile=ca)
            except (OSError, ValueError) as exc:
                self.add(
                    "connection",
                    "fail",
                    f"cannot use the CA bundle {ca}: {one_line(str(exc), 80)}",
                    "Check the path (--ca-bundle, or ca_bundle = in the profile) and that the "
                    "file is PEM: it starts with -----BEGIN CERTIFICATE-----.",
                )
                raise _Blocked("the CA bundle is not usable") from None
        timeout = httpx.Timeout(self.options.step_timeout, connect=self.options.connect_timeout)
        self._client = Client(self.base, self.options.token, verify=verify, timeout=timeout)

    # ── the API root ─────────────────────────────────────────────────────────

    async def api(self) -> None:
        try:
            # Without the token: where the answer comes from is not known yet.
            first = await self.fetch("/users/me", auth=False)
        except (httpx.HTTPError, TimeoutError, ApiError) as exc:
            finding, advice = self._problem(exc)
            if await self._speaks_tls(exc):
                secure = shown_url(with_scheme(self.base, "https"))
                advice = f"That port speaks https: use --server {secure}"
            self.add("connection", "fail", finding, advice)
            raise _Blocked("no answer from the server") from None
        parts = urlsplit(self.base)
        how = "plain HTTP"
        if parts.scheme == "https":
            how = "TLS verified" + (
                f" with the CA bundle {self.options.ca_bundle}" if self.options.ca_bundle else ""
            )
        took = ms(first.seconds)
        proxy = env_proxy(self.base)
        via = f", through the proxy {proxy}" if proxy else ""
        self.add("connection", "ok", f"{host_port(self.base)} answered in {took}; {how}{via}")
        self._judge_api(first)
        if first.status == 404:
            await self._no_api(first)
        self.clock_check(first)

    async def _speaks_tls(self, exc: BaseException) -> bool:
        """After plain HTTP met a hang-up: does the same port answer https?"""
        plain = isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError)
        if not plain or urlsplit(self.base).scheme != "http":
            return False
        secure = with_scheme(self.base, "https") + API_PREFIX + "/users/me"
        try:
            await self.fetch(secure, auth=False)
        except httpx.ConnectError as refused:
            # A certificate we do not trust is still TLS spoken on that port.
            return any(isinstance(e, ssl.SSLCertVerificationError) for e in error_chain(refused))
        except (httpx.HTTPError, TimeoutError, ApiError):
            return False
        return True

    def _judge_api(self, first: Answer) -> None:
        where = shown_url(self.base) + API_PREFIX
        status = first.status
        if 300 <= status < 400:
            raw = first.response.headers.get("location", "")
            target = one_line(shown_url(raw), 100) or "nowhere (no Location header)"
            advice = (
                "rf-tui never follows a redirect with your sign-in. Use the address the API "
                "answers at itself."
            )
            went, base = urlsplit(raw), urlsplit(self.base)
            if (went.scheme, base.scheme) == ("https", "http") and went.hostname == base.hostname:
                # The same host on https: the address only needs its scheme changed.
                secure = urlunsplit(("https", went.netloc, base.path, "", ""))
                advice = f"The server wants https: use --server {shown_url(secure)}"
            elif re.search(r"login|signin|sign-in|sso|saml|oauth|auth", raw, re.I):
                advice = (
                    "A sign-in page is in front of the API (an SSO proxy). rf-tui signs in with "
                    "a bearer token: ask for the API address that takes one."
                )
            self.add("api", "fail", f"{where} redirects (HTTP {status}) to {target}", advice)
            raise _Blocked("the API did not answer")
        if first.is_html:
            text = first.body[:65536].decode("utf-8", "replace")
            if "plain http request was sent to https port" in text.lower():
                secure = with_scheme(self.base, "https")
                self.add(
                    "api",
                    "fail",
                    "plain HTTP went to a port that speaks https",
                    f"Use --server {shown_url(secure)}",
                )
                raise _Blocked("the API did not answer")
            title = html_title(first.body)
            page = f"an HTML page ('{title}')" if title else "an HTML page"
            self.add(
                "api",
                "fail",
                f"{where} answered with {page}, not the API's JSON: a sign-in page or a proxy "
                "in front of it",
                "Check the address. If it is right, whoever runs the proxy must pass "
                f"{API_PREFIX} through to ResolutionFlow as it is: rf-tui signs in with a "
                "bearer token, not a web page.",
            )
            raise _Blocked("the API did not answer")
        if status == 404:
            return  # _no_api looks further
        if status >= 500:
            self.add(
                "api",
                "fail",
                f"{where} answered HTTP {status}: the server had a problem",
                "A proxy may answer while ResolutionFlow behind it is down. Try again in a "
                "minute, then tell whoever runs it.",
            )
            raise _Blocked("the API did not answer")
        if not first.is_json:
            kind = first.content_type or "no content type"
            self.add(
                "api",
                "fail",
                f"{where} answered HTTP {status} with {one_line(kind, 40)}, not JSON",
                "Is this a ResolutionFlow server? Check the address.",
            )
            raise _Blocked("the API did not answer")
        if status not in (200, 401, 403):
            self.add(
                "api",
                "fail",
                f"{where}/users/me answered HTTP {status}",
                "Is this a ResolutionFlow server? Check the address.",
            )
            raise _Blocked("the API did not answer")
        self.add("api", "ok", f"the API answers at {where}")

    async def _no_api(self, first: Answer) -> None:
        where = shown_url(self.base) + API_PREFIX
        parts = urlsplit(self.base)
        advice = (
            "If the API is published under a path (say https://host/rf/api/v1), put that path "
            "in the address: --server https://host/rf."
        )
        if parts.path.strip("/"):
            origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
            try:
                there = await self.fetch(f"{origin}{API_PREFIX}/users/me", auth=False)
            except (httpx.HTTPError, TimeoutError, ApiError):
                there = None
            if there is not None and there.is_json and there.status in (200, 401, 403):
                advice = (
                    f"The API answers at {shown_url(origin)}{API_PREFIX}: drop the path, "
                    f"--server {shown_url(origin)}"
                )
        self.add("api", "fail", f"nothing answers at {where} (HTTP 404)", advice)
        self.clock_check(first)
        raise _Blocked("the API was not found")

    # ── the clock ────────────────────────────────────────────────────────────

    def clock_check(self, answer: Answer) -> None:
        if any(c.name == "clock" for c in self.checks):
            return
        raw = answer.response.headers.get("date")
        try:
            theirs = parsedate_to_datetime(raw) if raw else None
        except (TypeError, ValueError):
            theirs = None
        if theirs is None or theirs.tzinfo is None:
            self.add("clock", "skip", "not compared: the server sends no usable Date header")
            return
        offset = (theirs - answer.middle).total_seconds()
        if abs(offset) <= SKEW_WARN:
            self.add("clock", "ok", "agrees with this machine's to within a minute")
            return
        ahead = "ahead of" if offset > 0 else "behind"
        self.add(
            "clock",
            "warn",
            f"the server's clock is {span(offset)} {ahead} this machine's (its Date header)",
            "rf-tui reads ages on the server's clock and says so on its status line, but "
            "times of day, logs and other tools will disagree. Check this machine's clock "
            "first (is NTP on? timedatectl on Linux); if it is right, tell whoever runs the "
            "server.",
        )

    # ── sign-in, role, speed ─────────────────────────────────────────────────

    async def sign_in(self) -> None:
        shown = shown_url(self.base)
        login = f"rf-tui login --server {shown} --email {self.options.email or 'you@msp.example'}"
        if not self.options.token:
            self.add(
                "sign-in",
                "fail",
                f"no token for {shown}",
                f"Sign in: {login} (or pass a token from SSO with --token or RF_TUI_TOKEN).",
            )
            raise _Blocked("not signed in")
        try:
            me = await self.fetch("/users/me", auth=True)
        except (httpx.HTTPError, TimeoutError, ApiError) as exc:
            self.add("sign-in", "fail", *self._problem(exc))
            raise _Blocked("the server stopped answering") from None
        if me.status == 401:
            self.add(
                "sign-in",
                "fail",
                "the server refused the token: it has expired, was revoked, or is for another "
                "server",
                f"Sign in again: {login}",
            )
            raise _Blocked("not signed in")
        if me.status == 403:
            detail = me.detail() or "no reason given"
            advice = "Ask an admin of your ResolutionFlow account."
            if "account" in detail.lower():
                advice = "Your user belongs to no account: ask an admin to add you to one."
            self.add("sign-in", "fail", f"signed in, but refused: '{detail}'", advice)
            raise _Blocked("signed in, but refused")
        try:
            data = me.json() if me.status == 200 else None
            who = Me.model_validate(data)
        except (ValueError, ValidationError):
            self.add(
                "sign-in",
                "fail",
                f"/users/me answered HTTP {me.status}, not the signed-in user",
                "Is this a ResolutionFlow server? Check the address.",
            )
            raise _Blocked("the signed-in user is unknown") from None
        name = one_line(who.name or who.email or who.id, 40)
        email = f" <{one_line(who.email, 60)}>" if who.email and who.name else ""
        self.add("sign-in", "ok", f"signed in as {name}{email}")
        self.role(who, data)
        self.speed(me)

    def role(self, who: Me, data: Any) -> None:
        role = one_line(who.account_role, 30)
        given = isinstance(data, dict) and data.get("account_role") not in (None, "")
        if role in _ENGINEER_OR_ADMIN and given:
            self.add("role", "ok", f"{role}: sees and claims the queue")
            return
        if role == "viewer" or not given:
            said = "viewer" if given else "no role given (no account_role), so a viewer"
            self.add(
                "role",
                "fail",
                f"{said}: may sign in, but not see or claim the queue",
                "Ask an admin of your ResolutionFlow account for the engineer role.",
            )
            raise _Blocked("a viewer may not use the queue")
        self.add(
            "role",
            "fail",
            f"'{role}' is not a role rf-tui knows, so it treats you as a viewer (no claims)",
            "rf-tui knows owner, admin, engineer and viewer: ask for the engineer role.",
        )

    def speed(self, me: Answer) -> None:
        self._round_trip = me.seconds
        took = ms(me.seconds)
        if me.seconds <= SLOW:
            self.add("speed", "ok", f"a request takes {took}")
            return
        self.add(
            "speed",
            "warn",
            f"a request takes {took}: on a link this slow the app switches to lite mode",
            "Nothing to fix in rf-tui; --lite (or lite = true) starts that way. A VPN or proxy "
            "in the way may be what is slow.",
        )

    # ── the queue ────────────────────────────────────────────────────────────

    async def queue(self) -> None:
        rows = await self._fetch_rows()
        if rows is None:
            self.add("times", "skip", "not checked: the queue could not be read")
            return
        data, parsed = rows
        self.made(self._judge_rows(data, parsed.skipped))
        self.made(self._judge_times(data, parsed.entries))

    async def _fetch_rows(self) -> tuple[list[Any], Rows] | None:
        """The queue as sent and as parsed; None (and a failed line) if it cannot be read."""
        try:
            answer = await self.fetch("/ai-sessions/queue", auth=True, limit=MAX_BODY)
        except (httpx.HTTPError, TimeoutError, ApiError) as exc:
            self.add("queue", "fail", *self._problem(exc))
            return None
        said = None
        if answer.status != 200:
            detail = answer.detail()
            said = f"the queue answered HTTP {answer.status}" + (f": '{detail}'" if detail else "")
        else:
            try:
                data = answer.json()
                return data, parse_rows(data)
            except (ValueError, ApiError) as exc:
                sentence = exc.message if isinstance(exc, ApiError) else "The queue is not JSON."
                said = f"{sentence[:1].lower()}{sentence[1:].rstrip('.')}"
        self.add(
            "queue", "fail", said, "Tell whoever runs the server; the app cannot show the queue."
        )
        return None

    def _judge_rows(self, data: list[Any], skipped: list[str]) -> Check:
        total = len(data)
        if not skipped:
            if total == 0:
                return Check("queue", "ok", "nobody is waiting, so no rows to check")
            return Check("queue", "ok", f"{total} waiting; every row reads")
        listed = "; ".join(skipped[:3]) + (
            f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        )
        return Check(
            "queue",
            "fail",
            f"{len(skipped)} of {total} rows cannot be read, so rf-tui leaves "
            f"{'it' if len(skipped) == 1 else 'them'} out: {listed}",
            f"{'That escalation is' if len(skipped) == 1 else 'Those escalations are'} missing "
            "from every rf-tui queue until the backend sends "
            f"{'it' if len(skipped) == 1 else 'them'} whole: send this line to whoever runs it.",
        )

    def _judge_times(self, data: list[Any], entries: list[QueueEntry]) -> Check:
        """Times without a zone (read as UTC), and rows from the future (the clocks)."""
        if not data:
            return Check("times", "skip", "not checked: no rows to read times from")
        naive: dict[str, int] = {}
        for item in data:
            if isinstance(item, dict):
                for key in ("created_at", "claimed_at"):
                    if zoneless(item.get(key)):
                        naive[key] = naive.get(key, 0) + 1
        if naive:
            fields = ", ".join(f"{key} ({n} of {len(data)} rows)" for key, n in naive.items())
            return Check(
                "times",
                "warn",
                f"without a zone in {fields}; rf-tui reads them as UTC",
                "If the server writes local time, ages are off by its UTC offset: ask whoever "
                "runs it to send times with an offset (+00:00 or Z).",
            )
        now = self.clock()
        ahead = [e for e in entries if e.created_at - now > timedelta(seconds=SKEW_WARN)]
        if ahead:
            first = max(ahead, key=lambda e: e.created_at)
            by = span((first.created_at - now).total_seconds())
            rows = "1 row was" if len(ahead) == 1 else f"{len(ahead)} rows were"
            return Check(
                "times",
                "warn",
                f"{rows} created in the future by this machine's clock "
                f"({one_line(first.id, 40)}: {by} ahead)",
                "Ages will read 'now' until then: compare the clocks (see clock).",
            )
        return Check("times", "ok", "every time has a zone, and none is in the future")

    # ── the metric ───────────────────────────────────────────────────────────

    async def metric(self) -> None:
        path = "/analytics/flowpilot/escalations"
        try:
            answer = await self.fetch(path, auth=True, params={"period": "7d"})
        except (httpx.HTTPError, TimeoutError, ApiError) as exc:
            finding, advice = self._problem(exc)
            self.add("metric", "warn", finding, advice)
            return
        unseen = "the line above the queue shows the metric as unavailable; everything else works"
        if answer.status == 404:
            self.add(
                "metric",
                "warn",
                f"not offered (HTTP 404): {unseen}",
                f"Only if you want the metric: the backend needs {API_PREFIX}{path}.",
            )
            return
        if answer.status != 200:
            detail = answer.detail()
            said = f"HTTP {answer.status}" + (f": '{detail}'" if detail else "")
            self.add(
                "metric", "warn", f"refused ({said}): {unseen}", "Tell whoever runs the server."
            )
            return
        try:
            metrics = EscalationMetrics.model_validate(answer.json())
        except (ValueError, ValidationError):
            self.add(
                "metric",
                "warn",
                f"its answer is not the metric's shape: {unseen}",
                "Tell whoever runs the server.",
            )
            return
        median = duration(metrics.median_seconds_to_first_action)
        self.add(
            "metric",
            "ok",
            f"offered: median first action {median}, "
            f"{metrics.n_handoffs_claimed} claimed in 7 days",
        )

    # ── the stream ───────────────────────────────────────────────────────────

    async def stream(self) -> None:
        # A slow server is slow for the stream too: one round trip more is not a proxy.
        wait = min(self.options.step_timeout, self.options.ready_wait + self._round_trip)
        headers = {**self.client.auth_headers(), "accept": "text/event-stream"}
        seen = await read_stream(
            self.client.http,
            headers,
            wait=wait,
            keepalive_wait=self.options.keepalive_wait,
            connect_timeout=self.options.connect_timeout,
        )
        self.made(judge_stream(seen, wait, self.base, self.options.ca_bundle))
        if self.options.keepalive_wait:
            self.made(judge_keepalive(seen, self.options.keepalive_wait))
