"""What the senior picked in the app and expects next time: the theme, per profile.

A pick from the command palette wins over the profile's ``theme`` key, per
profile, so a lab profile can keep a loud theme while work keeps a quiet one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rf_tui.paths import prefs_path
from rf_tui.store.atomic import StoreError, read_json, write_json


def load_theme(state_dir: Path | None, profile: str | None) -> str | None:
    """The picked theme, if any. A damaged file is set aside without a word: the
    profile's theme (or the default) is a fine fallback and the next pick saves anew."""
    if state_dir is None:
        return None
    found = read_json(
        prefs_path(state_dir, profile), what="The theme file", then="", valid=_is_prefs
    )
    return found.data["theme"] if found.data else None


def save_theme(state_dir: Path | None, profile: str | None, theme: str) -> str | None:
    """None when saved (or there is nowhere to save); else a sentence saying why not."""
    if state_dir is None:
        return None
    try:
        write_json(prefs_path(state_dir, profile), {"theme": theme}, what="The theme")
    except StoreError as exc:
        return str(exc)
    return None


def _is_prefs(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("theme"), str)
