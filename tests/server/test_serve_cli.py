"""`rf-tui serve` as a user runs it: a subprocess, its one ready line, a clean stop."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def flags() -> list[str]:
    """More flags for `rf-tui serve`; override to change how it runs."""
    return []


@pytest.fixture
def served(flags: list[str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "rf_tui", "serve", "--demo-seed", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = ""
    for line in proc.stdout:  # bounded by pytest-timeout if the server never starts
        if line.startswith("rf-tui server listening on "):
            url = line.split()[-1]
            break
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_serve_prints_its_address_binds_loopback_and_answers(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    proc, url = served
    assert url.startswith("http://127.0.0.1:")
    login = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": "dana@northwind.example", "password": "demo-password"},
    )
    assert login.status_code == 200
    token = login.json()["access_token"]
    queue = httpx.get(
        f"{url}/api/v1/ai-sessions/queue", headers={"authorization": f"Bearer {token}"}
    )
    assert queue.status_code == 200 and len(queue.json()) == 3
    assert proc.poll() is None


def test_sigterm_stops_cleanly_even_with_a_stream_open(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    proc, url = served
    login = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": "dana@northwind.example", "password": "demo-password"},
    )
    headers = {"authorization": f"Bearer {login.json()['access_token']}"}
    with httpx.stream(
        "GET", f"{url}/api/v1/ai-sessions/escalations/stream", headers=headers, timeout=10
    ) as stream:
        lines = stream.iter_lines()
        assert next(lines) == "event: ready"
        proc.send_signal(signal.SIGTERM)
        rest = list(lines)  # ends when the server closes the stream
    assert proc.wait(timeout=10) == 0
    assert "event: ready" not in rest


def test_bad_port_is_a_clear_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rf_tui", "serve", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "--port must be between 0 and 65535" in out.stderr


def serve(*flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rf_tui", "serve", *flags],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_broker_that_is_not_redis_is_a_clear_error() -> None:
    out = serve("--broker", "amqp://rabbit:5672")
    assert out.returncode == 2
    assert out.stderr == "rf-tui: --broker takes a redis://, rediss:// or unix:// URL\n"


def test_a_database_out_of_reach_says_so_and_fails() -> None:
    with socket.socket() as nobody:  # a port that refuses: bound, never listening
        nobody.bind(("127.0.0.1", 0))
        port = nobody.getsockname()[1]
        out = serve("--db", f"postgresql://rf@127.0.0.1:{port}/rf")
    assert out.returncode == 1
    assert out.stderr.startswith("rf-tui: cannot use the database: ")
    assert "Traceback" not in out.stderr


class TestQuirks:
    @pytest.fixture
    def flags(self) -> list[str]:
        return ["--quirk", "path-prefix=/rf", "--quirk", "naive-times"]

    def test_the_printed_address_is_the_api_s_root_under_the_prefix(
        self, served: tuple[subprocess.Popen[str], str]
    ) -> None:
        _, url = served
        assert url.startswith("http://127.0.0.1:") and url.endswith("/rf")
        login = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "dana@northwind.example", "password": "demo-password"},
        )
        assert login.status_code == 200
        headers = {"authorization": f"Bearer {login.json()['access_token']}"}
        queue = httpx.get(f"{url}/api/v1/ai-sessions/queue", headers=headers).json()
        assert len(queue) == 3 and not queue[0]["created_at"].endswith(("Z", "+00:00"))
        root = url.removesuffix("/rf")
        assert httpx.get(f"{root}/api/v1/ai-sessions/queue", headers=headers).status_code == 404
