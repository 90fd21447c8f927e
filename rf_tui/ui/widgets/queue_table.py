"""The queue as a table: one row per waiting escalation, updated cell by cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from rf_tui.api.models import QueueEntry
from rf_tui.state.clock import age
from rf_tui.ui import render

COLUMNS = ("mark", "priority", "summary", "requester", "notes", "age")


class Keyed(Text):
    """The first cell of a row; it knows its row so ``sort`` can order by our model."""

    handoff_id: str = ""


@dataclass(frozen=True)
class Widths:
    summary: int
    requester: int
    notes: int

    @classmethod
    def fit(cls, total: int) -> Widths:
        # mark 1, priority 9, age 4, plus one cell of padding each side per column
        # and a scrollbar: what is left goes to summary, requester and notes.
        spare = max(20, total - (1 + 9 + 4) - 2 * len(COLUMNS) - 2)
        requester = 12 if spare >= 50 else 8
        notes = max(6, (spare - requester) * 2 // 5)
        return cls(summary=spare - requester - notes, requester=requester, notes=notes)


class QueueTable(DataTable[Text]):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.widths = Widths.fit(80)
        self._ages: dict[str, str] = {}

    def on_mount(self) -> None:
        self.rebuild_columns()

    def rebuild_columns(self) -> None:
        self.clear(columns=True)
        w = self.widths
        for key, label, width in (
            ("mark", " ", 1),
            ("priority", "priority", 9),
            ("summary", "problem", w.summary),
            ("requester", "from", w.requester),
            ("notes", "notes", w.notes),
            ("age", "age", 4),
        ):
            self.add_column(label, width=width, key=key)

    def row_cells(
        self, entry: QueueEntry, *, unread: bool, age_text: str, highlight: bool
    ) -> list[Text]:
        style = "reverse" if highlight else ""
        mark = Keyed("●" if unread else " ", style=f"bold cyan {style}".strip())
        mark.handoff_id = entry.id
        summary = entry.summary or "(fetching details…)"
        pri = render.priority(entry.priority)
        pri.stylize(style)
        return [
            mark,
            pri,
            render.cell(summary, self.widths.summary, style=f"bold {style}" if unread else style),
            render.cell(entry.requester, self.widths.requester, style=style),
            render.cell(entry.engineer_notes, self.widths.notes, style=f"dim {style}".strip()),
            Text(age_text, style=style, justify="right"),
        ]

    def put(
        self, entry: QueueEntry, *, unread: bool, age_text: str, highlight: bool = False
    ) -> None:
        """Add the row, or rewrite its cells if it is there."""
        cells = self.row_cells(entry, unread=unread, age_text=age_text, highlight=highlight)
        self._ages[entry.id] = age_text
        if entry.id in self.rows:
            for key, value in zip(COLUMNS, cells, strict=True):
                self.update_cell(entry.id, key, value)
        else:
            self.add_row(*cells, key=entry.id)

    def drop(self, handoff_id: str) -> None:
        if handoff_id in self.rows:
            self.remove_row(handoff_id)
        self._ages.pop(handoff_id, None)

    def order(self, ids: list[str]) -> None:
        """Put rows in ``ids`` order, keeping the cursor on the same escalation."""
        current = self.current_id()
        rank = {handoff_id: i for i, handoff_id in enumerate(ids)}
        self.sort("mark", key=lambda mark: rank.get(getattr(mark, "handoff_id", ""), len(rank)))
        if current is not None and current in self.rows:
            index = self.get_row_index(current)
            if index != self.cursor_row:
                # Follow the escalation the senior is on, but leave the view where
                # it is: at the top, new arrivals stay in sight.
                self._hold_view += 1  # a count: several re-orders may land in one frame
                self.move_cursor(row=index, animate=False, scroll=False)
                self.call_after_refresh(self._release_view)

    _hold_view = 0

    def _release_view(self) -> None:
        self._hold_view -= 1

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        # DataTable scrolls to the cursor whenever its coordinate changes, even
        # with move_cursor(scroll=False); while re-ordering for an arrival, don't.
        if not self._hold_view:
            super()._scroll_cursor_into_view(animate=animate)

    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return str(key.value) if key.value is not None else None

    def tick_ages(self, entries: list[QueueEntry], now: datetime, fresh: set[str]) -> int:
        """Rewrite the age cells whose text changed; returns how many changed."""
        changed = 0
        for entry in entries:
            text = "new" if entry.id in fresh else age((now - entry.created_at).total_seconds())
            if self._ages.get(entry.id) != text and entry.id in self.rows:
                self._ages[entry.id] = text
                self.update_cell(entry.id, "age", Text(text, justify="right"))
                changed += 1
        return changed
