"""Profiles: ``config.toml`` in the platform's config directory, one per backend.

    default = "work"

    [profiles.work]
    server = "https://rf.example.com"
    email = "dana@example.com"

Set once, then ``rf-tui`` (or ``rf-tui --profile lab``) needs no flags. The
keys are the ``Settings`` fields marked ``key=True``; which of them a run uses
is ``rf_tui.settings.resolve``'s business. A mistake names the file,
the line and the key, because the person reading it is about to open that file
in an editor. No Textual here: scripting uses it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rf_tui.paths import config_path
from rf_tui.settings import PROFILE_KEYS, options

_PATHS = {f.name for f, o in options() if o.path}
_BOUND = {f.name for f, o in options() if o.bound}


class ConfigError(Exception):
    """A problem in config.toml, said as ``FILE:LINE: key: what is wrong``."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


@dataclass(frozen=True)
class Profile:
    name: str
    #: Only the keys the file sets, already checked against PROFILE_KEYS.
    values: Mapping[str, str | bool] = field(default_factory=dict)

    @property
    def server(self) -> str | None:
        server = self.values.get("server")
        return server if isinstance(server, str) else None

    def serves(self, server: str) -> bool:
        return self.server is not None and same_server(self.server, server)

    def values_for(self, server: str) -> dict[str, str | bool]:
        """Its keys, less the server-bound ones when ``server`` is not its own.

        A profile without a server is bound to none: its keys go with the one named."""
        mine = self.server is None or self.serves(server)
        return {k: v for k, v in self.values.items() if mine or k not in _BOUND}


@dataclass
class Config:
    path: Path
    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)

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

    def choose(self, name: str | None, server: str | None) -> Profile | None:
        """The profile for a run: the one named; else, for a server named outside the
        file, the first profile that has it (the default first); else ``pick``'s."""
        chosen = self.pick(name)
        if name is not None or server is None or (chosen and chosen.serves(server)):
            return chosen
        return next((p for p in self.profiles.values() if p.serves(server)), chosen)


def same_server(a: str, b: str) -> bool:
    """The same address, however the scheme and host are cased or a trailing slash is left."""

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url.strip())
        return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/")

    return key(a) == key(b)


def load(path: Path | None = None) -> Config:
    """Read config.toml; a missing file is an empty config, not an error."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"cannot be read ({exc})") from None
    # Only when there is a file: its parser compiles a dozen regexes on import, a
    # cost every command paid, most often with no config.toml at all.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
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
        cleaned: dict[str, str | bool] = {}
        for key, value in values.items():
            if key not in PROFILE_KEYS:
                known = ", ".join(PROFILE_KEYS)
                raise fail(section, key, f"unknown key in [{section}] (keys: {known})")
            if PROFILE_KEYS[key]:
                if not isinstance(value, bool):
                    raise fail(section, key, "must be true or false")
                cleaned[key] = value
            elif isinstance(value, str) and value.strip():
                text_value = value.strip()
                cleaned[key] = str(Path(text_value).expanduser()) if key in _PATHS else text_value
            else:
                raise fail(section, key, 'must be text in quotes, e.g. "…"')
        profiles[name] = Profile(name, cleaned)
    default = data.get("default")
    if default is not None and (not isinstance(default, str) or default not in profiles):
        known = ", ".join(sorted(profiles)) or "none"
        raise fail(None, "default", f"names no profile (profiles: {known})")
    return Config(path, default, profiles)


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
