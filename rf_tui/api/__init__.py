"""The escalation API: models, HTTP client and live stream. Knows nothing of Textual."""

from __future__ import annotations

import sys
import types


def _without_httpx_command_line() -> None:
    """Keep httpx from importing its own command-line tool.

    ``import httpx`` imports ``httpx._main`` (click, rich.syntax, pygments' lexers)
    whenever those happen to be installed, to offer ``httpx.main``; rf-tui never
    calls it, and it was about a tenth of the app's start-up (py-spy). A module of
    that name already in place is what httpx then finds instead.
    """
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main")

    def main() -> None:
        raise SystemExit("httpx's command line is not loaded inside rf-tui: run `httpx` instead.")

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in


_without_httpx_command_line()
