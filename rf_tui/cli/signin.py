"""``rf-tui login`` and ``logout``: saved sign-ins, per server.

Nothing here ends in a traceback: Ctrl-C at the prompt is exit 130 and a new
line, no terminal or an empty answer is "no password given", and every
failure of the server is a sentence and the exit code `queue` would give.
No Textual on this path.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from rf_tui.api.client import Client
from rf_tui.api.errors import ApiError, NotSignedIn, RateLimited
from rf_tui.api.models import Me
from rf_tui.cli import script
from rf_tui.cli.resolve import (
    Target,
    Usage,
    stdin_line,
    target,
)
from rf_tui.store import tokens
from rf_tui.store.atomic import StoreError
from rf_tui.text import one_line, shown_url

#: The exit status after Ctrl-C: 128 + SIGINT, as a shell reports it.
INTERRUPTED = 130

#: Seconds `auth status` gives each server: a dead one must not hold up the rest.
CHECK_TIMEOUT = 5.0


def fail(message: str, code: int = script.USAGE) -> int:
    print(f"rf-tui: {message}", file=sys.stderr)
    return code


def ask_password(prompt: str) -> str:
    """The password typed at the terminal, not echoed.

    Without a terminal on stdin there is nobody to ask (getpass would read the
    pipe anyway, after a GetPassWarning), so a pipe is read only when
    --password-stdin says so.
    """
    if not sys.stdin.isatty():
        raise Usage(
            "no password given: stdin is not a terminal to ask on. Pipe the password "
            "in with --password-stdin, or save a token with --token-file PATH."
        )
    try:
        password = getpass.getpass(prompt)
    except EOFError:
        print(file=sys.stderr)  # the prompt's line is still open
        raise Usage("no password given.") from None
    if not password:
        raise Usage("no password given.")
    return password


def login(args: argparse.Namespace) -> int:
    try:
        return _login(args)
    except KeyboardInterrupt:
        print(file=sys.stderr)  # the shell's prompt on a line of its own
        return INTERRUPTED


def _login(args: argparse.Namespace) -> int:
    with_token = bool(getattr(args, "token", None) or getattr(args, "token_file", None))
    if with_token and args.password_stdin:
        raise Usage("sign in with a token or with a password, not both.")
    found = target(args, need_token=with_token)
    settings = found.settings
    server, email = shown_url(settings.server), settings.email
    client = found.client()  # a bad CA bundle is told before a password is asked for
    try:
        if with_token:
            return _save_token(found, client)
        if not email:
            raise Usage(
                f'login needs --email ADDRESS (or a profile with server = "{server}" and email)'
            )
        if args.password_stdin:
            password = stdin_line("password", trim=False)
        else:
            password = ask_password(f"Password for {email} at {server}: ")
    except BaseException:
        asyncio.run(client.aclose())
        raise

    async def sign_in() -> str:
        async with client:
            return (await client.login(email, password)).access_token

    try:
        token = asyncio.run(sign_in())
    except NotSignedIn as exc:
        return fail(exc.message)  # the password or the email needs fixing
    except RateLimited as exc:
        return fail(_wait(exc, f"Too many sign-in attempts for {email}"), script.FAILED)
    except ApiError as exc:
        return fail(exc.message, script.exit_code(exc))
    return _saved(settings.server, token, email, f"as {email}")


def _save_token(found: Target, client: Client) -> int:
    """Check the token with the server, then keep it (an SSO token, say)."""

    async def who() -> Me:
        async with client:
            return await client.me()

    try:
        me = asyncio.run(who())
    except NotSignedIn:
        return fail(
            f"{shown_url(found.settings.server)} did not accept that token (expired, "
            "revoked, or for another server). Nothing was saved.",
            script.DENIED,
        )
    except RateLimited as exc:
        return fail(_wait(exc, "The server is rate-limiting sign-ins"), script.FAILED)
    except ApiError as exc:
        return fail(exc.message, script.exit_code(exc))
    assert found.settings.token is not None  # target() was told a token is needed
    return _saved(found.settings.server, found.settings.token, me.email, f"as {_person(me)}")


def _saved(server: str, token: str, email: str, who: str) -> int:
    try:
        path = tokens.save(server, token, email)
    except StoreError as exc:
        return fail(str(exc), script.FAILED)
    print(f"Signed in to {shown_url(server)} {who}. Token saved in {path} (readable only by you).")
    return script.OK


def _wait(exc: RateLimited, what: str) -> str:
    if exc.retry_after is None:
        return f"{what}: wait a minute, then try again."
    return f"{what}: wait {exc.retry_after:.0f} s, then try again."


def _person(me: Me) -> str:
    name, email = one_line(me.name, 60), one_line(me.email, 80)
    if name and email:
        return f"{name} <{email}>"
    return name or email or f"user {one_line(me.id, 40)}"


def logout(args: argparse.Namespace) -> int:
    server = target(args, need_token=False).settings.server
    try:
        forgotten = tokens.forget(server)
    except StoreError as exc:
        return fail(str(exc))
    if forgotten:
        print(f"Signed out of {shown_url(server)}: the saved token is deleted.")
    else:
        print(f"No saved token for {shown_url(server)}.")
    return script.OK
