"""What the senior picked in the app and expects next time: the theme, per profile.

A pick from the command palette wins over the profile's ``theme`` key, per
profile, so a lab profile can keep a loud theme while work keeps a quiet one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path


def prefs_path(state_dir: Path, profile: str | None) -> Path:
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in (profile or "default"))
    return state_dir / "prefs" / f"{name}.json"


def load_theme(state_dir: Path | None, profile: str | None) -> str | None:
    if state_dir is None:
        return None
    try:
        data = json.loads(prefs_path(state_dir, profile).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none saved, or unreadable: the default is fine
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) else None


def save_theme(state_dir: Path | None, profile: str | None, theme: str) -> str | None:
    """Write atomically; returns a sentence if it could not be saved."""
    if state_dir is None:
        return None
    path = prefs_path(state_dir, profile)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prefs-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"theme": theme}, handle)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        return f"The theme could not be saved in {path.parent} ({exc.strerror or exc})."
    return None
