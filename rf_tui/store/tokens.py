"""Saved sign-ins, one file per server, readable only by this user.

The token is a password's equal: it is never printed, logged or put on a
command line, and its file is 0600 inside a 0700 directory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rf_tui.paths import token_path
from rf_tui.store.atomic import StoreError, read_json, write_json


def save(server: str, token: str, email: str) -> Path:
    """Where it was saved; raises StoreError with a sentence if it could not be."""
    path = token_path(server)
    record = {"server": server.rstrip("/"), "email": email, "token": token}
    write_json(path, record, what=f"The sign-in for {server}")
    return path


def read(server: str) -> tuple[str | None, str | None]:
    """The saved token (or None) and, if the file was damaged, a sentence saying so."""
    found = read_json(
        token_path(server),
        what=f"The saved sign-in for {server}",
        then="You are signed out of it.",
        valid=_is_record,
    )
    return (found.data["token"] if found.data else None), found.problem


@dataclass(frozen=True)
class Saved:
    server: str
    email: str
    token: str = field(repr=False)  # never in a log or a traceback


def saved() -> list[Saved]:
    """Every saved sign-in. A damaged file is left out, and left alone: reading it for
    its own server sets it aside and says so."""
    found = []
    for path in sorted(token_path("any").parent.glob("*.json")):
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            continue
        if _is_record(data) and isinstance(data.get("server"), str):
            email = data.get("email")
            email = email if isinstance(email, str) else ""
            found.append(Saved(data["server"], email, data["token"]))
    return found


def load(server: str) -> str | None:
    return read(server)[0]


def forget(server: str) -> bool:
    """True if there was a saved token; raises StoreError if it could not be deleted."""
    path = token_path(server)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(
            f"The saved sign-in {path} cannot be deleted ({exc.strerror or exc})."
        ) from None
    return True


def _is_record(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("token"), str) and bool(data["token"])
