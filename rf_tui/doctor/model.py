"""What ``rf-tui doctor`` reports: one ``Check`` per line, and the numbers it judges by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rf_tui.feed.timing import UNLIVE_EVERY

Status = Literal["ok", "warn", "fail", "skip"]
_RANK: dict[Status, int] = {"ok": 0, "skip": 0, "warn": 1, "fail": 2}

#: The app's queue refetch while the stream is not live.
POLL_EVERY = round(UNLIVE_EVERY)
#: The app calls a stream dead after this long without a byte (rf_tui/api/stream.py).
LINK_DEAD_AFTER = 2 * 25 + 5
#: How long --wait-keepalive waits: past the app's own limit, so "none" means none.
KEEPALIVE_WAIT = 60.0
#: Non-queue answers are small; a bigger one is not the API.
SMALL_BODY = 1024 * 1024


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    finding: str
    advice: str = ""

    def json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "status": self.status,
            "finding": self.finding,
            "advice": self.advice or None,
        }


def worst(checks: list[Check]) -> Status:
    return max((c.status for c in checks), key=lambda s: _RANK[s], default="ok")


def secs(seconds: float) -> str:
    """ "5", "0.5", "5.3": a wait as a person would write it."""
    return f"{seconds:.1f}".rstrip("0").rstrip(".")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def span(seconds: float) -> str:
    """ "about 10 min", "about 2 h 5 min": clocks are compared to the second at best."""
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60} min"
