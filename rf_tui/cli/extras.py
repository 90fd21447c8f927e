"""The commands that need an optional extra, and the one line that says how to get it.

``pip install rf-tui`` is the client alone. ``demo`` and ``serve`` need
``rf-tui[server]`` (FastAPI, uvicorn, PyJWT), and ``serve`` on Postgres or Redis
``rf-tui[engines]`` too; ``web`` needs ``rf-tui[web]`` (textual-serve). Without them
the command stops with exit 2 and the pip command to run, instead of a traceback from
deep inside an import.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from rf_tui.cli.resolve import Usage


@dataclass(frozen=True)
class Extra:
    name: str
    what: str
    modules: tuple[str, ...]


SERVER = Extra("server", "the reference server", ("fastapi", "uvicorn", "jwt"))
# `serve --db postgresql://… --broker redis://…`: the server across replicas.
ENGINES = Extra("engines", "Postgres and Redis support", ("psycopg", "redis.asyncio"))
# The server module, not just the package: it is what pulls in aiohttp and jinja2.
WEB = Extra("web", "browser mode", ("textual_serve.server",))


def require(command: str, extra: Extra) -> None:
    """Return if ``extra`` is installed; otherwise raise Usage naming the pip command.

    It imports the modules for real rather than looking them up: the command is
    about to import them anyway, and a half-installed extra (a dependency of
    FastAPI missing) fails here too, where the same pip command repairs it.
    """
    for module in extra.modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise Usage(
                f"{command} needs {extra.what}: pip install 'rf-tui[{extra.name}]'"
            ) from None
