"""The benchmark scripts keep working (tiny sizes; no timing is asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_quick_benchmarks_write_their_results(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    text = out.read_text()
    assert "Quick run" in text
    assert "fan-out latency, 20 subscribers x 10" in text
    assert "1 winner in 3/3 trials" in text  # the race is a correctness figure too
    assert "req/s" in text
    assert "10 rows waiting: app p50/p95/p99" in text  # the app in a real pty
    assert "idle CPU" in text and "burst of 20: all visible" in text
    assert "app p99 − bare p99 = " in text and "key p99 " in text  # the verdicts, computed
    assert "start-up: launch → first painted queue" in text
