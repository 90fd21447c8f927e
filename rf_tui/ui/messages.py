"""The app's own messages; above all the one from the network side, a feed event
carried into Textual's queue.

The event itself is an immutable value of ``rf_tui.feed.events``; nothing that
crosses here can be mutated by the receiver.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from rf_tui.feed.events import FeedEvent


@dataclass
class Fed(Message):
    event: FeedEvent


class Drafted(Message):
    """A draft changed: the app ticks within a second, to save it once typing pauses."""
