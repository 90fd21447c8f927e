"""The ``rf-tui`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rf_tui import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rf-tui",
        description="A terminal client for ResolutionFlow's Escalation Mode.",
    )
    parser.add_argument("--version", action="version", version=f"rf-tui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the reference server (contract.md over HTTP, SQLite and SSE)",
        description="Run the bundled reference server. It binds loopback unless told otherwise.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    serve.add_argument(
        "--db", default=":memory:", metavar="PATH", help="SQLite file, or :memory: (default)"
    )
    serve.add_argument(
        "--demo-seed",
        action="store_true",
        help="create the demo accounts (Northwind MSP, Contoso IT) and a queue",
    )
    serve.add_argument(
        "--assessment-delay",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds before an escalation's AI assessment lands (default 1)",
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
        help="seconds of stream silence before a keepalive comment (default 25)",
    )
    serve.add_argument(
        "--secret",
        default=None,
        help="token signing key (default: a new random one each run)",
    )
    return parser


def _serve(args: argparse.Namespace) -> int:
    # Imported here so `rf-tui --help` does not pay for FastAPI.
    from rf_tui.server.config import ServerConfig
    from rf_tui.server.run import serve
    from rf_tui.server.seed import DEMO_PASSWORD, seed_demo
    from rf_tui.server.service import Backend

    if args.port < 0 or args.port > 65535:
        print("rf-tui: --port must be between 0 and 65535", file=sys.stderr)
        return 2
    config = ServerConfig(
        db_path=args.db,
        keepalive_seconds=args.keepalive,
        assessment_delay=args.assessment_delay,
        assessment_timeout=args.assessment_timeout,
    )
    if args.secret:
        config.secret = args.secret
    backend = Backend(config)
    if args.demo_seed:
        if backend.store.user_by_email("dana@northwind.example") is None:
            seed_demo(backend.store, now=config.clock(), password_cost=config.password_cost)
        print(
            "Demo seed: dana@northwind.example (admin), alex@ (engineer), sam@ (engineer), "
            f"vic@ (viewer), eve@contoso.example (owner); password {DEMO_PASSWORD!r}",
            flush=True,
        )

    def ready(url: str) -> None:
        print(f"rf-tui server listening on {url}", flush=True)

    serve(config, host=args.host, port=args.port, backend=backend, on_ready=ready)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    print(
        "rf-tui: the queue TUI is not built yet. Run `rf-tui serve --demo-seed` "
        "for the reference server, or `rf-tui --help`.",
        file=sys.stderr,
    )
    return 2
