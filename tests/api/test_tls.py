"""TLS is verified by default; a private CA is trusted only when given (--ca-bundle)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from rf_tui.api.client import Client
from rf_tui.api.errors import Unreachable
from rf_tui.server.seed import DEMO_PASSWORD
from tests.helpers import DANA, serving_tls


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert = ca.issue_cert("127.0.0.1", "localhost")
    with serving_tls(cert, ca, tmp_path) as served:
        yield served


async def test_a_certificate_from_an_unknown_ca_is_refused_with_a_way_out(
    tls_server: tuple[str, Path],
) -> None:
    url, _ = tls_server
    assert url.startswith("https://")
    async with Client(url) as client:
        with pytest.raises(Unreachable) as err:
            await client.login(DANA, DEMO_PASSWORD)
    assert "TLS certificate" in err.value.message
    assert "--ca-bundle" in err.value.message


async def test_the_given_ca_bundle_is_trusted(tls_server: tuple[str, Path]) -> None:
    url, ca_file = tls_server
    async with Client(url, verify=str(ca_file)) as client:
        await client.login(DANA, DEMO_PASSWORD)
        assert (await client.me()).email == DANA


def test_a_missing_ca_bundle_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        Client("https://127.0.0.1:1", verify=str(tmp_path / "nope.pem"))
