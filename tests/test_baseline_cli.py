"""`rf-tui baseline` against the real reference server: the stopwatch, runs typed in,
edits, and every wrong input a sentence and an exit code its --help lists."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rf_tui import cli, exit_codes, paths
from rf_tui.store.baseline import Baseline
from tests.helpers import ALEX, DANA, Running
from tests.test_scripting import as_user


def baseline(running: Running, *argv: str, email: str = DANA) -> int:
    """``rf-tui baseline ARGV`` as ``email``; the code must be one its --help lists."""
    try:
        code = cli.main(["baseline", *argv, *as_user(running, email)])
    except SystemExit as done:  # argparse
        code = int(done.code or 0)
    assert code in exit_codes.codes("baseline"), f"rf-tui baseline returned {code}, not listed"
    return code


def said(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out, err


def test_start_stop_list_edit_delete(running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    assert baseline(running, "start", "--note", "printer, Acme") == 0
    out, _ = said(capsys)
    assert re.fullmatch(
        r"Started baseline run 1 at \d\d:\d\d:\d\d \(printer, Acme\)\. "
        r"At your first diagnostic action: rf-tui baseline stop\n",
        out,
    )
    (path,) = (paths.state_dir() / "baseline").glob("*.json")
    saved = json.loads(path.read_text())
    started = datetime.fromisoformat(saved["runs"][0]["started_at"]) - timedelta(minutes=4)
    saved["runs"][0]["started_at"] = started.isoformat()  # four minutes at the ticket
    path.write_text(json.dumps(saved))
    assert baseline(running, "stop") == 0
    out, _ = said(capsys)
    assert re.match(r"Stopped baseline run 1 at \d\d:\d\d:\d\d: 4m 0\ds \(printer, Acme\)\.\n", out)
    assert "1 run; 4 more needed before a savings figure." in out
    for typed in ("6:10", "370", "5:50", "400.5"):
        assert baseline(running, "add", typed, "--note", "typed") == 0
    out, _ = said(capsys)
    assert "Added baseline run 2: 6m 10s (typed)." in out
    assert out.rstrip().endswith("of 5 runs.")  # enough: no "more needed"
    assert baseline(running, "edit", "1", "--seconds", "6:00", "--note", "re-timed") == 0
    assert said(capsys)[0] == "Baseline run 1: 6m 00s (re-timed).\n"
    assert baseline(running, "delete", "4") == 0
    assert "Deleted baseline run 4 (5m 50s)." in said(capsys)[0]

    assert baseline(running, "list") == 0
    lines = said(capsys)[0].splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["1", "2", "3", "5"]
    assert "typed in" in lines[0] and "re-timed" in lines[0]
    # Median of 360, 370, 370, 400.5 = 370 s.
    assert lines[-1] == "Baseline: median 6m 10s of 4 runs; 1 more needed before a savings figure."

    assert baseline(running, "list", "--json") == 0
    listing = json.loads(said(capsys)[0])
    assert [r["seconds"] for r in listing["runs"]] == [360.0, 370.0, 370.0, 400.5]
    assert listing["completed"] == 4 and listing["more_needed"] == 1
    assert listing["median_seconds"] == 370.0 and listing["running"] is None
    assert listing["mean_seconds"] == 375.12  # (360 + 370 + 370 + 400.5) / 4 = 375.125


def test_runs_are_kept_per_user_where_the_app_looks(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert baseline(running, "add", "90") == 0
    capsys.readouterr()
    assert baseline(running, "list", "--json", email=ALEX) == 0
    assert json.loads(said(capsys)[0])["runs"] == []  # Alex has none: Dana's are hers
    files = list((paths.state_dir() / "baseline").glob("*.json"))
    assert len(files) == 1
    assert Baseline(files[0]).seconds() == [90.0]


@pytest.mark.parametrize(
    ("argv", "code", "sentence"),
    [
        (["stop"], exit_codes.NOT_FOUND, "no baseline run is in progress"),
        (["edit", "7", "--note", "x"], exit_codes.NOT_FOUND, "no baseline run has the id '7'"),
        (["delete", "nope"], exit_codes.NOT_FOUND, "no baseline run has the id 'nope'"),
        (["add", "-5"], exit_codes.USAGE, "a run takes more than 0 seconds, not -5."),
        (["add", "ten"], exit_codes.USAGE, "'ten' is not a time"),
        (["add", "1:75"], exit_codes.USAGE, "'1:75' is not a time"),
        (["add", "nan"], exit_codes.USAGE, "more than 0 seconds"),
        (["edit", "1", "--seconds", "0"], exit_codes.USAGE, "more than 0 seconds"),
        (["edit", "1"], exit_codes.USAGE, "nothing to change: give --seconds, --note or both."),
    ],
)
def test_bad_input_is_a_sentence_and_an_exit_code(
    running: Running,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    sentence: str,
) -> None:
    assert baseline(running, "add", "60") == 0
    capsys.readouterr()
    assert baseline(running, *argv) == code
    out, err = said(capsys)
    assert sentence in err and out == ""


def test_one_run_at_a_time(running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    assert baseline(running, "start") == 0
    assert baseline(running, "start") == exit_codes.USAGE
    assert "run 1 is already running (since" in said(capsys)[1]
    assert baseline(running, "edit", "1", "--seconds", "30") == exit_codes.USAGE
    assert "run 1 is still running: stop it first." in said(capsys)[1]
    assert baseline(running, "list") == 0
    assert "running" in said(capsys)[0].splitlines()[0]


def test_a_damaged_file_is_said_and_the_command_still_works(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert baseline(running, "add", "60") == 0
    (path,) = (paths.state_dir() / "baseline").glob("*.json")
    path.write_text("{not json")
    capsys.readouterr()
    assert baseline(running, "add", "70") == 0
    out, err = said(capsys)
    assert "The baseline file was damaged; it was moved to" in err
    assert "Added baseline run 1: 1m 10s." in out
    assert Path(f"{path}.corrupt").exists()


def test_nowhere_to_save_is_exit_1_and_says_where(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    state = paths.state_dir()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text("a file where the state folder should be")
    assert baseline(running, "add", "60") == exit_codes.FAILED
    out, err = said(capsys)
    assert "Baseline runs cannot be saved in" in err and "nothing was saved" in err
    assert out == ""


def test_not_signed_in_and_a_refused_token(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["baseline", "list", "--server", running.url]) == exit_codes.USAGE
    assert "not signed in to" in said(capsys)[1]
    bad = ["baseline", "start", "--server", running.url, "--token", "not-a-token"]
    assert cli.main(bad) == exit_codes.DENIED
    assert not (paths.state_dir() / "baseline").exists()  # nothing started for nobody


def test_a_stopwatch_left_running_says_how_to_fix_it(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert baseline(running, "start") == 0
    (path,) = (paths.state_dir() / "baseline").glob("*.json")
    saved = json.loads(path.read_text())
    started = datetime.fromisoformat(saved["runs"][0]["started_at"]) - timedelta(hours=3)
    saved["runs"][0]["started_at"] = started.isoformat()  # started three hours earlier
    path.write_text(json.dumps(saved))
    capsys.readouterr()
    assert baseline(running, "stop") == 0
    out = said(capsys)[0]
    assert ": 3h 00m." in out
    assert "Over an hour: if the stopwatch ran on, fix it with rf-tui baseline edit 1" in out
