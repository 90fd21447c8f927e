"""Turning API values into Rich ``Text``: every string sanitised, never parsed as markup.

Widgets receive ``Text`` objects from here, so neither Rich markup nor terminal
escape sequences written by other people can take effect: Textual reads a plain
``str`` as markup in ``Static``, ``Label``, ``notify`` and table cells (a stray
``[/x]`` raises and ends the app), and it passes escape sequences through.
"""

from __future__ import annotations

from rich.text import Text

from rf_tui.feed.types import (
    Connecting,
    ConnectionState,
    Live,
    Offline,
    Reconnecting,
    SignedOut,
)
from rf_tui.text import one_line, sanitize

PRIORITY_GLYPH = {"urgent": "▲▲", "high": "▲", "normal": "•", "low": "▽"}
PRIORITY_STYLE = {"urgent": "bold red", "high": "yellow", "normal": "", "low": "dim"}


def literal(text: str | None, *, style: str = "", multiline: bool = False) -> Text:
    """Untrusted text, shown exactly as typed (minus control characters)."""
    return Text(sanitize(text, multiline=multiline), style=style)


def cell(text: str | None, width: int, *, style: str = "") -> Text:
    """One table cell: one line, cut to ``width`` cells."""
    return Text(one_line(text, width), style=style, no_wrap=True, overflow="ellipsis")


def priority(word: str) -> Text:
    """Word and glyph, so priority never relies on colour alone."""
    word = one_line(word, 7) or "normal"
    return Text(f"{PRIORITY_GLYPH.get(word, '?')} {word}", style=PRIORITY_STYLE.get(word, ""))


def link_state(state: ConnectionState | None, next_try_in: float | None = None) -> Text:
    if state is None or isinstance(state, Connecting):
        return Text("◌ connecting…", style="yellow")
    if isinstance(state, Live):
        return Text("● live", style="green")
    if isinstance(state, Reconnecting):
        wait = state.next_try_in if next_try_in is None else next_try_in
        return Text(
            f"◌ reconnecting · attempt {state.attempt} · next try in {max(0, round(wait))}s",
            style="yellow",
        )
    if isinstance(state, Offline):
        return Text(f"✕ offline: {one_line(state.reason, 120)}", style="bold red")
    assert isinstance(state, SignedOut)
    return Text("✕ signed out", style="bold red")
