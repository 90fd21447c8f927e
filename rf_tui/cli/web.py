"""``rf-tui web``: the same app in a browser tab, served by textual-serve on loopback.

Each tab runs its own ``rf-tui`` process. The token reaches it through the
environment, never a command line (which ``ps`` shows to every user and
textual-serve prints). Whoever can open the page acts as you: it binds
127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import sys

from rf_tui.cli import extras
from rf_tui.cli.resolve import target


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def child_command(args: argparse.Namespace) -> str:
    found = target(args)
    settings = found.settings
    argv = [sys.executable, "-m", "rf_tui", "--server", settings.server]
    for flag, value in (("--web-url", settings.web_url), ("--ca-bundle", settings.ca_bundle)):
        if value:
            argv += [flag, value]
    if settings.reduced_motion:
        argv.append("--reduced-motion")
    if settings.lite:
        argv.append("--lite")
    if settings.profile:
        argv += ["--profile", settings.profile]
    assert settings.token is not None  # target() insists on one
    os.environ["RF_TUI_TOKEN"] = settings.token  # inherited by each tab's process
    return shlex.join(argv)


def web(args: argparse.Namespace) -> int:
    extras.require("web", extras.WEB)
    from textual_serve.server import Server

    command = child_command(args)
    port = args.port or free_port(args.host)
    print(
        f"rf-tui web: open http://{args.host}:{port} — whoever opens it acts as you. "
        "Ctrl+C stops it.",
        flush=True,
    )
    Server(command, host=args.host, port=port, title="rf-tui").serve()
    return 0
