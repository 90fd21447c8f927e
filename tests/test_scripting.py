"""`rf-tui queue`, `watch` and `claim` against the real reference server."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys

import httpx
import pytest

from rf_tui import cli
from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream
from rf_tui.cli import script
from rf_tui.cli.watching import Watcher
from tests.faults.proxy import Proxy
from tests.helpers import ALEX, DANA, SAM, VIC, Running, count_requests, wait_for


def token(running: Running, email: str = DANA) -> str:
    answer = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": email, "password": "demo-password"}
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def as_user(running: Running, email: str = DANA) -> list[str]:
    return ["--server", running.url, "--token", token(running, email)]


def test_queue_prints_one_line_per_escalation_newest_first(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["queue", *as_user(running)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert "VPN drops" in lines[0] and "high" in lines[0] and "Sam Okafor" in lines[0]
    assert "Warehouse" in lines[2]


def test_queue_json_is_the_contract_fields(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["queue", "--json", *as_user(running)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["priority"] for r in rows] == ["high", "urgent", "normal"]
    assert {"id", "session_id", "summary", "requester", "created_at"} <= set(rows[0])


def test_claim_wins_then_loses_with_the_winners_name(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["queue", "--json", *as_user(running)]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert cli.main(["claim", first["id"], *as_user(running, ALEX)]) == script.OK
    assert "Claimed" in capsys.readouterr().out
    # Dana asks for it by id and session: the server's 409 names Alex.
    code = cli.main(["claim", first["id"], "--session", first["session_id"], *as_user(running)])
    assert code == script.LOST_RACE
    assert "Already claimed by Alex Moreno" in capsys.readouterr().out
    # Without --session: gone from the queue, but listed here before, so the claim
    # itself names the winner (it used to exit 5 with a garbled sentence).
    assert cli.main(["claim", first["id"], *as_user(running)]) == script.LOST_RACE
    assert "Already claimed by Alex Moreno" in capsys.readouterr().out
    # The winner runs it again: a claim is idempotent, so still 0, not "not found".
    assert cli.main(["claim", first["id"], *as_user(running, ALEX)]) == script.OK
    assert f"Claimed {first['id']}" in capsys.readouterr().out
    # An id never seen here is not guessed at.
    assert cli.main(["claim", "no-such-id", *as_user(running)]) == script.NOT_FOUND
    err = capsys.readouterr().err
    assert "is not waiting in your queue. If someone claimed it, --session" in err


def test_claim_refused_to_a_viewer_and_to_a_bad_token(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["queue", "--json", *as_user(running)]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert cli.main(["claim", first["id"], *as_user(running, VIC)]) == script.DENIED
    assert "Not allowed" in capsys.readouterr().err
    bad = ["--server", running.url, "--token", "not-a-token"]
    assert cli.main(["queue", *bad]) == script.DENIED
    assert "not signed in" in capsys.readouterr().err


def test_unreachable_is_exit_1_and_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["queue", "--server", "http://127.0.0.1:9", "--token", "t"]) == script.FAILED
    err = capsys.readouterr().err
    assert "Cannot reach the server" in err and "Traceback" not in err


def test_hostile_text_never_reaches_the_terminal_raw(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    async def escalate() -> None:
        async with Client(running.url) as sam:
            await sam.login(SAM, "demo-password")
            session = await sam.create_session("\x1b]2;PWNED\x07 printer \x1b[2J on fire")
            await sam.hand_off(session.id, engineer_notes="\x9b31m red")

    asyncio.run(escalate())
    assert cli.main(["queue", *as_user(running)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "printer" in out
    assert cli.main(["queue", "--json", *as_user(running)]) == 0
    rows = json.loads(capsys.readouterr().out)  # escaped by JSON, intact when decoded
    assert any("PWNED" in r["summary"] for r in rows)


def test_scripting_never_imports_textual(running: Running) -> None:
    probe = (
        "import sys; from rf_tui import cli; code = cli.main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual imported'; raise SystemExit(code)"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-c", probe, "queue", *as_user(running)],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "VPN drops" in done.stdout


async def test_watch_prints_events_and_what_a_gap_hid(running: Running) -> None:
    port = int(running.url.rsplit(":", 1)[1])
    out = io.StringIO()
    async with Proxy(port) as proxy, Client(running.url) as sam, Client(running.url) as alex:
        await sam.login(SAM, "demo-password")
        await alex.login(ALEX, "demo-password")
        client = Client(proxy.url, token(running))

        def quick(c: Client) -> EscalationStream:
            return EscalationStream(c, backoff_base=0.05, backoff_cap=0.2)

        watching = asyncio.create_task(script.watch(client, True, out, quick))
        lines = lambda: [json.loads(x) for x in out.getvalue().splitlines()]  # noqa: E731
        await wait_for(
            lambda: {"type": "state", "state": "live"} in lines(), timeout=5, what="live"
        )
        live = await sam.hand_off((await sam.create_session("Scanner offline")).id)
        await wait_for(
            lambda: any(x.get("handoff_id") == live.id for x in lines()),
            timeout=5,
            what="the live event",
        )
        # The link drops; while it is down one escalation arrives and one is claimed.
        proxy.refuse = True
        await proxy.cut()
        await wait_for(
            lambda: any(x.get("state") == "reconnecting" for x in lines()), timeout=5, what="gap"
        )
        missed = await sam.hand_off((await sam.create_session("Printer jam")).id)
        waiting = await alex.queue()
        taken = next(e for e in waiting if e.id != missed.id and e.id != live.id)
        await alex.claim(taken.session_id, taken.id)
        proxy.refuse = False
        await wait_for(
            lambda: {x["type"] for x in lines()} >= {"missed_created", "missed_gone"},
            timeout=10,
            what="the backfill after the gap",
        )
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
    kinds = {(x["type"], x.get("handoff_id")) for x in lines()}
    assert ("missed_created", missed.id) in kinds
    assert ("missed_gone", taken.id) in kinds
    assert ("handoff_created", live.id) in kinds


async def test_watch_says_what_the_app_shows(running: Running) -> None:
    """Summary, requester and notes on NEW; the claimer's name on CLAIMED."""
    out = io.StringIO()
    async with Client(running.url) as sam, Client(running.url) as alex:
        await sam.login(SAM, "demo-password")
        await alex.login(ALEX, "demo-password")
        client = Client(running.url, token(running))
        watching = asyncio.create_task(script.watch(client, False, out))
        try:
            await wait_for(lambda: " live" in out.getvalue(), what="live")
            new = await sam.hand_off(
                (await sam.create_session("Scanner offline")).id, engineer_notes="tried a reboot"
            )
            await wait_for(lambda: f"NEW normal {new.id}" in out.getvalue(), what="the arrival")
            await alex.claim(new.session_id, new.id)
            await wait_for(lambda: f"CLAIMED {new.id}" in out.getvalue(), what="the claim")
        finally:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
    text = out.getvalue()
    assert f"NEW normal {new.id} — Scanner offline — Sam Okafor — 'tried a reboot'" in text
    assert f"CLAIMED {new.id} by Alex Moreno" in text


