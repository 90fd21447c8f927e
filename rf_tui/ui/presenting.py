"""Presenter mode in the app: the still clock's time of day, the keys overlay, the pause.

Split from the app (``RfApp`` extends this); ``presenter`` is None outside
``rf-tui demo --present``, and then all of this is inert.
"""

from __future__ import annotations

from datetime import datetime

from textual import events

from rf_tui.state.clock import time_of_day
from rf_tui.ui.awareness import Awareness
from rf_tui.ui.presenter import Presenter


class PresenterMode(Awareness):
    presenter: Presenter | None

    @property
    def presenting(self) -> bool:
        return self.presenter is not None

    def time_of_day(self, when: datetime) -> str:
        """A step's time as the handoff shows it; on the take's face in presenter mode."""
        return self.presenter.time_of_day(when) if self.presenter else time_of_day(when)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_story":
            return self.presenter is not None
        return True

    def action_toggle_story(self) -> None:
        if self.presenter is not None:
            playing = self.presenter.toggle_story()
            self.notify("Story playing." if playing else "Story paused: p resumes.",
                        markup=False, timeout=2)  # fmt: skip

    def on_key(self, event: events.Key) -> None:
        if self.presenter is not None:
            self.presenter.pressed(event.key)
            # After the key's own action: it may have opened another screen.
            self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        if self.presenter is not None:
            for overlay in self.screen.query("#keys"):
                overlay.update(self.presenter.overlay())  # type: ignore[attr-defined]
