"""Profiles: ``config.toml`` in the platform's config directory, one per backend.

    default = "work"

    [profiles.work]
    server = "https://rf.example.com"
    email = "dana@example.com"

Set once, then ``rf-tui`` (or ``rf-tui --profile lab``) needs no flags. A
mistake names the file, the line and the key, because the person reading it
is about to open that file in an editor. No Textual here: scripting uses it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from rf_tui.paths import config_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


@dataclass(frozen=True)
class Profile:
    name: str
    server: str | None = None
    #: Who signs in with ``rf-tui login``: the prompt needs no --email.
    email: str | None = None
    web_url: str | None = None
    ca_bundle: str | None = None
    theme: str | None = None
    reduced_motion: bool = False
    #: Desktop notifications for arrivals while the terminal is unfocused.
    notify: bool = False
    #: The terminal bell for arrivals while the terminal is unfocused.
    bell: bool = False
    #: Lite mode always (no animation, fewer repaints), for links known to be slow.
    lite: bool = False


TEXT_KEYS = ("server", "email", "web_url", "ca_bundle", "theme")
FLAG_KEYS = ("reduced_motion", "notify", "bell", "lite")
KEYS = TEXT_KEYS + FLAG_KEYS
assert set(KEYS) == {f.name for f in fields(Profile)} - {"name"}


class ConfigError(Exception):
    """A problem in config.toml, said as ``FILE:LINE: key: what is wrong``."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


@dataclass
class Config:
    path: Path
    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    _text: str = ""

    def pick(self, name: str | None) -> Profile | None:
        """The named profile, else the default one, else the only one, else none."""
        if name is not None:
            if name not in self.profiles:
                known = ", ".join(sorted(self.profiles)) or "none yet"
                raise ConfigError(self.path, None, f"no profile {name!r} (profiles: {known})")
            return self.profiles[name]
        if self.default is not None:
            return self.profiles[self.default]
        if len(self.profiles) == 1:
            return next(iter(self.profiles.values()))
        return None


def load(path: Path | None = None) -> Config:
    """Read config.toml; a missing file is an empty config, not an error."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _decode_line(str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(path, line, f"not valid TOML: {reason}") from None
    return _build(path, text, data)


def _build(path: Path, text: str, data: dict[str, Any]) -> Config:
    def fail(section: str | None, key: str, message: str) -> ConfigError:
        return ConfigError(path, _line_of(text, section, key), f"{key}: {message}")

    for key in data:
        if key not in ("default", "profiles"):
            raise fail(None, key, "unknown setting (the top level has: default, profiles)")
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise fail(None, "profiles", "must be tables: [profiles.NAME]")
    profiles: dict[str, Profile] = {}
    for name, values in tables.items():
        section = f"profiles.{name}"
        if not isinstance(values, dict):
            raise fail("profiles", name, "must be a table: [profiles.NAME]")
        for key, value in values.items():
            if key not in KEYS:
                raise fail(section, key, f"unknown key in [{section}] (keys: {', '.join(KEYS)})")
            if key in FLAG_KEYS and not isinstance(value, bool):
                raise fail(section, key, "must be true or false")
            if key in TEXT_KEYS and not (isinstance(value, str) and value.strip()):
                raise fail(section, key, 'must be text in quotes, e.g. "…"')
        cleaned: dict[str, Any] = {
            k: v.strip() if isinstance(v, str) else v for k, v in values.items()
        }
        if "ca_bundle" in cleaned:
            cleaned["ca_bundle"] = str(Path(cleaned["ca_bundle"]).expanduser())
        profiles[name] = Profile(name=name, **cleaned)
    default = data.get("default")
    if default is not None and (not isinstance(default, str) or default not in profiles):
        known = ", ".join(sorted(profiles)) or "none"
        raise fail(None, "default", f"names no profile (profiles: {known})")
    return Config(path, default, profiles, text)


def _decode_line(message: str) -> int | None:
    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else None


def _line_of(text: str, section: str | None, key: str) -> int | None:
    """Where ``key`` is set, inside ``[section]`` (or at the top level when None)."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]\s*(#.*)?", stripped)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "")
            if section is not None and current == f"{section}.{key}":
                return number  # a [profiles.NAME] header that is itself the problem
            continue
        if current == section and re.match(rf'["\']?{re.escape(key)}["\']?\s*=', stripped):
            return number
    return None
