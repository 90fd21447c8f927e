from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from rf_tui.server.config import ServerConfig
from tests.helpers import FakeClock, Running, start_server


@pytest.fixture(autouse=True)
def _hide_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the developer's own config or state."""
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    for var in ("RF_TUI_SERVER", "RF_TUI_TOKEN", "RF_TUI_PROFILE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server_config(clock: FakeClock) -> ServerConfig:
    """Override in a test module to change how the server behaves."""
    return ServerConfig(clock=clock, keepalive_seconds=25.0, assessment_delay=0.05)


@pytest.fixture
def running(server_config: ServerConfig) -> Iterator[Running]:
    """A fresh, seeded reference server on a loopback port, per test."""
    srv = start_server(server_config)
    try:
        yield srv
    finally:
        srv.server.stop()


@pytest.fixture
async def rf(running: Running) -> AsyncIterator[Running]:
    """``running``, closing the clients a test opened through it."""
    yield running
    await running.aclose()