async def test_watch_says_nothing_of_who_is_looking(running: Running) -> None:
    """`handoff_viewing` ([ours]) is for the TUI's rows: watch reads it and prints nothing,
    in text or JSON, and does not count it as garbled."""
    out = io.StringIO()
    async with Client(running.url) as sam, Client(running.url) as alex:
        await sam.login(SAM, "demo-password")
        await alex.login(ALEX, "demo-password")
        client = Client(running.url, token(running))
        watcher = Watcher(client, True, out)
        heard: list[object] = []
        watcher.feed.sink = lambda event: (heard.append(event), watcher.on_event(event))
        watching = asyncio.create_task(watcher.run())
        lines = lambda: [json.loads(x) for x in out.getvalue().splitlines()]  # noqa: E731
        try:
            await wait_for(lambda: {"type": "state", "state": "live"} in lines(), what="live")
            entry = (await alex.queue())[0]
            await alex.viewing(entry.session_id, entry.id)
            await alex.viewing(entry.session_id, entry.id, viewing=False)
            marker = await sam.hand_off((await sam.create_session("Marker")).id)
            await wait_for(
                lambda: any(x.get("handoff_id") == marker.id for x in lines()), what="the marker"
            )
        finally:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
            await client.aclose()
    assert {x["type"] for x in lines()} == {"state", "handoff_created"}
    assert [type(e).__name__ for e in heard].count("ViewersChanged") == 2  # heard, not said
    assert watcher.feed.stream.malformed_frames == watcher.feed.stream.unknown_events == 0


