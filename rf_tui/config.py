"""Settings of one rf-tui run (where its files live: rf_tui.paths)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    server: str
    token: str | None = None
    #: Web address of ResolutionFlow for "copy link" / "open in browser".
    web_url: str | None = None
    reduced_motion: bool = False
    #: PEM bundle of a private CA to trust (TLS is always verified).
    ca_bundle: str | None = None
    #: Seconds between full queue refetches while connected (the server drops events).
    reconcile_every: float = 30.0
    #: Where unread markers are kept; None keeps them in memory only.
    state_dir: Path | None = None
    #: A Textual theme name from the profile (a pick in the app is remembered over it).
    theme: str | None = None
    #: Desktop notification (OSC 777 and OSC 9) per arrival while the terminal is unfocused.
    notify: bool = False
    #: The bell per arrival while the terminal is unfocused.
    bell: bool = False
    #: Lite mode from the start (no animation, fewer repaints, ages per minute);
    #: without it the app switches by itself on a slow link.
    lite: bool = False
    #: The config.toml profile these came from, if any.
    profile: str | None = None

    def __repr__(self) -> str:
        # Never the token: reprs end up in logs and tracebacks.
        return f"Settings(server={self.server!r}, signed_in={self.token is not None})"
