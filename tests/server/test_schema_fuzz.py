"""Schemathesis over the reference server's own OpenAPI schema, on a real socket.

No 500s, and every answer matches the schema it publishes.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from rf_tui.server.config import ServerConfig
from tests.helpers import DANA, start_server


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    running = start_server(ServerConfig(assessment_delay=0.01))
    token = httpx.post(
        f"{running.url}/api/v1/auth/login", json={"email": DANA, "password": "demo-password"}
    ).json()["access_token"]
    try:
        yield running.url, token
    finally:
        running.server.stop()


@pytest.fixture(scope="module")
def api_schema(served: tuple[str, str]) -> schemathesis.BaseSchema:
    url, _ = served
    return schemathesis.openapi.from_url(f"{url}/openapi.json")


# The event stream never ends, so it is tested on its own (tests/server/test_stream.py).
schema = schemathesis.pytest.from_fixture("api_schema").exclude(path_regex="/stream$")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_promises(
    case: schemathesis.Case, served: tuple[str, str]
) -> None:
    url, token = served
    # Left out: ignored_auth and negative_data_rejection re-send these explicit
    # headers, so they cannot see a token dropped (tests/server/test_auth.py covers
    # missing and forged tokens), and unknown query parameters are ignored, as
    # FastAPI and the real backend do.
    case.call_and_validate(
        base_url=url,
        headers={"authorization": f"Bearer {token}"},
        excluded_checks=[ignored_auth, negative_data_rejection],
    )
