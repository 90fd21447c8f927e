"""What a command line may say: the ``Usage`` error, and the help and flags of the
commands whose work needs the API (doctor, baseline, auth status).

Every run builds the whole parser, ``--version`` and ``--help`` too, and shell
completion reads it: so this module, unlike the commands themselves, loads no
httpx, pydantic or Textual (tests/test_startup_imports.py pins it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rf_tui import exit_codes as exits
from rf_tui.doctor.model import KEEPALIVE_WAIT
from rf_tui.state.baseline_runs import MIN_RUNS


class Usage(Exception):
    """What the user has to change before the command can run (exit 2)."""


# ── rf-tui doctor ────────────────────────────────────────────────────────────

DOCTOR_HELP = "check the server against what rf-tui needs, and say what to fix"
DOCTOR_DESCRIPTION = """\
Check the server in use (--profile, --server, --token, the environment) against
what rf-tui needs: the address, the connection and TLS, the API root, sign-in
and role, the queue's rows and times, the clocks, the metric and the live
stream. Each line is ok, warn, FAIL or skip (not checked, because an earlier
check failed), and says what to do when it is not ok.

The stream check waits --ready-wait seconds (5), plus one round trip, for the
`ready` frame. The keepalive interval (25 s by contract) is only measured with
--wait-keepalive, which waits up to 60 s more. Whether the server announces
claims is not checked: that would take a claim."""

DOCTOR_EPILOG = (
    (exits.epilog("doctor") or "")
    + """
--json prints one object for CI: {"server", "profile", "status", "exit_code",
"checks": [{"name", "status", "finding", "advice"}]}. Neither form ever
shows the token or a password in the address.
"""
)


def doctor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    parser.add_argument(
        "--ready-wait",
        type=float,
        default=5.0,
        metavar="S",
        help="seconds to wait for the stream's ready frame (default 5)",
    )
    parser.add_argument(
        "--wait-keepalive",
        action="store_true",
        help=f"also wait up to {KEEPALIVE_WAIT:g} s for a stream keepalive, and time it",
    )


# ── rf-tui baseline ──────────────────────────────────────────────────────────

BASELINE_HELP = (
    "time today's verbal handoff by stopwatch: the baseline savings are measured against"
)
BASELINE_DESCRIPTION = (
    "Time the old verbal handoff: start when you open the ticket, stop at your first\n"
    "diagnostic action. Savings per escalation are this baseline (the median of at\n"
    f"least {MIN_RUNS} runs) minus rf-tui's time to first action after claim. Runs are\n"
    "kept per server and user."
)

BASELINE_ACTIONS: dict[str, str] = {
    "start": "start the stopwatch now (one run at a time)",
    "stop": "stop the run in progress and print its time",
    "add": "add a run timed elsewhere: SECONDS or MM:SS",
    "list": "the runs, their median and how many of 5",
    "edit": "change a run's seconds or note",
    "delete": "delete a run",
}


def baseline_arguments(
    command: argparse.ArgumentParser, flags: Callable[[argparse.ArgumentParser], None]
) -> None:
    """The actions of ``rf-tui baseline``; ``flags`` adds the connection flags to each."""
    actions = command.add_subparsers(dest="baseline_command", metavar="ACTION", required=True)

    def action(name: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(
            name,
            help=BASELINE_ACTIONS[name],
            description=BASELINE_ACTIONS[name],
            epilog=exits.epilog("baseline"),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        flags(parser)
        return parser

    note = "what it was (a ticket, a client); replaces any note"
    action("start").add_argument("--note", metavar="TEXT", help=note)
    action("stop").add_argument("--note", metavar="TEXT", help=note)
    add = action("add")
    add.add_argument("seconds", metavar="SECONDS|MM:SS", help="the stopwatch's time")
    add.add_argument("--note", metavar="TEXT", help=note)
    action("list").add_argument("--json", action="store_true", help="JSON instead of lines")
    edit = action("edit")
    edit.add_argument("run_id", metavar="ID", help="the run's id (rf-tui baseline list)")
    edit.add_argument("--seconds", metavar="SECONDS|MM:SS", help="its time, as typed in")
    edit.add_argument("--note", metavar="TEXT", help=note)
    action("delete").add_argument("run_id", metavar="ID", help="the run's id")


# ── rf-tui auth status ───────────────────────────────────────────────────────

#: Seconds `auth status` gives each server: a dead one must not hold up the rest.
CHECK_TIMEOUT = 5.0

STATUS_HELP = f"""\
List the servers you are signed in to (saved by rf-tui login) or that a profile
names, one line each: the server, its profiles, and whom its token signs in as,
or why it does not (expired, unreachable). Each server gets at most {CHECK_TIMEOUT:g} s;
the token itself is never shown. With --server or --profile: just that server,
with the token rf-tui would use for it."""
