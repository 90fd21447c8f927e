"""How the queue fits a window, in plain Python: column widths, the client and town
that end a summary, short ids that tell identical rows apart, the header's count.

Nothing here draws; ``rf_tui.ui.widgets.queue_table`` draws with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

#: The table's columns, left to right. A column of width 0 is not drawn.
COLUMNS = ("mark", "priority", "summary", "client", "requester", "notes", "age")
#: One blank cell before the first column, one between columns, two kept for a scrollbar.
LEAD = 1
GAP = 1
SCROLLBAR = 2
#: The priority in words and glyph ("▲▲ urgent"), or the glyph alone.
PRIORITY_WORDS = 9
PRIORITY_GLYPH = 2
AGE = 4
#: What a column asks for at most, however long its longest cell.
MOST = {"summary": 90, "client": 36, "requester": 16, "notes": 40}
#: Headers: a column is never narrower than its own name.
LABELS = {
    "mark": " ",
    "priority": "priority",
    "summary": "problem",
    "client": "client",
    "requester": "from",
    "notes": "notes",
    "age": "age",
}


@dataclass(frozen=True)
class Needs:
    """The room each flexible column would use, from the rows it holds (0: nothing
    to show, so no column)."""

    summary: int = MOST["summary"]
    client: int = 0
    requester: int = 10
    notes: int = MOST["notes"]

    @classmethod
    def of(
        cls,
        summaries: Iterable[int],
        clients: Iterable[int],
        requesters: Iterable[int],
        notes: Iterable[int],
    ) -> Needs:
        """From the lengths of the rows' cells; each capped, each at least its label."""

        def need(column: str, lengths: Iterable[int], *, always: bool = False) -> int:
            longest = max(lengths, default=0)
            if not longest and not always:
                return 0
            return min(MOST[column], max(longest, len(LABELS[column])))

        return cls(
            summary=need("summary", summaries, always=True),
            client=need("client", clients),
            requester=need("requester", requesters),
            notes=need("notes", notes),
        )


#: When the window is too narrow for every column's need, they give way in this
#: order, each down to its floor (0: the column goes) and only as far as needed;
#: the problem gives way last, and never all of it.
GIVE_WAY: tuple[tuple[str, int], ...] = (
    ("notes", 12),
    ("notes", 0),
    ("client", 24),
    ("requester", 8),
    ("client", 18),
    ("priority", PRIORITY_GLYPH),
    ("requester", 6),
    ("client", 16),
    ("summary", 30),
    ("client", 14),
    ("summary", 20),
    ("requester", 0),
    ("client", 0),
    ("summary", 6),
)


@dataclass(frozen=True)
class Widths:
    """Each column's width in cells; 0 means the column is not shown."""

    summary: int
    requester: int
    notes: int
    client: int = 0
    priority: int = PRIORITY_WORDS
    mark: int = 1
    age: int = AGE

    @classmethod
    def fit(cls, total: int, needs: Needs | None = None) -> Widths:
        """The widths for a table ``total`` cells wide holding rows that need ``needs``.

        Everything fits when it can; when it cannot, the narrower columns give way
        first (``GIVE_WAY``) so the problem keeps the room it needs longest. Room
        left over goes to the problem.
        """
        needs = needs or Needs()
        room = max(1, total - LEAD - SCROLLBAR)
        widths = cls(
            summary=needs.summary,
            requester=needs.requester,
            notes=needs.notes,
            client=needs.client,
        )
        for column, floor in GIVE_WAY:
            over = widths.used() - room
            if over <= 0:
                break
            now = widths.of(column)
            if now <= floor:
                continue
            widths = replace(widths, **{column: 0 if floor == 0 else max(floor, now - over)})
        spare = room - widths.used()
        if spare > 0:
            widths = replace(widths, summary=widths.summary + spare)
        return widths

    def of(self, column: str) -> int:
        return int(getattr(self, column))

    def shown(self) -> list[str]:
        """The columns drawn, left to right."""
        return [c for c in COLUMNS if self.of(c) > 0]

    def used(self) -> int:
        """Cells taken by the columns shown and the gaps between them."""
        shown = self.shown()
        return sum(self.of(c) for c in shown) + GAP * max(0, len(shown) - 1)

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"negative width for {f.name}")


# ── The client and town at the end of a summary ─────────────────────────────

# "… (Kestrel Logistics, Leeds)" or "… — Contoso, Leeds": only the tail is read.
_PLACE = re.compile(
    r"\s+(?:\(\s*(?P<c1>[^()\n]{1,60}?),\s*(?P<t1>[^(),\n]{1,40}?)\s*\)"
    r"|[—–-]\s+(?P<c2>[^—–()\n]{1,60}?),\s*(?P<t2>[^—–(),\n]{1,40}?))\s*$"
)
_TAIL = 160


def _named(text: str, *, words: int, town: bool) -> bool:
    """A proper name: starts with a capital (a client may start with a digit), a few
    words; a town has a small letter too ("(VPN, DNS)" names no place)."""
    if not text or len(text.split()) > words:
        return False
    first = text[0]
    if town:
        return (
            first.isupper()
            and any(ch.islower() for ch in text)
            and not any(ch.isdigit() for ch in text)
        )
    return first.isupper() or first.isdigit()


def split_place(summary: str) -> tuple[str, tuple[str, str] | None]:
    """The problem and the (client, town) that end a summary, when they do.

    The demo's junior writes "VPN drops every few minutes (Kestrel Logistics, Leeds)";
    "… — Contoso, Leeds" is read the same way. Anything else is all problem.
    """
    tail = summary[-_TAIL:]
    found = _PLACE.search(tail)
    if found is None:
        return summary, None
    client = (found["c1"] or found["c2"] or "").strip()
    town = (found["t1"] or found["t2"] or "").strip()
    if not (_named(client, words=6, town=False) and _named(town, words=4, town=True)):
        return summary, None
    problem = summary[: len(summary) - len(tail) + found.start()].rstrip()
    if not problem:
        return summary, None
    return problem, (client, town)


