"""From a command line to ``Settings``: which server, which token, which options.

Shared by the TUI and the scripting commands, so ``rf-tui queue`` talks to the
same backend, with the same CA and token, as ``rf-tui`` does. The precedence
itself lives in ``rf_tui.settings``; this turns its outcomes into sentences.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rf_tui.cli.usage import Usage as Usage  # raised and caught as resolve.Usage too
from rf_tui.profiles import Config, ConfigError, load
from rf_tui.settings import Settings, resolve
from rf_tui.store import tokens
from rf_tui.text import shown_url

if TYPE_CHECKING:
    from rf_tui.api.client import Client

#: rf_tui.api.client's, spelt here too: resolving a command line must not load httpx.
API_PREFIX = "/api/v1"


#: What a tech reads when a token came on the command line: it stays in every
#: user's `ps` for as long as rf-tui runs (a whole shift, for the app).
TOKEN_IN_ARGV = (
    "warning: a token given with --token can be read by other users of this machine "
    "(ps). Use --token-file PATH, --token - (stdin), RF_TUI_TOKEN, or save it once "
    "with `rf-tui login --token -`."
)


def warn(message: str) -> None:
    print(f"rf-tui: {message}", file=sys.stderr)


@dataclass
class Target:
    settings: Settings

    def client(self) -> Client:
        from rf_tui.api.client import Client  # httpx and pydantic: only for a command that asks

        try:
            return Client(
                self.settings.server,
                self.settings.token,
                verify=self.settings.ca_bundle or True,
            )
        except (OSError, ValueError) as exc:
            raise Usage(ca_bundle_problem(self.settings.ca_bundle, exc)) from None


def ca_bundle_problem(path: str | None, exc: Exception) -> str:
    import ssl  # only on this failure: resolving a command line stays light

    if isinstance(exc, ssl.SSLError):
        why = "it holds no certificate rf-tui can read (PEM is needed)"
    elif isinstance(exc, OSError):
        why = exc.strerror or str(exc)
    else:
        why = str(exc)
    return f"cannot use the CA bundle {path}: {why}."


def load_config() -> Config:
    try:
        return load()
    except ConfigError as exc:
        raise Usage(str(exc)) from None


def target(args: argparse.Namespace, *, need_token: bool = True) -> Target:
    damaged: list[str] = []

    def saved_token(server: str) -> str | None:
        token, problem = tokens.read(server)
        damaged.extend([problem] if problem else [])
        return token

    try:
        settings = resolve(vars(args), os.environ, load_config(), saved_token)
    except ConfigError as exc:
        raise Usage(str(exc)) from None
    if settings is None:
        raise Usage(
            "which server? Pass --server URL, set RF_TUI_SERVER, or add a profile "
            "(rf-tui config path shows where). To try rf-tui with no backend, run `rf-tui demo`."
        )
    server = shown_url(settings.server)  # for messages: never a password in them
    check_address(settings.server)
    given = getattr(args, "token", None)
    if given and getattr(args, "token_file", None):
        raise Usage("give the token one way: --token or --token-file, not both.")
    if given and given.strip() != "-":
        warn(TOKEN_IN_ARGV)
    if settings.token == "-":
        settings = replace(settings, token=stdin_line("token"))
    elif settings.token is None and settings.token_file:
        settings = replace(settings, token=token_from_file(settings.token_file))
    if settings.token and any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in settings.token):
        raise Usage(
            "the token has a space, line break or control character in it: "
            "copy it again, or sign in with rf-tui login."
        )
    if need_token and not settings.token:
        email = settings.email or "you@example.com"
        if (root := _without_api_prefix(server)) is not None:
            # Signing in to that address would only fail the same way.
            raise Usage(
                f"the address {server} ends in /api/v1, which rf-tui adds itself: use "
                f"--server {root} (sign in with: rf-tui login --server {root} --email {email})."
            )
        why = damaged[0] if damaged else f"not signed in to {server}."
        raise Usage(f"{why} Run: rf-tui login --server {server} --email {email}")
    return Target(settings)


def _without_api_prefix(server: str) -> str | None:
    """``server`` without a trailing ``/api/v1`` (what its API paths add), if it has one."""
    trimmed = server.rstrip("/")
    if trimmed.lower().endswith(API_PREFIX):
        return trimmed[: -len(API_PREFIX)]
    return None


def check_address(server: str) -> None:
    """An address rf-tui can use: http or https, a host, nothing blank in it."""
    shown = _masked(server)
    if any(ch.isspace() or ord(ch) < 0x20 for ch in server):
        raise Usage(f"the server address {shown!r} has a space or a control character in it.")
    try:
        parts = urlsplit(server)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise Usage(f"the server address {shown} is not a web address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        bare = server.split("://", 1)[-1]
        name = bare.split("/")[0].rsplit("@", 1)[-1].rsplit(":", 1)[0]
        scheme = "http" if name in ("localhost", "127.0.0.1", "[::1]") else "https"
        wrong = (
            "is not http:// or https://"
            if "://" in server
            else "needs http:// or https:// in front"
        )
        raise Usage(f"the server address {shown} {wrong}: try {_masked(f'{scheme}://{bare}')}")
    if not host:
        raise Usage(f"the server address {shown} has no host name in it.")


def _masked(address: str) -> str:
    """``shown_url``, for an address that may lack its scheme too (user:pass@host)."""
    if "://" in address:
        return shown_url(address)
    return shown_url("x://" + address)[len("x://") :]


def stdin_line(what: str, *, trim: bool = True) -> str:
    """One line of stdin: a token (trimmed) or a password (only its line break dropped)."""
    if sys.stdin.isatty():
        # Pasted at a terminal: not echoed, so it is not left on the screen.
        try:
            line = getpass.getpass(f"Paste the {what} (it is not shown): ")
        except EOFError:
            print(file=sys.stderr)
            line = ""
    else:
        line = sys.stdin.readline()
    line = line.strip() if trim else line.rstrip("\r\n")
    if not line:
        raise Usage(f"no {what} given on stdin.")
    return line


def took_stdin(args: argparse.Namespace) -> bool:
    """Whether the token was read from stdin (``--token -`` or ``--token-file -``)."""
    given = (getattr(args, "token", None), getattr(args, "token_file", None))
    return any(isinstance(value, str) and value.strip() == "-" for value in given)


def keys_from_the_terminal() -> bool:
    """Put the terminal back on stdin after a token was piped in on it.

    ``printf %s "$TOKEN" | rf-tui --token -`` leaves stdin at the pipe's end, so
    the app would read no keys at all (not even q). False if there is no terminal.
    """
    if sys.stdin.isatty():
        return True
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return False
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - fd 0 lives on
    return True


def token_from_file(name: str) -> str:
    """The token in a file (``-``: stdin); a file others may read is warned about."""
    if name.strip() == "-":
        return stdin_line("token")
    path = Path(name).expanduser()
    try:
        with path.open("rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            raw = file.read(64 * 1024)
    except FileNotFoundError:
        raise Usage(f"the token file {name} does not exist.") from None
    except IsADirectoryError:
        raise Usage(f"the token file {name} is a folder, not a file.") from None
    except OSError as exc:
        raise Usage(f"cannot read the token file {name} ({exc.strerror or exc}).") from None
    token = raw.decode("utf-8", "replace").strip()
    if not token:
        raise Usage(f"the token file {name} is empty.")
    if os.name == "posix" and stat.S_ISREG(mode) and mode & 0o077:
        warn(
            f"warning: the token file {name} can be read by other users of this machine "
            f"(mode {stat.S_IMODE(mode):o}). Make it yours alone: chmod 600 {name}"
        )
    return token
