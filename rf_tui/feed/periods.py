"""The periods of the escalation metric, apart from the models: the command line's
``--period`` choices are built on every run, even ``--help``, without pydantic."""

from __future__ import annotations

from typing import Literal

#: The periods the metric endpoint takes; anything else is its 422, never sent.
PERIODS = ("7d", "30d", "90d")
Period = Literal["7d", "30d", "90d"]
