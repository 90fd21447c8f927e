"""What `rf-tui --version`, `--help` and the parser load: no httpx, pydantic, Textual.

Every call of a script (`rf-tui claim` in a loop, shell completion) pays for the
imports before its work starts; the heavy ones belong to the commands that use
them. Counted in a fresh interpreter, not timed (benchmarks/startup.py times it).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("httpx", "pydantic", "textual", "rich", "asyncio", "anyio")

PROBE = """
import json, sys
from rf_tui.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print("LOADED", json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
"""


def _heavy_after(argv: list[str]) -> list[str]:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADED"))
    loaded: list[str] = json.loads(line.removeprefix("LOADED "))
    return loaded


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["queue", "--help"], ["baseline", "list", "--help"]],
    ids=" ".join,
)
def test_the_parser_loads_nothing_heavy(argv: list[str]) -> None:
    assert _heavy_after(argv) == []


def test_completion_builds_the_whole_parser_light() -> None:
    assert _heavy_after(["completion", "bash"]) == []


def test_the_api_prefix_spelt_twice_is_one() -> None:
    from rf_tui.api.client import API_PREFIX
    from rf_tui.cli import resolve

    assert resolve.API_PREFIX == API_PREFIX


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return {name.split(".")[0] for name in out.split()}


def test_the_client_does_not_load_httpx_command_line() -> None:
    # httpx imports its own CLI (click, pygments) whenever they are installed, as here.
    assert "click" in _loaded_after("import httpx")
    assert not _loaded_after("import rf_tui.api.client") & {"click", "pygments"}


def test_models_are_built_when_first_used_not_on_import() -> None:
    probe = (
        "from rf_tui.api import models; "
        "print(models.Session.__pydantic_complete__, models.QueueEntry.__pydantic_complete__); "
        "models.QueueEntry.model_validate({'id': 'h', 'session_id': 's', 'priority': 'high', "
        "'created_at': '2026-01-01T00:00:00Z'}); "
        "print(models.Session.__pydantic_complete__, models.QueueEntry.__pydantic_complete__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == ["False", "False", "False", "True"]
