"""`rf-tui --plain`: lines of text and a prompt, driven over pipes like a screen reader would."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from rf_tui.api.client import Client
from rf_tui.api.stream import EscalationStream, Reconnecting
from rf_tui.cli.plain import Plain
from tests.faults.proxy import Proxy
from tests.helpers import ALEX, DANA, SAM, Running, count_requests, wait_for


class PlainSession:
    """`rf-tui --plain` in a subprocess: what it printed, and a way to type."""

    def __init__(self, running: Running, tmp_path: Path) -> None:
        token = httpx.post(
            f"{running.url}/api/v1/auth/login", json={"email": DANA, "password": "demo-password"}
        ).json()["access_token"]
        env = {**os.environ, "RF_TUI_TOKEN": token, "PYTHONPATH": os.getcwd(),
               "XDG_STATE_HOME": str(tmp_path / "s"), "XDG_CONFIG_HOME": str(tmp_path / "c")}  # fmt: skip
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rf_tui", "--plain", "--server", running.url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        self.output = ""
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with self._changed:
                self.output += raw.decode("utf-8", errors="replace")
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 10) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: text in self.output, timeout=timeout):
                raise AssertionError(f"{text!r} never printed; got:\n{self.output}")

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def close(self) -> int:
        if self.proc.poll() is None:
            self.type("q")
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def escalate(running: Running, summary: str, notes: str | None = None) -> str:
    async def go() -> str:
        async with Client(running.url) as sam:
            await sam.login(SAM, "demo-password")
            return (await sam.hand_off((await sam.create_session(summary)).id,
                                       engineer_notes=notes)).id  # fmt: skip

    return asyncio.run(go())


def test_a_numbered_list_live_lines_claim_and_show(running: Running, tmp_path: Path) -> None:
    plain = PlainSession(running, tmp_path)
    try:
        plain.wait_for("3 escalations waiting, newest first:")
        plain.wait_for("[1] high — VPN drops every few minutes")
        plain.wait_for("Commands: l list · s N show · c N claim · m N text: first action · q quit")
        escalate(running, "Scanner emails bounce", "tried the relay")
        plain.wait_for("NEW [4] normal — Scanner emails bounce — Sam Okafor — 'tried the relay'")
        plain.type("c 1")
        plain.wait_for("Claimed [1]. Type s 1 to read it")
        plain.type("s 1")
        plain.wait_for("Escalation: VPN drops every few minutes")
        plain.wait_for("What's been tried:")
        plain.wait_for("Start here:")
        plain.type("m 2 checked the relay")
        plain.wait_for("Claim [2] first: c 2.")
        plain.type("m 1 checked the VPN client logs")
        plain.wait_for("Sent to [1]. The AI answers:")
        plain.type("c 9")
        plain.wait_for("No escalation [9] is waiting. Type l to list.")
        plain.type("c 1")
        plain.wait_for("[1] is already yours.")
    finally:
        code = plain.close()
    assert code == 0
    assert "\x1b" not in plain.output  # no alternate screen, colours or cursor moves
    # A screen reader reads markup out loud: the panels are plain text.
    assert "##" not in plain.output and "**" not in plain.output


def test_a_lost_race_and_a_claim_seen_live(running: Running, tmp_path: Path) -> None:
    plain = PlainSession(running, tmp_path)
    try:
        plain.wait_for("[2] urgent — CFO stuck")

        async def alex_claims(words: str) -> None:
            async with Client(running.url) as alex:
                await alex.login(ALEX, "demo-password")
                entry = next(e for e in await alex.queue() if words in e.summary)
                await alex.claim(entry.session_id, entry.id)

        asyncio.run(alex_claims("CFO"))
        plain.wait_for("CLAIMED [2] by Alex Moreno")
        # Announced claims leave the list; an unannounced one surfaces as a 409.
        plain.type("c 2")
        plain.wait_for("No escalation [2] is waiting.")
    finally:
        assert plain.close() == 0


def test_hostile_text_arrives_inert(running: Running, tmp_path: Path) -> None:
    plain = PlainSession(running, tmp_path)
    try:
        plain.wait_for("Commands:")
        escalate(running, "Printer \x1b]2;PWNED\x07 on \u202efire", "\x9b31m red")
        plain.wait_for("NEW [4] normal — Printer ␛]2;PWNED")  # shown, made inert
    finally:
        plain.close()
    assert "\x1b" not in plain.output and "\x9b" not in plain.output
    assert "\u202e" not in plain.output


def test_plain_never_imports_textual_and_follows_without_input(running: Running) -> None:
    """As a log (`rf-tui --plain > shift.log`): no input, it follows until interrupted."""
    token = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": DANA, "password": "demo-password"}
    ).json()["access_token"]
    probe = (
        "import sys; from rf_tui import cli; code = cli.main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual imported'; raise SystemExit(code)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", probe, "--plain", "--server", running.url, "--token", token],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        seen = ""
        for raw in proc.stdout:  # bounded by the escalation below arriving, or the timeout
            seen += raw.decode()
            if "Commands:" in seen:
                escalate(running, "Arrives while nobody types")
            if "NEW [4]" in seen:
                break
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Arrives while nobody types" in seen


async def test_a_gap_is_told_in_lines_after_the_reconnect(running: Running) -> None:
    """The link drops; meanwhile one arrives and one is claimed; both are told on return."""
    port = int(running.url.rsplit(":", 1)[1])
    out = io.StringIO()
    async with Proxy(port) as proxy, Client(running.url) as sam, Client(running.url) as alex:
        await sam.login(SAM, "demo-password")
        await alex.login(ALEX, "demo-password")
        dana = Client(proxy.url)
        await dana.login(DANA, "demo-password")
        plain = Plain(dana, out, EscalationStream(dana, backoff_base=0.05, backoff_cap=0.2))
        following = asyncio.create_task(plain.follow())
        try:
            await wait_for(lambda: "waiting, newest first" in out.getvalue(), what="the list")
            proxy.refuse = True
            await proxy.cut()
            await wait_for(lambda: "Connection lost" in out.getvalue(), what="the gap")
            missed = await sam.hand_off((await sam.create_session("Printer jam at reception")).id)
            taken = next(e for e in await alex.queue() if e.id != missed.id)
            await alex.claim(taken.session_id, taken.id)
            proxy.refuse = False
            await wait_for(
                lambda: "GONE while disconnected" in out.getvalue(), timeout=10, what="the return"
            )
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
            await dana.aclose()
    text = out.getvalue()
    assert f"NEW while disconnected [{plain.numbers[missed.id]}] normal — Printer jam" in text
    assert f"GONE while disconnected [{plain.numbers[taken.id]}]" in text
    assert "\x1b" not in text


async def test_the_queue_is_listed_while_a_proxy_refuses_the_stream() -> None:
    """A 502 on the stream alone: the list is the server's, never "0 escalations"."""
    from tests.canned import response
    from tests.hostile.server import API, Hostile

    out = io.StringIO()
    async with Hostile() as hostile:
        hostile.routes[("GET", f"{API}/ai-sessions/escalations/stream")] = response(502, "")
        async with Client(hostile.url, "token") as client:
            plain = Plain(client, out, EscalationStream(client, backoff_base=0.05, backoff_cap=0.2))
            following = asyncio.create_task(plain.follow())
            try:
                await wait_for(lambda: "waiting, newest first" in out.getvalue(), what="the list")
                await wait_for(
                    lambda: (
                        isinstance(plain.feed.state, Reconnecting) and plain.feed.state.attempt >= 3
                    ),
                    what="three tries",
                )
            finally:
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
    assert "3 escalations waiting, newest first:" in out.getvalue()
    assert "0 escalations" not in out.getvalue()
    # Said once, not at every retry: a screen reader reads every line.
    assert out.getvalue().count("Cannot connect to the live stream (The server had a problem") == 1


