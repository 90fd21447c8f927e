"""`rf-tui stats` against the real reference server (its clock at 2026-11-23 12:00 UTC),
with figures worked out by hand."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from rf_tui import cli
from rf_tui.exit_codes import DENIED, FAILED, OK, USAGE
from rf_tui.server.config import ServerConfig
from rf_tui.server.quirks import Quirks
from rf_tui.server.service import METRIC_DEFINITION
from tests.helpers import VIC, FakeClock, Running, add_team
from tests.test_scripting import as_user

JUNIOR, SENIOR = "junior@wingtip.example", "senior@wingtip.example"


async def stats(*args: str) -> int:
    """``rf-tui stats ARGS``, run as from a shell: in a thread with its own event loop."""
    return await asyncio.to_thread(cli.main, ["stats", *args])


async def thirty_sixty_one_eighty(rf: Running) -> None:
    """The seed's case, three days ago: claims acted on after 30, 60 and 180 s; and one
    claimed yesterday at 23:59:30 that nobody acted on."""
    assert rf.clock is not None
    add_team(rf, "Wingtip", (JUNIOR, "engineer"), (SENIOR, "owner"))
    junior, senior = await rf.client(JUNIOR), await rf.client(SENIOR)
    start = rf.clock.now
    rf.clock.advance(days=-3)
    for after in (30, 60, 180):
        session = await junior.create_session("Scanner emails bounce with 535")
        handoff = await junior.hand_off(session.id)
        await senior.claim(session.id, handoff.id)
        rf.clock.advance(seconds=after)
        await senior.chat(session.id, "Checking SMTP AUTH on the scanner's mailbox")
    rf.clock.now = start.replace(hour=0, minute=0, second=0) - timedelta(seconds=30)
    session = await junior.create_session("Mapped drive gone after the VPN reconnects")
    handoff = await junior.hand_off(session.id)
    await senior.claim(session.id, handoff.id)
    rf.clock.now = start


async def test_the_figures_definition_and_trend(
    rf: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    await thirty_sixty_one_eighty(rf)
    assert await stats(*as_user(rf, SENIOR)) == OK
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == "Time to first action after claim, the last 7 days (7d)"
    figures = [" ".join(line.split()) for line in lines[1:7]]
    assert figures == [
        "Claimed: 4",
        "With a first action: 3",
        "Conversion (with action / claimed): 75%",
        "Average: 1m 30s",  # (30 + 60 + 180) / 3 = 90 s
        "Median: 1m 00s",
        "95th percentile: 3m 00s",
    ]
    assert f"Definition: {METRIC_DEFINITION}" in lines  # word for word, on one line
    table = lines[lines.index("Trend by day (UTC, by the day of the claim):") + 2 :]
    rows = {row.split()[0]: row.split()[1:] for row in table}
    assert list(rows) == [f"2026-11-{day}" for day in range(16, 24)]  # zeros too, oldest first
    assert rows["2026-11-20"] == ["3", "3", "1m", "00s"]
    assert rows["2026-11-22"] == ["1", "0", "—"]  # claimed 30 s before midnight, no action
    assert rows["2026-11-23"] == ["0", "0", "—"]


async def test_json(rf: Running, capsys: pytest.CaptureFixture[str]) -> None:
    await thirty_sixty_one_eighty(rf)
    assert await stats("--period", "30d", "--json", *as_user(rf, SENIOR)) == OK
    got = json.loads(capsys.readouterr().out)
    assert got["period"] == "30d" and got["metric_definition"] == METRIC_DEFINITION
    assert (got["n_handoffs_claimed"], got["n_handoffs_with_action"], got["conversion"]) == (
        4,
        3,
        0.75,
    )
    assert got["avg_seconds_to_first_action"] == 90.0
    assert got["median_seconds_to_first_action"] == 60.0
    assert got["p95_seconds_to_first_action"] == 180.0
    assert len(got["trend"]) == 31 and got["no_trend"] is None
    busy = [day for day in got["trend"] if day["n_handoffs_claimed"]]
    assert busy == [
        {"date": "2026-11-20", "n_handoffs_claimed": 3, "n_handoffs_with_action": 3,
         "median_seconds_to_first_action": 60.0},
        {"date": "2026-11-22", "n_handoffs_claimed": 1, "n_handoffs_with_action": 0,
         "median_seconds_to_first_action": None},
    ]  # fmt: skip


def test_a_viewer_is_told_and_exits_4(running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["stats", *as_user(running, VIC)]) == DENIED
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.splitlines()[-1] == (  # after the warning about --token
        "rf-tui: Only owners, admins and engineers can see the figures; your role is read-only."
    )


def test_another_period_is_a_usage_error_never_sent(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as end:
        cli.main(["stats", "--period", "1d", *as_user(running)])
    assert end.value.code == USAGE
    assert "invalid choice: '1d'" in capsys.readouterr().err


class TestWithoutTheTrend:
    @pytest.fixture
    def server_config(self, clock: FakeClock) -> ServerConfig:
        return ServerConfig(clock=clock, quirks=Quirks.parse(["no-trend"]))

    async def test_the_figures_and_one_line(
        self, rf: Running, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert await stats("--period", "30d", *as_user(rf)) == OK
        text = capsys.readouterr().out
        assert "  Claimed:" in text and "Definition: Time from a senior claiming" in text
        assert text.endswith("\n\nThis server gives no trend by day (it answers 404).\n")
        assert "Trend by day" not in text


def test_a_refused_token_exits_4_and_no_server_exits_1(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["stats", "--server", running.url, "--token", "not-a-token"]) == DENIED
    assert "not signed in, or your sign-in has expired" in capsys.readouterr().err
    assert cli.main(["stats", "--server", "http://127.0.0.1:9", "--token", "t"]) == FAILED
    assert "Cannot reach the server" in capsys.readouterr().err


async def test_the_report_and_json_carry_the_savings_against_the_baseline(
    rf: Running, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Five runs of 25 min by `rf-tui baseline add`; the seed's 30/60/180 s case plus one
    claim without action: in-product median 60 s, 4 claimed in 7 days. By hand:
    (1500 - 60) s * 4 a week / 3600 = 1.60 h a week, above the 1.0 threshold."""
    await thirty_sixty_one_eighty(rf)
    for _ in range(5):
        assert (
            await asyncio.to_thread(cli.main, ["baseline", "add", "25:00", *as_user(rf, SENIOR)])
            == OK
        )
    capsys.readouterr()
    report = tmp_path / "pilot-report"
    assert await stats(*as_user(rf, SENIOR), "--report", str(report)) == OK
    assert f"to {report}" in capsys.readouterr().out
    markdown = report.read_text()
    assert markdown.startswith("# Escalation Mode pilot report: the last 7 days")
    assert "**1.60 h/week**, which meets the pilot's threshold" in markdown
    assert f"> {METRIC_DEFINITION}" in markdown
    assert markdown.count("| 25m 00s (typed in) |") == 5

    assert await stats(*as_user(rf, SENIOR), "--json") == OK
    savings = json.loads(capsys.readouterr().out)["savings"]
    assert savings["runs"] == 5 and savings["baseline_seconds"] == 1500.0
    assert savings["hours_per_week"] == 1.6 and savings["meets_threshold"] is True

    assert await stats(*as_user(rf, SENIOR)) == OK
    assert "1.60 h/week" in capsys.readouterr().out  # the text says it too


async def test_a_report_that_cannot_be_written_says_so(
    rf: Running, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    nowhere = tmp_path / "no such folder" / "pilot-report"
    assert await stats(*as_user(rf), "--report", str(nowhere)) == FAILED
    assert "could not be written" in capsys.readouterr().err
