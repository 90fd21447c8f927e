"""Signing in as a tech meets it: tokens kept out of `ps`, passwords from a prompt or a
pipe, and an answer in words, never a traceback, whatever goes wrong (issue 14, 8 and 9)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rf_tui import cli
from rf_tui.cli import script
from rf_tui.store import tokens
from tests.helpers import ALEX, DANA, VIC, Running, Terminal

PASSWORD = "demo-password"
NOWHERE = "http://127.0.0.1:9"  # nothing listens there: refused at once


def token_for(running: Running, email: str = DANA) -> str:
    answer = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def rf_tui(
    *argv: str, stdin: str | None = None, devnull: bool = False
) -> subprocess.CompletedProcess[str]:
    """The real command, in a process of its own, with no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "rf_tui", *argv],
        input=stdin,
        stdin=subprocess.DEVNULL if devnull else None,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        start_new_session=True,  # no controlling terminal to fall back on
    )


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Prompts asked at a terminal, each answered with the demo password."""
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return PASSWORD

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("sys.stdin", Terminal())
    return asked


def pty_run(argv: list[str], wait_for: bytes, keys: bytes) -> tuple[int, str]:
    """Run rf-tui on a real terminal; once ``wait_for`` shows, type ``keys``."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal
        os.execve(sys.executable, [sys.executable, "-m", "rf_tui", *argv], env)
    seen = b""
    typed = False
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child is gone and the terminal closed
                break
            if not chunk:
                break
            seen += chunk
            if not typed and wait_for in seen:
                os.write(fd, keys)
                typed = True
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert typed, f"never saw {wait_for!r}: {seen!r}"
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


# ── Tokens: not on the command line (part 8) ────────────────────────────────


def test_a_token_on_the_command_line_works_and_is_warned_about(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    token = token_for(running)
    assert cli.main(["queue", "--server", running.url, "--token", token]) == 0
    out, err = capsys.readouterr()
    assert "VPN drops" in out
    assert "other users of this machine" in err and "(ps)" in err
    for way in ("--token-file", "--token -", "RF_TUI_TOKEN", "rf-tui login --token"):
        assert way in err
    assert token not in err
    assert len(err.strip().splitlines()) == 1


def test_a_token_from_stdin_or_a_private_file_is_not_warned_about(
    running: Running, tmp_path: Path
) -> None:
    token = token_for(running)
    done = rf_tui("queue", "--server", running.url, "--token", "-", stdin=f"  {token}\n")
    assert done.returncode == 0, done.stderr
    assert "VPN drops" in done.stdout and done.stderr == ""
    kept = tmp_path / "token"
    kept.write_text(token + "\n")
    kept.chmod(0o600)
    done = rf_tui("queue", "--server", running.url, "--token-file", str(kept))
    assert done.returncode == 0, done.stderr
    assert "VPN drops" in done.stdout and done.stderr == ""


def test_the_token_file_flag_wins_over_the_environment(
    running: Running,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RF_TUI_TOKEN", "stale-token")
    kept = tmp_path / "token"
    kept.write_text(token_for(running))
    kept.chmod(0o600)
    assert cli.main(["queue", "--server", running.url, "--token-file", str(kept)]) == 0
    assert "VPN drops" in capsys.readouterr().out


def test_a_token_file_that_others_can_read_is_warned_about_not_refused(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "token"
    kept.write_text(token_for(running))
    kept.chmod(0o640)
    assert cli.main(["queue", "--server", running.url, "--token-file", str(kept)]) == 0
    out, err = capsys.readouterr()
    assert "VPN drops" in out
    assert f"the token file {kept} can be read by other users" in err
    assert f"chmod 600 {kept}" in err


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "does not exist"), ("\n  \n", "is empty")],
    ids=["missing", "empty"],
)
def test_a_missing_or_empty_token_file_is_a_sentence(
    tmp_path: Path, content: str | None, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "token"
    if content is not None:
        kept.write_text(content)
        kept.chmod(0o600)
    assert cli.main(["queue", "--server", NOWHERE, "--token-file", str(kept)]) == script.USAGE
    err = capsys.readouterr().err
    assert f"the token file {kept} {says}." in err and "Traceback" not in err


def test_a_token_pasted_at_a_terminal_is_not_echoed(running: Running) -> None:
    token = token_for(running)
    argv = ["queue", "--server", running.url, "--token", "-"]
    code, shown = pty_run(argv, b"Paste the token", token.encode() + b"\r")
    assert code == 0, shown
    assert "VPN drops" in shown and token not in shown


def test_ctrl_c_while_pasting_a_token_is_exit_130_and_quiet() -> None:
    argv = ["queue", "--server", NOWHERE, "--token", "-"]
    code, shown = pty_run(argv, b"Paste the token", b"\x03")
    assert code == 130
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown


def test_nothing_on_stdin_for_a_token_is_a_sentence() -> None:
    done = rf_tui("queue", "--server", NOWHERE, "--token", "-", devnull=True)
    assert done.returncode == script.USAGE
    assert "no token given on stdin" in done.stderr and "Traceback" not in done.stderr


# ── The server address (part 9) ─────────────────────────────────────────────


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("127.0.0.1:8765", "needs http:// or https:// in front: try http://127.0.0.1:8765"),
        ("rf.example.com", "needs http:// or https:// in front: try https://rf.example.com"),
        ("ftp://rf.example.com", "is not http:// or https://: try https://rf.example.com"),
        ("ops:s3cret@rf.example.com", "ops:***@rf.example.com needs http:// or https:// in front"),
        ("https://", "has no host name in it"),
    ],
)
def test_an_unusable_address_is_told_before_a_password_is_asked(
    address: str, says: str, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["login", "--server", address, "--email", DANA]) == script.USAGE
    err = capsys.readouterr().err
    assert says in err and "s3cret" not in err
    assert prompts == []


