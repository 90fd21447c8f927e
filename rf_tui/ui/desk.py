"""What the screens of one run share, handed to each screen (no Textual, no I/O but the stores).

The app builds one desk and passes it down; screens read the feed and the
senior's own things from it instead of reaching up into the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rf_tui.feed.feed import Feed
from rf_tui.feed.types import Handoff, Me
from rf_tui.paths import claimed_path, seen_path
from rf_tui.settings import Settings
from rf_tui.state.clock import Clock, time_of_day
from rf_tui.state.health import LinkHealth
from rf_tui.store.claimed import ClaimedHere
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
    #: Escalations claimed in this terminal, oldest first, for ``r`` (reopen);
    #: from earlier runs too once we know who is signed in.
    claimed_here: dict[str, Handoff] = field(default_factory=dict)
    claimed_store: ClaimedHere = field(default_factory=lambda: ClaimedHere(None))
    #: Half-typed first actions, per session: they survive closing the screen.
    drafts: dict[str, str] = field(default_factory=dict)

    @property
    def presenting(self) -> bool:
        return self.presenter is not None

    def sign_in(self, me: Me) -> None:
        base, server = self.settings.state_dir, self.settings.server
        if base is None:
            return
        self.seen = SeenSet(seen_path(base, server, me.id))
        self.claimed_store = ClaimedHere(claimed_path(base, server, me.id))
        earlier = {
            c.handoff_id: Handoff(
                id=c.handoff_id,
                session_id=c.session_id,
                problem_summary=c.summary,
                created_at=c.claimed_at,  # the handoff screen fetches the real one
                claimed_at=c.claimed_at,
                claimed_by=me.id,
                claimed_by_name=me.name,
            )
            for c in reversed(self.claimed_store.all())
        }
        self.claimed_here = {**earlier, **self.claimed_here}

    def claimed(self, handoff: Handoff) -> None:
        """Remember a claim for ``r``, in this run and the next."""
        self.claimed_here.pop(handoff.id, None)  # to the end: the newest
        self.claimed_here[handoff.id] = handoff
        self.claimed_store.add(handoff, now=self.clock())

    def problems(self) -> list[tuple[str, str]]:
        """(title, sentence) for what went wrong with the files on disk, each said once."""
        told = [("Unread markers", self.seen.problem), ("Reopen list", self.claimed_store.problem)]
        self.seen.problem = self.claimed_store.problem = None
        return [(title, problem) for title, problem in told if problem]

    def web_link(self, handoff: Handoff) -> str | None:
        base = self.settings.web_url
        return f"{base.rstrip('/')}/pilot/{handoff.session_id}?pickup=true" if base else None

    def wall(self) -> datetime:
        """The machine's own time, for stamps such as "copied at" (not for ages)."""
        return self.feed.clock.base()

    def time_of_day(self, when: datetime) -> str:
        """A step's time as the handoff shows it; on the take's face in presenter mode."""
        return self.presenter.time_of_day(when) if self.presenter else time_of_day(when)
