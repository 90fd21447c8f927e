"""``rf-tui web``: the same app in a browser tab, served by textual-serve on loopback.

Each tab runs its own ``rf-tui`` process. The token reaches it through the
environment, never a command line (which ``ps`` shows to every user and
textual-serve prints). Whoever can open the page acts as you: it binds
127.0.0.1 unless told otherwise, answers only to its own host name and origin,
and serves nothing without the per-run secret in the address it prints.
"""

from __future__ import annotations

import argparse
import errno
import hmac
import logging
import os
import secrets
import shlex
import socket
import sys
from typing import Any
from urllib.parse import urlsplit

from rf_tui.cli import extras
from rf_tui.cli.resolve import Usage, target


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def listen_problem(host: str, port: int) -> str | None:
    """Why nothing can listen on ``host``:``port``, in a sentence; None if it can.

    Asked before starting, so a port in use is a sentence and exit 2, not
    uvicorn's exit 3 (which scripts read as "someone else claimed it") or
    aiohttp's traceback.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return (
                f"port {port} on {host} is taken: pick another with --port, "
                "or leave --port out for a free one."
            )
        return f"cannot listen on {host} port {port}: {exc.strerror or exc}."
    return None


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


#: Names a browser on this machine may use for a loopback server.
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Binding any of these serves every address: the Host header cannot be pinned.
ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 - compared with, never bound here


def allowed(host: str, origin: str | None, bound: str) -> str | None:
    """Why a request may not reach the app, or None if it may.

    A page from another site, open in the same browser, could otherwise open the
    websocket and press keys as you (claim, send messages); a DNS name pointed at
    127.0.0.1 (rebinding) could do the same through the Host header.
    """
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        name = ""
    if bound not in ANY_ADDRESS and name not in LOOPBACK | {bound}:
        return "rf-tui web does not answer to this address."
    if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
        return "A page from another site may not use your rf-tui session."
    return None


#: The per-run secret: in the printed address (``?key=``), then in a cookie.
KEY = "key"
COOKIE = "rf_tui_web"
NO_KEY = (
    "This rf-tui web needs the address it printed when it started (with ?key=…). "
    "Copy it from the terminal where rf-tui web runs."
)


def holds_key(secret: str, query_key: str | None, cookie: str | None) -> bool:
    """Whether a request carries this run's secret (compared in constant time).

    Another local user of a shared jump box can reach a loopback port; without
    the secret, which only the terminal that started rf-tui web saw, they get
    nothing: not the page, not the websocket that would press keys as you.
    """
    return any(
        given is not None and hmac.compare_digest(given.encode(), secret.encode())
        for given in (query_key, cookie)
    )


def web(args: argparse.Namespace) -> int:
    extras.require("web", extras.WEB)
    from aiohttp import web as aioweb
    from textual_serve.server import Server

    secret = secrets.token_urlsafe(24)

    @aioweb.middleware
    async def same_origin(request: Any, handler: Any) -> Any:
        refusal = allowed(request.host, request.headers.get("Origin"), args.host)
        if refusal is not None:
            return aioweb.Response(status=403, text=refusal)
        given = request.query.get(KEY)
        if not holds_key(secret, given, request.cookies.get(COOKIE)):
            return aioweb.Response(status=403, text=NO_KEY)
        answer = await handler(request)
        if given is not None and isinstance(answer, aioweb.StreamResponse):
            # The page's own requests (scripts, the websocket) carry it from here;
            # Strict: never sent along with a request another site makes.
            answer.set_cookie(COOKIE, secret, httponly=True, samesite="Strict", path="/")
        return answer

    class GuardedServer(Server):
        async def _make_app(self) -> Any:
            # textual-serve has no hook for this; its app is built here, before it
            # is frozen, so a middleware can still be added.
            app = await super()._make_app()
            app.middlewares.append(same_origin)
            return app

        async def on_startup(self, app: Any) -> None:
            """Quiet: its banner shows the address without the key, which only gets a 403."""

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # Its access log would print the key in every request line and Referer.
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    command = child_command(args)
    problem = listen_problem(args.host, args.port)
    if problem:
        raise Usage(problem)
    port = args.port or free_port(args.host)
    print(
        f"rf-tui web: open http://{args.host}:{port}/?{KEY}={secret} — whoever opens it "
        "acts as you. Ctrl+C stops it.",
        flush=True,
    )
    GuardedServer(command, host=args.host, port=port, title="rf-tui").serve()
    return 0
