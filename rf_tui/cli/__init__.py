"""The ``rf-tui`` command line: the TUI by default, plus commands for scripts and setup.

Connection settings come from flags, then the environment (``RF_TUI_SERVER``,
``RF_TUI_TOKEN``, ``RF_TUI_PROFILE``), then the profile in config.toml.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

# Only what the parser needs: every call pays for these, `--version` and `--help`
# too. A command imports its own heavy modules (httpx, pydantic, Textual) when it
# runs; tests/test_startup_imports.py pins that.
from rf_tui import __version__
from rf_tui import exit_codes as exits
from rf_tui.cli import completion, usage
from rf_tui.cli.usage import Usage
from rf_tui.feed.periods import PERIODS
from rf_tui.settings import options

DESCRIPTION = "A terminal client for ResolutionFlow's Escalation Mode: a live queue for seniors."


def _flags(parser: argparse.ArgumentParser, *groups: str, inherit: bool) -> None:
    """The flags of these settings groups (see rf_tui.settings.Option).

    With ``inherit`` (on a subcommand) a flag may also follow the command, and
    leaves the value given before it alone when it does not.
    """
    for group in groups:
        for setting, how in options(group):
            kwargs: dict[str, Any] = {"help": how.help}
            if how.switch:
                kwargs["action"] = "store_true"
            elif how.metavar:
                kwargs["metavar"] = how.metavar
            if inherit:
                kwargs["default"] = argparse.SUPPRESS
            parser.add_argument("--" + setting.name.replace("_", "-"), **kwargs)


def _quirk_flag(serve: argparse.ArgumentParser) -> None:
    """``--quirk NAME[=VALUE]``, checked as it is read, each quirk in the epilog."""
    # Only the stdlib-only table: the help must not need the server extra.
    from rf_tui.server.quirks import KINDS, Quirks, UnknownQuirk

    def quirk(spec: str) -> str:
        try:
            Quirks().with_(spec)
        except UnknownQuirk as problem:
            raise argparse.ArgumentTypeError(str(problem)) from None
        return spec

    serve.add_argument(
        "--quirk",
        action="append",
        type=quirk,
        metavar="NAME[=VALUE]",
        help="misbehave on purpose, as real backends and proxies do (repeatable; below)",
    )
    width = max(len(k.usage) for k in KINDS) + 4
    lines = [
        textwrap.fill(k.help, 79, initial_indent=f"  {k.usage:<{width - 2}}",
                      subsequent_indent=" " * width, break_on_hyphens=False)
        for k in KINDS
    ]  # fmt: skip
    serve.epilog = "quirks (--quirk):\n" + "\n".join(lines) + "\n\n" + (serve.epilog or "")


if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction


class _Commands(_SubParsers):
    """Subcommands whose own flags are added only once one is chosen: `rf-tui queue`
    and `--version` do not build the other commands' parsers (about a third of a
    bare `--version`); `--help` lists them from their names and help alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builders: dict[str, Callable[[argparse.ArgumentParser], None]] = {}

    def build(self, name: str) -> None:
        if (build := self.builders.pop(name, None)) is not None:
            build(self.choices[name])

    def build_all(self) -> None:
        for name in list(self.builders):
            self.build(name)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list) and values:
            self.build(values[0])
        super().__call__(parser, namespace, values, option_string)


