"""What the screens of one run share, handed to each screen (no Textual, no I/O but the stores).

The app builds one desk and passes it down; screens read the feed and the
senior's own things from it instead of reaching up into the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rf_tui.feed import outcomes as out
from rf_tui.feed.feed import Feed
from rf_tui.feed.types import EscalationMetrics, Handoff, Me
from rf_tui.paths import baseline_path, claimed_path, drafts_path, seen_path
from rf_tui.settings import Settings
from rf_tui.state.clock import Clock, time_of_day
from rf_tui.state.health import LinkHealth
from rf_tui.state.savings import Savings, compute
from rf_tui.store.baseline import Baseline
from rf_tui.store.claimed import ClaimedHere
from rf_tui.store.drafts import Drafts
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
    #: Mine: the escalations I claimed, here or (seen live) from another client,
    #: oldest first; from earlier runs too once we know who is signed in.
    claimed_here: dict[str, Handoff] = field(default_factory=dict)
    claimed_store: ClaimedHere = field(default_factory=lambda: ClaimedHere(None))
    #: Where each of Mine stands, as the server last said (none yet: not asked).
    standings: dict[str, out.ClaimState] = field(default_factory=dict)
    #: Half-typed messages, per session: they survive a failed send, closing the
    #: screen and (once we know who is signed in) a restart.
    drafts: Drafts = field(default_factory=lambda: Drafts(None))
    #: The manual baseline's stopwatch runs (`rf-tui baseline`, `b` on the stats
    #: screen): what the in-product number is subtracted from.
    baseline: Baseline = field(default_factory=lambda: Baseline(None))

    @property
    def presenting(self) -> bool:
        return self.presenter is not None

    def sign_in(self, me: Me) -> None:
        base, server = self.settings.state_dir, self.settings.server
        if base is None:
            return
        self.seen = SeenSet(seen_path(base, server, me.id))
        # Drafts typed before we knew who is signed in are kept, over the saved ones.
        self.drafts = Drafts(drafts_path(base, server, me.id)).adopt(self.drafts)
        self.baseline = Baseline(baseline_path(base, server, me.id))
        self.claimed_store = ClaimedHere(claimed_path(base, server, me.id))
        earlier = {
            c.handoff_id: Handoff(
                id=c.handoff_id,
                session_id=c.session_id,
                problem_summary=c.summary,
                handed_off_by_name=c.requester or None,
                created_at=c.claimed_at,  # the handoff screen fetches the real one
                claimed_at=c.claimed_at,
                claimed_by=me.id,
                claimed_by_name=me.name,
            )
            for c in reversed(self.claimed_store.all())
        }
        self.claimed_here = {**earlier, **self.claimed_here}

    def claimed(self, handoff: Handoff) -> None:
        """Remember a claim for Mine, in this run and the next."""
        self.claimed_here.pop(handoff.id, None)  # to the end: the newest
        self.claimed_here[handoff.id] = handoff
        self.claimed_store.add(handoff, now=self.clock())
        self.standings.pop(handoff.id, None)  # asked again when Mine is shown

    def mine(self) -> list[Handoff]:
        """Mine, newest claim first."""
        newest_last = list(self.claimed_here.values())
        return sorted(
            reversed(newest_last), key=lambda h: h.claimed_at or h.created_at, reverse=True
        )

    def stood(self, state: out.ClaimState) -> None:
        """What the server said of one of Mine; its copy of the handoff replaces ours."""
        if state.handoff_id not in self.claimed_here:
            return  # forgotten meanwhile
        self.standings[state.handoff_id] = state
        if state.handoff is not None:
            self.claimed_here[state.handoff_id] = state.handoff
            self.claimed_store.refresh(state.handoff)

    def forget(self, handoff_id: str) -> None:
        """Off Mine (the claim itself stays the server's business)."""
        self.claimed_here.pop(handoff_id, None)
        self.standings.pop(handoff_id, None)
        self.claimed_store.forget(handoff_id)

    def problems(self) -> list[tuple[str, str]]:
        """(title, sentence) for what went wrong with the files on disk, each said once."""
        told = [
            ("Unread markers", self.seen.problem),
            ("Mine", self.claimed_store.problem),
            ("Drafts", self.drafts.problem),
            ("Baseline", self.baseline.problem),
        ]
        self.seen.problem = self.claimed_store.problem = self.drafts.problem = None
        self.baseline.problem = None
        return [(title, problem) for title, problem in told if problem]

    def savings(self, metrics: EscalationMetrics) -> Savings | None:
        """The savings line's figures for ``metrics``; None before any baseline run.
        The runs are read again: `rf-tui baseline` may have added some elsewhere."""
        self.baseline.reload()
        seconds = self.baseline.seconds()
        return compute(seconds, metrics) if seconds else None

    def web_link(self, handoff: Handoff) -> str | None:
        base = self.settings.web_url
        return f"{base.rstrip('/')}/pilot/{handoff.session_id}?pickup=true" if base else None

    def wall(self) -> datetime:
        """The machine's own time, for stamps such as "copied at" (not for ages)."""
        return self.feed.clock.base()

    def time_of_day(self, when: datetime) -> str:
        """A step's time as the handoff shows it; on the take's face in presenter mode."""
        return self.presenter.time_of_day(when) if self.presenter else time_of_day(when)
