"""Completion in the real shells: bash, zsh and fish load ``rf-tui completion SHELL``
as the README says, and their own completion machinery is asked what a Tab offers.

The ``rf-tui`` each shell runs (for profile names) is this checkout's, through a
wrapper put first on PATH; PATH must come out of a completion as it went in.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rf_tui import cli
from rf_tui.cli import completion

ROOT = Path(__file__).resolve().parent.parent

PROFILES = """\
default = "work"

[profiles.work]
server = "https://rf.example.com"

[profiles.lab]
server = "http://127.0.0.1:8765"
"""

#: What every shell offers after these words (the last one is being typed).
COMMON = [
    ("rf-tui qu", ["queue"]),
    ("rf-tui queue --j", ["--json"]),
    ("rf-tui claim --se", ["--server", "--session"]),
    ("rf-tui config s", ["show"]),
    ("rf-tui config show --p", ["--profile"]),
    ("rf-tui --profile ", ["lab", "work"]),  # from config.toml, through rf-tui on PATH
    ("rf-tui --profile work qu", ["queue"]),
    ("rf-tui --server https://rf.example.com cl", ["claim"]),  # a flag's value is no command
    ("rf-tui --server ", []),  # its value: no commands offered
    ("rf-tui serve --port 8765 --d", ["--db", "--demo-seed"]),
    ("rf-tui completion ", ["bash", "fish", "zsh"]),
    ("rf-tui baseline ", ["add", "delete", "edit", "list", "start", "stop"]),
    ("rf-tui baseline st", ["start", "stop"]),
    ("rf-tui baseline edit --s", ["--seconds", "--server"]),
    ("rf-tui baseline list --j", ["--json"]),
    ("rf-tui st", ["stats"]),
    ("rf-tui stats --period ", ["30d", "7d", "90d"]),  # its choices, nothing else
    ("rf-tui stats --period 30d --j", ["--json"]),
]


def commands() -> list[str]:
    return sorted(completion.tree(cli.parser())[""].words)


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """PATH with this checkout's rf-tui first, and a config.toml with two profiles."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "rf-tui"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m rf_tui "$@"\n')
    wrapper.chmod(0o755)
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "rf-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(PROFILES)
    (tmp_path / "ca.pem").write_text("")
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "TERM": "xterm",
    }


def need(shell: str) -> str:
    found = shutil.which(shell)
    assert found, f"{shell} is not installed: apt-get install -y zsh fish (.ci/run does)"
    return found


