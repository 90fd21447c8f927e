"""Running the reference server: in the foreground (``rf-tui serve``) or in a thread."""

from __future__ import annotations

import contextlib
import copy
import signal
import socket
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from rf_tui.server.app import create_app
from rf_tui.server.config import ServerConfig
from rf_tui.server.service import Backend

#: (certificate file, key file), both PEM.
Tls = tuple[str, str]


class _Uvicorn(uvicorn.Server):
    """uvicorn that ends open event streams on shutdown and reports its address."""

    def __init__(
        self, config: uvicorn.Config, backend: Backend, on_ready: Callable[[str], None] | None
    ) -> None:
        super().__init__(config)
        self.backend = backend
        self.on_ready = on_ready
        self.url = ""
        self.port = 0

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await self.backend.start()
        await super().startup(sockets)
        if self.started:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            scheme = "https" if self.config.ssl_certfile else "http"
            self.port = port
            # What a client is pointed at: under a path-prefix quirk, the API's root.
            self.url = f"{scheme}://{shown}:{port}{self.backend.config.quirks.path_prefix}"
            if self.on_ready is not None:
                self.on_ready(self.url)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn waits for open responses to finish; an event stream never
        # does, so end the streams first.
        await self.backend.aclose()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # Unlike uvicorn's own, do not re-raise the signal after shutting down:
        # Ctrl-C and SIGTERM are the normal way to stop, and exit 0.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _log_config() -> dict[str, Any]:
    # uvicorn sends request logs to stdout; ours go to stderr, so stdout carries
    # only the one "listening on" line a script waits for (and a reader that
    # stops reading stdout after it can never block the server).
    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return config


def _uvicorn_config(
    backend: Backend, host: str, port: int, access_log: bool, tls: Tls | None = None
) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(backend),
        ssl_certfile=tls[0] if tls else None,
        ssl_keyfile=tls[1] if tls else None,
        log_config=_log_config(),
        host=host,
        port=port,
        access_log=access_log,
        log_level="info" if access_log else "warning",
        lifespan="off",
        # A clock-skew quirk writes a Date header of its own, from the skewed clock.
        date_header=not backend.config.quirks.writes_date_header,
        timeout_graceful_shutdown=3,
    )


def serve(
    config: ServerConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    backend: Backend | None = None,
    on_ready: Callable[[str], None] | None = None,
    tls: Tls | None = None,
) -> None:
    """Run in the foreground until Ctrl-C or SIGTERM."""
    backend = backend or Backend(config)
    server = _Uvicorn(
        _uvicorn_config(backend, host, port, access_log=True, tls=tls), backend, on_ready
    )
    server.run()


class ThreadedServer:
    """The reference server on a loopback port, in a background thread.

    For tests, benchmarks and ``rf-tui demo``: ``with ThreadedServer(cfg) as srv:``
    then talk HTTP to ``srv.url``.
    """

    def __init__(
        self,
        config: ServerConfig | None = None,
        *,
        backend: Backend | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: Tls | None = None,
    ) -> None:
        self.config = config or ServerConfig()
        self.backend = backend or Backend(self.config)
        self._server = _Uvicorn(
            _uvicorn_config(self.backend, host, port, access_log=False, tls=tls),
            self.backend,
            lambda _url: self._ready.set(),
        )
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._server.run, name="rf-tui-server", daemon=True)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def port(self) -> int:
        return self._server.port

    def start(self, timeout: float = 10.0) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("The reference server did not start (is the port taken?).")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
