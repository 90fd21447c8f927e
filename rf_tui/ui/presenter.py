"""Presenter mode for demo takes: stable fake names, the last keys on screen, a pause.

``rf-tui demo --present``: every person's name is swapped for a fake one chosen
by a hash of the real name, so take 2 shows the same "Robin Hale" as take 1;
the keys pressed show in a corner so viewers can follow; ``p`` pauses and
resumes the scripted junior and rival.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable

from rich.text import Text

FAKE_NAMES = (
    "Robin Hale", "Casey Lund", "Jordan Pike", "Avery Stone", "Quinn Marsh",
    "Riley Ford", "Morgan Vale", "Emery Cross", "Harper Dunn", "Rowan Blake",
    "Sage Whitley", "Reese Calder",
)  # fmt: skip


class Presenter:
    def __init__(self, toggle_story: Callable[[], bool]) -> None:
        self.toggle_story = toggle_story
        self.keys: deque[str] = deque(maxlen=5)

    @staticmethod
    def fake(name: str | None) -> str | None:
        """The same stand-in for the same name, every take."""
        if not name:
            return name
        digest = hashlib.sha256(name.strip().lower().encode()).digest()
        return FAKE_NAMES[int.from_bytes(digest[:4], "big") % len(FAKE_NAMES)]

    def pressed(self, key: str) -> Text:
        """Remember a key; the overlay's new text."""
        self.keys.append({"space": "␣", "enter": "⏎", "escape": "esc"}.get(key, key))
        return Text(" ".join(self.keys), style="bold")