def parser(*, lazy: bool = False) -> argparse.ArgumentParser:
    """The whole command line; ``lazy``: each command's flags only once it is chosen."""
    main = argparse.ArgumentParser(
        prog="rf-tui",
        description=DESCRIPTION,
        epilog="Run `rf-tui demo` to try it with no backend (from pip, it needs the server "
        "extra: pip install 'rf-tui[server]').\n\n"
        f"{exits.epilog('')}(each command's --help lists its own)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.add_argument("--version", action="version", version=f"rf-tui {__version__}")
    _flags(main, "connection", "display", "alerts", inherit=False)
    main.add_argument(
        "--plain", action="store_true",
        help="lines of text instead of the full-screen app: for screen readers, phones, logs",
    )  # fmt: skip
    commands = cast(
        _Commands, main.add_subparsers(dest="command", metavar="COMMAND", action=_Commands)
    )

    def command(
        name: str, help: str, description: str | None = None
    ) -> Callable[[Callable[[argparse.ArgumentParser], None]], None]:
        """Add the command now (its name and help), and its flags when it is chosen."""
        commands.add_parser(
            name,
            help=help,
            description=description or help,
            epilog=exits.epilog(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

        def flags(build: Callable[[argparse.ArgumentParser], None]) -> None:
            commands.builders[name] = build

        return flags

    @command("queue", "print the escalations waiting, newest first")
    def build_queue(queue: argparse.ArgumentParser) -> None:
        queue.add_argument("--json", action="store_true", help="a JSON array instead of lines")
        _flags(queue, "connection", inherit=True)

    @command(
        "watch",
        "print one line per live event until Ctrl-C",
        "Print one line per stream event until interrupted. It reconnects like the app; "
        "after a reconnect it refetches the queue and prints what the gap hid "
        "(missed_created, missed_gone).",
    )
    def build_watch(watch: argparse.ArgumentParser) -> None:
        watch.add_argument("--json", action="store_true", help="JSON lines instead of text")
        _flags(watch, "connection", inherit=True)

    @command(
        "claim",
        "claim an escalation; exit 0 if yours, 3 if someone else was first",
    )
    def build_claim(claim: argparse.ArgumentParser) -> None:
        claim.add_argument("handoff_id", metavar="HANDOFF_ID")
        claim.add_argument(
            "--session", metavar="SESSION_ID", help="its session (default: looked up in the queue)"
        )
        _flags(claim, "connection", inherit=True)

    @command(
        "stats",
        "time to first action after claim for a period, and its trend by day",
        "Print the escalation metric for a period: claimed, with a first action, conversion,\n"
        "average, median and 95th percentile time to first action after claim, the server's\n"
        "definition word for word, and the trend by day where the server has one.\n"
        "Owners, admins and engineers only.",
    )
    def build_figures(figures: argparse.ArgumentParser) -> None:
        figures.add_argument(
            "--period", choices=PERIODS, default="7d", help="the window, up to now (default 7d)"
        )
        shape = figures.add_mutually_exclusive_group()  # one output at a time, never one ignored
        shape.add_argument("--json", action="store_true", help="a JSON object instead of text")
        shape.add_argument(
            "--report",
            nargs="?",
            const="-",
            metavar="FILE",
            help="the pilot report as Markdown (both metrics, the baseline runs, hours saved a "
            "week against the 1.0 threshold, the trend) to FILE, or to standard output",
        )
        _flags(figures, "connection", inherit=True)

    @command("doctor", usage.DOCTOR_HELP, usage.DOCTOR_DESCRIPTION)
    def build_check(check: argparse.ArgumentParser) -> None:
        check.epilog = usage.DOCTOR_EPILOG  # its exit codes, and the shape of --json
        usage.doctor_arguments(check)
        _flags(check, "connection", inherit=True)

    @command(
        "login",
        "sign in and save the token for a server",
        "Sign in with your password (asked for, or --password-stdin), or check a token\n"
        "from SSO (--token -, --token-file PATH), and save it for the server.",
    )
    def build_login(login: argparse.ArgumentParser) -> None:
        _flags(login, "connection", inherit=True)
        _flags(login, "login", inherit=False)
        login.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin, one line"
        )

    @command("auth", "the servers you are signed in to")
    def build_auth(auth: argparse.ArgumentParser) -> None:
        auth_commands = auth.add_subparsers(dest="auth_command", metavar="ACTION", required=True)
        auth_status = auth_commands.add_parser(
            "status",
            help="list your servers and whom each token signs in as (never the token)",
            description=usage.STATUS_HELP,
            epilog=exits.epilog("auth"),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        auth_status.add_argument(
            "--json", action="store_true", help="a JSON array instead of lines"
        )
        _flags(auth_status, "connection", inherit=True)

    @command("baseline", usage.BASELINE_HELP, usage.BASELINE_DESCRIPTION)
    def build_stopwatch(stopwatch: argparse.ArgumentParser) -> None:
        usage.baseline_arguments(
            stopwatch, lambda action: _flags(action, "connection", inherit=True)
        )

    @command("logout", "forget the saved token for a server")
    def build_logout(logout: argparse.ArgumentParser) -> None:
        _flags(logout, "connection", inherit=True)

    @command("config", "where config.toml is, and what it says")
    def build_config(config: argparse.ArgumentParser) -> None:
        config_commands = config.add_subparsers(dest="config_command", metavar="ACTION")
        config_commands.add_parser("path", help="print the path of config.toml")
        show = config_commands.add_parser("show", help="print the profiles (never a token)")
        show.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS)
        config_commands.add_parser("names", help="print the profile names, one per line")

    @command(
        "web",
        "serve the app to a browser tab on this machine (textual-serve)",
        "Serve rf-tui to a browser on loopback. Each tab runs its own rf-tui with your "
        "token: whoever can open the page acts as you.",
    )
    def build_web(web: argparse.ArgumentParser) -> None:
        web.add_argument("--port", type=int, default=0, help="port (default: a free one)")
        web.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        _flags(web, "connection", "display", inherit=True)

    @command(
        "completion",
        "print a shell completion script",
        "Print a completion script: source <(rf-tui completion bash)",
    )
    def build_complete(complete: argparse.ArgumentParser) -> None:
        complete.add_argument("shell", choices=completion.SHELLS)

    @command(
        "demo",
        "the whole story with no backend: a local server, a junior and a rival",
        "Start the reference server on loopback with the demo seed, sign in as dana, and "
        "play sam (a junior who escalates) and alex (a rival senior who sometimes claims "
        "first). The same seed tells the same story.",
    )
    def build_demo(demo: argparse.ArgumentParser) -> None:
        demo.add_argument("--seed", type=int, default=7, help="story seed (default 7)")
        demo.add_argument(
            "--pace", type=float, default=8.0, metavar="S", help="seconds between escalations (8)"
        )
        demo.add_argument("--no-rival", action="store_true", help="alex never claims first")
        demo.add_argument(
            "--present",
            action="store_true",
            help="for recording: stand-ins for people, clients, hosts and addresses (the same "
            "every take), a still clock, the keys pressed on screen; p pauses the story",
        )
        demo.add_argument(
            "--reduced-motion",
            action="store_true",
            default=argparse.SUPPRESS,
            help="no highlights or transitions",
        )
        demo.add_argument(
            "--lite",
            action="store_true",
            default=argparse.SUPPRESS,
            help="lite mode from the start",
        )

    @command(
        "serve",
        "run the reference server (the backend API over HTTP, SQLite or Postgres, and SSE)",
        "Run the bundled reference server: the backend API as rf-tui reads it\n"
        "(docs/contract.md in rf-tui's source). It binds loopback unless told otherwise.",
    )
    def build_serve(serve: argparse.ArgumentParser) -> None:
        serve.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        serve.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
        serve.add_argument(
            "--db",
            default=":memory:",
            metavar="PATH",
            help="SQLite file, :memory: (default), or postgresql://… (replicas share it)",
        )
        serve.add_argument(
            "--broker",
            metavar="URL",
            help="redis://…: events reach the streams of every replica (default: this one)",
        )
        serve.add_argument(
            "--demo-seed", action="store_true", help="create the demo accounts and a queue"
        )
        serve.add_argument(
            "--assessment-delay",
            type=float,
            default=1.0,
            metavar="S",
            help="seconds until the AI assessment lands (default 1)",
        )
        serve.add_argument(
            "--assessment-timeout",
            type=float,
            default=5.0,
            metavar="S",
            help="the assessment is dropped (stays null) past this (default 5); "
            "a delay above it shows the timed-out path",
        )
        serve.add_argument(
            "--keepalive",
            type=float,
            default=25.0,
            metavar="S",
            help="seconds of silence before a keepalive (default 25)",
        )
        serve.add_argument(
            "--no-claim-events",
            action="append_const",
            dest="quirk",
            const="no-claim-events",
            help="do not announce claims (as a real backend may not); --quirk no-claim-events",
        )
        _quirk_flag(serve)
        serve.add_argument(
            "--secret", default=None, help="token signing key (default: a new random one each run)"
        )

    if not lazy:
        commands.build_all()
    return main


def _scripted(args: argparse.Namespace) -> int:
    if args.command == "claim" and not args.handoff_id.strip():
        raise Usage("which escalation? rf-tui claim HANDOFF_ID (rf-tui queue lists the ids).")
    from rf_tui import paths
    from rf_tui.cli import script
    from rf_tui.cli.resolve import target

    client = target(args).client()
    if args.command == "queue":
        return script.run(script.show_queue(client, args.json, sys.stdout))
    if args.command == "watch":
        return script.run(script.watch(client, args.json, sys.stdout))
    if args.command == "stats":
        from rf_tui.cli import stats

        found = target(args)
        where = (found.settings.state_dir or paths.state_dir(), found.settings.server)
        shown = stats.show_stats(
            client, args.period, args.json, sys.stdout, where=where, report=args.report
        )
        return script.run(shown)
    return script.run(script.claim(client, args.handoff_id, args.session, sys.stdout))


def _tui_or_plain(args: argparse.Namespace) -> int:
    if not args.plain and os.environ.get("TERM") == "dumb":
        # A dumb terminal (an editor's shell, a serial console) cannot take the
        # full screen, colours or mouse reports: it gets lines instead.
        print("rf-tui: TERM=dumb, so plain lines instead of the full screen.", file=sys.stderr)
        args.plain = True
    if args.plain:
        from rf_tui.cli import script
        from rf_tui.cli.plain import run as run_plain  # no Textual on this path
        from rf_tui.cli.resolve import keys_from_the_terminal, target, took_stdin

        found = target(args)
        if took_stdin(args):
            keys_from_the_terminal()  # commands from the terminal; without one, it follows
        return script.run(run_plain(found.client()))
    # Importing the app and its libraries makes objects by the hundred thousand, none
    # of them garbage: the cyclic collector's passes over them were about an eighth of
    # the imports. The app turns it back on once the first queue is on screen (then
    # freezes what exists), or after a few seconds; run_app, at the latest.
    gc.disable()
    from rf_tui.cli import run

    return run.tui(args)


def _web(args: argparse.Namespace) -> int:
    from rf_tui.cli.web import web  # textual-serve and aiohttp only when asked for

    return web(args)


def _config(args: argparse.Namespace) -> int:
    from rf_tui.cli import config_cmd

    if args.config_command == "path":
        return config_cmd.path(args)
    if args.config_command == "names":
        from rf_tui.cli.resolve import load_config

        print("\n".join(load_config().profiles))
        return 0
    return config_cmd.show(args)


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """The handler ``name`` of ``rf_tui.cli.<module>``, imported only when it runs."""

    def handler(args: argparse.Namespace) -> int:
        command: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(f"rf_tui.cli.{module}"), name
        )
        return command(args)

    return handler


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(lazy=True).parse_args(argv)
    handlers: dict[str | None, Callable[[argparse.Namespace], int]] = {
        "queue": _scripted,
        "watch": _scripted,
        "claim": _scripted,
        "stats": _scripted,
        "login": _lazy("signin", "login"),
        "logout": _lazy("signin", "logout"),
        "auth": _lazy("signin", "status"),
        "baseline": _lazy("baseline", "baseline"),
        "config": _config,
        "demo": _lazy("run", "demo"),
        "web": _web,
        "doctor": _lazy("doctor", "doctor"),
        "serve": _lazy("run", "serve"),
        None: _tui_or_plain,
    }
    if args.command == "completion":
        sys.stdout.write(completion.script(args.shell, parser()))
        return 0
    try:
        return handlers[args.command](args)
    except Usage as problem:
        print(f"rf-tui: {problem}", file=sys.stderr)
        return exits.USAGE
    except KeyboardInterrupt:  # Ctrl-C at a prompt (a token pasted with --token -)
        print(file=sys.stderr)
        return exits.INTERRUPTED
