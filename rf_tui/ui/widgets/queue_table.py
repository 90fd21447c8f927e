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
from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rf_tui.feed.types import QueueEntry
from rf_tui.state.queue import NO_SUMMARY
from rf_tui.text import person
from rf_tui.ui import render
from rf_tui.ui.actions import bindings
from rf_tui.ui.widgets.viewers import with_viewers

COLUMNS = ("mark", "priority", "summary", "requester", "notes", "age")
LABELS = (" ", "priority", "problem", "from", "notes", "age")
PAD = 1  # blank cells either side of every column


@dataclass(frozen=True)
class Widths:
    summary: int
    requester: int
    notes: int

    @classmethod
    def fit(cls, total: int) -> Widths:
        # mark 1, priority 9, age 4, plus one cell of padding each side per column
        # and a scrollbar: what is left goes to summary, requester and notes.
        spare = max(20, total - (1 + 9 + 4) - 2 * PAD * len(COLUMNS) - 2)
        requester = 12 if spare >= 50 else 8
        notes = max(6, (spare - requester) * 2 // 5)
        return cls(summary=spare - requester - notes, requester=requester, notes=notes)

    def of(self, column: str) -> int:
        fixed = {"mark": 1, "priority": 9, "age": 4}
        return fixed.get(column) or int(getattr(self, column))


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
    winner: str | None = None  # a lost race: who claimed it, shown for a moment
    #: The problem column: the summary, or in words why there is none.
    summary: str = ""
    #: Who else has it open (the viewing heartbeat): "👁 Alex" at the problem's end.
    viewers: tuple[str, ...] = ()


def row_cells(row: RowView, widths: Widths, age_text: str) -> list[Text]:
    entry = row.entry
    mark = Text("●" if row.unread else " ", style="bold cyan")
    if row.winner is not None:
        summary = render.cell(f"claimed by {row.winner}", widths.summary, style="bold red")
    elif entry.summary:
        summary = render.cell(entry.summary, widths.summary, style="bold" if row.unread else "")
    else:
        summary = render.cell(row.summary or NO_SUMMARY, widths.summary, style="dim italic")
    if row.viewers and row.winner is None:
        summary = with_viewers(summary, row.viewers, widths.summary)
    return [
        mark,
        render.priority(entry.priority),
        summary,
        render.cell(person(entry.requester), widths.requester),
        render.cell(entry.engineer_notes, widths.notes, style="dim"),
        Text(age_text),
    ]


def assemble(cells: list[Text], widths: Widths, base: Style) -> Text:
    """One line: each cell cut or padded to its column; the age right-aligned."""
    line = Text(style=base, no_wrap=True, end="")
    for column, cell in zip(COLUMNS, cells, strict=True):
        width = widths.of(column)
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis")
        gap = " " * (width - cell.cell_len)
        line.append(" " * PAD)
        if column == "age":
            line.append(gap)
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(gap)
        line.append(" " * PAD)
    return line


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
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        # id → (what the strip was drawn from, the strip)
        self._cache: dict[str, tuple[tuple[object, ...], Strip]] = {}
        # When the queue last moved the cursor without a key: its row left and the
        # cursor fell on a neighbour, or arrivals pushed its line down the screen.
        self._shifted_at = float("-inf")

    # ── What the screen tells it ────────────────────────────────────────────

    def put(self, row: RowView, *, redraw: bool = True) -> None:
        """Add the row or change it; redraws that one line if it is in sight."""
        handoff_id = row.entry.id
        if self._rows.get(handoff_id) == row:
            return
        self._rows[handoff_id] = row
        self._cache.pop(handoff_id, None)
        if redraw and (index := self._index.get(handoff_id)) is not None:
            self._refresh_index(index)

    def drop(self, handoff_id: str) -> None:
        """Forget the row; it leaves the screen at the next ``order``."""
        self._rows.pop(handoff_id, None)
        self._cache.pop(handoff_id, None)

    def clear(self) -> None:
        self._rows.clear()
        self._cache.clear()

    def order(self, ids: list[str]) -> None:
        """Show these rows in this order, keeping the cursor on the same escalation.

        The view does not move: at the top, new arrivals stay in sight while the
        cursor follows what the senior was on.
        """
        current = self.current_id()
        line = self.cursor_row - int(self.scroll_y)
        self._ids = [i for i in ids if i in self._rows]
        self._index = {handoff_id: i for i, handoff_id in enumerate(self._ids)}
        if current is not None and current in self._index:
            self.cursor_row = self._index[current]
        else:  # the row left: the cursor stays at the same place, on its neighbour
            self.cursor_row = max(0, min(self.cursor_row, len(self._ids) - 1))
        moved = self.current_id() != current or self.cursor_row - int(self.scroll_y) != line
        if current is not None and moved:
            self._shifted_at = time.monotonic()
        self.virtual_size = Size(self.size.width, len(self._ids) + 1)
        self.refresh()

    def set_widths(self, widths: Widths) -> None:
        if widths != self.widths:
            self.widths = widths
            self._cache.clear()
            self.refresh()

    def show_winner(self, handoff_id: str, winner: str) -> None:
        if (row := self._rows.get(handoff_id)) is not None:
            self.put(RowView(row.entry, row.unread, row.highlight, winner, row.summary))

    def tick_ages(self) -> int:
        """Redraw the rows in sight whose age text changed; returns how many did.

        Rows out of sight read their age when they are next drawn, so a second
        costs the same at 10 rows and at 10,000.
        """
        changed = 0
        for index in self._visible_indexes():
            handoff_id = self._ids[index]
            cached = self._cache.get(handoff_id)
            if cached is not None and cached[0][0] != self.age_of(self._rows[handoff_id].entry):
                self._refresh_index(index)
                changed += 1
        return changed

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
        """What each column of a row shows, as plain text (tests and screen readers)."""
        row = self._rows[handoff_id]
        texts = row_cells(row, self.widths, self.age_of(row.entry))
        return {column: text.plain for column, text in zip(COLUMNS, texts, strict=True)}

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
        y = index - int(self.scroll_y) + 1
        if 1 <= y <= self._page:
            self.refresh(Region(0, y, self.size.width, 1))

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
        if row.highlight:
            style += Style(reverse=True)
        key = (self.age_of(row.entry), style, self.widths, width)
        cached = self._cache.get(handoff_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        text = assemble(row_cells(row, self.widths, str(key[0])), self.widths, style)
        if cursor and style.color is not None and not row.highlight:
            # The cursor's own colour over the cells' (a red "urgent" on the blue
            # bar was barely legible); glyphs and words still carry the priority.
            text.stylize(Style(color=style.color, dim=False))
        strip = self._strip(text, width, style)
        self._cache[handoff_id] = (key, strip)
        return strip

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("queue--header")
        labels = [Text(label) for label in LABELS]
        text = assemble(labels, self.widths, style)
        return self._strip(text, width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        # Rich drops a Text's own style when it has no spans (a header, a plain
        # row): put it under every segment, or the header is not bold and
        # NO_COLOR's filter meets a segment with no style at all.
        strip = Strip(text.render(self.app.console)).apply_style(style)
        return strip.crop_extend(0, width, style)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._ids) + 1)

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
