"""``rf-tui config path`` and ``rf-tui config show`` (never the token)."""

from __future__ import annotations

import argparse
import os

from rf_tui.cli.resolve import Usage, load_config
from rf_tui.paths import config_path
from rf_tui.profiles import ConfigError
from rf_tui.settings import PROFILE_KEYS
from rf_tui.store import tokens

EXAMPLE = """\
# {path}
default = "work"

[profiles.work]
server = "https://rf.example.com"
email = "you@example.com"
web_url = "https://app.rf.example.com"   # for "copy link" and "open in browser"
# ca_bundle = "~/certs/msp-ca.pem"       # a private CA, PEM
# theme = "nord"                         # any Textual theme (ctrl+p → theme)
# reduced_motion = true
# notify = true                          # desktop notification per arrival, when unfocused
# bell = true
# lite = true                            # lite mode always, for a slow link
"""


def path(_: argparse.Namespace) -> int:
    print(config_path())
    return 0


def show(args: argparse.Namespace) -> int:
    found = load_config()
    named = getattr(args, "profile", None) or os.environ.get("RF_TUI_PROFILE") or None
    try:
        chosen = found.choose(named, os.environ.get("RF_TUI_SERVER") or None)
    except ConfigError as exc:
        raise Usage(str(exc)) from None
    exists = found.path.exists()
    print(f"config file: {found.path}" + ("" if exists else " (not created yet)"))
    if not found.profiles:
        print("\nNo profiles yet. An example to start from:\n")
        print(EXAMPLE.format(path=found.path), end="")
        return 0
    for name, profile in found.profiles.items():
        marks = []
        if name == found.default:
            marks.append("default")
        if chosen is not None and name == chosen.name:
            marks.append("in use")
        print(f"\n[profiles.{name}]" + (f"  # {', '.join(marks)}" if marks else ""))
        for key, switch in PROFILE_KEYS.items():
            value = profile.values.get(key, False if switch else None)
            shown = (
                "—" if value is None else str(value).lower() if isinstance(value, bool) else value
            )
            print(f"  {key:<15} {shown}")
        if profile.server:
            signed_in = tokens.load(profile.server.rstrip("/")) is not None
            print(f"  {'token':<15} {'saved by rf-tui login (not shown)' if signed_in else 'none'}")
    if os.environ.get("RF_TUI_SERVER") or os.environ.get("RF_TUI_TOKEN"):
        print("\nRF_TUI_SERVER / RF_TUI_TOKEN are set: they win over the profile.")
    return 0
