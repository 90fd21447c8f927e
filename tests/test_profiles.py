"""config.toml profiles: parsed, picked, shown (never a token), and errors that say where."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rf_tui import cli
from rf_tui.paths import config_path
from rf_tui.profiles import ConfigError, load
from rf_tui.store import tokens
from tests.helpers import Running

GOOD = """\
default = "work"

[profiles.work]
server = "https://rf.example.com/"
email = "dana@example.com"
ca_bundle = "~/certs/ca.pem"
notify = true

[profiles.lab]
server = "http://127.0.0.1:8000"
theme = "nord"
reduced_motion = true
"""


def write(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_profiles_are_read_and_picked() -> None:
    write(GOOD)
    config = load()
    assert config.pick(None).name == "work"  # type: ignore[union-attr]
    lab = config.pick("lab")
    assert lab is not None and lab.values == {
        "server": "http://127.0.0.1:8000",
        "theme": "nord",
        "reduced_motion": True,
    }
    work = config.profiles["work"]
    assert work.values["notify"] is True
    assert work.values["ca_bundle"] == str(Path("~/certs/ca.pem").expanduser())


def test_no_file_is_no_profile_and_one_profile_is_the_default() -> None:
    assert load().pick(None) is None
    write('[profiles.only]\nserver = "http://x"\n')
    assert load().pick(None).name == "only"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[profiles.work]\nserver = "x"\nsevrer = "y"\n', 3, "sevrer: unknown key"),
        ('[profiles.work]\nnotify = "yes"\n', 2, "notify: must be true or false"),
        ("[profiles.work]\nserver = 8000\n", 2, "server: must be text"),
        ('default = "home"\n[profiles.work]\nserver = "x"\n', 1, "default: names no profile"),
        ('[profiles.work]\nserver = "x\n', 2, "not valid TOML"),
        ('colour = "blue"\n', 1, "colour: unknown setting"),
        ("profiles = 3\n", 1, "profiles: must be tables"),
        ("[profiles]\nwork = 1\n", 2, "work: must be a table"),
    ],
)
def test_a_mistake_names_the_file_the_line_and_the_key(text: str, line: int, words: str) -> None:
    path = write(text)
    with pytest.raises(ConfigError) as caught:
        load()
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)


@pytest.mark.parametrize("command", [["queue"], ["login"], ["config", "show"], ["config", "names"]])
def test_bad_config_is_one_sentence_from_the_cli(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write('[profiles.work]\nnotify = "yes"\n')
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert err == f"rf-tui: {path}:2: notify: must be true or false\n"


def test_unknown_profile_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    write(GOOD)
    assert cli.main(["--profile", "home", "queue"]) == 2
    assert "no profile 'home' (profiles: lab, work)" in capsys.readouterr().err


def test_config_path_and_show_never_print_the_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_path())
    assert cli.main(["config", "show"]) == 0
    assert "No profiles yet" in capsys.readouterr().out  # and an example to start from
    write(GOOD)
    tokens.save("https://rf.example.com", "secret-token-value", "dana@example.com")
    assert cli.main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "[profiles.work]  # default, in use" in out
    assert "saved by rf-tui login (not shown)" in out
    assert "secret-token-value" not in out
    assert cli.main(["config", "names"]) == 0
    assert capsys.readouterr().out.split() == ["work", "lab"]


def test_a_profile_is_enough_to_reach_the_server(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    write(f'[profiles.here]\nserver = "{running.url}"\nemail = "dana@northwind.example"\n')
    import httpx

    token = httpx.post(
        f"{running.url}/api/v1/auth/login",
        json={"email": "dana@northwind.example", "password": "demo-password"},
    ).json()["access_token"]
    tokens.save(running.url, token, "dana@northwind.example")
    assert cli.main(["queue", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    # A flag still wins over the profile.
    assert cli.main(["queue", "--server", "http://127.0.0.1:9"]) == 2  # no token for it
    assert "not signed in to http://127.0.0.1:9" in capsys.readouterr().err


def test_login_takes_server_and_email_from_the_profile(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(f'[profiles.here]\nserver = "{running.url}"\nemail = "dana@northwind.example"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO("demo-password\n"))
    assert cli.main(["login", "--password-stdin"]) == 0
    assert "as dana@northwind.example" in capsys.readouterr().out
