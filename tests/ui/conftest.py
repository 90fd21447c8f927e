"""UI fixtures: the real app, built by the real factory, against the real server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rf_tui.api.client import Client
from rf_tui.settings import Settings
from rf_tui.ui.app import RfApp, make_app
from rf_tui.ui.presenter import Presenter
from tests.helpers import DANA, Running


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times on screen do not depend on the machine's time zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def token_for(running: Running, email: str) -> str:
    """Sign in with a plain synchronous request (the app's client lives in its own loop)."""
    import httpx

    answer = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": email, "password": "demo-password"}
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


class AppFactory:
    def __init__(self, running: Running, state_dir: Path) -> None:
        self.running = running
        self.state_dir = state_dir

    def __call__(
        self, email: str = DANA, *, presenter: Presenter | None = None, **settings: object
    ) -> RfApp:
        token = token_for(self.running, email)
        config = Settings(
            server=self.running.url,
            token=token,
            state_dir=self.state_dir,
            web_url="https://rf.example",
            **settings,  # type: ignore[arg-type]
        )
        clock = self.running.clock
        assert clock is not None
        if presenter is not None:  # as `rf-tui demo --present` does: the take's still clock
            return make_app(config, Client(self.running.url, token), clock=presenter.clock,
                            presenter=presenter)  # fmt: skip
        return make_app(config, Client(self.running.url, token), clock=clock)


@pytest.fixture
def make(running: Running, tmp_path: Path) -> AppFactory:
    return AppFactory(running, tmp_path / "state")