async def test_watch_handles_a_burst_without_a_request_per_arrival(running: Running) -> None:
    out = io.StringIO()
    port = int(running.url.rsplit(":", 1)[1])
    async with Proxy(port) as proxy, Client(running.url) as sam:
        await sam.login(SAM, "demo-password")
        sessions = [await sam.create_session(f"Burst {i}") for i in range(12)]
        client = Client(proxy.url, token(running))
        lookups = count_requests(client, "/handoffs")
        watching = asyncio.create_task(script.watch(client, True, out))
        lines = lambda: [json.loads(x) for x in out.getvalue().splitlines()]  # noqa: E731
        try:
            await wait_for(lambda: {"type": "state", "state": "live"} in lines(), what="live")
            proxy.stall()  # the twelve pile up behind a busy link, then land at once
            await asyncio.gather(*(sam.hand_off(s.id) for s in sessions))
            proxy.stall(False)
            await wait_for(
                lambda: sum(x["type"] == "handoff_created" for x in lines()) == 12,
                timeout=10,
                what="twelve arrivals",
            )
        finally:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
    created = [x for x in lines() if x["type"] == "handoff_created"]
    assert {x["summary"] for x in created} == {f"Burst {i}" for i in range(12)}
    assert all(x["requester"] == "Sam Okafor" for x in created)
    assert len(lookups) <= 2 * 3, lookups  # not one request per arrival


def test_queue_shows_the_good_rows_and_names_the_malformed_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One row without an id, one with a time that is not one: the rest still print."""
    from tests.hostile.server import Hostile, entry

    hostile = Hostile()
    hostile.queue = [entry(1), {"session_id": "s9", "created_at": "2026-11-23T11:00:00Z"},
                     entry(2, created_at="yesterday"), entry(3)]  # fmt: skip
    hostile.start_in_thread()
    code = cli.main(["queue", "--server", hostile.url, "--token", "t"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Problem number 1" in out and "Problem number 3" in out
    assert "row 2: id: Field required" in err
    assert "row 3 (h2): created_at" in err
    assert "Traceback" not in out + err


def test_what_people_paste_and_what_a_reader_closes(capsys: pytest.CaptureFixture[str]) -> None:
    """A server with a trailing newline works; a token with a CR is a sentence; a proxy
    password in the address is never printed; columns keep straight with CJK names."""
    from datetime import datetime, timezone

    from rf_tui.api.models import QueueEntry
    from tests.hostile.server import Hostile

    hostile = Hostile()
    hostile.start_in_thread()
    assert cli.main(["queue", "--server", hostile.url + "\n", "--token", "t\n"]) == 0
    assert "Problem number 1" in capsys.readouterr().out

    assert cli.main(["queue", "--server", hostile.url, "--token", "ab\rcd"]) == 2
    assert "token has a space, line break or control character" in capsys.readouterr().err

    assert cli.main(["queue", "--server", "http://ops:s3cret@127.0.0.1:9", "--token", "t"]) == 1
    err = capsys.readouterr().err
    assert "ops:***@127.0.0.1:9" in err and "s3cret" not in err

    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)

    def row(name: str) -> QueueEntry:
        return QueueEntry.model_validate({"id": "h1", "session_id": "s1", "created_at": now,
                                          "handed_off_by_name": name, "problem_summary": "VPN"})  # fmt: skip

    from rf_tui.cli.script import queue_lines
    from rf_tui.text import cell_len

    latin, cjk = queue_lines([row("Sam Okafor"), row("王小明")], now, None)
    assert cell_len(latin[: latin.index("VPN")]) == cell_len(cjk[: cjk.index("VPN")])


def test_a_reader_that_goes_away_ends_queue_quietly() -> None:
    """`rf-tui queue --json | head -1`: no BrokenPipeError traceback."""
    from tests.hostile.server import Hostile, entry

    hostile = Hostile()
    hostile.queue = [entry(n) for n in range(1, 2001)]  # more than a pipe holds
    hostile.start_in_thread()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rf_tui", "queue", "--json", "--server", hostile.url, "--token", "t"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"["
    proc.stdout.close()  # as head does after its line
    err = proc.stderr.read()
    assert proc.wait(timeout=30) == 141
    assert b"Traceback" not in err and b"BrokenPipeError" not in err
