"""`rf-tui doctor` against the real reference server, and against a stand-in for each
broken shape a real backend (or what stands in front of it) has."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from rf_tui import cli
from rf_tui.doctor.checks import Doctor, Options
from rf_tui.server.config import ServerConfig
from rf_tui.text import cell_len
from tests.canned import response
from tests.helpers import DANA, VIC, FakeClock, Running, serving_tls
from tests.hostile.server import API, ME, STREAM_HEADERS, Hostile, entry, frame
from tests.test_scripting import as_user, token

ORDER = ["address", "connection", "api", "clock", "sign-in", "role", "speed", "queue",
         "times", "metric", "stream"]  # fmt: skip
ME_PATH = ("GET", f"{API}/users/me")
STREAM_PATH = ("GET", f"{API}/ai-sessions/escalations/stream")


@pytest.fixture
def server_config(clock: FakeClock) -> ServerConfig:
    # A short keepalive, so --wait-keepalive has something to time.
    return ServerConfig(clock=clock, keepalive_seconds=0.3, assessment_delay=0.05)


@pytest.fixture(autouse=True)
def _no_proxy_from_the_developer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy in the test run's own environment would change every connection line."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.lower(), raising=False)


def doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    """Exit code and the JSON report, its checks by name."""
    code = cli.main(["doctor", "--json", *argv])
    report = json.loads(capsys.readouterr().out)
    report["by_name"] = {c["name"]: c for c in report["checks"]}
    return code, report


def hostile_url(hostile: Hostile) -> list[str]:
    hostile.start_in_thread()
    return ["--server", hostile.url, "--token", "t"]


# ── A healthy backend ────────────────────────────────────────────────────────


def test_a_healthy_server_is_all_ok_in_80_columns(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = token(running)
    started = time.monotonic()
    code = cli.main(["doctor", "--server", running.url, "--token", secret])
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"rf-tui doctor: {running.url}"
    rows = [line.split() for line in lines[2:-2]]
    assert [row[1] for row in rows if not line_continues(row)] == ORDER
    assert {row[0] for row in rows if not line_continues(row)} == {"ok"}
    assert lines[-1] == "All 11 checks ok."
    assert "signed in as Dana Whitfield <dana@northwind.example>" in out
    assert "3 waiting; every row reads" in out and "live: ready after" in out
    assert "every time has a zone, and none is in the future" in out
    assert all(cell_len(line) <= 80 for line in lines)
    assert "\x1b" not in out  # not a terminal: no colours
    assert secret not in out
    # No step sat out a timeout: the stream's ready came at once.
    assert took < 5.0


def line_continues(row: list[str]) -> bool:
    return not row or row[0] not in ("ok", "warn", "FAIL", "skip")


def test_json_is_one_object_for_ci(running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = doctor(capsys, *as_user(running))
    assert code == 0
    assert report["status"] == "ok" and report["exit_code"] == 0
    assert report["server"] == running.url and report["profile"] is None
    assert [c["name"] for c in report["checks"]] == ORDER
    for check in report["checks"]:
        assert set(check) == {"name", "status", "finding", "advice"}
        assert check["status"] == "ok" and check["advice"] is None and check["finding"]


def test_wait_keepalive_times_the_servers_keepalive(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = doctor(capsys, "--wait-keepalive", *as_user(running))
    assert code == 0
    keepalive = report["by_name"]["keepalive"]
    assert keepalive["status"] == "ok"
    assert "came after 0.3 s of silence" in keepalive["finding"]  # the server's 0.3 s


def test_a_profile_is_used_and_named(
    running: Running, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rf_tui import paths

    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[profiles.lab]\nserver = "{running.url}"\n')
    monkeypatch.setenv("RF_TUI_TOKEN", token(running))
    code, report = doctor(capsys, "--profile", "lab")
    assert code == 0 and report["profile"] == "lab" and report["server"] == running.url


# ── Sign-in and role ─────────────────────────────────────────────────────────


def test_a_viewer_is_told_the_role_and_the_queue_is_not_checked(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = doctor(capsys, *as_user(running, VIC))
    checks = report["by_name"]
    assert code == 1 and report["status"] == "fail"
    assert checks["sign-in"]["status"] == "ok"
    assert checks["role"]["status"] == "fail"
    assert checks["role"]["finding"].startswith("viewer: may sign in, but not see or claim")
    assert "engineer role" in checks["role"]["advice"]
    for name in ("speed", "queue", "metric", "stream"):
        assert checks[name] == {
            "name": name,
            "status": "skip",
            "finding": "not checked: a viewer may not use the queue",
            "advice": None,
        }


def test_no_token_and_a_refused_token_say_how_to_sign_in(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = doctor(capsys, "--server", running.url)
    signin = report["by_name"]["sign-in"]
    assert code == 1 and signin["status"] == "fail"
    assert signin["finding"] == f"no token for {running.url}"
    assert f"rf-tui login --server {running.url} --email" in signin["advice"]
    assert report["by_name"]["clock"]["status"] == "ok"  # told before sign-in

    code, report = doctor(capsys, "--server", running.url, "--token", "not-a-token")
    signin = report["by_name"]["sign-in"]
    assert code == 1 and signin["status"] == "fail"
    assert "refused the token" in signin["finding"]
    assert report["by_name"]["queue"]["finding"] == "not checked: not signed in"


# ── The address and the API root ─────────────────────────────────────────────


def test_api_v1_in_the_address_is_named_and_the_rest_checked_without_it(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = doctor(capsys, "--server", running.url + "/api/v1", "--token", token(running))
    address = report["by_name"]["address"]
    assert code == 1 and address["status"] == "fail"
    assert f"it would ask {running.url}/api/v1/api/v1/" in address["finding"]
    assert address["advice"].startswith(f"Use --server {running.url} ")
    assert [c["status"] for c in report["checks"][1:]] == ["ok"] * (len(ORDER) - 1)


def test_a_path_that_is_not_the_apis_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    hostile.start_in_thread()
    code, report = doctor(capsys, "--server", hostile.url + "/rf", "--token", "t")
    api = report["by_name"]["api"]
    assert code == 1 and api["status"] == "fail"
    assert api["finding"] == f"nothing answers at {hostile.url}/rf/api/v1 (HTTP 404)"
    assert api["advice"] == (
        f"The API answers at {hostile.url}/api/v1: drop the path, --server {hostile.url}"
    )
    assert report["by_name"]["sign-in"]["status"] == "skip"


def test_an_api_under_a_path_the_address_lacks(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    hostile.routes[ME_PATH] = response(404, '{"detail": "Not Found"}')
    code, report = doctor(capsys, *hostile_url(hostile))
    api = report["by_name"]["api"]
    assert code == 1 and api["status"] == "fail"
    assert "put that path in the address: --server https://host/rf" in api["advice"]


def test_html_at_the_api_root_is_a_sign_in_page_or_proxy_shown_literally(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = "<!doctype html><html><head><title>\x1b]2;pwned\x07Sign in · Okta</title></head>"
    hostile = Hostile()
    hostile.routes[ME_PATH] = response(200, page, content_type="text/html; charset=utf-8")
    args = hostile_url(hostile)
    code, report = doctor(capsys, *args)
    api = report["by_name"]["api"]
    assert code == 1 and api["status"] == "fail"
    assert "answered with an HTML page ('␛]2;pwned␇Sign in · Okta')" in api["finding"]
    assert "a sign-in page or a proxy in front of it" in api["finding"]
    assert report["by_name"]["queue"]["finding"] == "not checked: the API did not answer"

    assert cli.main(["doctor", *args]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "␛]2;pwned␇Sign in" in out


def test_a_redirect_says_where_it_goes(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    sso = "https://sso.example.com/login?next=/api/v1/users/me"
    hostile.routes[ME_PATH] = response(302, "", headers={"location": sso})
    code, report = doctor(capsys, *hostile_url(hostile))
    api = report["by_name"]["api"]
    assert code == 1
    assert api["finding"] == f"{hostile.url}/api/v1 redirects (HTTP 302) to {sso}"
    assert "A sign-in page is in front of the API" in api["advice"]


# ── Reachability and TLS ─────────────────────────────────────────────────────


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_and_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    code, report = doctor(capsys, "--server", f"http://127.0.0.1:{port}", "--token", "t")
    connection = report["by_name"]["connection"]
    assert code == 1 and connection["status"] == "fail"
    assert (
        connection["finding"] == f"127.0.0.1:{port} refused the connection: nothing listens there"
    )
    assert report["by_name"]["api"]["finding"] == "not checked: no answer from the server"

    code, report = doctor(capsys, "--server", "https://rf.invalid", "--token", "t")
    connection = report["by_name"]["connection"]
    assert code == 1
    assert connection["finding"] == "the name rf.invalid does not resolve (DNS)"
    assert "VPN" in connection["advice"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with serving_tls(ca.issue_cert("127.0.0.1", "localhost"), ca, tmp_path) as found:
        yield found


def test_tls_a_private_ca_its_bundle_and_https_on_a_plain_port(
    tls_server: tuple[str, Path],
    running: Running,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, ca_file = tls_server
    code, report = doctor(capsys, "--server", url, "--token", "t")
    connection = report["by_name"]["connection"]
    assert code == 1 and connection["status"] == "fail"
    assert "TLS certificate of 127.0.0.1 could not be verified" in connection["finding"]
    assert "--ca-bundle PATH" in connection["advice"]

    answer = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": DANA, "password": "demo-password"},
        verify=ssl.create_default_context(cafile=str(ca_file)),
    )
    secret = answer.json()["access_token"]
    code, report = doctor(capsys, "--server", url, "--token", secret, "--ca-bundle", str(ca_file))
    assert code == 0, report
    assert report["by_name"]["connection"]["finding"].endswith(
        f"TLS verified with the CA bundle {ca_file}"
    )

    missing = tmp_path / "nope.pem"
    code, report = doctor(capsys, "--server", url, "--token", "t", "--ca-bundle", str(missing))
    connection = report["by_name"]["connection"]
    assert code == 1 and connection["finding"].startswith(f"cannot use the CA bundle {missing}")

    code, report = doctor(capsys, "--server", url.replace("https://", "http://"), "--token", "t")
    connection = report["by_name"]["connection"]
    assert code == 1
    assert connection["finding"].endswith("closed the connection without an HTTP answer")
    assert connection["advice"] == f"That port speaks https: use --server {url}"

    plain = running.url.replace("http://", "https://")
    code, report = doctor(capsys, "--server", plain, "--token", "t")
    connection = report["by_name"]["connection"]
    assert code == 1
    assert connection["finding"].endswith("does not speak TLS: https:// went to a plain-HTTP port")
    assert running.url in connection["advice"]


# ── The queue ────────────────────────────────────────────────────────────────


def test_times_without_a_zone_are_a_warning_naming_the_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    hostile.queue = [entry(1, created_at="2026-11-23T11:59:00.123"), entry(2)]
    code, report = doctor(capsys, *hostile_url(hostile))
    times = report["by_name"]["times"]
    assert code == 0 and report["status"] == "warn"
    assert report["by_name"]["queue"]["status"] == "ok"
    assert times["status"] == "warn"
    assert (
        times["finding"] == "without a zone in created_at (1 of 2 rows); rf-tui reads them as UTC"
    )
    assert "+00:00 or Z" in times["advice"]


def test_a_row_that_does_not_parse_fails_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    hostile.queue = [entry(1), entry(2, created_at="yesterday"), {"session_id": "s9"}]
    code, report = doctor(capsys, *hostile_url(hostile))
    queue = report["by_name"]["queue"]
    assert code == 1 and queue["status"] == "fail"
    assert queue["finding"].startswith("2 of 3 rows cannot be read, so rf-tui leaves them out: ")
    assert "row 2 (h2): created_at: Input should be a valid datetime" in queue["finding"]
    assert "row 3: id: Field required" in queue["finding"]
    assert "missing from every rf-tui queue" in queue["advice"]


def test_rows_from_the_future_point_at_the_clocks(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    later = datetime.now(timezone.utc) + timedelta(minutes=10)
    hostile.queue = [entry(1, created_at=later.isoformat())]
    code, report = doctor(capsys, *hostile_url(hostile))
    times = report["by_name"]["times"]
    assert code == 0 and times["status"] == "warn"
    assert times["finding"] == (
        "1 row was created in the future by this machine's clock (h1: about 10 min ahead)"
    )


# ── The clock, the metric ────────────────────────────────────────────────────


@pytest.mark.parametrize(("minutes", "said"), [(10, "ahead of"), (-125, "behind")])
def test_a_skewed_date_header_says_by_how_much_and_which_is_ahead(
    capsys: pytest.CaptureFixture[str], minutes: int, said: str
) -> None:
    hostile = Hostile()
    skewed = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    date = format_datetime(skewed, usegmt=True)
    hostile.routes[ME_PATH] = response(200, json.dumps(ME), headers={"date": date})
    code, report = doctor(capsys, *hostile_url(hostile))
    clock = report["by_name"]["clock"]
    assert code == 0 and clock["status"] == "warn"
    span = {10: "about 10 min", -125: "about 2 h 5 min"}[minutes]
    assert (
        clock["finding"] == f"the server's clock is {span} {said} this machine's (its Date header)"
    )
    assert "NTP" in clock["advice"]


def test_a_server_without_the_metric_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    hostile.routes[("GET", f"{API}/analytics/flowpilot/escalations")] = response(
        404, '{"detail": "Not Found"}'
    )
    code, report = doctor(capsys, *hostile_url(hostile))
    metric = report["by_name"]["metric"]
    assert code == 0 and report["status"] == "warn"
    assert metric["status"] == "warn"
    assert metric["finding"].startswith("not offered (HTTP 404): the line above the queue")
    assert {c["status"] for c in report["checks"] if c["name"] != "metric"} <= {"ok", "skip"}
    assert cli.main(["doctor", "--server", hostile.url, "--token", "t"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == "1 warning, 1 not checked: rf-tui works, without what it names."


# ── The stream ───────────────────────────────────────────────────────────────


async def held(writer: asyncio.StreamWriter) -> None:
    """A buffering proxy: the stream's headers, then nothing it holds back."""
    writer.write(response(200, b"", content_type="text/event-stream", length=False,
                          headers=STREAM_HEADERS))  # fmt: skip
    await writer.drain()
    await asyncio.Event().wait()


