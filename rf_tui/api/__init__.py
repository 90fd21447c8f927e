"""The escalation API: models, HTTP client and live stream. Knows nothing of Textual."""

from __future__ import annotations

import sys


def _without_httpx_command_line() -> None:
    """Keep httpx from importing its own command-line tool.

    ``import httpx`` imports ``httpx._main`` (click, rich.syntax, pygments' lexers)
    whenever those happen to be installed, to offer ``httpx.main``; rf-tui never
    calls it, and it was about a tenth of the app's start-up (py-spy). ``None`` in
    ``sys.modules`` makes that import fail as if they were missing, and httpx then
    defines a ``main`` that says how to install its command line.
    """
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


_without_httpx_command_line()