def place_text(place: tuple[str, str], width: int) -> str:
    """ "Client, Town" in ``width`` cells: the client is cut before the town is."""
    client, town = place
    whole = f"{client}, {town}"
    if len(whole) <= width:
        return whole
    keep = width - len(town) - 2  # ", "
    if keep >= 4:
        return f"{client[: keep - 1].rstrip()}…, {town}"
    return whole[: max(0, width - 1)] + "…" if width > 0 else ""


def person_text(name: str, width: int) -> str:
    """A name in ``width`` cells: whole, else "Sam O.", else the first name cut."""
    if len(name) <= width:
        return name
    parts = name.split()
    if len(parts) > 1:
        initial = f"{parts[0]} {parts[-1][0]}."
        if len(initial) <= width:
            return initial
    first = parts[0] if parts else name
    if len(first) <= width:
        return first
    return first[: max(0, width - 1)] + "…" if width > 0 else ""


# ── Telling identical rows apart ─────────────────────────────────────────────

SHORT_ID = 4


def short_ids(ids: Iterable[str], least: int = SHORT_ID) -> dict[str, str]:
    """Each id's shortest prefix (``least`` characters or more) that no other has."""
    ids = list(dict.fromkeys(ids))
    length = least
    while True:
        prefixes = {i: i[:length] for i in ids}
        if len(set(prefixes.values())) == len(ids) or all(length >= len(i) for i in ids):
            return prefixes
        length += 1


# ── The header ───────────────────────────────────────────────────────────────


def count_words(shown: int, total: int, *, filtered: bool, compact: bool = False) -> str:
    """ "5 escalations awaiting pickup"; under a filter "2 of 5 shown"."""
    if filtered:
        return f"{shown} of {total} shown"
    if compact:
        return f"{total} waiting"
    return f"{total} {'escalation' if total == 1 else 'escalations'} awaiting pickup"


# ── Rows that stay a moment after they leave ─────────────────────────────────


def keep_in_place(before: list[str], now: list[str], staying: Iterable[str]) -> list[str]:
    """``now``'s order, with each of ``staying`` (rows on their way out that were in
    ``before``) put back right after the row it followed there, so nothing around
    it moves."""
    stay = [i for i in staying if i not in set(now)]
    if not stay:
        return list(now)
    stay_set = set(stay)
    result = list(now)
    position = {handoff_id: at for at, handoff_id in enumerate(result)}
    after: str | None = None  # the nearest row above, in `before`, still shown
    inserts: dict[str | None, list[str]] = {}
    for handoff_id in before:
        if handoff_id in stay_set:
            inserts.setdefault(after, []).append(handoff_id)
        elif handoff_id in position:
            after = handoff_id
    placed: list[str] = list(inserts.get(None, []))
    for handoff_id in result:
        placed.append(handoff_id)
        placed.extend(inserts.get(handoff_id, []))
    return placed


class Leaving:
    """Rows someone else took, shown greyed for ``linger`` seconds before they go.

    Each is known to be claimed (and maybe by whom), or only to be no longer
    waiting: a refetch sees a row gone, not why. Times are the caller's monotonic clock.
    """

    def __init__(self, linger: float) -> None:
        self.linger = linger
        self._until: dict[str, float] = {}
        self._who: dict[str, str] = {}  # "" when nobody was named
        self._claimed: set[str] = set()

    def add(self, handoff_id: str, who: str | None, now: float, *, claimed: bool = True) -> bool:
        """Start it leaving; True if it was not already (a second word does not
        keep it longer, but a name or a claim says more than it knew)."""
        if claimed or who:
            self._claimed.add(handoff_id)
        if handoff_id in self._until:
            if who and not self._who.get(handoff_id):
                self._who[handoff_id] = who
            return False
        self._until[handoff_id] = now + self.linger
        self._who[handoff_id] = who or ""
        return True

    def __contains__(self, handoff_id: object) -> bool:
        return handoff_id in self._until

    def __len__(self) -> int:
        return len(self._until)

    def ids(self) -> set[str]:
        return set(self._until)

    def who(self, handoff_id: str) -> str:
        return self._who.get(handoff_id, "")

    def words(self, handoff_id: str) -> str:
        """The row's words: "claimed by Alex Moreno"; "claimed" when nobody was
        named; "no longer waiting" when not even a claim was seen."""
        if who := self.who(handoff_id):
            return f"claimed by {who}"
        return "claimed" if handoff_id in self._claimed else "no longer waiting"

    def sentence(self, handoff_id: str) -> str:
        """What a key on the row is told."""
        if who := self.who(handoff_id):
            return f"{who} claimed it; it is leaving the queue."
        if handoff_id in self._claimed:
            return "Someone else claimed it; it is leaving the queue."
        return "It is no longer waiting (claimed or withdrawn); it is leaving the queue."

    def discard(self, handoff_id: str) -> None:
        self._until.pop(handoff_id, None)
        self._who.pop(handoff_id, None)
        self._claimed.discard(handoff_id)

    def due(self, now: float) -> list[str]:
        """The rows whose moment is over, forgotten here."""
        over = [i for i, until in self._until.items() if until <= now]
        for handoff_id in over:
            self.discard(handoff_id)
        return over

    def next_due(self) -> float | None:
        return min(self._until.values(), default=None)

    def clear(self) -> None:
        self._until.clear()
        self._who.clear()
        self._claimed.clear()
