"""The link's health as the status line shows it, and when to drop to lite mode.

Plain Python: the app feeds it round-trip times and the stream's last frame;
it says "38 ms · last event 2m ago" and whether the link is slow enough that
the app should stop animating and repaint less (lite mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from rf_tui.state.clock import age

#: Round trips above this, twice running, switch lite mode on by itself...
SLOW_RTT = 0.5
#: ...and below this, twice running, off again (a gap between them: no flapping).
FAST_RTT = 0.25
#: Seconds without an event before a narrow status line mentions it.
QUIET = 60.0


@dataclass
class LinkHealth:
    forced_lite: bool = False  # --lite: on whatever the link does
    slow_rtt: float = SLOW_RTT
    fast_rtt: float = FAST_RTT
    rtt: float | None = None
    lite: bool = False
    _streak: int = 0  # consecutive measurements pointing the other way

    def __post_init__(self) -> None:
        self.lite = self.forced_lite

    def measured(self, rtt: float) -> bool | None:
        """Record a round trip; True/False if lite mode should now turn on/off."""
        self.rtt = rtt
        if self.forced_lite:
            return None
        flips = rtt > self.slow_rtt if not self.lite else rtt < self.fast_rtt
        self._streak = self._streak + 1 if flips else 0
        if self._streak >= 2:
            self._streak = 0
            self.lite = not self.lite
            return self.lite
        return None

    def text(
        self, last_frame_age: float | None, *, compact: bool = False, figures: bool = True
    ) -> str:
        """The known parts, e.g. " · 38 ms · last event 2m ago · lite".

        Compact (narrow terminals, where the queue's counts come first): the
        round trip, and the last event only once a minute of quiet makes it news.
        Without figures (presenter mode), neither: numbers that change from take
        to take are noise in a recording.
        """
        parts = []
        if not figures:
            last_frame_age = None
        elif self.rtt is not None:
            parts.append(f"{self.rtt * 1000:.0f} ms")
        if last_frame_age is not None and not (compact and last_frame_age < QUIET):
            # By the minute: the status line has a width of its own, so each new
            # text is a relayout of the screen; once a minute costs nothing.
            when = "now" if last_frame_age < QUIET else age(last_frame_age)
            if compact:
                parts.append(f"quiet {when}")
            else:
                parts.append("last event just now" if when == "now" else f"last event {when} ago")
        if self.lite:
            parts.append("lite" if self.forced_lite or compact else "lite (slow link)")
        return "".join(f" · {p}" for p in parts)
