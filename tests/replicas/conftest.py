"""The replicated stack (stack.py), one per test module: starting it takes seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.replicas.stack import Stack, stack

#: Claim racers, as in the issue: 100 concurrent claims.
SENIORS = 100


@pytest.fixture(scope="module")
def replicas() -> Iterator[Stack]:
    with stack(seniors=SENIORS) as up:
        yield up
