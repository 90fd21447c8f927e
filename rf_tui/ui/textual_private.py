"""Every use of a private Textual API in rf-tui, and nowhere else.

Textual 8.2 has no public way to do what these functions do. Each says which
public API it waits for; when Textual gains it, the function becomes a call to
it. ``tests/test_textual_private.py`` fails if a private Textual name is used
anywhere else in ``rf_tui``, so an upgrade of Textual has one file to check.
"""

from __future__ import annotations

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
