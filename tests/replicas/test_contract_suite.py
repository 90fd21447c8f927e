"""The contract tests written for one reference server, run through the balancer.

The same test functions as in tests/server and tests/api (imported, so they are
collected here too), with ``running`` (tests/replicas/conftest.py) pointing them at
HAProxy in front of two replicas on Postgres and Redis, reseeded for each test. Every
request may land on either replica. Left out: tests that move a fake clock, reach
into one server's process, or count per-process state (sign-in failures, viewers).
"""

from __future__ import annotations

from tests.api.test_stream import *  # noqa: F403
from tests.server.test_roles import *  # noqa: F403
from tests.server.test_sessions import *  # noqa: F403
from tests.server.test_tenancy import *  # noqa: F403
