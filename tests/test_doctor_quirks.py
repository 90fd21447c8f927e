"""`rf-tui doctor` against the reference server with each quirk: it names what is off.

The same quirks the senior's story is run against (tests/ui/test_quirks_matrix.py),
so what doctor says of a backend is what the app then copes with.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from rf_tui import cli
from rf_tui.exit_codes import FAILED, OK
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from tests.helpers import FakeClock, Running
from tests.test_scripting import token

#: quirks → (exit code, {check: status}) that doctor must report; every other check ok.
EXPECTED: dict[tuple[str, ...], tuple[int, dict[str, str]]] = {
    (): (OK, {}),
    ("naive-times",): (OK, {"times": "warn"}),
    ("no-metrics",): (OK, {"metric": "warn"}),
    # rf-tui's own extension, which no ResolutionFlow backend has: nothing to warn of.
    ("no-presence",): (OK, {}),
    ("no-trend",): (OK, {}),
    ("path-prefix=/x",): (OK, {}),  # pointed at the prefix, as its "listening on" says
    ("buffered-stream",): (OK, {"stream": "warn"}),
    ("bad-row",): (FAILED, {"queue": "fail"}),
    ("clock-skew=600",): (OK, {"clock": "warn", "times": "warn"}),  # rows from the future
    ("clock-skew=-600",): (OK, {"clock": "warn"}),
    ("slow=600",): (OK, {"speed": "warn"}),
    # Unseen without making a claim, and doctor changes nothing: its --help says so.
    ("no-claim-events",): (OK, {}),
}


@pytest.fixture(params=sorted(EXPECTED), ids=lambda quirks: "+".join(quirks) or "no-quirks")
def quirks(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return tuple(request.param)


@pytest.fixture
def server_config(quirks: tuple[str, ...]) -> ServerConfig:
    # The server's clock is this machine's, so only a skew quirk puts them apart.
    now = FakeClock(datetime.now(timezone.utc))
    return ServerConfig(clock=now, assessment_delay=0.05, quirks=Quirks.parse(quirks))


def checks(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> tuple[int, dict[str, dict[str, Any]]]:
    secret = tmp_path / "token"
    secret.write_text(token(running) + "\n")
    secret.chmod(0o600)
    code = cli.main(["doctor", "--json", "--server", server, "--token-file", str(secret)])
    report = json.loads(capsys.readouterr().out)
    return code, {check["name"]: check for check in report["checks"]}


def test_doctor_names_each_quirk(
    running: Running, quirks: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found = checks(running, tmp_path, capsys, running.url)
    want_code, want = EXPECTED[quirks]
    statuses = {name: check["status"] for name, check in found.items()}
    assert statuses == {name: want.get(name, "ok") for name in statuses}, found
    assert code == want_code


@pytest.mark.parametrize("quirks", [("path-prefix=/x",)], indirect=True)
def test_an_address_without_the_prefix_is_not_the_api_root(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert running.url.endswith("/x")
    code, found = checks(running, tmp_path, capsys, running.url.removesuffix("/x"))
    assert code == FAILED and found["api"]["status"] == "fail"
