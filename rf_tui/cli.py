"""The ``rf-tui`` command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from rf_tui import __version__
from rf_tui.api.client import Client
from rf_tui.api.errors import ApiError
from rf_tui.config import Settings, forget_token, load_token, save_token, state_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rf-tui",
        description="A terminal client for ResolutionFlow's Escalation Mode.",
    )
    parser.add_argument("--version", action="version", version=f"rf-tui {__version__}")
    parser.add_argument("--server", help="ResolutionFlow server URL (or RF_TUI_SERVER)")
    parser.add_argument(
        "--token", help="access token (or RF_TUI_TOKEN; default: the one `rf-tui login` saved)"
    )
    parser.add_argument("--web-url", help="ResolutionFlow web address, for links to sessions")
    parser.add_argument("--ca-bundle", metavar="PATH", help="trust this CA bundle (PEM) for TLS")
    _motion(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = commands.add_parser("login", help="sign in and save the token for a server")
    login.add_argument("--server", dest="login_server", required=True, metavar="URL")
    login.add_argument("--email", required=True)
    login.add_argument("--ca-bundle", dest="login_ca", metavar="PATH")

    logout = commands.add_parser("logout", help="forget the saved token for a server")
    logout.add_argument("--server", dest="login_server", required=True, metavar="URL")

    demo = commands.add_parser(
        "demo",
        help="the whole story with no backend: a local server, a junior and a rival",
        description="Start the reference server on loopback with the demo seed, sign in as "
        "dana, and play sam (a junior who escalates) and alex (a rival senior who sometimes "
        "claims first). The same seed tells the same story.",
    )
    demo.add_argument("--seed", type=int, default=7, help="story seed (default 7)")
    demo.add_argument(
        "--pace", type=float, default=8.0, metavar="S", help="seconds between escalations (8)"
    )
    demo.add_argument("--no-rival", action="store_true", help="alex never claims first")
    _motion(demo)

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
        "--no-claim-events",
        action="store_true",
        help="do not announce claims on the stream (as a real backend may not)",
    )
    serve.add_argument(
        "--secret",
        default=None,
        help="token signing key (default: a new random one each run)",
    )
    return parser


def _motion(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reduced-motion",
        action="store_true",
        help="no highlights or transitions (also TEXTUAL_ANIMATIONS=none)",
    )


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
        announce_claims=not args.no_claim_events,
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


def _say(message: str) -> int:
    print(f"rf-tui: {message}", file=sys.stderr)
    return 2


def _run_app(settings: Settings, client: Client, story: object | None = None) -> None:
    """Run the TUI with a client whose lifetime the CLI owns."""
    from rf_tui.ui.app import make_app

    async def main() -> None:
        actors: asyncio.Task[None] | None = None
        try:
            if story is not None:
                actors = asyncio.create_task(story.run())  # type: ignore[attr-defined]
            await make_app(settings, client).run_async()
        finally:
            if actors is not None:
                actors.cancel()
                await asyncio.gather(actors, return_exceptions=True)
            await client.aclose()

    asyncio.run(main())


def _run(args: argparse.Namespace) -> int:
    server = args.server or os.environ.get("RF_TUI_SERVER")
    if not server:
        return _say(
            "which server? Pass --server URL or set RF_TUI_SERVER. "
            "To try rf-tui with no backend, run `rf-tui demo`."
        )
    token = args.token or os.environ.get("RF_TUI_TOKEN") or load_token(server)
    if not token:
        return _say(
            f"not signed in to {server}. "
            f"Run: rf-tui login --server {server} --email you@example.com"
        )
    settings = Settings(
        server=server,
        token=token,
        web_url=args.web_url,
        reduced_motion=_reduced(args),
        ca_bundle=args.ca_bundle,
        state_dir=state_dir(),
    )
    try:
        client = Client(server, token, verify=args.ca_bundle or True)
    except (OSError, ValueError) as exc:
        return _say(f"cannot use the CA bundle {args.ca_bundle}: {exc}")
    _run_app(settings, client)
    return 0


def _reduced(args: argparse.Namespace) -> bool:
    return bool(args.reduced_motion) or os.environ.get("TEXTUAL_ANIMATIONS") == "none"


def _login(args: argparse.Namespace) -> int:
    server = args.login_server
    password = getpass.getpass(f"Password for {args.email} at {server}: ")

    async def sign_in() -> str:
        async with Client(server, verify=args.login_ca or True) as client:
            return (await client.login(args.email, password)).access_token

    try:
        token = asyncio.run(sign_in())
    except ApiError as exc:
        return _say(exc.message)
    path = save_token(server, token, args.email)
    print(f"Signed in to {server} as {args.email}. Token saved in {path} (readable only by you).")
    return 0


def _logout(args: argparse.Namespace) -> int:
    if forget_token(args.login_server):
        print(f"Signed out of {args.login_server}: the saved token is deleted.")
    else:
        print(f"No saved token for {args.login_server}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from rf_tui.server.config import ServerConfig
    from rf_tui.server.run import ThreadedServer
    from rf_tui.server.seed import DEMO_PASSWORD, seed_demo
    from rf_tui.server.simulate import Story

    if args.pace <= 0:
        return _say("--pace must be more than 0 seconds")
    # Claims are not announced, as a real backend may not announce them: the
    # rival's wins surface as a 409 when you reach for the same row, or at the
    # next reconcile.
    config = ServerConfig(assessment_delay=3.0, announce_claims=False)
    server = ThreadedServer(config)
    seed_demo(server.backend.store, now=config.clock(), password_cost=config.password_cost)
    server.start()
    try:

        async def sign_in() -> str:
            async with Client(server.url) as client:
                return (await client.login("dana@northwind.example", DEMO_PASSWORD)).access_token

        token = asyncio.run(sign_in())
        settings = Settings(
            server=server.url,
            token=token,
            web_url="https://app.resolutionflow.example",
            reduced_motion=_reduced(args),
            reconcile_every=10.0,
            state_dir=None,  # a demo starts fresh every take
        )
        story = Story(server.url, seed=args.seed, pace=args.pace, rival=not args.no_rival)
        _run_app(settings, Client(server.url, token), story)
    finally:
        server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "login":
        return _login(args)
    if args.command == "logout":
        return _logout(args)
    if args.command == "demo":
        return _demo(args)
    return _run(args)
