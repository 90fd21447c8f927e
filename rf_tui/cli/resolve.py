"""From a command line to ``Settings``: which server, which token, which options.

Shared by the TUI and the scripting commands, so ``rf-tui queue`` talks to the
same backend, with the same CA and token, as ``rf-tui`` does. The precedence
itself lives in ``rf_tui.settings``; this turns its outcomes into sentences.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from rf_tui.api.client import Client
from rf_tui.profiles import Config, ConfigError, load
from rf_tui.settings import Settings, resolve
from rf_tui.store import tokens
from rf_tui.text import shown_url


class Usage(Exception):
    """What the user has to change before the command can run (exit 2)."""


@dataclass
class Target:
    settings: Settings

    def client(self) -> Client:
        try:
            return Client(
                self.settings.server,
                self.settings.token,
                verify=self.settings.ca_bundle or True,
            )
        except (OSError, ValueError) as exc:
            raise Usage(f"cannot use the CA bundle {self.settings.ca_bundle}: {exc}") from None


def load_config() -> Config:
    try:
        return load()
    except ConfigError as exc:
        raise Usage(str(exc)) from None


def target(args: argparse.Namespace, *, need_token: bool = True) -> Target:
    damaged: list[str] = []

    def saved_token(server: str) -> str | None:
        token, problem = tokens.read(server)
        damaged.extend([problem] if problem else [])
        return token

    try:
        settings = resolve(vars(args), os.environ, load_config(), saved_token)
    except ConfigError as exc:
        raise Usage(str(exc)) from None
    if settings is None:
        raise Usage(
            "which server? Pass --server URL, set RF_TUI_SERVER, or add a profile "
            "(rf-tui config path shows where). To try rf-tui with no backend, run `rf-tui demo`."
        )
    server = shown_url(settings.server)  # for messages: never a password in them
    if any(ch.isspace() or ord(ch) < 0x20 for ch in server):
        raise Usage(f"the server address {server!r} has a space or a control character in it.")
    if settings.token and any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in settings.token):
        raise Usage(
            "the token has a space, line break or control character in it: "
            "copy it again, or sign in with rf-tui login."
        )
    if need_token and not settings.token:
        why = damaged[0] if damaged else f"not signed in to {server}."
        email = settings.email or "you@example.com"
        raise Usage(f"{why} Run: rf-tui login --server {server} --email {email}")
    return Target(settings)
