"""The queue as a table: one line per waiting escalation, drawn only where it is seen.

Built on ``ScrollView`` and the Line API rather than ``DataTable``: every change
to a DataTable bumps the counter its render caches are keyed on, so the next
repaint re-renders every visible cell and walks every row, which made each
arrival and each ticking age repaint the whole table.
Here each row is rendered once into a cached ``Strip``; a change re-renders
that row alone, a re-order only re-reads the cache, and rows out of sight are
never rendered at all.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rf_tui.feed.types import QueueEntry
from rf_tui.state.clock import in_seconds
from rf_tui.state.layout import (
    COLUMNS,
    GAP,
    LABELS,
    LEAD,
    MOST,
    PRIORITY_WORDS,
    Needs,
    Widths,
    person_text,
    place_text,
    short_ids,
    split_place,
)
from rf_tui.state.queue import NO_SUMMARY
from rf_tui.text import one_line, person
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.widgets.viewers import STYLE as VIEWER_STYLE
from rf_tui.ui.widgets.viewers import marker

__all__ = ["COLUMNS", "Aim", "QueueTable", "RowView", "Widths", "row_cells"]

#: A problem cell keeps this many cells of its words before it gives up a tag.
TAG_ROOM = 8
#: Widths that cut nothing a row would show: what ``cells`` reads a row at.
WHOLE = Widths(summary=300, requester=64, notes=300, client=80)


@dataclass(frozen=True)
class Aim:
    """The row a key would act on, and whether the senior can be sure it is the one
    they meant: on screen, and not moved under them by the queue a moment ago."""

    handoff_id: str
    in_sight: bool
    shifted: bool

    @property
    def steady(self) -> bool:
        return self.in_sight and not self.shifted


@dataclass(frozen=True)
class RowView:
    """Everything one row shows apart from its age, which is read when drawn."""

    entry: QueueEntry
    unread: bool
    highlight: bool = False
    #: On its way out, claimed by someone else: "claimed by Alex Moreno", shown greyed
    #: for a moment in place of the row's usual look.
    gone: str | None = None
    #: The problem column: the summary, or in words why there is none.
    summary: str = ""
    #: Who else has it open (the viewing heartbeat): "👁 Alex" at the problem's end.
    viewers: tuple[str, ...] = ()
    #: Short marks kept whole at the end of the problem cell (the words are cut
    #: first), e.g. who else is looking at it.
    tags: tuple[Text, ...] = ()
    #: The summary's problem, without the client and town that may end it.
    problem: str = field(init=False, compare=False, repr=False)
    #: The client and town that ended the summary, if it named them.
    place: tuple[str, str] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        problem, place = split_place(self.entry.summary) if self.entry.summary else ("", None)
        object.__setattr__(self, "problem", problem)
        object.__setattr__(self, "place", place)


def _problem_cell(words: Text, tags: list[Text], width: int) -> Text:
    """The problem's words cut to fit, then the tags whole (as many as leave the
    words ``TAG_ROOM`` cells)."""
    kept: list[Text] = []
    room = width
    for tag in tags:
        need = tag.cell_len + 1
        if room - need < min(TAG_ROOM, words.cell_len):
            break
        kept.append(tag)
        room -= need
    cell = words.copy()
    cell.truncate(room, overflow="ellipsis")
    for tag in kept:
        cell.append(" ")
        cell.append_text(tag)
    return cell


def row_cells(
    row: RowView, widths: Widths, age_text: str, tags: tuple[Text, ...] = ()
) -> list[Text]:
    """Each column's cell, in ``COLUMNS`` order, cut to the widths given."""
    entry = row.entry
    gone = row.gone is not None
    dim = "dim" if gone else ""
    mark = Text("●" if row.unread and not gone else " ", style="bold cyan")
    limit = max(1, widths.summary)
    if entry.summary:
        words = Text(one_line(row.problem, limit), style="bold" if row.unread else "")
    else:
        words = Text(one_line(row.summary or NO_SUMMARY, limit), style="dim italic")
    if gone:
        said = Text(one_line(row.gone, limit), style="bold")
        said.append(" · ", style="dim")
        words.stylize("dim")
        said.append_text(words)
        words = said
    looking = [Text(marker(row.viewers), style=VIEWER_STYLE)] if row.viewers and not gone else []
    summary = _problem_cell(words, [*looking, *row.tags, *tags], widths.summary)
    priority = render.priority(entry.priority)
    if widths.priority < PRIORITY_WORDS:
        priority = Text(priority.plain.split(" ")[0], style=priority.style)
    client = Text(place_text(row.place, widths.client) if row.place else "", style=dim)
    requester = Text(person_text(person(entry.requester), widths.requester), style=dim)
    cells = [
        mark,
        priority,
        summary,
        client,
        requester,
        render.cell(entry.engineer_notes, max(1, widths.notes), style="dim"),
        Text(age_text, style=dim),
    ]
    if gone:
        cells[1].stylize("dim")
    return cells