def bash_complete(env: dict[str, str], lines: list[str]) -> tuple[list[list[str]], str]:
    """COMPREPLY for each line, from the real _rf_tui; and PATH afterwards."""
    probes = []
    for line in lines:
        words = line.split(" ")
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        probes.append(
            f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; COMPREPLY=(); _rf_tui; "
            "printf '%s\\x1f' \"${COMPREPLY[@]}\"; printf '\\x1e'"
        )
    program = "source <(rf-tui completion bash)\n" + "\n".join(probes) + '\nprintf %s "$PATH"'
    done = subprocess.run(
        [need("bash"), "--norc", "--noprofile", "-c", program],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    *replies, path = done.stdout.split("\x1e")
    assert done.stderr == ""
    return [sorted(w for w in reply.split("\x1f") if w) for reply in replies], path


def fish_complete(env: dict[str, str], lines: list[str]) -> tuple[list[list[str]], str]:
    """What ``complete -C`` offers for each line; and PATH afterwards."""
    probes = [
        f"complete -C '{line}' | string split -f1 \\t | string join \\x1f; echo -n \\x1e"
        for line in lines
    ]
    program = "rf-tui completion fish | source\n" + "\n".join(probes) + '\necho -n "$PATH"'
    done = subprocess.run(
        [need("fish"), "--no-config", "-c", program],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    *replies, path = done.stdout.split("\x1e")
    assert done.stderr == ""
    return [sorted(w for w in reply.strip().split("\x1f") if w) for reply in replies], path


#: Loaded into an interactive zsh: Tab runs the real completion system, and every
#: match it would offer is printed between markers instead of being inserted.
ZSH_HARNESS = r"""
PS1=''; RPS1=''; PROMPT_EOL_MARK=''
autoload -Uz compinit && compinit -u -D
source <(rf-tui completion zsh)
typeset -ga rf_hits
compadd() {
    # Calls that only ask (-O, -A, -D) are compsys's own bookkeeping.
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
    local -a rf_got
    builtin compadd -A rf_got "$@"
    rf_hits+=($rf_got)
}
rf_probe() {
    rf_hits=()
    zle complete-word
    print -rn -- $'\x1e'"${(pj:\x1f:)rf_hits}"$'\x1c'"$PATH"$'\x1d'
    BUFFER=''
}
zle -N rf_probe
bindkey '^I' rf_probe
print -rn -- $'\x1d'
"""


def zsh_complete(
    env: dict[str, str], lines: list[str], tmp_path: Path
) -> tuple[list[list[str]], str]:
    """What Tab offers for each line in an interactive zsh on a pty; and PATH afterwards."""
    harness = tmp_path / "harness.zsh"
    harness.write_text(ZSH_HARNESS)
    leader, follower = os.openpty()
    shell = subprocess.Popen(
        [need("zsh"), "-f", "-i"],
        stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(follower)

    def answer() -> bytes:
        """The pty's output up to the next end marker."""
        seen = b""
        deadline = time.monotonic() + 30
        while b"\x1d" not in seen:
            ready, _, _ = select.select([leader], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"zsh did not answer; it printed {seen!r}"
            seen += os.read(leader, 65536)
        return seen

    try:
        os.write(leader, f"source {harness}\n".encode())
        setup = answer()
        # zsh reports a problem in a sourced script as FILE:LINE: what.
        assert b"command not found" not in setup and not re.search(rb":\d+: ", setup), setup
        replies, path = [], ""
        for line in lines:
            os.write(leader, line.encode() + b"\t")
            reply = answer().rsplit(b"\x1e", 1)[1].split(b"\x1d")[0].decode()
            hits, path = reply.split("\x1c")
            replies.append(sorted(w for w in hits.split("\x1f") if w))
        return replies, path
    finally:
        shell.kill()
        shell.wait()
        os.close(leader)


def offered(lines: list[str], replies: list[list[str]]) -> dict[str, list[str]]:
    got = dict(zip(lines, replies, strict=True))
    assert {line: got[line] for line, _ in COMMON} == dict(COMMON)
    return got


def test_bash_completes_commands_flags_and_profiles(shell_env: dict[str, str]) -> None:
    extra = ["rf-tui ", "rf-tui --profile = w"]  # bash splits --profile=w at the "="
    replies, path = bash_complete(shell_env, [line for line, _ in COMMON] + extra)
    got = offered([line for line, _ in COMMON] + extra, replies)
    assert got["rf-tui "] == commands()
    assert got["rf-tui --profile = w"] == ["work"]
    assert path == shell_env["PATH"]


def test_zsh_completes_commands_flags_profiles_and_files(
    shell_env: dict[str, str], tmp_path: Path
) -> None:
    ca = f"rf-tui login --ca-bundle {tmp_path}/c"
    lines = [line for line, _ in COMMON] + ["rf-tui ", "rf-tui --profile=w", ca]
    replies, path = zsh_complete(shell_env, lines, tmp_path)
    got = offered(lines, replies)
    assert got["rf-tui "] == commands()
    assert got["rf-tui --profile=w"] == ["work"]
    assert got[ca] == ["ca.pem"]
    assert path == shell_env["PATH"]  # no `local path` emptying it


def test_fish_completes_commands_flags_profiles_and_files(
    shell_env: dict[str, str], tmp_path: Path
) -> None:
    ca = f"rf-tui login --ca-bundle {tmp_path}/c"
    lines = [line for line, _ in COMMON] + ["rf-tui ", "rf-tui --profile=w", ca]
    replies, path = fish_complete(shell_env, lines)
    got = offered(lines, replies)
    assert got["rf-tui "] == commands()
    assert got["rf-tui --profile=w"] == ["--profile=work"]
    assert got[ca] == [f"{tmp_path}/ca.pem"]
    assert path == shell_env["PATH"]


def test_every_command_and_subcommand_is_in_the_tree() -> None:
    nodes = completion.tree(cli.parser())
    assert {"queue", "watch", "claim", "login", "logout", "config", "config show"} <= set(nodes)
    assert nodes["config"].words.keys() == {"path", "show", "names"}
    assert nodes["baseline"].words.keys() == {"start", "stop", "add", "list", "edit", "delete"}
    assert nodes["baseline start"].valued["--note"] == "TEXT"
    assert nodes["serve"].valued["--db"] == "file" and nodes[""].valued["--profile"] == "profile"
    assert "--json" not in nodes["queue"].valued