def test_an_address_ending_in_api_v1_says_to_drop_it(
    running: Running,
    prompts: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doubled = running.url + "/api/v1"
    assert cli.main(["login", "--server", doubled, "--email", DANA]) == script.USAGE
    err = capsys.readouterr().err
    assert f"{doubled} does not look like the ResolutionFlow API root" in err
    assert f"Drop /api/v1 from the address: try {running.url}" in err
    assert "was not found" not in err

    monkeypatch.setenv("RF_TUI_TOKEN", token_for(running))
    for command in (["queue"], ["claim", "h1"], ["claim", "h1", "--session", "s1"]):
        assert cli.main([*command, "--server", doubled]) == script.USAGE, command
        err = capsys.readouterr().err
        assert f"Drop /api/v1 from the address: try {running.url}" in err, command

    # Not signed in to that address: never advice to sign in to it, which fails as above.
    monkeypatch.delenv("RF_TUI_TOKEN")
    assert cli.main(["queue", "--server", doubled]) == script.USAGE
    err = capsys.readouterr().err
    assert f"use --server {running.url} (sign in with: rf-tui login --server {running.url} " in err
    assert f"login --server {doubled}" not in err


def test_an_address_with_a_wrong_prefix_says_it_is_not_the_api_root(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RF_TUI_TOKEN", token_for(running))
    assert cli.main(["queue", "--server", running.url + "/rf"]) == script.USAGE
    err = capsys.readouterr().err
    assert f"{running.url}/rf does not look like the ResolutionFlow API root" in err
    assert f"try {running.url}," in err


def test_the_web_apps_pages_are_not_the_api_root(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A single-page app answers every path with 200 and its index.html."""
    from tests.canned import response
    from tests.hostile.server import API, Hostile

    hostile = Hostile()
    page = response(200, "<!doctype html><title>RF</title>", content_type="text/html")
    hostile.routes[("GET", f"{API}/ai-sessions/queue")] = page
    hostile.start_in_thread()
    monkeypatch.setenv("RF_TUI_TOKEN", "t")
    assert cli.main(["queue", "--server", hostile.url]) == script.USAGE
    err = capsys.readouterr().err
    assert "does not look like the ResolutionFlow API root" in err
    assert "answered with a web page" in err


def test_https_to_a_plain_http_port_says_try_http(
    running: Running,
    prompts: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tls = running.url.replace("http://", "https://")
    assert cli.main(["login", "--server", tls, "--email", DANA]) == script.FAILED
    err = capsys.readouterr().err
    assert f"The server at {tls} speaks plain HTTP on that port" in err
    assert f"try {running.url}" in err
    monkeypatch.setenv("RF_TUI_TOKEN", "t")
    assert cli.main(["queue", "--server", tls]) == script.FAILED
    assert f"try {running.url}" in capsys.readouterr().err


def test_a_password_in_the_address_is_never_told(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RF_TUI_TOKEN", "t")
    with_password = running.url.replace("http://", "http://ops:s3cret@") + "/api/v1"
    assert cli.main(["queue", "--server", with_password]) == script.USAGE
    err = capsys.readouterr().err
    assert "ops:***@" in err and "s3cret" not in err


# ── login: no traceback, ever ────────────────────────────────────────────────


def test_ctrl_c_at_the_password_prompt_is_exit_130_and_quiet() -> None:
    code, shown = pty_run(["login", "--server", NOWHERE, "--email", DANA], b"Password for", b"\x03")
    assert code == 130
    after = shown.split("Password for", 1)[1].split(": ", 1)[1]
    assert after.strip() == "" and "\n" in after
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown


def test_ctrl_d_at_the_password_prompt_is_no_password_given() -> None:
    code, shown = pty_run(["login", "--server", NOWHERE, "--email", DANA], b"Password for", b"\x04")
    assert code == script.USAGE
    assert "rf-tui: no password given." in shown
    assert "Traceback" not in shown and "EOFError" not in shown


def test_login_with_stdin_from_dev_null_is_no_password_given() -> None:
    done = rf_tui("login", "--server", NOWHERE, "--email", DANA, devnull=True)
    assert done.returncode == script.USAGE
    assert "no password given" in done.stderr and "--password-stdin" in done.stderr
    assert "Traceback" not in done.stderr and "GetPassWarning" not in done.stderr


def test_a_piped_password_needs_password_stdin(running: Running) -> None:
    done = rf_tui("login", "--server", running.url, "--email", DANA, stdin=PASSWORD + "\n")
    assert done.returncode == script.USAGE
    assert "--password-stdin" in done.stderr and "GetPassWarning" not in done.stderr
    assert tokens.load(running.url) is None
    done = rf_tui(
        "login", "--server", running.url, "--email", DANA, "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Signed in to {running.url} as {DANA}" in done.stdout
    assert done.stderr == ""  # no prompt, no GetPassWarning
    assert tokens.load(running.url) is not None


@pytest.mark.parametrize("bundle", ["missing", "not-pem"])
def test_a_bad_ca_bundle_at_login_is_a_sentence(
    bundle: str, tmp_path: Path, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ca.pem"
    if bundle == "not-pem":
        path.write_text("not a certificate\n")
    argv = ["login", "--server", "https://127.0.0.1:9", "--email", DANA, "--ca-bundle", str(path)]
    assert cli.main(argv) == script.USAGE
    err = capsys.readouterr().err
    assert f"cannot use the CA bundle {path}" in err and "Traceback" not in err
    assert prompts == []  # told before a password was typed for nothing


def test_a_rate_limited_sign_in_says_to_wait_and_exits_1(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["login", "--server", running.url, "--email", VIC, "--password-stdin"]
    codes = []
    for _ in range(6):  # the reference server allows five failures a minute
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password\n"))
        codes.append(cli.main(argv))
    assert codes == [script.USAGE] * 5 + [script.FAILED]
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "rf-tui: Wrong email or password."
    assert re.fullmatch(
        rf"rf-tui: Too many sign-in attempts for {VIC}: wait \d+ s, then try again\.", err[-1]
    )


# ── login with a token (SSO) ─────────────────────────────────────────────────


def test_login_checks_and_saves_a_token_from_stdin(running: Running) -> None:
    token = token_for(running, ALEX)
    done = rf_tui("login", "--server", running.url, "--token", "-", stdin=token + "\n")
    assert done.returncode == 0, done.stderr
    assert f"Signed in to {running.url} as Alex Moreno <{ALEX}>" in done.stdout
    assert token not in done.stdout + done.stderr
    assert tokens.load(running.url) == token
    # The saved token is then the one every command uses.
    assert rf_tui("queue", "--server", running.url).returncode == 0


def test_login_with_a_token_file(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "sso-token"
    kept.write_text(token_for(running) + "\n")
    kept.chmod(0o600)
    assert cli.main(["login", "--server", running.url, "--token-file", str(kept)]) == 0
    assert "as Dana" in capsys.readouterr().out
    assert tokens.load(running.url) == kept.read_text().strip()


def test_login_with_a_token_the_server_refuses_saves_nothing(running: Running) -> None:
    done = rf_tui("login", "--server", running.url, "--token", "-", stdin="expired.token.x\n")
    assert done.returncode == script.DENIED
    assert f"{running.url} did not accept that token" in done.stderr
    assert "Nothing was saved" in done.stderr and "Traceback" not in done.stderr
    assert tokens.load(running.url) is None


# ── auth status ──────────────────────────────────────────────────────────────


def write_config(tmp_path: Path, text: str) -> None:
    config = tmp_path / "xdg_config_home" / "rf-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)


def test_auth_status_says_whom_each_server_signs_in_as(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = token_for(running)
    revoked = running.url.replace("127.0.0.1", "localhost")  # the same server, another name
    tokens.save(running.url, good, DANA)
    tokens.save(revoked, "revoked.token.x", DANA)
    tokens.save(NOWHERE, "some.token.y", DANA)
    write_config(
        tmp_path,
        f'[profiles.work]\nserver = "{running.url}/"\n'
        '[profiles.spare]\nserver = "https://rf.spare.example"\n',
    )
    assert cli.main(["auth", "status"]) == script.OK
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 4

    def line(server: str) -> str:
        return next(x for x in lines if x.startswith((f"{server}:", f"{server} ")))

    assert line(running.url) == (
        f"{running.url} (profile work): signed in as Dana Whitfield <{DANA}>, admin"
    )
    assert "the token is no longer accepted (expired or revoked)" in line(revoked)
    assert "could not check: Cannot reach the server" in line(NOWHERE)
    assert line("https://rf.spare.example") == (
        "https://rf.spare.example (profile spare): not signed in: "
        "rf-tui login --server https://rf.spare.example"
    )
    for secret in (good, "revoked.token.x", "some.token.y"):
        assert secret not in out

    assert cli.main(["auth", "status", "--json"]) == script.OK
    rows = json.loads(capsys.readouterr().out)
    states = {row["server"]: row["state"] for row in rows}
    assert states == {
        running.url: "signed_in",
        revoked: "rejected",
        NOWHERE: "unreachable",
        "https://rf.spare.example": "not_signed_in",
    }
    signed_in = next(row for row in rows if row["state"] == "signed_in")
    assert signed_in["user"]["email"] == DANA and signed_in["profiles"] == ["work"]

    tokens.forget(running.url)  # none signs in now; one could not be checked
    assert cli.main(["auth", "status"]) == script.FAILED
    tokens.forget(NOWHERE)
    assert cli.main(["auth", "status"]) == script.DENIED
    capsys.readouterr()


def test_auth_status_with_nothing_saved(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["auth", "status"]) == script.DENIED
    assert "Not signed in anywhere" in capsys.readouterr().out


def test_auth_status_gives_a_silent_server_a_short_time(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from tests.hostile.server import API, Hostile

    hostile = Hostile()
    never = asyncio.Event()

    async def silent(writer: asyncio.StreamWriter) -> None:
        await never.wait()

    hostile.routes[("GET", f"{API}/users/me")] = silent
    hostile.start_in_thread()
    tokens.save(hostile.url, "t", DANA)
    monkeypatch.setattr("rf_tui.cli.signin.CHECK_TIMEOUT", 0.5)
    started = time.monotonic()
    assert cli.main(["auth", "status"]) == script.FAILED
    assert time.monotonic() - started < 5
    assert "could not check" in capsys.readouterr().out


def test_auth_status_for_one_server_uses_the_token_given(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(token_for(running, ALEX) + "\n"))
    assert cli.main(["auth", "status", "--server", running.url, "--token", "-"]) == script.OK
    assert capsys.readouterr().out == (
        f"{running.url}: signed in as Alex Moreno <{ALEX}>, engineer\n"
    )


def test_auth_status_help_says_what_its_exit_codes_mean(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["auth", "status", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:\n  0    status: at least one server signs you in\n" in out
    assert "  4    status: none does (nothing saved, or every token refused)" in out