def assemble(cells: list[Text], widths: Widths, base: Style) -> Text:
    """One line: each cell cut or padded to its column; the age right-aligned."""
    line = Text(style=base, no_wrap=True, end="")
    line.append(" " * LEAD)
    first = True
    for column, cell in zip(COLUMNS, cells, strict=True):
        width = widths.of(column)
        if width <= 0:
            continue
        if not first:
            line.append(" " * GAP)
        first = False
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis")
        gap = " " * (width - cell.cell_len)
        if column == "age":
            line.append(gap)
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(gap)
    return line


def lengths(row: RowView) -> dict[str, int]:
    """What a row's cells would use, per flexible column, read with ``len`` (a C
    call, not a walk of the characters) and capped: a row's 2 MB note costs nothing."""
    summary = len(row.problem) if row.entry.summary else len(row.summary)
    client = len(row.place[0]) + len(row.place[1]) + 2 if row.place is not None else 0
    return {
        "summary": min(summary, MOST["summary"]),
        "client": min(client, MOST["client"]),
        "requester": min(len(row.entry.requester), MOST["requester"]),
        "notes": min(len(row.entry.engineer_notes or ""), MOST["notes"]),
    }


class Measure:
    """The longest cell of each flexible column over every row, kept as rows come
    and go: a change costs a few counter updates, not a walk of 10,000 rows."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[int]] = {column: Counter() for column in MOST}

    def add(self, row: RowView, sign: int = 1) -> None:
        for column, length in lengths(row).items():
            counts = self._counts[column]
            counts[length] += sign
            if counts[length] <= 0:
                del counts[length]

    def clear(self) -> None:
        for counts in self._counts.values():
            counts.clear()

    def needs(self) -> Needs:
        return Needs.of(
            *(list(self._counts[c]) for c in ("summary", "client", "requester", "notes"))
        )


class QueueTable(ScrollView, can_focus=True):
    """Rows in the order given by ``order``; the cursor stays on its escalation."""

    COMPONENT_CLASSES = {"queue--header", "queue--cursor"}
    BINDINGS = bindings("queue table")

    class Chosen(Message):
        """Enter or a click on a row."""

        def __init__(self, table: QueueTable, handoff_id: str) -> None:
            super().__init__()
            self.table = table
            self.handoff_id = handoff_id

        @property
        def control(self) -> QueueTable:
            return self.table

    def __init__(self, age_of: Callable[[QueueEntry], str], **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.age_of = age_of
        self.widths = Widths.fit(80)
        self.cursor_row = 0
        self._rows: dict[str, RowView] = {}
        self._measure = Measure()
        self._needs = Needs()
        # A summary shared by rows on screen → those rows: each shows a short id.
        self._same: dict[str, set[str]] = {}
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        # id → (what the strip was drawn from, the strip)
        self._cache: dict[str, tuple[tuple[object, ...], Strip]] = {}
        # When the queue last moved the cursor without a key: its row left and the
        # cursor fell on a neighbour, or arrivals pushed its line down the screen.
        self._shifted_at = float("-inf")
        # Rows were put without being redrawn: the next ``order`` repaints them all.
        self._redraw_all = False

    # ── What the screen tells it ────────────────────────────────────────────

    def put(self, row: RowView, *, redraw: bool = True) -> None:
        """Add the row or change it; redraws that one line if it is in sight."""
        handoff_id = row.entry.id
        old = self._rows.get(handoff_id)
        if old == row:
            return
        if old is not None:
            self._measure.add(old, -1)
        self._measure.add(row)
        if old is None or old.entry.summary != row.entry.summary:
            self._unshare(handoff_id, old)
            self._share(handoff_id, row)
        self._rows[handoff_id] = row
        self._cache.pop(handoff_id, None)
        if not redraw:
            self._redraw_all = True  # at the next ``order``
        elif (index := self._index.get(handoff_id)) is not None:
            self._refresh_index(index)

    def drop(self, handoff_id: str) -> None:
        """Forget the row; it leaves the screen at the next ``order``."""
        old = self._rows.pop(handoff_id, None)
        if old is not None:
            self._measure.add(old, -1)
            self._unshare(handoff_id, old)
        self._cache.pop(handoff_id, None)

    def clear(self) -> None:
        self._redraw_all = True
        self._rows.clear()
        self._cache.clear()
        self._measure.clear()
        self._same.clear()

    def _share(self, handoff_id: str, row: RowView) -> None:
        if not row.entry.summary:
            return  # "(no summary given)" is told apart by what it lacks, not an id
        group = self._same.setdefault(row.entry.summary, set())
        group.add(handoff_id)
        if len(group) > 1:
            self._redraw(group)  # each one's short id is new, or longer

    def _unshare(self, handoff_id: str, old: RowView | None) -> None:
        if old is None or not old.entry.summary:
            return
        group = self._same.get(old.entry.summary)
        if group is None:
            return
        group.discard(handoff_id)
        if not group:
            del self._same[old.entry.summary]
        else:
            self._redraw(group)  # one left alone needs no id; the others, shorter ones

    def _redraw(self, ids: set[str]) -> None:
        for other in ids:
            self._cache.pop(other, None)
            if (index := self._index.get(other)) is not None:
                self._refresh_index(index)

    def order(self, ids: list[str]) -> None:
        """Show these rows in this order, keeping the cursor on the same escalation.

        The view does not move: at the top, new arrivals stay in sight while the
        cursor follows what the senior was on.
        """
        current = self.current_id()
        line = self.cursor_row - int(self.scroll_y)
        before, cursor_before = self._ids, self.cursor_row
        # Walks in C: at 10,000 rows this runs on every arrival.
        self._ids = list(filter(self._rows.__contains__, ids))
        self._index = dict(zip(self._ids, range(len(self._ids)), strict=True))
        if current is not None and current in self._index:
            self.cursor_row = self._index[current]
        else:  # the row left: the cursor stays at the same place, on its neighbour
            self.cursor_row = max(0, min(self.cursor_row, len(self._ids) - 1))
        moved = self.current_id() != current or self.cursor_row - int(self.scroll_y) != line
        if current is not None and moved:
            self._shifted_at = time.monotonic()
        self.virtual_size = Size(self.size.width, len(self._ids) + 1)
        self._needs = self._measure.needs()
        self._refit()
        if self._ids != before or self._redraw_all:
            self._redraw_all = False
            self.refresh()
        elif self.cursor_row != cursor_before:
            self._refresh_index(cursor_before)
            self._refresh_index(self.cursor_row)
        # Otherwise the same rows in the same places: ``put`` redrew those that
        # changed, and a whole repaint would send every line in sight again.

    def _refit(self) -> None:
        """The columns for this width and these rows; every line redrawn if they moved."""
        widths = Widths.fit(self.size.width or 80, self._needs)
        if widths != self.widths:
            self.widths = widths
            self._cache.clear()
            self.refresh()

    def tick_ages(self, only: Callable[[str], bool] | None = None) -> int:
        """Redraw the ages in sight that changed (those whose new text passes ``only``,
        if given); returns how many did.

        Rows out of sight read their age when they are next drawn, so a second
        costs the same at 10 rows and at 10,000.
        """
        changed = 0
        for index in self._visible_indexes():
            handoff_id = self._ids[index]
            cached = self._cache.get(handoff_id)
            if cached is None:
                continue
            was, now = str(cached[0][0]), self.age_of(self._rows[handoff_id].entry)
            if was != now and (only is None or only(now)):
                # Only the characters that changed: every byte goes down the wire, and
                # the rest of the row (~370 bytes with its colours) is as it was.
                self._refresh_cells(index, self._age_span(was, now))
                changed += 1
        return changed

    def shows_seconds(self) -> bool:
        """Whether a row in sight shows an age under a minute ("now", "40s")."""
        rows, ids = self._rows, self._ids
        return any(in_seconds(self.age_of(rows[ids[i]].entry)) for i in self._visible_indexes())

    def _age_span(self, was: str, now: str) -> tuple[int, int]:
        """The cells, left to right, where two ages differ as the age column draws them."""
        width = self.widths.age
        right = LEAD + sum(self.widths.of(c) for c in self.widths.shown())
        right += GAP * (len(self.widths.shown()) - 1)
        if not (was.isascii() and now.isascii()) or max(len(was), len(now)) > width:
            return right - width, right  # wide or cut: the whole column, as assembled
        old, new = was.rjust(width), now.rjust(width)
        first = next(i for i in range(width) if old[i] != new[i])
        last = next(i for i in reversed(range(width)) if old[i] != new[i])
        return right - width + first, right - width + last + 1

    # ── What others may ask ─────────────────────────────────────────────────

    @property
    def row_count(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        """The rows on screen, in display order."""
        return list(self._ids)

    def __contains__(self, handoff_id: object) -> bool:
        return handoff_id in self._index

    def aim(self, settle: float) -> Aim | None:
        """The cursor's row; ``shifted`` if the queue moved it within ``settle`` seconds."""
        handoff_id = self.current_id()
        if handoff_id is None:
            return None
        return Aim(
            handoff_id,
            in_sight=self.cursor_row in self._visible_indexes(),
            shifted=time.monotonic() - self._shifted_at < settle,
        )

    def current_id(self) -> str | None:
        if 0 <= self.cursor_row < len(self._ids):
            return self._ids[self.cursor_row]
        return None

    def cells(self, handoff_id: str) -> dict[str, str]:
        """What each column of a row holds, as plain text, before the window's widths
        cut it (tests and screen readers); ``line`` is what is drawn."""
        row = self._rows[handoff_id]
        texts = row_cells(row, WHOLE, self.age_of(row.entry), self._tags(handoff_id))
        return {column: text.plain for column, text in zip(COLUMNS, texts, strict=True)}

    def line(self, handoff_id: str) -> str:
        """The row as drawn at the table's width, as plain text ("" if not here)."""
        row = self._rows.get(handoff_id)
        if row is None:
            return ""
        cells = row_cells(row, self.widths, self.age_of(row.entry), self._tags(handoff_id))
        return assemble(cells, self.widths, Style()).plain

    def header_line(self) -> str:
        return assemble(self._labels(), self.widths, Style()).plain

    def row(self, handoff_id: str) -> RowView | None:
        return self._rows.get(handoff_id)

    def short_id(self, handoff_id: str) -> str:
        """The id as a row shows it: long enough to tell apart the rows that share
        its summary (and 4 characters at least)."""
        row = self._rows.get(handoff_id)
        group = self._same.get(row.entry.summary, set()) if row is not None else set()
        return short_ids([handoff_id, *group])[handoff_id]

    def twins(self, handoff_id: str) -> int:
        """How many other rows share this row's summary."""
        row = self._rows.get(handoff_id)
        if row is None or not row.entry.summary:
            return 0
        return max(0, len(self._same.get(row.entry.summary, ())) - 1)

    def _tags(self, handoff_id: str) -> tuple[Text, ...]:
        if not self.twins(handoff_id):
            return ()
        return (Text(f"#{self.short_id(handoff_id)}", style="dim"),)

    def move_to(self, handoff_id: str) -> None:
        if (index := self._index.get(handoff_id)) is not None:
            self._move_cursor(index)

    # ── Drawing ─────────────────────────────────────────────────────────────

    @property
    def _page(self) -> int:
        """How many rows fit under the header (``size`` is cheap; the content
        region is not, and this is asked per row changed)."""
        return max(1, self.size.height - 1)

    def _visible_indexes(self) -> range:
        top = int(self.scroll_y)
        return range(top, min(top + self._page, len(self._ids)))

    def _refresh_index(self, index: int) -> None:
        self._refresh_cells(index, (0, self.size.width - self.scrollbar_size_vertical))

    def _refresh_cells(self, index: int, span: tuple[int, int]) -> None:
        """Repaint cells ``span`` (x from, x to) of a row, if it is in sight; the
        scrollbar beside it is not the row's to repaint."""
        y = index - int(self.scroll_y) + 1
        if 1 <= y <= self._page and span[1] > span[0]:
            self.refresh(Region(span[0], y, span[1] - span[0], 1))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header(width)
        index = int(self.scroll_y) + y - 1
        if not 0 <= index < len(self._ids):
            return Strip.blank(width, base)
        handoff_id = self._ids[index]
        row = self._rows[handoff_id]
        cursor = index == self.cursor_row
        style = base + self.get_component_rich_style("queue--cursor") if cursor else base
        if row.highlight and row.gone is None:
            style += Style(reverse=True)
        key = (self.age_of(row.entry), style, self.widths, width)
        cached = self._cache.get(handoff_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        cells = row_cells(row, self.widths, str(key[0]), self._tags(handoff_id))
        text = assemble(cells, self.widths, style)
        if cursor and style.color is not None and not row.highlight and row.gone is None:
            # The cursor's own colour over the cells' (a red "urgent" on the blue
            # bar was barely legible); glyphs and words still carry the priority.
            text.stylize(Style(color=style.color, dim=False))
        strip = self._strip(text, width, style)
        self._cache[handoff_id] = (key, strip)
        return strip

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("queue--header")
        text = assemble(self._labels(), self.widths, style)
        return self._strip(text, width, style)

    def _labels(self) -> list[Text]:
        labels = [Text(LABELS[column]) for column in COLUMNS]
        if self.widths.priority < PRIORITY_WORDS:
            labels[COLUMNS.index("priority")] = Text("")  # glyphs only: no room to say so
        return labels

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        # Rich drops a Text's own style when it has no spans (a header, a plain
        # row): put it under every segment, or the header is not bold and
        # NO_COLOR's filter meets a segment with no style at all.
        strip = Strip(text.render(self.app.console)).apply_style(style)
        return strip.crop_extend(0, width, style)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._ids) + 1)
        self._refit()

    # ── Keys and mouse ──────────────────────────────────────────────────────

    def _move_cursor(self, index: int) -> None:
        if not self._ids:
            return
        index = max(0, min(index, len(self._ids) - 1))
        old, self.cursor_row = self.cursor_row, index
        self._shifted_at = float("-inf")  # where the senior put it: their aim
        self._refresh_index(old)
        self._refresh_index(index)
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + self._page:
            self.scroll_to(y=index - self._page + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self._move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self._move_cursor(self.cursor_row + step * self._page)

    def action_jump(self, index: int) -> None:
        self._move_cursor(index if index >= 0 else len(self._ids) - 1)

    def action_choose(self) -> None:
        if (handoff_id := self.current_id()) is not None:
            self.post_message(self.Chosen(self, handoff_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._ids):
            self._move_cursor(index)
            self.action_choose()
