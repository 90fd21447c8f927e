"""What the screens of one run share, handed to each screen (no Textual, no I/O but the stores).

The app builds one desk and passes it down; screens read the feed and the
senior's own things from it instead of reaching up into the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rf_tui.feed.feed import Feed
from rf_tui.feed.types import Handoff, Me
from rf_tui.paths import seen_path
from rf_tui.settings import Settings
from rf_tui.state.clock import Clock, time_of_day
from rf_tui.state.health import LinkHealth
from rf_tui.store.unread import SeenSet
from rf_tui.ui.presenter import Presenter


@dataclass
class Desk:
    feed: Feed
    settings: Settings
    clock: Clock
    presenter: Presenter | None = None
    health: LinkHealth = field(default_factory=LinkHealth)
    #: Unread markers: in memory until we know who is signed in, then on disk.
    seen: SeenSet = field(default_factory=lambda: SeenSet(None))
    #: Escalations claimed in this run, for ``r`` (reopen).
    claimed_here: dict[str, Handoff] = field(default_factory=dict)
    #: Half-typed first actions, per session: they survive closing the screen.
    drafts: dict[str, str] = field(default_factory=dict)

    @property
    def presenting(self) -> bool:
        return self.presenter is not None

    def sign_in(self, me: Me) -> None:
        if self.settings.state_dir is not None:
            self.seen = SeenSet(seen_path(self.settings.state_dir, self.settings.server, me.id))

    def web_link(self, handoff: Handoff) -> str | None:
        base = self.settings.web_url
        return f"{base.rstrip('/')}/pilot/{handoff.session_id}?pickup=true" if base else None

    def time_of_day(self, when: datetime) -> str:
        """A step's time as the handoff shows it; on the take's face in presenter mode."""
        return self.presenter.time_of_day(when) if self.presenter else time_of_day(when)
