"""Presenter mode for demo takes: stand-in names, a still clock, the last keys, a pause.

``rf-tui demo --present``:

- every person, client, place, host and address reaches the screen through a
  :class:`~rf_tui.disguise.Disguise` (applied where data comes in, in ``Link``);
- the clock stops when the take starts: ages read as they did then, anything
  newer reads "now", times of day show on a fixed face (09:00 is the start),
  and the status line drops its round trip, so two takes of the same script
  paint the same frames;
- the keys pressed show in a corner so viewers can follow; ``p`` pauses and
  resumes the scripted junior and rival.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text

from rf_tui.disguise import Disguise
from rf_tui.state.clock import Clock

#: What the take's first moment shows as time of day.
FACE = datetime(2000, 1, 1, 9, 0)
KEY_NAMES = {"space": "␣", "enter": "⏎", "escape": "esc"}


class Presenter:
    def __init__(
        self, toggle_story: Callable[[], bool], disguise: Disguise, started: datetime
    ) -> None:
        self.toggle_story = toggle_story
        self.disguise = disguise
        self.started = started
        self.keys: deque[str] = deque(maxlen=5)

    @property
    def clock(self) -> Clock:
        """The take's clock: stopped at its start."""
        started = self.started
        return lambda: started

    def time_of_day(self, when: datetime) -> str:
        """HH:MM on the take's face: the start is 09:00, anything later too."""
        before = max(timedelta(0), self.started - when)
        return (FACE - before).strftime("%H:%M")

    def pressed(self, key: str) -> None:
        self.keys.append(KEY_NAMES.get(key, key))

    def overlay(self) -> Text:
        return Text(" ".join(self.keys), style="bold")
