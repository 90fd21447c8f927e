"""The whole of a long text from someone else (a junior's 2 MB of notes), a screenful at a time.

The handoff screen shows the head of such a text; this shows all of it. Built on
``ScrollView`` and the Line API, like the queue's table: the text is split into
rows once per width, and only the rows in sight are ever rendered, so opening
it and leaving it cost the same for 2 KB and for 2 MB.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

from rf_tui.text import cell_len, sanitize
from rf_tui.ui.actions import bindings


def rows(text: str, width: int) -> list[str]:
    """``text`` as screen rows of at most ``width`` cells: its lines, long ones folded."""
    width = max(1, width)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width and (line.isascii() or cell_len(line) <= width):
            out.append(line)
        elif line.isascii():  # one cell a character: slices, not a walk
            out.extend(line[i : i + width] for i in range(0, len(line), width))
        else:
            row: list[str] = []
            used = 0
            for ch in line:
                cells = cell_len(ch)
                if used + cells > width:
                    out.append("".join(row))
                    row, used = [], 0
                row.append(ch)
                used += cells
            out.append("".join(row))
    return out


class LongText(ScrollView, can_focus=True):
    """Untrusted text, sanitised, folded to the width and drawn only where it is seen."""

    def __init__(self, text: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = sanitize(text, multiline=True)
        self.rows: list[str] = []
        self._folded_at = -1

    def _fold(self, width: int) -> None:
        if width != self._folded_at and width > 0:
            self._folded_at = width
            self.rows = rows(self.text, width)
            self.virtual_size = Size(width, len(self.rows))

    def on_resize(self, event: events.Resize) -> None:
        self._fold(self.scrollable_content_region.width)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._fold(width)
        index = int(self.scroll_y) + y
        style = self.rich_style
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, style)
        segments = Text(self.rows[index], no_wrap=True, end="").render(self.app.console)
        return Strip(segments).apply_style(style).crop_extend(0, width, style)


class ReaderScreen(Screen[None]):
    BINDINGS = bindings("reader")

    def __init__(self, title: str, text: str, keys: Text | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.keys = keys  # presenter mode: the keys just pressed, in their corner

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text, style="bold"), id="reader-title")
        yield LongText(self.text, id="reader")
        if self.keys is not None:
            yield Static(self.keys, id="keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LongText).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
