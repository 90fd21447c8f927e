"""The commands that run something: the TUI, the demo, the reference server."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
from typing import TYPE_CHECKING

from rf_tui.api.client import Client
from rf_tui.cli import extras
from rf_tui.cli.resolve import Usage, keys_from_the_terminal, target, took_stdin
from rf_tui.exit_codes import FAILED, HUNG_UP
from rf_tui.settings import Settings
from rf_tui.state.clock import system_clock

if TYPE_CHECKING:
    from rf_tui.ui.presenter import Presenter


def say(message: str) -> int:
    print(f"rf-tui: {message}", file=sys.stderr)
    return 2


#: The exit status after a SIGTERM: 128 + 15, as if the signal had ended the process.
TERMINATED = 128 + signal.SIGTERM


def run_app(
    settings: Settings,
    client: Client,
    story: object | None = None,
    *,
    presenter: Presenter | None = None,
) -> int:
    """Run the TUI with a client whose lifetime the CLI owns; its exit status."""
    from rf_tui.ui.app import make_app

    async def main() -> int:
        actors: asyncio.Task[None] | None = None
        try:
            if story is not None:
                actors = asyncio.create_task(story.run())  # type: ignore[attr-defined]
            clock = presenter.clock if presenter else system_clock
            app = make_app(settings, client, clock=clock, presenter=presenter)
            loop = asyncio.get_running_loop()
            # A SIGTERM (systemd, a closing tmux pane, kill) ends the app the way q
            # does, so the terminal gets its screen, cursor and mouse back.
            loop.add_signal_handler(signal.SIGTERM, app.exit, None, TERMINATED)
            try:
                await app.run_async()
            finally:
                loop.remove_signal_handler(signal.SIGTERM)
            return app.return_code or 0
        finally:
            if actors is not None:
                actors.cancel()
                await asyncio.gather(actors, return_exceptions=True)
            await client.aclose()

    try:
        code = asyncio.run(main())
    finally:
        gc.enable()  # off while the app loaded (rf_tui/cli/__init__.py): never left off
    if code == HUNG_UP:
        let_go_of_the_terminal()
    return code


def let_go_of_the_terminal() -> None:
    """The terminal is gone: point stdout and stderr at /dev/null.

    Whatever is still buffered for it would fail to flush as Python exits, and
    Python then exits 120, hiding the 129 that says the terminal went away.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def tui(args: argparse.Namespace) -> int:
    found = target(args)
    if took_stdin(args) and not keys_from_the_terminal():
        raise Usage(
            "the token came on stdin and there is no terminal to read keys from: "
            "give it with --token-file PATH, or use --plain."
        )
    return run_app(found.settings, found.client())


def demo(args: argparse.Namespace) -> int:
    extras.require("demo", extras.SERVER)
    from rf_tui.server.config import ServerConfig
    from rf_tui.server.run import ThreadedServer
    from rf_tui.server.seed import DEMO_PASSWORD, demo_disguise, seed_demo
    from rf_tui.server.simulate import Story
    from rf_tui.ui.presenter import Presenter

    if args.pace <= 0:
        return say("--pace must be more than 0 seconds")
    # Claims are not announced, as a real backend may not announce them: the
    # rival's wins surface as a 409 when you reach for the same row, or at the
    # next reconcile.
    config = ServerConfig(assessment_delay=3.0, announce_claims=False)
    server = ThreadedServer(config)
    started = config.clock()
    seed_demo(server.backend.store, now=started, password_cost=config.password_cost)
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
            reduced_motion=bool(args.reduced_motion)
            or os.environ.get("TEXTUAL_ANIMATIONS") == "none",
            reconcile_every=10.0,
            lite=bool(getattr(args, "lite", False)),
            state_dir=None,  # a demo starts fresh every take
        )
        story = Story(server.url, seed=args.seed, pace=args.pace, rival=not args.no_rival)
        presenter = None
        if args.present:
            presenter = Presenter(story.toggle, demo_disguise(), started)
        return run_app(settings, Client(server.url, token), story, presenter=presenter)
    finally:
        server.stop()


def serve(args: argparse.Namespace) -> int:
    extras.require("serve", extras.SERVER)
    # Imported here, after the check, so `rf-tui --help` does not pay for FastAPI
    # and a client-only install gets a pip command instead of a traceback.
    from rf_tui.server.config import ServerConfig
    from rf_tui.server.quirks import Quirks
    from rf_tui.server.run import serve as serve_forever
    from rf_tui.server.seed import DEMO_PASSWORD, seed_demo
    from rf_tui.server.service import Backend

    if args.port < 0 or args.port > 65535:
        return say("--port must be between 0 and 65535")
    from rf_tui.cli.web import listen_problem

    if problem := listen_problem(args.host, args.port):
        return say(problem)
    from rf_tui.server.db import StoreUnavailable, is_postgres

    if is_postgres(args.db) or args.broker:
        extras.require("serve --db postgresql://… --broker redis://…", extras.ENGINES)
    if args.broker and not args.broker.startswith(("redis://", "rediss://", "unix://")):
        return say("--broker takes a redis://, rediss:// or unix:// URL")
    config = ServerConfig(
        db_path=args.db,
        broker_url=args.broker,
        keepalive_seconds=args.keepalive,
        assessment_delay=args.assessment_delay,
        assessment_timeout=args.assessment_timeout,
        quirks=Quirks.parse(args.quirk or ()),  # each one checked by the parser already
    )
    if args.secret:
        config.secret = args.secret
    try:
        backend = Backend(config)
    except StoreUnavailable as exc:
        print(f"rf-tui: cannot use the database: {exc}", file=sys.stderr)
        return FAILED
    if is_postgres(config.db_path) and not args.secret:
        # Each replica would sign tokens with a key of its own, and refuse the others'.
        print(
            "rf-tui: warning: no --secret: a token signed here is refused by other "
            "replicas; give them all the same --secret",
            file=sys.stderr,
        )
    if args.demo_seed:
        store = backend.store
        # Replicas started together on one Postgres seed it once: the second waits
        # for the first's commit, then finds the demo's people there.
        with store.transaction():
            store.hold("demo seed")
            if store.user_by_email("dana@northwind.example") is None:
                seed_demo(store, now=config.clock(), password_cost=config.password_cost)
        print(
            "Demo seed: dana@northwind.example (admin), alex@ (engineer), sam@ (engineer), "
            f"vic@ (viewer), eve@contoso.example (owner); password {DEMO_PASSWORD!r}",
            flush=True,
        )

    if config.quirks:  # on stderr: stdout is for the one line a script waits for
        print(f"Quirks: {', '.join(config.quirks.names())}", file=sys.stderr, flush=True)

    def ready(url: str) -> None:
        print(f"rf-tui server listening on {url}", flush=True)

    serve_forever(config, host=args.host, port=args.port, backend=backend, on_ready=ready)
    return 0