async def test_an_arrival_found_by_polling_is_announced_while_the_stream_is_refused() -> None:
    """No live stream (a proxy refuses or holds it): the refetch finds the arrival, and a
    screen reader hears it as it would from the stream."""
    from tests.canned import response
    from tests.hostile.server import API, Hostile, entry

    out = io.StringIO()
    async with Hostile() as hostile:
        hostile.routes[("GET", f"{API}/ai-sessions/escalations/stream")] = response(502, "")
        async with Client(hostile.url, "token") as client:
            plain = Plain(client, out, EscalationStream(client, backoff_base=0.05, backoff_cap=0.2))
            plain.feed.unlive_every = 0.2  # what 5 s is in the app
            following = asyncio.create_task(plain.follow())
            try:
                await wait_for(lambda: "waiting, newest first" in out.getvalue(), what="the list")
                hostile.queue.insert(0, entry(9))
                await wait_for(lambda: "Problem number 9" in out.getvalue(), what="the arrival")
            finally:
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
    line = next(x for x in out.getvalue().splitlines() if "Problem number 9" in x)
    assert " NEW [4] normal — Problem number 9 — Sam" in line, line


async def test_a_burst_prints_every_line_without_a_request_per_arrival(running: Running) -> None:
    out = io.StringIO()
    port = int(running.url.rsplit(":", 1)[1])
    async with Proxy(port) as proxy, Client(running.url) as sam, Client(proxy.url) as dana:
        await sam.login(SAM, "demo-password")
        await dana.login(DANA, "demo-password")
        lookups = count_requests(dana, "/handoffs")
        sessions = [await sam.create_session(f"Burst {i}") for i in range(12)]
        plain = Plain(dana, out)
        following = asyncio.create_task(plain.follow())
        try:
            await wait_for(lambda: "Connected" in out.getvalue() and "Commands" in out.getvalue())
            proxy.stall()  # the twelve pile up behind a busy link, then land at once
            await asyncio.gather(*(sam.hand_off(s.id) for s in sessions))
            proxy.stall(False)
            await wait_for(
                lambda: all(f"— Burst {i} — Sam Okafor" in out.getvalue() for i in range(12)),
                timeout=10,
                what="twelve NEW lines with their summaries",
            )
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
    assert len(lookups) <= 6, lookups  # was one per arrival: 12
    assert out.getvalue().count(" NEW [") == 12


