"""Text cut to the rows it is given, saying what was cut: "+N more".

A panel of the handoff screen at 80×24 gets a handful of rows. A Static would be
cut silently by its container (or grow a second scrollbar inside the screen's);
this widget asks for the rows its text needs (``height: auto``) and, given
fewer, shows what fits and ends with one line telling how much is hidden and how
to see it. With ``newest_last`` it keeps the end (a conversation) and says so at
the top instead.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget


class Fitted(Widget):
    def __init__(
        self,
        content: RenderableType = "",
        *,
        hint: str = "z shows all",
        newest_last: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._content: RenderableType = content
        self.hint = hint
        self.newest_last = newest_last
        #: Lines per width: the screen's budget asks at the width a panel would get in
        #: each layout before one is chosen, so one entry would wrap the text again on
        #: every question (seconds for a hostile 10,000-step list).
        self._lines: dict[int, list[Strip]] = {}

    @property
    def content(self) -> RenderableType:
        return self._content

    def update(self, content: RenderableType) -> None:
        self._content = content
        self._lines.clear()
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Strip]:
        """The whole content as lines ``width`` cells wide (cached per width)."""
        cached = self._lines.get(width)
        if cached is not None:
            return cached
        if width <= 0:
            return []
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        rendered = console.render_lines(self._content, options, pad=False)
        lines = [Strip(line) for line in rendered]
        while lines and not lines[-1].text.strip():
            lines.pop()  # a trailing blank line would be counted as "more"
        if len(self._lines) >= 4:
            self._lines.pop(next(iter(self._lines)))
        self._lines[width] = lines
        return lines

    def wanted(self, width: int) -> int:
        """Rows the whole content needs at ``width``."""
        return len(self.lines(width))

    def hidden(self) -> int:
        """Lines not on screen at the current size (0 when all of it shows)."""
        width, height = self.size
        return max(0, len(self.lines(width)) - height)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        base = self.rich_style
        lines = self.lines(width)
        if len(lines) > height > 0:
            hidden = len(lines) - (height - 1)
            more = self._more(hidden, width, base)
            if self.newest_last:
                shown = [more, *lines[len(lines) - (height - 1) :]]
            else:
                shown = [*lines[: height - 1], more]
        else:
            shown = lines
        if y >= len(shown):
            return Strip.blank(width, base)
        return shown[y].apply_style(base).crop_extend(0, width, base)

    def _more(self, hidden: int, width: int, base: Style) -> Strip:
        what = "earlier" if self.newest_last else "more"
        line = Text(f"+{hidden} {what} line{'s' if hidden > 1 else ''} · {self.hint}")
        line.stylize("dim italic")
        line.truncate(width, overflow="ellipsis")
        return Strip(line.render(self.app.console))