def test_a_stream_that_never_sends_ready_is_a_buffering_proxy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    hostile.routes[STREAM_PATH] = held
    started = time.monotonic()
    code, report = doctor(capsys, "--ready-wait", "0.5", *hostile_url(hostile))
    took = time.monotonic() - started
    stream = report["by_name"]["stream"]
    assert code == 0 and stream["status"] == "warn"
    assert "then no ready frame within 0.5 s" in stream["finding"]
    assert "a buffering proxy" in stream["finding"]
    assert "fetching the queue every 5 s" in stream["advice"]  # as the app does
    assert "`proxy_buffering off;`" in stream["advice"]
    assert took < 5.0  # the wait is the one asked for


def test_keepalives_without_ready_are_told_apart_from_buffering(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    hostile.stream_preamble = b""  # its keepalives still come every 0.1 s
    code, report = doctor(capsys, "--ready-wait", "0.5", *hostile_url(hostile))
    stream = report["by_name"]["stream"]
    assert code == 0 and stream["status"] == "warn"
    assert stream["finding"] == "keepalives came but no ready frame within 0.5 s"


def test_a_compressed_stream_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    squeeze = zlib.compressobj(wbits=31)  # gzip
    body = squeeze.compress(frame("ready", {"account_id": "acct"})) + squeeze.flush(
        zlib.Z_SYNC_FLUSH
    )

    async def gzipped(writer: asyncio.StreamWriter) -> None:
        headers = {**STREAM_HEADERS, "content-encoding": "gzip"}
        writer.write(response(200, body, content_type="text/event-stream", length=False,
                              headers=headers))  # fmt: skip
        await writer.drain()
        await asyncio.Event().wait()

    hostile = Hostile()
    hostile.routes[STREAM_PATH] = gzipped
    code, report = doctor(capsys, *hostile_url(hostile))
    stream = report["by_name"]["stream"]
    assert code == 0 and stream["status"] == "warn"
    assert "but the stream is compressed (gzip)" in stream["finding"]
    assert "`gzip off;`" in stream["advice"]


def test_a_stream_refused_or_not_an_event_stream_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    hostile.routes[STREAM_PATH] = response(200, "[]")
    code, report = doctor(capsys, *hostile_url(hostile))
    stream = report["by_name"]["stream"]
    assert code == 1
    assert stream["finding"] == "the stream answered with application/json, not text/event-stream"

    hostile = Hostile()
    hostile.routes[STREAM_PATH] = response(404, '{"detail": "Not Found"}')
    code, report = doctor(capsys, *hostile_url(hostile))
    assert code == 1 and report["by_name"]["stream"]["finding"] == "the stream answered HTTP 404"


# ── What is never shown, what is never loaded ────────────────────────────────


def test_never_the_token_nor_a_password_in_the_address(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    hostile.start_in_thread()
    server = hostile.url.replace("http://", "http://ops:s3cret@")
    secret = "tok-4f9a2c-very-secret"
    for form in (["--json"], []):
        code = cli.main(["doctor", *form, "--server", server, "--token", secret])
        out, err = capsys.readouterr()
        assert code == 0, out
        assert "ops:***@127.0.0.1" in out
        assert "s3cret" not in out + err and secret not in out + err


def test_doctor_never_imports_textual(running: Running) -> None:
    probe = (
        "import sys; from rf_tui import cli; code = cli.main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual imported'; raise SystemExit(code)"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-c", probe, "doctor", *as_user(running)],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    assert "All 11 checks ok." in done.stdout


def test_help_says_the_exit_codes_and_the_waits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["doctor", "--help"])
    out = capsys.readouterr().out
    assert "exit codes:\n  0    every check ok, or only warnings" in out
    assert '"checks": [{"name", "status", "finding", "advice"}]' in out
    assert "--wait-keepalive" in out and "--ready-wait S" in out
    assert "Whether the server announces\nclaims is not checked" in out


def test_no_server_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["doctor"]) == 2
    assert "which server?" in capsys.readouterr().err


# ── Every step is bounded; a slow server is slow, not a proxy ────────────────


async def test_a_server_that_never_answers_ends_the_run_in_its_timeout() -> None:
    release = asyncio.Event()

    async def stuck(writer: asyncio.StreamWriter) -> None:
        await release.wait()

    async with Hostile() as hostile:
        hostile.routes[ME_PATH] = stuck
        started = time.monotonic()
        checks = await Doctor(Options(hostile.url, "t", step_timeout=0.3)).run()
        took = time.monotonic() - started
        release.set()
    by_name = {c.name: c for c in checks}
    port = hostile.url.rsplit(":", 1)[1]
    assert by_name["connection"].status == "fail"
    assert by_name["connection"].finding == (
        f"127.0.0.1:{port} accepted the connection but did not answer within 0.3 s"
    )
    assert took < 3.0


def test_a_slow_server_gets_its_round_trip_on_top_of_the_ready_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def slow_me(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.4)  # the server's own pace, as `serve --quirk slow` has
        writer.write(response(200, json.dumps(ME)))
        await writer.drain()

    async def slow_stream(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.4)
        writer.write(response(200, frame("ready", {}), content_type="text/event-stream",
                              length=False, headers=STREAM_HEADERS))  # fmt: skip
        await writer.drain()
        await asyncio.Event().wait()

    hostile = Hostile()
    hostile.routes[ME_PATH] = slow_me
    hostile.routes[STREAM_PATH] = slow_stream
    code, report = doctor(capsys, "--ready-wait", "0.2", *hostile_url(hostile))
    assert code == 0
    assert report["by_name"]["speed"]["status"] == "ok"  # 400 ms: under the app's 500
    assert report["by_name"]["stream"]["status"] == "ok"
    assert report["by_name"]["stream"]["finding"].startswith("live: ready after 4")


def test_colour_only_on_a_terminal_and_never_under_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rf_tui.cli.doctor import wants_colour
    from rf_tui.doctor import render
    from rf_tui.doctor.checks import Check

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour()
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert not wants_colour()

    checks = [Check("queue", "fail", "a finding", "advice")]
    assert "\x1b[1;31mFAIL\x1b[0m  queue" in render.text(checks, "http://h", None, colour=True)
    assert "\x1b" not in render.text(checks, "http://h", None, colour=False)


def test_a_stream_that_ends_at_once_is_not_taken_for_a_proxy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    opened = response(200, b"", content_type="text/event-stream", length=False,
                      headers=STREAM_HEADERS)  # fmt: skip
    hostile = Hostile()
    hostile.routes[STREAM_PATH] = opened  # and closed: no frame at all
    code, report = doctor(capsys, *hostile_url(hostile))
    stream = report["by_name"]["stream"]
    assert code == 1 and stream["status"] == "fail"
    assert stream["finding"].startswith("the stream ended ")
    assert stream["finding"].endswith(" after it was asked for, before any frame")

    hostile = Hostile()
    hostile.routes[STREAM_PATH] = opened + frame("ready", {"account_id": "acct"})
    code, report = doctor(capsys, "--wait-keepalive", *hostile_url(hostile))
    keepalive = report["by_name"]["keepalive"]
    assert code == 0 and report["by_name"]["stream"]["status"] == "ok"
    assert keepalive["status"] == "warn"
    assert keepalive["finding"].startswith("the stream was cut ")
    assert "proxy_read_timeout" in keepalive["advice"]


def test_a_check_that_trips_is_a_line_not_a_traceback(
    running: Running, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def trips(data: object) -> object:
        raise RuntimeError("an answer nobody foresaw")

    monkeypatch.setattr("rf_tui.doctor.checks.parse_rows", trips)
    code, report = doctor(capsys, *as_user(running))
    checks = report["by_name"]
    assert code == 1
    assert checks["speed"]["status"] == "ok"  # the lines before it stand
    assert checks["queue"]["finding"] == (
        "rf-tui doctor could not read the answer (RuntimeError: an answer nobody foresaw)"
    )
    assert checks["stream"]["finding"] == "not checked: rf-tui doctor stopped"


def test_a_proxy_from_the_environment_is_named_as_the_first_hop(
    running: Running, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rf_tui.doctor.wire import env_proxy

    port = closed_port()
    dana = as_user(running)
    monkeypatch.setenv("HTTP_PROXY", f"http://ops:s3cret@127.0.0.1:{port}")
    code, report = doctor(capsys, *dana)
    connection = report["by_name"]["connection"]
    assert code == 1
    assert connection["finding"] == (
        f"the proxy http://ops:***@127.0.0.1:{port} (HTTPS_PROXY or HTTP_PROXY) could not be "
        "reached"
    )
    assert connection["advice"].endswith("NO_PROXY=127.0.0.1.")
    assert "s3cret" not in json.dumps(report)

    monkeypatch.setenv("NO_PROXY", "example.com,127.0.0.1")
    assert env_proxy("http://127.0.0.1:8765") is None
    assert env_proxy("http://rf.example.com") is None
    assert env_proxy("http://rf.example.org") == f"http://ops:***@127.0.0.1:{port}"
    code, report = doctor(capsys, *dana)
    assert code == 0


@pytest.mark.parametrize(
    ("issued", "said"),
    [
        ({"identities": ("rf.example.test",)}, "is not for the name 127.0.0.1"),
        (
            {
                "identities": ("127.0.0.1",),
                "not_before": datetime(2024, 1, 1, tzinfo=timezone.utc),
                "not_after": datetime(2025, 1, 1, tzinfo=timezone.utc),
            },
            "of 127.0.0.1 has expired",
        ),
    ],
)
def test_a_certificate_for_another_name_or_out_of_date(
    ca: trustme.CA,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    issued: dict[str, Any],
    said: str,
) -> None:
    names = issued.pop("identities")
    with serving_tls(ca.issue_cert(*names, **issued), ca, tmp_path) as (url, ca_file):
        code, report = doctor(capsys, "--server", url, "--token", "t", "--ca-bundle", str(ca_file))
    connection = report["by_name"]["connection"]
    assert code == 1 and connection["status"] == "fail"
    assert said in connection["finding"]


def test_a_queue_wrapped_in_an_object_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = Hostile()
    hostile.routes[("GET", f"{API}/ai-sessions/queue")] = response(200, '{"items": []}')
    code, report = doctor(capsys, *hostile_url(hostile))
    queue = report["by_name"]["queue"]
    assert code == 1
    assert queue["finding"] == "the queue the server sent was an object, not a list of escalations"


def test_plain_http_across_a_network_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = doctor(capsys, "--server", "http://rf.invalid:8080", "--token", "t")
    address = report["by_name"]["address"]
    assert code == 1  # it does not resolve either
    assert address["status"] == "warn"
    assert address["finding"] == (
        "http://rf.invalid:8080: plain HTTP, so your password and token cross the network "
        "unencrypted"
    )


def test_a_role_rf_tui_does_not_know_and_a_user_with_no_account(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = Hostile()
    hostile.me = {**ME, "account_role": "Supervisor"}
    code, report = doctor(capsys, *hostile_url(hostile))
    checks = report["by_name"]
    assert code == 1 and checks["role"]["status"] == "fail"
    assert checks["role"]["finding"] == (
        "'Supervisor' is not a role rf-tui knows, so it treats you as a viewer (no claims)"
    )
    assert checks["queue"]["status"] == "ok"  # the server may still show it the queue

    hostile = Hostile()
    hostile.routes[ME_PATH] = response(403, '{"detail": "No account"}')
    code, report = doctor(capsys, *hostile_url(hostile))
    signin = report["by_name"]["sign-in"]
    assert code == 1 and signin["finding"] == "signed in, but refused: 'No account'"
    assert signin["advice"] == "Your user belongs to no account: ask an admin to add you to one."


def test_lines_come_as_checks_are_made_and_a_closed_reader_ends_quietly() -> None:
    """A slow run is seen as it goes; `rf-tui doctor | head` leaves no traceback."""
    hostile = Hostile()
    hostile.routes[STREAM_PATH] = held
    hostile.start_in_thread()
    # Into a pipe, Python holds what is printed until it exits, unless it is flushed.
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    buffered["PYTHONPATH"] = os.getcwd()
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rf_tui", "doctor", "--ready-wait", "5", "--server", hostile.url,
         "--token", "t"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=buffered,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    seen = []
    while not (seen and seen[-1].split()[:2] == [b"ok", b"metric"]):
        seen.append(proc.stdout.readline())
        assert seen[-1], b"".join(seen)
    # Before the stream's 5 s were up: the lines did not wait for the last check.
    assert time.monotonic() - started < 4.5
    proc.stdout.close()  # as head does once it has its lines
    err = proc.stderr.read()
    assert proc.wait(timeout=30) == 141
    assert b"Traceback" not in err and b"BrokenPipeError" not in err


def test_a_backend_with_several_faults_reads_at_80_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's broken sample: every fault on its own line, none wider than 80."""
    hostile = Hostile()
    now = datetime.now(timezone.utc)
    naive = (now - timedelta(minutes=3)).replace(tzinfo=None).isoformat(timespec="milliseconds")
    hostile.queue = [entry(1, created_at=naive), entry(2), entry(3, id=None)]
    date = format_datetime(now + timedelta(minutes=7), usegmt=True)
    hostile.routes[ME_PATH] = response(200, json.dumps(ME), headers={"date": date})
    hostile.routes[("GET", f"{API}/analytics/flowpilot/escalations")] = response(404, "{}")
    hostile.routes[STREAM_PATH] = held
    hostile.start_in_thread()
    code = cli.main(["doctor", "--ready-wait", "0.3", "--server", hostile.url, "--token", "t"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    statuses = {line.split()[1]: line.split()[0] for line in lines[2:-2] if line[2:3] != " "}
    assert statuses == {
        "address": "ok", "connection": "ok", "api": "ok", "clock": "warn", "sign-in": "ok",
        "role": "ok", "speed": "ok", "queue": "FAIL", "times": "warn", "metric": "warn",
        "stream": "warn",
    }  # fmt: skip
    assert lines[-1] == "1 failure, 4 warnings: fix what FAIL says first."
