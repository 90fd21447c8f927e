"""The handoff's message box: digits choose a suggested step until the senior's own
words are in it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.widgets import Input

#: How soon after a digit chose a step a letter makes that digit the start of the
#: senior's own words ("2 users …").
FOLLOW_SECONDS = 0.3


class MessageBox(Input):
    """The message box. While it holds nothing or a suggested step, a digit typed into
    it chooses a step (`2` then `3` chooses step 3; it never types "3" over step 2) and
    `x` copies the step's command; once it holds the senior's own words they are
    letters like any other. Decided as each key is inserted, in order, so a burst of
    keys (a paste, a text expander) reads the box as it really is by then."""

    def __init__(
        self,
        steps: Callable[[], list[str]],
        choose: Callable[[int], None],
        copy: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        # Focus selecting the whole box would make the next key replace a draft.
        super().__init__(select_on_focus=False, **kwargs)
        self._steps, self._choose, self._copy = steps, choose, copy
        #: (what the box held, the digit, when) for the digit that just chose a step.
        self.chose: tuple[str, str, float] | None = None

    def insert_text_at_cursor(self, text: str) -> None:
        steps = self._steps()
        value = self.value.strip()
        chose, self.chose = self.chose, None
        if len(text) == 1 and chose is not None and self.value in steps:
            before, digit, at = chose
            typed_on = text not in "123456789x"  # x over a step copies its command
            if typed_on and time.monotonic() - at < FOLLOW_SECONDS:
                # "2 users…": the digit began the senior's own words, not a choice.
                self.value = before + digit
                self.cursor_position = len(self.value)
                super().insert_text_at_cursor(text)
                return
        if len(text) == 1 and text in "123456789" and (not value or self.value in steps):
            self._choose(int(text))
            return
        if text == "x" and self.value in steps:
            self._copy()
            return
        super().insert_text_at_cursor(text)
