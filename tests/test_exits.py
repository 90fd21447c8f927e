"""Exit codes: each --help lists its command's own, those are the ones it returns,
and the README's table is made from the same entries."""

from __future__ import annotations

import argparse
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from rf_tui import cli, exit_codes
from rf_tui.exit_codes import DENIED, FAILED, OK, USAGE, WRITE_COMMAND
from tests.helpers import DANA, VIC, Running
from tests.test_scripting import as_user

README = Path(__file__).resolve().parent.parent / "README.md"


def commands() -> dict[str, argparse.ArgumentParser]:
    """Every command of ``rf-tui`` ("" for rf-tui itself) and its parser."""
    main = cli.parser()
    found = {"": main}
    for action in main._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def listed(command: str) -> dict[int, str]:
    """The "exit codes:" block of ``command``'s --help, as {code: text}."""
    parser = commands()[command]
    text = parser.format_help()
    assert "exit codes:\n" in text, f"rf-tui {command} --help lists no exit codes"
    block = text.split("exit codes:\n", 1)[1]
    return {int(m[1]): m[2] for m in re.finditer(r"^  (\d+) +(.+)$", block, re.MULTILINE)}


def test_every_command_has_its_exit_codes_and_no_other_is_listed() -> None:
    missing = set(commands()) - set(exit_codes.COMMANDS)
    assert not missing, f"add {sorted(missing)} to COMMANDS in rf_tui/exit_codes.py"
    assert set(exit_codes.COMMANDS) <= set(commands())


@pytest.mark.parametrize("command", sorted(exit_codes.COMMANDS))
def test_help_lists_only_its_own_codes(command: str) -> None:
    assert listed(command) == exit_codes.codes(command)
    assert OK in listed(command) and USAGE in listed(command)  # argparse's own 2, at least


def test_help_lists_differ_where_the_commands_do() -> None:
    assert 3 in listed("claim") and 5 in listed("claim")
    assert 3 not in listed("queue") and 5 not in listed("watch") and 4 not in listed("serve")
    assert USAGE in listed("queue") and DENIED in listed("login")  # 4: a token refused
    assert "not signed in" in listed("queue")[USAGE]  # a missing token is 2, never 4
    assert "sign in again" in listed("watch")[DENIED]


def test_the_readme_exit_code_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    table = exit_codes.README_TABLE.between(text)
    assert table == exit_codes.markdown_table(), (
        f"README.md's exit codes differ from rf_tui/exit_codes.py: run `{WRITE_COMMAND}`"
    )


def test_write_puts_the_table_between_the_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    stale = f"{exit_codes.README_START}\n| exit | stale |\n{exit_codes.README_END}"
    readme.write_text("# Exits\n\n" + stale + "\nMore.\n", encoding="utf-8")
    assert exit_codes.main(["--write", str(readme)]) == 0
    written = readme.read_text(encoding="utf-8")
    assert exit_codes.markdown_table() in written and "stale" not in written
    assert written.startswith("# Exits\n\n" + exit_codes.README_START)
    assert written.endswith(exit_codes.README_END + "\nMore.\n")
    exit_codes.main(["--write", str(readme)])
    assert readme.read_text(encoding="utf-8") == written


def test_the_codes_are_the_ones_the_code_returns() -> None:
    from rf_tui.cli import run, script
    from rf_tui.ui import app

    assert run.TERMINATED == exit_codes.TERMINATED and app.HUNG_UP == exit_codes.HUNG_UP
    assert script.PIPE_CLOSED == exit_codes.PIPE_CLOSED == 141


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def returned(argv: list[str]) -> int:
    """What ``rf-tui ARGV`` exits with; the code must be one its --help lists."""
    try:
        code = cli.main(argv)
    except SystemExit as done:  # argparse
        code = int(done.code or 0)
    command = next((a for a in argv if a in exit_codes.COMMANDS), "")
    assert code in exit_codes.codes(command), f"rf-tui {command} returned {code}, not listed"
    return code


@pytest.mark.parametrize("command", ["serve", "web"])
def test_a_taken_port_is_a_sentence_and_exit_2(
    command: str, taken_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # serve used to exit 3 (uvicorn's own), which scripts read as a lost claim;
    # web ended in a traceback.
    argv = [command, "--port", str(taken_port), "--server", "http://127.0.0.1:9", "--token", "t"]
    assert returned(argv if command == "web" else argv[:3]) == USAGE
    err = capsys.readouterr().err
    assert f"port {taken_port} on 127.0.0.1 is taken" in err and "Traceback" not in err


def test_what_a_new_user_meets_returns_what_help_says(
    running: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert returned(["queue", "--server", running.url]) == USAGE  # no token saved yet: 2, not 4
    assert "rf-tui login" in capsys.readouterr().err
    assert returned(["watch", "--server", running.url, "--token", "not-a-token"]) == DENIED
    assert returned(["watch", *as_user(running, VIC)]) == FAILED  # the stream is for engineers
    assert returned(["queue", "--server", "http://127.0.0.1:9", "--token", "t"]) == FAILED
    monkeypatch.setattr("getpass.getpass", lambda prompt: "wrong")
    assert returned(["login", "--server", running.url, "--email", DANA]) == USAGE
    assert returned(["logout", "--server", running.url]) == OK
    assert returned(["completion", "tcsh"]) == USAGE
    assert returned(["claim", " ", "--server", running.url, "--token", "t"]) == USAGE
    assert "which escalation?" in capsys.readouterr().err


def test_a_mistake_in_config_toml_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    import os

    config = Path(os.environ["XDG_CONFIG_HOME"]) / "rf-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[profiles.work]\nserver = 3\n")
    assert returned(["config", "show"]) == USAGE
    assert "config.toml:2" in capsys.readouterr().err
