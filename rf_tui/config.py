"""Settings of one rf-tui run, and where its files live (platformdirs).

Tokens are stored per server in a 0600 file inside a 0700 directory; the
unread markers per server and user. Paths are functions so tests can point
the whole app elsewhere with ``XDG_*`` variables.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "rf-tui"


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


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP))


def server_key(server: str) -> str:
    """A file-name-safe key for a server address."""
    return hashlib.sha256(server.rstrip("/").lower().encode()).hexdigest()[:16]


def seen_path(base: Path, server: str, user_id: str) -> Path:
    return (
        base
        / "seen"
        / f"{server_key(server)}-{hashlib.sha256(user_id.encode()).hexdigest()[:12]}.json"
    )


def token_path(server: str) -> Path:
    return state_dir() / "tokens" / f"{server_key(server)}.json"


def save_token(server: str, token: str, email: str) -> Path:
    """Write the token where only this user can read it (0600 in a 0700 directory)."""
    path = token_path(server)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".token-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"server": server.rstrip("/"), "email": email, "token": token}, handle)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def load_token(server: str) -> str | None:
    try:
        data = json.loads(token_path(server).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token = data.get("token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def forget_token(server: str) -> bool:
    try:
        token_path(server).unlink()
    except FileNotFoundError:
        return False
    return True
