"""Which server, which token, which options: flags, then environment, then profile.

Shared by the TUI and the scripting commands, so ``rf-tui queue`` talks to the
same backend, with the same CA and token, as ``rf-tui`` does.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from rf_tui.api.client import Client
from rf_tui.config import Settings
from rf_tui.paths import state_dir
from rf_tui.profiles import Config, ConfigError, Profile, load
from rf_tui.store import tokens


class Usage(Exception):
    """What the user has to change before the command can run (exit 2)."""


@dataclass
class Target:
    settings: Settings
    profile: Profile | None

    def client(self) -> Client:
        try:
            return Client(
                self.settings.server,
                self.settings.token,
                verify=self.settings.ca_bundle or True,
            )
        except (OSError, ValueError) as exc:
            raise Usage(f"cannot use the CA bundle {self.settings.ca_bundle}: {exc}") from None


def profile_of(args: argparse.Namespace) -> tuple[Config, Profile | None]:
    try:
        config = load()
        name = getattr(args, "profile", None) or os.environ.get("RF_TUI_PROFILE") or None
        return config, config.pick(name)
    except ConfigError as exc:
        raise Usage(str(exc)) from None


def server_of(args: argparse.Namespace, profile: Profile | None) -> str | None:
    server = (
        getattr(args, "server", None)
        or os.environ.get("RF_TUI_SERVER")
        or (profile.server if profile else None)
    )
    return server.rstrip("/") if server else None


def target(args: argparse.Namespace, *, need_token: bool = True) -> Target:
    _, profile = profile_of(args)
    server = server_of(args, profile)
    if not server:
        raise Usage(
            "which server? Pass --server URL, set RF_TUI_SERVER, or add a profile "
            "(rf-tui config path shows where). To try rf-tui with no backend, run `rf-tui demo`."
        )
    token = getattr(args, "token", None) or os.environ.get("RF_TUI_TOKEN")
    damaged = None
    if not token:
        token, damaged = tokens.read(server)
    if need_token and not token:
        why = damaged or f"not signed in to {server}."
        email = profile.email if profile and profile.email else "you@example.com"
        raise Usage(f"{why} Run: rf-tui login --server {server} --email {email}")

    def pick(flag: str, key: str) -> str | None:
        value = getattr(args, flag, None)
        return str(value) if value else (getattr(profile, key) if profile else None)

    settings = Settings(
        server=server,
        token=token,
        web_url=pick("web_url", "web_url"),
        reduced_motion=bool(getattr(args, "reduced_motion", False))
        or os.environ.get("TEXTUAL_ANIMATIONS") == "none"
        or bool(profile and profile.reduced_motion),
        ca_bundle=pick("ca_bundle", "ca_bundle"),
        state_dir=state_dir(),
        theme=profile.theme if profile else None,
        notify=bool(getattr(args, "notify", False)) or bool(profile and profile.notify),
        bell=bool(getattr(args, "bell", False)) or bool(profile and profile.bell),
        lite=bool(getattr(args, "lite", False)) or bool(profile and profile.lite),
        profile=profile.name if profile else None,
    )
    return Target(settings, profile)
