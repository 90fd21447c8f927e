"""Signing in as a tech meets it: tokens kept out of `ps`, passwords from a prompt or a
pipe, and an answer in words, never a traceback, whatever goes wrong (issue 14, 8 and 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rf_tui import cli
from rf_tui.cli import script
from tests.helpers import DANA, Running, Terminal

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
        ("ftp://rf.example.com", "needs http:// or https:// in front"),
        ("https://", "has no host name in it"),
    ],
)
def test_an_unusable_address_is_told_before_a_password_is_asked(
    address: str, says: str, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["login", "--server", address, "--email", DANA]) == script.USAGE
    assert says in capsys.readouterr().err
    assert prompts == []
