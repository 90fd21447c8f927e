"""What the senior is told about the link and about gaps: away summaries, lite mode.

Split from the app (``RfApp`` extends this); the state it reads is the app's.
"""

from __future__ import annotations

import time
from typing import Literal

from textual import events

from rf_tui.state.away import AwayTracker
from rf_tui.state.health import LinkHealth
from rf_tui.ui import messages as m
from rf_tui.ui.flows import HandoffFlows


class Awareness(HandoffFlows):
    away: AwayTracker
    health: LinkHealth
    _claim_names: dict[str, str]
    _motion: Literal["none", "basic", "full"]  # the animation level outside lite mode

    def on_app_blur(self, _: events.AppBlur) -> None:
        self.title_badge.blurred()
        self.away.blurred(self.queue.entries(), time.monotonic())

    def on_app_focus(self, _: events.AppFocus) -> None:
        self.title_badge.focused()
        if self.away.focused(time.monotonic()):
            self._sum_up_gap()

    def _sum_up_gap(self) -> None:
        arrived, gone = self.away.close(self.queue.ids())
        known, self._claim_names = self._claim_names, {}
        if arrived or gone:
            self.run_worker(self.link.who_took(arrived, gone, known), group="away",
                            exit_on_error=False)  # fmt: skip

    def on_link_measured(self, message: m.LinkMeasured) -> None:
        switched = self.health.measured(message.rtt)
        if switched is None:
            return
        self.animation_level = "none" if switched else self._motion
        ms = f"{message.rtt * 1000:.0f} ms"
        self.notify(
            f"Slow link ({ms} round trip): lite mode, with no animation, fewer repaints and "
            "ages by the minute."
            if switched
            else f"The link is quick again ({ms}): lite mode is off.",
            title="Link",
            markup=False,
        )
        self.queue_screen.refresh_link()

    def on_away_summarised(self, message: m.AwaySummarised) -> None:
        if message.summary:
            self.queue_screen.show_away(message.summary.text())
