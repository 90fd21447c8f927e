"""`pip install rf-tui` without the extras, as the CLI meets it, with no new virtualenv.

Each case runs the CLI's main in a fresh interpreter where an import hook makes the
server and browser extras (and what only they bring) unimportable, as on a
client-only install, and records every attempt to import them. .ci/package-check
proves the same against a real bare install from the wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rf_tui import __version__
from rf_tui.cli.script import USAGE

EXTRAS_ONLY = ["fastapi", "starlette", "uvicorn", "jwt", "textual_serve", "aiohttp"]

# Raising from find_spec is what a missing top-level package looks like to `import`.
CLIENT_ONLY = """
import json, sys
from importlib.abc import MetaPathFinder

ABSENT = set(json.loads(sys.argv[1]))
asked = []

class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ABSENT:
            asked.append(name)
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
from rf_tui.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as exit:
    code = exit.code
print("ASKED", json.dumps(asked))
raise SystemExit(code)
"""

NEEDS_SERVER = "needs the reference server: pip install 'rf-tui[server]'"
NEEDS_WEB = "needs browser mode: pip install 'rf-tui[web]'"


def client_only(
    *argv: str, env: dict[str, str] | None = None
) -> tuple[int, str, str, list[str] | None]:
    """Exit code, stdout, stderr, and which extras' modules something tried to import
    (None if main never returned: a traceback, which stderr then shows)."""
    done = subprocess.run(
        [sys.executable, "-c", CLIENT_ONLY, json.dumps(EXTRAS_ONLY), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    out, reported, asked = done.stdout.rpartition("ASKED ")
    if not reported:
        return done.returncode, done.stdout, done.stderr, None
    return done.returncode, out, done.stderr, json.loads(asked)


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["demo"], f"rf-tui: demo {NEEDS_SERVER}"),
        (["demo", "--seed", "1", "--present"], f"rf-tui: demo {NEEDS_SERVER}"),
        (["serve", "--demo-seed"], f"rf-tui: serve {NEEDS_SERVER}"),
        (["web"], f"rf-tui: web {NEEDS_WEB}"),
        (["web", "--server", "http://127.0.0.1:9", "--token", "t"], f"rf-tui: web {NEEDS_WEB}"),
    ],
)
def test_a_command_needing_an_extra_says_what_to_install(argv: list[str], line: str) -> None:
    code, out, err, asked = client_only(*argv)
    assert (code, out, err) == (USAGE, "", line + "\n")
    assert asked  # the command did reach for its extra, and was refused


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["queue", "--help"], ["watch", "--help"], ["demo", "--help"], ["web", "--help"]],
)
def test_help_needs_no_extra(argv: list[str]) -> None:
    code, out, err, asked = client_only(*argv)
    assert (code, err, asked) == (0, "", [])
    assert "exit codes:" in out


def test_version_needs_no_extra() -> None:
    code, out, err, asked = client_only("--version")
    assert (code, out.strip(), err, asked) == (0, f"rf-tui {__version__}", "", [])


def test_scripting_runs_without_the_extras() -> None:
    # Port 9 on loopback refuses at once: the whole queue path runs, to its network error.
    env_token = {"RF_TUI_TOKEN": "t"}  # not --token, which warns that ps shows it
    code, out, err, asked = client_only("queue", "--server", "http://127.0.0.1:9", env=env_token)
    assert (code, out, asked) == (1, "", [])
    assert err.count("\n") == 1 and "Traceback" not in err
