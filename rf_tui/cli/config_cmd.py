"""``rf-tui config path`` and ``rf-tui config show`` (never the token)."""

from __future__ import annotations

import argparse
import os

from rf_tui.cli.resolve import profile_of
from rf_tui.paths import config_path
from rf_tui.profiles import KEYS
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
"""


def path(_: argparse.Namespace) -> int:
    print(config_path())
    return 0


def show(args: argparse.Namespace) -> int:
    config, chosen = profile_of(args)
    exists = config.path.exists()
    print(f"config file: {config.path}" + ("" if exists else " (not created yet)"))
    if not config.profiles:
        print("\nNo profiles yet. An example to start from:\n")
        print(EXAMPLE.format(path=config.path), end="")
        return 0
    for name, profile in config.profiles.items():
        marks = []
        if name == config.default:
            marks.append("default")
        if chosen is not None and name == chosen.name:
            marks.append("in use")
        print(f"\n[profiles.{name}]" + (f"  # {', '.join(marks)}" if marks else ""))
        for key in KEYS:
            value = getattr(profile, key)
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
