"""The settings of one rf-tui run, each documented once, and the one place they are resolved.

For every setting: a flag, else the environment, else the profile in
config.toml, else the default. To add one, add a field to ``Settings``; its
``option(...)`` says whether it has a flag, a variable or a config.toml key,
and the command line and config.toml pick it up from there.

A profile's *server-bound* keys (email, ca_bundle, web_url) go only to that
profile's own server, so no e-mail, CA or web address meant for one backend
reaches another. A server named by ``--server`` or ``RF_TUI_SERVER`` gets the
profile that has it, unless ``--profile`` picks one; a profile for another
server then gives only what is not server-bound (theme, notify…), and a profile
without a server lends everything.

No Textual here: scripting uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rf_tui import paths

if TYPE_CHECKING:
    from rf_tui.profiles import Config  # which imports this module for the keys


@dataclass(frozen=True)
class Option:
    """How a setting may be given besides its default."""

    #: The flag's --help; None: no flag. The flag is the field's name, dashed.
    help: str | None = None
    #: Which commands take the flag: "connection" (every command that talks to a
    #: server), "display" (the app and web), "alerts" (the app), "login".
    group: str = "connection"
    metavar: str | None = None
    #: An environment variable; for a switch, it turns it on when equal to ``env_on``.
    env: str | None = None
    env_on: str | None = None
    #: A key of [profiles.NAME] in config.toml.
    key: bool = False
    #: A key that belongs to its profile's server, and to no other.
    bound: bool = False
    #: A path: a leading ~ in config.toml is the home directory.
    path: bool = False
    #: true/false rather than text.
    switch: bool = False


def option(default: Any = MISSING, **how: Any) -> Any:
    meta = {"option": Option(switch=isinstance(default, bool), **how)}
    if default is MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(kw_only=True)
class Settings:
    #: The [profiles.NAME] in use, if any; the theme picked in the app is kept per profile.
    profile: str | None = option(
        None,
        help="a [profiles.NAME] of config.toml (or RF_TUI_PROFILE)",
        metavar="NAME",
        env="RF_TUI_PROFILE",
    )
    #: The ResolutionFlow API address, without /api/v1 or a trailing slash.
    server: str = option(
        help="ResolutionFlow server URL (or RF_TUI_SERVER)",
        metavar="URL",
        env="RF_TUI_SERVER",
        key=True,
    )
    #: The access token; by default the one `rf-tui login` saved for this server.
    token: str | None = option(
        None,
        help="access token; - reads it from stdin (or RF_TUI_TOKEN; default: saved by "
        "`rf-tui login`). A token given here is visible to other users in ps",
        env="RF_TUI_TOKEN",
    )
    #: A file holding the access token (an SSO helper's output, say); ``-`` is stdin.
    #: Read by the command line (rf_tui/cli/resolve.py), which puts it in ``token``.
    token_file: str | None = option(
        None,
        help="read the access token from this file, readable only by you (- for stdin)",
        metavar="PATH",
    )
    #: A PEM bundle of private CAs to trust besides the system's (TLS is always verified).
    ca_bundle: str | None = option(
        None,
        help="trust this CA bundle (PEM); TLS is always verified",
        metavar="PATH",
        key=True,
        bound=True,
        path=True,
    )
    #: Who `rf-tui login` signs in, and whom the "not signed in" hint names.
    email: str | None = option(
        None,
        help="who signs in (default: the profile's email)",
        group="login",
        key=True,
        bound=True,
    )
    #: The web app's address, for "copy link" and "open in browser".
    web_url: str | None = option(
        None,
        help="ResolutionFlow web address, for links to sessions",
        group="display",
        metavar="URL",
        key=True,
        bound=True,
    )
    #: No highlight animation: arrivals get a static "new" marker.
    reduced_motion: bool = option(
        False,
        help="no highlights or motion (also TEXTUAL_ANIMATIONS=none)",
        group="display",
        env="TEXTUAL_ANIMATIONS",
        env_on="none",
        key=True,
    )
    #: Lite mode from the start (no animation, fewer repaints, ages by the minute);
    #: without it the app switches by itself on a slow link.
    lite: bool = option(
        False,
        help="lite mode from the start: no animation, fewer repaints (automatic on slow links)",
        group="display",
        key=True,
    )
    #: A desktop notification (OSC 777 and OSC 9) per arrival while the terminal is unfocused.
    notify: bool = option(
        False, help="desktop notification per arrival while unfocused", group="alerts", key=True
    )
    #: The terminal bell per arrival while the terminal is unfocused.
    bell: bool = option(
        False, help="ring the bell per arrival while unfocused", group="alerts", key=True
    )
    #: A Textual theme name; a pick in the app is remembered over it.
    theme: str | None = option(None, key=True)
    #: Seconds between full queue refetches while connected (the server drops events).
    reconcile_every: float = 30.0
    #: Where unread markers, theme picks and claims are kept; None: in memory only.
    state_dir: Path | None = None

    def __repr__(self) -> str:
        # Never the token: reprs end up in logs and tracebacks.
        return f"Settings(server={self.server!r}, signed_in={self.token is not None})"


def options(group: str | None = None) -> list[tuple[Field[Any], Option]]:
    """The settings that can be given, in declaration order; of one flag group if named."""
    found = [(f, f.metadata["option"]) for f in fields(Settings) if "option" in f.metadata]
    return [(f, o) for f, o in found if group is None or (o.help and o.group == group)]


#: config.toml's keys of a [profiles.NAME], and whether each is a switch.
PROFILE_KEYS = {f.name: o.switch for f, o in options() if o.key}


def resolve(
    given: Mapping[str, Any],
    environ: Mapping[str, str],
    config: Config,
    saved_token: Callable[[str], str | None],
) -> Settings | None:
    """Settings from flags (``given``, by field name), environment and config; None when
    no server is named anywhere. ``saved_token`` looks up what `rf-tui login` kept."""

    def outside(f: Field[Any], o: Option) -> Any:
        """The flag's value, else the variable's; None when neither is given."""
        if given.get(f.name) not in (None, False, ""):
            return given[f.name]
        value = environ.get(o.env) if o.env else None
        if o.switch:
            return True if value is not None and value == o.env_on else None
        return value or None

    by_name = {f.name: (f, o) for f, o in options()}
    named = outside(*by_name["profile"])
    server = outside(*by_name["server"])
    # Pasted values carry a newline or spaces at the ends: never part of an address.
    server = server.strip() if isinstance(server, str) else server
    profile = config.choose(named, server)
    server = server or (profile.server if profile else None)
    if not server:
        return None
    server = server.rstrip("/")
    keys = profile.values_for(server) if profile else {}
    values: dict[str, Any] = {"profile": profile.name if profile else None, "server": server}
    for name, (f, o) in by_name.items():
        if name not in values:
            chosen = outside(f, o)
            values[name] = chosen if chosen is not None else keys.get(name, f.default)
    if isinstance(values["token"], str):
        values["token"] = values["token"].strip() or None  # a pasted token's line break
    if given.get("token_file") and not given.get("token"):
        values["token"] = None  # --token-file is a flag: it wins over RF_TUI_TOKEN
    elif values["token"] is not None:
        values["token_file"] = None
    if values["token"] is None and values["token_file"] is None:
        values["token"] = saved_token(server)
    return Settings(**values, state_dir=paths.state_dir())
