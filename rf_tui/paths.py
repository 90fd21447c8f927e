"""Where every rf-tui file lives: one module, so nothing invents a location of its own.

The roots come from platformdirs (``XDG_CONFIG_HOME`` and ``XDG_STATE_HOME`` on
Linux), so a test, or a tech with a second identity, moves all of them at once.
The app's own files take the state directory as an argument because a run may
keep them in memory only (``rf-tui demo``), or elsewhere (tests).
"""

from __future__ import annotations

from pathlib import Path

APP = "rf-tui"


def state_dir() -> Path:
    """Tokens, unread markers, theme picks, my claimed escalations, drafts, baseline runs."""
    import platformdirs  # not for --version or --help

    return Path(platformdirs.user_state_dir(APP))


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def config_path() -> Path:
    """config.toml: profiles, written by the tech, never by rf-tui."""
    return config_dir() / "config.toml"


def server_key(server: str) -> str:
    """A file-name-safe key for a server address (trailing slash and case do not count)."""
    import hashlib  # not for --version or --help

    return hashlib.sha256(server.rstrip("/").lower().encode()).hexdigest()[:16]


def _user_key(server: str, user_id: str) -> str:
    # Hashed: user ids from the server are not trusted to be file-name safe.
    import hashlib

    return f"{server_key(server)}-{hashlib.sha256(user_id.encode()).hexdigest()[:12]}.json"


def token_path(server: str) -> Path:
    """The saved sign-in for one server (0600, in a 0700 directory)."""
    return state_dir() / "tokens" / f"{server_key(server)}.json"


def seen_path(base: Path, server: str, user_id: str) -> Path:
    """Unread markers, per server and user."""
    return base / "seen" / _user_key(server, user_id)


def claimed_path(base: Path, server: str, user_id: str) -> Path:
    """Escalations claimed in this terminal, per server and user."""
    return base / "claimed" / _user_key(server, user_id)


def drafts_path(base: Path, server: str, user_id: str) -> Path:
    """Half-typed messages to sessions, per server and user."""
    return base / "drafts" / _user_key(server, user_id)


def baseline_path(base: Path, server: str, user_id: str) -> Path:
    """Stopwatch runs of the manual baseline (today's verbal handoff), per server and user."""
    return base / "baseline" / _user_key(server, user_id)


def known_path(base: Path, server: str) -> Path:
    """Which session each escalation listed or claimed here belongs to, per server."""
    return base / "known" / f"{server_key(server)}.json"


def prefs_path(base: Path, profile: str | None) -> Path:
    """What was picked in the app (the theme), per profile."""
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in (profile or "default"))
    return base / "prefs" / f"{name}.json"
