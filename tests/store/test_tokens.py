"""Saved sign-ins: private, one per server, and a damaged or unwritable file is a sentence."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest

from rf_tui import cli
from rf_tui.paths import state_dir, token_path
from rf_tui.store import tokens
from tests.helpers import DANA, Running


def test_one_private_file_per_server(tmp_path: Path) -> None:
    path = tokens.save("https://RF.example.com/", "tok-1", DANA)
    assert path == token_path("https://rf.example.com")  # the same server, however written
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert tokens.load("https://rf.example.com") == "tok-1"
    assert tokens.load("https://other.example.com") is None
    assert tokens.forget("https://rf.example.com") is True
    assert tokens.forget("https://rf.example.com") is False


def test_a_damaged_token_file_is_set_aside_and_the_hint_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = token_path("http://127.0.0.1:9")
    path.parent.mkdir(parents=True)
    path.write_text('{"token": 42}')
    assert cli.main(["queue", "--server", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert f"was damaged; it was moved to {path}.corrupt. You are signed out of it." in err
    assert "Run: rf-tui login --server http://127.0.0.1:9 --email" in err
    assert "Traceback" not in err and not path.exists()


def _block_the_state_dir() -> None:
    folder = state_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where rf-tui's state folder should be")


def test_login_with_nowhere_to_save_is_a_sentence(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _block_the_state_dir()
    monkeypatch.setattr("sys.stdin", io.StringIO("demo-password\n"))
    argv = ["login", "--server", running.url, "--email", DANA, "--password-stdin"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"The sign-in for {running.url} cannot be saved in {state_dir() / 'tokens'}" in err
    assert "Traceback" not in err


def test_logout_that_cannot_delete_is_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    _block_the_state_dir()
    assert cli.main(["logout", "--server", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "cannot be deleted" in err and "Traceback" not in err
