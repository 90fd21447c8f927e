"""A server named by --server or RF_TUI_SERVER never borrows another server's profile.

A profile's email, ca_bundle and web_url belong to its own server: naming another
server must not sign in as that email, trust that CA or link to that web app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from rf_tui import cli
from rf_tui.cli.web import child_command
from tests.helpers import ALEX, DANA, Running, Terminal

Via = Callable[[str], list[str]]

WORK = """\
default = "work"

[profiles.work]
server = "https://rf.work.example"
email = "boss@work.example"
web_url = "https://app.work.example"
ca_bundle = "{ca}"
"""


def write_config(tmp_path: Path, extra: str = "") -> None:
    # A file that exists but holds no certificate: using it at all is an error.
    ca = tmp_path / "work-ca.pem"
    ca.write_text("not a certificate\n")
    config = Path(tmp_path / "xdg_config_home" / "rf-tui" / "config.toml")
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(WORK.format(ca=ca) + extra)


@pytest.fixture(params=["flag", "environment"])
def via(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Via:
    """How the server is named: ``--server URL`` or ``RF_TUI_SERVER=URL``."""

    def name(url: str) -> list[str]:
        if request.param == "flag":
            return ["--server", url]
        monkeypatch.setenv("RF_TUI_SERVER", url)
        return []

    return name


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return "demo-password"

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("sys.stdin", Terminal())
    return asked


def token_for(running: Running, email: str = DANA) -> str:
    answer = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": email, "password": "demo-password"}
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def test_login_asks_for_an_email_instead_of_borrowing_one(
    tmp_path: Path, via: Via, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path)
    assert cli.main(["login", *via("http://127.0.0.1:9")]) == 2
    assert prompts == []  # no password was asked for boss@work.example
    err = capsys.readouterr().err
    assert "--email" in err and "boss@work.example" not in err


def test_login_uses_the_profile_whose_server_it_is(
    tmp_path: Path,
    running: Running,
    via: Via,
    prompts: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Written with another case and a trailing slash: still the same server.
    written = running.url.replace("http://", "HTTP://") + "/"
    write_config(tmp_path, f'\n[profiles.lab]\nserver = "{written}"\nemail = "{ALEX}"\n')
    assert cli.main(["login", *via(running.url)]) == 0
    assert prompts == [f"Password for {ALEX} at {running.url}: "]
    assert f"as {ALEX}" in capsys.readouterr().out


def test_the_sign_in_hint_names_no_other_servers_email(
    tmp_path: Path, via: Via, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path)
    assert cli.main(["queue", *via("http://127.0.0.1:9")]) == 2
    err = capsys.readouterr().err
    assert "Run: rf-tui login --server http://127.0.0.1:9 --email you@example.com" in err
    assert "boss@work.example" not in err


def test_the_sign_in_hint_names_the_email_of_that_servers_profile(
    tmp_path: Path, via: Via, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, f'\n[profiles.lab]\nserver = "http://127.0.0.1:9/"\nemail = "{ALEX}"\n')
    assert cli.main(["queue", *via("http://127.0.0.1:9")]) == 2
    assert f"--email {ALEX}" in capsys.readouterr().err


def test_another_servers_ca_bundle_is_not_trusted(
    tmp_path: Path, running: Running, via: Via, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path)
    token = token_for(running)
    assert cli.main(["queue", "--json", "--token", token, *via(running.url)]) == 0
    assert "CA bundle" not in capsys.readouterr().err


def test_login_trusts_no_other_servers_ca_bundle(
    tmp_path: Path,
    running: Running,
    via: Via,
    prompts: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(tmp_path)
    assert cli.main(["login", "--email", DANA, *via(running.url)]) == 0
    assert f"Signed in to {running.url} as {DANA}" in capsys.readouterr().out


def test_the_ca_bundle_of_that_servers_profile_is_used(
    tmp_path: Path, via: Via, capsys: pytest.CaptureFixture[str]
) -> None:
    lab_ca = tmp_path / "lab-ca.pem"
    lab_ca.write_text("not a certificate either\n")
    write_config(
        tmp_path, f'\n[profiles.lab]\nserver = "http://127.0.0.1:9"\nca_bundle = "{lab_ca}"\n'
    )
    assert cli.main(["queue", "--token", "t", *via("http://127.0.0.1:9")]) == 2
    assert f"cannot use the CA bundle {lab_ca}" in capsys.readouterr().err


def test_another_servers_web_url_is_not_linked(tmp_path: Path, via: Via) -> None:
    write_config(tmp_path)
    command = child_command(
        cli.parser().parse_args(["web", "--token", "t", *via("http://127.0.0.1:9")])
    )
    assert "app.work.example" not in command and "--web-url" not in command


def test_the_web_url_of_that_servers_profile_is_linked(tmp_path: Path, via: Via) -> None:
    write_config(
        tmp_path,
        '\n[profiles.lab]\nserver = "http://127.0.0.1:9"\nweb_url = "https://app.lab.example"\n',
    )
    command = child_command(
        cli.parser().parse_args(["web", "--token", "t", *via("http://127.0.0.1:9")])
    )
    assert "--web-url https://app.lab.example" in command