async def test_a_crash_is_said_and_exits_1_never_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cron job or a screen reader reads the exit status: a crash is not success."""
    from rf_tui.cli import plain as plain_module
    from rf_tui.cli.script import FAILED

    async def broken(self: Plain) -> int:
        raise RuntimeError("the follower broke")

    monkeypatch.setattr(plain_module.Plain, "follow", broken)
    monkeypatch.setattr(plain_module, "_typed_lines", lambda loop, inbox: None)  # no one types
    out = io.StringIO()
    code = await plain_module.run(Client("http://127.0.0.1:9", "t"), out)
    assert code == FAILED
    assert "rf-tui stopped: RuntimeError: the follower broke" in out.getvalue()


async def test_someone_looking_is_not_a_line_nor_a_garbled_frame(running: Running) -> None:
    """`handoff_viewing` ([ours]) is for the TUI's rows: --plain reads it and says nothing."""
    out = io.StringIO()
    async with Client(running.url) as alex, Client(running.url) as dana:
        await alex.login(ALEX, "demo-password")
        await dana.login(DANA, "demo-password")
        plain = Plain(dana, out)
        heard: list[object] = []
        plain.feed.sink = lambda event: (heard.append(event), plain.on_event(event))
        following = asyncio.create_task(plain.follow())
        try:
            await wait_for(lambda: "Connected" in out.getvalue() and "Commands" in out.getvalue())
            entry = plain.feed.queue.ordered()[0]
            await alex.viewing(entry.session_id, entry.id)
            await alex.viewing(entry.session_id, entry.id, viewing=False)
            marker = await asyncio.to_thread(escalate, running, "Marker after the heartbeats")
            await wait_for(
                lambda: "Marker after the heartbeats" in out.getvalue(), what="the marker"
            )
        finally:
            following.cancel()
            await asyncio.gather(following, return_exceptions=True)
    text = out.getvalue()
    assert "Alex" not in text and "view" not in text.lower()
    assert plain.feed.stream.malformed_frames == plain.feed.stream.unknown_events == 0
    assert plain.numbers[marker] == 4
    assert [type(e).__name__ for e in heard].count("ViewersChanged") == 2  # heard, not said
