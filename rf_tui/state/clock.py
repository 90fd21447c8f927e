"""Time as the UI shows it, with the clock injected so tests can fix it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def time_of_day(when: datetime) -> str:
    """ "14:05" in the machine's time zone."""
    return when.astimezone().strftime("%H:%M")


def age(seconds: float) -> str:
    """ "now", "40s", "2m", "1h", "3d": short enough for a narrow column.

    Under a minute it counts in tens of seconds: a queue left open repaints a
    fresh row six times in its first minute instead of sixty, and nobody picks
    an escalation by the second.
    """
    if seconds < 10:
        return "now"
    if seconds < 60:
        return f"{int(seconds) // 10 * 10}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def ago(then: datetime | None, now: datetime) -> str:
    """ "2s ago", "just now", "3m ago" for a toast; empty when unknown."""
    if then is None:
        return ""
    seconds = (now - then).total_seconds()
    if seconds < 1:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)}s ago"
    return f"{age(seconds)} ago"


def duration(seconds: float | None) -> str:
    """ "1m 22s", "45s", "2h 05m" for the metric; an em dash when unknown."""
    if seconds is None:
        return "—"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {(s % 3600) // 60:02d}m"
