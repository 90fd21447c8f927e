"""The benchmark scripts keep working (tiny sizes; no timing is asserted here).

One test per part, so each has its own time limit and the parts run side by side.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def quick(part: str, tmp_path: Path) -> str:
    out = tmp_path / "RESULTS.md"
    subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", part, "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=110,
        cwd=Path(__file__).parent.parent,
    )
    text = out.read_text()
    assert "Quick run" in text
    return text


@pytest.mark.timeout(120)
def test_the_server_part(tmp_path: Path) -> None:
    text = quick("server", tmp_path)
    assert "fan-out latency, 20 subscribers x 10" in text
    assert "1 winner in 3/3 trials" in text  # the race is a correctness figure too
    assert "req/s" in text


@pytest.mark.timeout(120)
def test_the_app_part(tmp_path: Path) -> None:
    text = quick("app", tmp_path)
    assert "10 rows waiting: app p50/p95/p99" in text  # the app in a real pty
    assert "idle CPU" in text and "burst of 20: all visible" in text
    assert "app p99 − bare p99 = " in text and "key p99 " in text  # the verdicts, computed


@pytest.mark.timeout(120)
def test_the_startup_part(tmp_path: Path) -> None:
    text = quick("startup", tmp_path)
    assert "start-up: launch → first painted queue" in text
    assert "`rf-tui --version`" in text and "`rf-tui --help`" in text
    assert "`rf-tui queue --json` / a bare httpx GET" in text
    assert "web: a tab opened → the queue's header in the page" in text
    assert "web: memory, 1 tab open" in text and "not measured" not in text  # CI has Chromium


@pytest.mark.timeout(120)
def test_the_wire_part(tmp_path: Path) -> None:
    text = quick("wire", tmp_path)
    assert "Bytes to the terminal" in text  # what the app writes to its pty
    for mode in ("normal", "lite"):
        assert f"{mode}: idle, rows over a minute old" in text
        assert f"{mode}: one arrival at the top of 23 rows" in text
