"""JSON files written whole or not at all, readable only by their owner.

A reader sees the old file or the new one, never half of each, even if the
power goes mid-write: the data is fsynced before the rename, and the directory
after it. A damaged file is moved aside rather than deleted, so it can still be
looked at, and the next write starts clean.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRIVATE = 0o600
PRIVATE_DIR = 0o700


class StoreError(Exception):
    """A file could not be written; the message is a sentence for the user."""


@dataclass(frozen=True)
class Read:
    #: The parsed JSON; None when there is no file, or it could not be used.
    data: Any = None
    #: A sentence for the user when the file was there but could not be used.
    problem: str | None = None


def write_json(path: Path, data: object, *, what: str, mode: int = PRIVATE) -> None:
    """Replace ``path`` with ``data``; ``what`` names it in the error ("Unread markers")."""
    payload = json.dumps(data)
    try:
        _private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)
    except OSError as exc:
        raise StoreError(
            f"{what} cannot be saved in {path.parent} ({exc.strerror or exc})."
        ) from None


def read_json(
    path: Path, *, what: str, then: str, valid: Callable[[Any], bool] = lambda _: True
) -> Read:
    """The file's JSON if ``valid`` accepts it; else the file is set aside and said so.

    ``what`` names the file ("The unread-markers file") and ``then`` says what
    that means for the user ("Every escalation shows as unread.").
    """
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no file, or no folder it could be in
        return Read()
    except OSError as exc:
        # Unreadable is not damaged (a permission, a disk error): leave it be.
        return Read(problem=f"{what} {path} cannot be read ({exc.strerror or exc}). {then}")
    try:
        data = json.loads(raw.decode("utf-8"))
        if not valid(data):
            raise ValueError("not the expected shape")
    except ValueError:  # includes bad JSON and bad UTF-8
        return Read(problem=_set_aside(path, what, then))
    return Read(data)


def _set_aside(path: Path, what: str, then: str) -> str:
    aside = path.with_name(path.name + ".corrupt")
    try:
        os.replace(path, aside)
    except OSError as exc:
        return (
            f"{what} {path} is damaged and could not be moved aside "
            f"({exc.strerror or exc}); delete it. {then}"
        )
    return f"{what} was damaged; it was moved to {aside}. {then}"


def _private_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    # Tighten a folder an older version or a loose umask left open to others.
    if folder.stat().st_mode & 0o077:
        os.chmod(folder, PRIVATE_DIR)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable. Some systems cannot open or fsync a
    # directory; the file is already complete then, so that is not a failure.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
