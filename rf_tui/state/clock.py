"""Time as the UI shows it, with the clock injected so tests can fix it."""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

Clock = Callable[[], datetime]

#: Offsets smaller than this are noise: the Date header counts whole seconds and
#: comes a round trip late, so the server's clock is only ever known to a second
#: or two. Ages count in tens of seconds anyway.
SKEW_NOISE = 2.0
#: From this offset on the status line says whose clock the ages use.
SKEW_TOLD = 60.0
#: Date headers the estimate is the median of: one odd answer (a proxy's, a
#: cached one) does not move it.
SKEW_SAMPLES = 9


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class ServerTime:
    """The server's clock: a local clock plus the offset its ``Date`` headers show.

    Every age on screen is the server's "now" minus a time the server wrote, so
    the two must come from the same clock: a server ten minutes ahead otherwise
    shows a timed-out assessment as pending for ten minutes, and one three hours
    behind shows a fresh escalation as "3h". Samples are taken against the
    machine's real time (what a Date header can be compared with); the offset is
    then added to ``base``, which tests and presenter mode may stop.
    """

    def __init__(self, base: Clock = system_clock, samples: int = SKEW_SAMPLES) -> None:
        self.base = base
        #: Seconds the server's clock is ahead of ours (negative: behind).
        self.offset = 0.0
        self._samples: deque[float] = deque(maxlen=samples)

    def __call__(self) -> datetime:
        return self.base() + timedelta(seconds=self.offset)

    def heard(self, server_date: datetime, received: datetime) -> bool:
        """One ``Date`` header and the machine's time when it came; True if the offset moved."""
        # The header's second is cut down: the server's clock was half a second on, on average.
        self._samples.append((server_date - received).total_seconds() + 0.5)
        estimate = statistics.median(self._samples)
        if abs(estimate) < SKEW_NOISE:
            estimate = 0.0
        if abs(estimate - self.offset) < SKEW_NOISE:
            return False  # the same clock, give or take the header's resolution
        self.offset = float(round(estimate))
        return True


def skew_text(offset: float, *, compact: bool = False) -> str:
    """ "server clock 10 min ahead: ages use the server's time"; empty under a minute.

    ``compact`` ("server clock +10m") fits beside the link state in 80 columns.
    """
    if abs(offset) < SKEW_TOLD:
        return ""
    minutes = round(abs(offset) / 60)
    hours, rest = divmod(minutes, 60)
    days = round(minutes / (24 * 60))
    if compact:
        short = f"{minutes}m" if minutes < 60 else f"{hours}h" if hours < 24 else f"{days}d"
        return f"server clock {'+' if offset > 0 else '−'}{short}"
    if minutes < 60:
        amount = f"{minutes} min"
    elif hours < 24:
        amount = f"{hours} h" + (f" {rest} min" if rest else "")
    else:
        amount = f"{days} day{'s' if days > 1 else ''}"
    way = "ahead" if offset > 0 else "behind"
    return f"server clock {amount} {way}: ages use the server's time"


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


def in_seconds(text: str) -> bool:
    """Whether an ``age`` text is under a minute ("now", "40s"): it changes every 10 s."""
    return text == "now" or text.endswith("s")


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
