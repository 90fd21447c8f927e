"""The command line as a user meets it: messages, sign-in, token files, the demo's story."""

from __future__ import annotations

import io
import stat

import pytest

from rf_tui import cli
from rf_tui.paths import token_path
from rf_tui.server.simulate import Story
from rf_tui.store import tokens
from tests.helpers import DANA, Running, wait_for


def test_no_server_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "--server URL" in err and "rf-tui demo" in err


def test_no_token_says_how_to_sign_in(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--server", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "rf-tui login --server http://127.0.0.1:9 --email" in err
    assert "Traceback" not in err


def test_login_saves_a_private_token_and_logout_forgets_it(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("demo-password\n"))
    assert cli.main(["login", "--server", running.url, "--email", DANA, "--password-stdin"]) == 0
    path = token_path(running.url)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    token = tokens.load(running.url)
    assert token is not None and token.count(".") == 2  # a JWT
    assert token not in capsys.readouterr().out  # never printed
    assert cli.main(["logout", "--server", running.url]) == 0
    assert tokens.load(running.url) is None


def test_login_with_a_wrong_password_is_a_sentence(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("nope\n"))
    assert cli.main(["login", "--server", running.url, "--email", DANA, "--password-stdin"]) == 2
    assert "Wrong email or password." in capsys.readouterr().err
    assert tokens.load(running.url) is None


def test_login_to_nowhere_is_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    argv = ["login", "--server", "http://127.0.0.1:9", "--email", DANA, "--password-stdin"]
    assert cli.main(argv) == 1  # the server could not be reached, as for every command
    assert "Cannot reach the server" in capsys.readouterr().err


def test_the_same_seed_tells_the_same_story() -> None:
    a, b = Story("http://x", seed=3).plan(20), Story("http://x", seed=3).plan(20)
    assert a == b
    assert Story("http://x", seed=4).plan(20) != a
    assert any(beat[3] for beat in a) and not all(beat[3] for beat in a)  # the rival sometimes
    assert not any(beat[3] for beat in Story("http://x", seed=3, rival=False).plan(20))


async def test_the_story_plays_over_http(rf: Running) -> None:
    story = Story(rf.url, seed=3, pace=0.01, rival_share=0.5, rival_delay=(0.01, 0.02))
    await story.run(count=3)
    assert len(story.escalated) == 3
    dana = await rf.client(DANA)
    queue_ids = {e.id for e in await dana.queue()}
    assert set(story.escalated) <= queue_ids | set(story.rival_claims)


async def test_the_rival_claims_over_http(rf: Running) -> None:
    story = Story(rf.url, seed=3, pace=0.01, rival_share=1.0, rival_delay=(0.01, 0.02))
    await story.run(count=2)
    assert sorted(story.rival_claims) == sorted(story.escalated)
    dana = await rf.client(DANA)
    for handoff_id in story.escalated:
        assert handoff_id not in {e.id for e in await dana.queue()}
    metrics = await dana.metrics("7d")
    assert metrics.n_handoffs_claimed == 3 + 2  # the seed's three, and the rival's two


async def test_the_rival_reads_before_it_claims(rf: Running) -> None:
    """The demo's queue shows "👁 Alex" on a row the rival is about to take."""
    from tests.server.test_stream import raw_stream

    dana = await rf.client(DANA)
    story = Story(rf.url, seed=3, pace=0.01, rival_share=1.0, rival_delay=(0.2, 0.3))
    async with raw_stream(rf.url, dana.token) as raw:
        await wait_for(lambda: bool(raw.events("ready")), what="ready")
        await story.run(count=1)
        await wait_for(lambda: len(raw.events("handoff_viewing")) == 2, what="open and closed")
    (handoff_id,) = story.rival_claims
    told = [(event, data.get("viewing")) for event, data in raw.frames()
            if data.get("handoff_id") == handoff_id and event != "handoff_assessment_ready"]  # fmt: skip
    assert told == [
        ("handoff_created", None),
        ("handoff_viewing", True),
        ("handoff_claimed", None),
        ("handoff_viewing", False),
    ]
    assert all(e["viewer_name"] == "Alex Moreno" for e in raw.events("handoff_viewing"))


def test_settings_never_show_the_token() -> None:
    from rf_tui.settings import Settings

    assert "s3cr3t" not in repr(Settings(server="https://rf.example", token="s3cr3t"))


def test_version_and_python_dash_m(capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess
    import sys

    from rf_tui import __version__

    done = subprocess.run(
        [sys.executable, "-m", "rf_tui", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"rf-tui {__version__}"


def test_the_committed_demo_cast_is_asciicast_v2_of_the_demo() -> None:
    import json
    from pathlib import Path

    lines = (Path(__file__).parent.parent / "docs" / "demo.cast").read_text().splitlines()
    header = json.loads(lines[0])
    assert (header["version"], header["width"], header["height"]) == (2, 80, 24)
    events = [json.loads(line) for line in lines[1:]]
    assert all(kind == "o" for _, kind, _ in events)
    times = [t for t, _, _ in events]
    assert times == sorted(times)
    shown = "".join(text for _, _, text in events)
    assert "awaiting pickup" in shown and "Claimed" in shown and "AI assessment" in shown


def test_web_passes_options_to_each_tab_and_the_token_only_by_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rf_tui.cli.web import child_command

    monkeypatch.delenv("RF_TUI_TOKEN", raising=False)
    args = cli.parser().parse_args(
        ["web", "--server", "http://127.0.0.1:9", "--token", "tok-SECRET", "--web-url",
         "https://app.example", "--reduced-motion"]
    )  # fmt: skip
    command = child_command(args)
    assert "--web-url https://app.example" in command and "--reduced-motion" in command
    assert "tok-SECRET" not in command  # ps and textual-serve's banner show the command
    import os

    assert os.environ["RF_TUI_TOKEN"] == "tok-SECRET"


def test_display_flags_may_follow_the_demo_command() -> None:
    args = cli.parser().parse_args(["demo", "--lite", "--reduced-motion"])
    assert args.lite and args.reduced_motion
    assert not cli.parser().parse_args(["demo"]).lite
