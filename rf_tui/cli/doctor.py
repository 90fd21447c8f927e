"""``rf-tui doctor``: check the backend in use against the contract, and say what to do.

It resolves the server, token and CA bundle exactly as every other command does
(rf_tui.cli.resolve), so what it finds is what the app will meet. No Textual.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from rf_tui import exit_codes as exits
from rf_tui.cli.resolve import target
from rf_tui.doctor import render
from rf_tui.doctor.model import KEEPALIVE_WAIT, Check, worst
from rf_tui.text import shown_url

OK = exits.OK  # every check ok, or only warnings
FAILED = exits.FAILED  # at least one check failed


def wants_colour() -> bool:
    """Colours for a terminal that takes them; never in a pipe or under NO_COLOR."""
    return (
        sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM", "") not in ("", "dumb")
    )


def doctor(args: argparse.Namespace) -> int:
    try:
        return _doctor(args)
    except KeyboardInterrupt:
        return exits.INTERRUPTED
    except BrokenPipeError:
        # `rf-tui doctor | head -3`: end quietly, as a tool killed by SIGPIPE would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exits.PIPE_CLOSED


def _doctor(args: argparse.Namespace) -> int:
    import asyncio

    from rf_tui.doctor.checks import Doctor, Options  # httpx: not for --help

    settings = target(args, need_token=False).settings
    options = Options(
        server=settings.server,
        token=settings.token,
        ca_bundle=settings.ca_bundle,
        email=settings.email,
        ready_wait=max(0.1, args.ready_wait),
        keepalive_wait=KEEPALIVE_WAIT if args.wait_keepalive else None,
    )
    if args.wait_keepalive and not args.json:
        print(
            f"rf-tui doctor: up to {KEEPALIVE_WAIT:g} s more for a stream keepalive…",
            file=sys.stderr,
        )
    server = shown_url(settings.server)
    if args.json:
        checks = asyncio.run(Doctor(options).run())
        code = FAILED if worst(checks) == "fail" else OK
        sys.stdout.write(render.as_json(checks, server, settings.profile, code))
        return code
    width = min(shutil.get_terminal_size().columns, 100) if sys.stdout.isatty() else 80
    colour = wants_colour()

    def show(check: Check) -> None:
        sys.stdout.write(render.line(check, width=width, colour=colour))
        sys.stdout.flush()  # a slow server's run is seen as it goes

    sys.stdout.write(render.header(server, settings.profile))
    checks = asyncio.run(Doctor(options, on_check=show).run())
    sys.stdout.write(render.footer(checks, width=width))
    code = FAILED if worst(checks) == "fail" else OK
    return code
