"""Every use of a private Textual API in rf-tui, and nowhere else.

Textual 8.2 has no public way to do what these functions do. Each says which
public API it waits for; when Textual gains it, the function becomes a call to
it. ``tests/test_textual_private.py`` fails if a private Textual name is used
anywhere else in ``rf_tui``, so an upgrade of Textual has one file to check.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual.app import App


def write_to_terminal(app: App[Any], sequence: str) -> None:
    """Write an escape sequence to the terminal, in order with Textual's own output.

    Nothing is written before the app has a driver, or when it runs headless
    (tests, ``run_test``), where there is no terminal to talk to.
    """
    # Waits for a public App method that writes a raw sequence, or at least one
    # that sets the window title (Textualize/textual#1782, still open for 8.2).
    # Until then, the driver: it queues the sequence behind Textual's own output,
    # where a write to stdout could land in the middle of a frame. Textual's
    # copy_to_clipboard and bell write through it the same way.
    driver = app._driver
    if driver is not None and not app.is_headless:
        driver.write(sequence)


def set_clipboard_text(app: App[Any], text: str) -> None:
    """Make ``app.clipboard`` read ``text``, without Textual writing OSC 52 itself.

    For when rf-tui writes its own OSC 52 (wrapped for tmux's passthrough), so
    the app's view of the clipboard still matches what was copied.
    """
    # Waits for a public setter of App.clipboard, or for App.copy_to_clipboard to
    # wrap its OSC 52 for tmux's passthrough. Until then, copy_to_clipboard sends
    # it unwrapped, which tmux swallows unless `set-clipboard on`.
    app._clipboard = text


def withdraw_notifications(app: App[Any], starting: str) -> None:
    """Take down the toasts whose message starts with ``starting`` before they time out.

    A question the senior has just answered ("Press c again…") must not stay on
    screen over what the answer opened.
    """
    # Waits for a public way to dismiss one toast (App.notify returns None in 8.2);
    # until then, the app's own collection of notifications.
    for notification in list(app._notifications):
        if notification.message.startswith(starting):
            app._unnotify(notification, refresh=False)
    app._refresh_notifications()


def take_notifications(app: App[Any]) -> list[tuple[str, str, str]]:
    """Take down every toast, oldest first, as (title, message, severity).

    A screen that tells its news on a line of its own (the handoff) takes over the
    toasts still up from the screen before, so none stays over its panels.
    """
    # Waits for a public way to dismiss toasts (App.clear_notifications exists, but
    # gives back nothing of what it took down).
    taken = [(n.title, n.message, str(n.severity)) for n in app._notifications]
    app.clear_notifications()
    return taken


def crop_partial_updates() -> None:
    """Make a partial repaint write only the cells asked for, and each colour once.

    Textual 8.2 crops a repaint to the right end of the region refreshed but starts it
    at the left edge of the widget (a ``TODO: crop to x extents`` in ChopsUpdate), so
    an age refreshed at the right of a queue row rewrote the whole row: ~370 bytes
    to the terminal for 2 or 3 characters. And every piece of text is written with
    its full colours and a reset after it (~40 bytes), even when the next piece, a
    cursor move away, has the same colours. Here a repaint starts where it was asked
    to, and sets colours only when they change, resetting once at its end.
    Idempotent; what is drawn is unchanged (full repaints are left to Textual).
    """
    # Waits for a public way to do either: ChopsUpdate cropping to the x extents
    # itself (its TODO), and writing a style only when it changes. Until then, its
    # render_segments with both.
    from rich.color import ColorSystem
    from rich.console import COLOR_SYSTEMS
    from rich.control import Control
    from rich.style import Style
    from textual._compositor import ChopsUpdate
    from textual.strip import Strip

    if getattr(ChopsUpdate.render_segments, "crops_left", False):
        return

    def cut_at(strip: Any, offset: int) -> int:
        """Where a line can be cut at ``offset`` cells or just before: never inside a wide
        character (half of one would be written as a space, blanking it on screen)."""
        position = 0
        for segment in strip:
            width = segment.cell_length
            if position + width > offset:
                return offset if len(segment.text) == width else position
            position += width
        return offset

    @lru_cache(maxsize=4096)
    def sgr(style: Style, color_system: ColorSystem) -> str:
        """A style's SGR parameters, as Textual renders them."""
        return Strip.render_ansi(style, color_system)

    def render_segments(self: ChopsUpdate, console: Any) -> str:
        color_system = COLOR_SYSTEMS.get(console.color_system or "", ColorSystem.TRUECOLOR)
        out: list[str] = []
        append = out.append
        pen = ""  # the SGR parameters in force; "" for the terminal's defaults
        for y, x1, x2 in self.spans:
            line = self.chops[y]
            for end, (x, strip) in zip(self.chop_ends[y], line.items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                start = x + cut_at(strip, x1 - x) if x < x1 else x
                if start != x or end > x2:
                    strip = strip.crop(start - x, min(end, x2) - x)
                # Each piece starts with a cursor move, so no newline between lines.
                append(Control.move_to(start, y).segment.text)
                for text, style, _ in strip:
                    if style is not None and style.link:
                        if pen:
                            append("\x1b[0m")
                            pen = ""
                        append(Strip.render_style(style, text, color_system))
                        continue
                    want = "" if style is None else sgr(style, color_system)
                    if want != pen:
                        if pen:  # attributes are not undone one by one: reset first
                            append(f"\x1b[0;{want}m" if want else "\x1b[0m")
                        else:
                            append(f"\x1b[{want}m")
                        pen = want
                    append(text)
        if pen:
            append("\x1b[0m")
        return "".join(out)

    render_segments.crops_left = True  # type: ignore[attr-defined]
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
