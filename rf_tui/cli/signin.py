"""``rf-tui login``, ``logout`` and ``auth status``: saved sign-ins, per server.

Nothing here ends in a traceback: Ctrl-C at the prompt is exit 130 and a new
line, no terminal or an empty answer is "no password given", and every
failure of the server is a sentence and the exit code `queue` would give.
No Textual on this path.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rf_tui import exit_codes as exits
from rf_tui.api.errors import ApiError, NotSignedIn, RateLimited, Unreachable
from rf_tui.cli.resolve import (
    Target,
    Usage,
    ca_bundle_problem,
    check_address,
    load_config,
    stdin_line,
    target,
)
from rf_tui.cli.usage import CHECK_TIMEOUT
from rf_tui.profiles import same_server
from rf_tui.store import tokens
from rf_tui.store.atomic import StoreError
from rf_tui.text import one_line, shown_url

if TYPE_CHECKING:  # httpx and pydantic load when a command talks to a server, not for --help
    from rf_tui.api.client import Client
    from rf_tui.api.models import Me


def fail(message: str, code: int = exits.USAGE) -> int:
    print(f"rf-tui: {message}", file=sys.stderr)
    return code


def _exit_code(error: ApiError) -> int:
    from rf_tui.cli.script import exit_code

    return exit_code(error)


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
        return exits.INTERRUPTED


def _login(args: argparse.Namespace) -> int:
    import asyncio

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
        return fail(_wait(exc, f"Too many sign-in attempts for {email}"), exits.FAILED)
    except ApiError as exc:
        return fail(exc.message, _exit_code(exc))
    return _saved(settings.server, token, email, f"as {email}")


def _save_token(found: Target, client: Client) -> int:
    """Check the token with the server, then keep it (an SSO token, say)."""
    import asyncio

    async def who() -> Me:
        async with client:
            return await client.me()

    try:
        me = asyncio.run(who())
    except NotSignedIn:
        return fail(
            f"{shown_url(found.settings.server)} did not accept that token (expired, "
            "revoked, or for another server). Nothing was saved.",
            exits.DENIED,
        )
    except RateLimited as exc:
        return fail(_wait(exc, "The server is rate-limiting sign-ins"), exits.FAILED)
    except ApiError as exc:
        return fail(exc.message, _exit_code(exc))
    assert found.settings.token is not None  # target() was told a token is needed
    return _saved(found.settings.server, found.settings.token, me.email, f"as {_person(me)}")


def _saved(server: str, token: str, email: str, who: str) -> int:
    try:
        path = tokens.save(server, token, email)
    except StoreError as exc:
        return fail(str(exc))  # a folder to fix on this machine, as before
    print(f"Signed in to {shown_url(server)} {who}. Token saved in {path} (readable only by you).")
    return exits.OK


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
    return exits.OK


# ── auth status ──────────────────────────────────────────────────────────────


@dataclass
class Known:
    """A server rf-tui knows of, from a saved sign-in or a profile."""

    server: str
    profiles: list[str] = field(default_factory=list)
    token: str | None = field(default=None, repr=False)
    ca_bundle: str | None = None
    #: signed_in; not_signed_in (no token); rejected (401); unreachable; error (any
    #: other failure: a 5xx, a wrong address, a CA bundle that cannot be used)
    state: str = "not_signed_in"
    who: Me | None = None
    problem: str | None = None

    def json(self) -> dict[str, Any]:
        user = None
        if self.who is not None:
            who = self.who
            user = {"id": who.id, "email": who.email, "name": who.name, "role": who.account_role}
        return {
            "server": shown_url(self.server),
            "profiles": self.profiles,
            "state": self.state,
            "user": user,
            "problem": self.problem,
        }

    def line(self) -> str:
        profiles = f" (profile {', '.join(self.profiles)})" if self.profiles else ""
        if self.state == "signed_in" and self.who is not None:
            told = f"signed in as {_person(self.who)}, {one_line(self.who.account_role, 20)}"
        elif self.state == "not_signed_in":
            told = f"not signed in: rf-tui login --server {shown_url(self.server)}"
        else:
            told = self.problem or self.state
        # The problem may quote the server (a redirect's Location): no escape reaches us.
        return one_line(f"{shown_url(self.server)}{profiles}: {told}")


def known_servers() -> list[Known]:
    """Saved sign-ins first, then the profiles' servers, one entry per server."""
    found: list[Known] = []

    def entry(server: str) -> Known:
        for known in found:
            if same_server(known.server, server):
                return known
        found.append(Known(server.rstrip("/")))
        return found[-1]

    for saved in tokens.saved():
        entry(saved.server).token = saved.token
    for profile in load_config().profiles.values():
        if profile.server:
            known = entry(profile.server)
            known.profiles.append(profile.name)
            ca_bundle = profile.values.get("ca_bundle")
            if isinstance(ca_bundle, str) and known.ca_bundle is None:
                known.ca_bundle = ca_bundle
    return found


async def check(known: Known) -> None:
    """Whom the token signs in as, or why it does not; never longer than CHECK_TIMEOUT."""
    if known.token is None:
        return
    import httpx

    from rf_tui.api.client import Client

    try:
        check_address(known.server)
        client = Client(
            known.server,
            known.token,
            timeout=httpx.Timeout(CHECK_TIMEOUT),
            deadline=CHECK_TIMEOUT,
            verify=known.ca_bundle or True,
        )
    except Usage as exc:
        known.state, known.problem = "error", str(exc)
        return
    except (OSError, ValueError) as exc:
        known.state, known.problem = "error", ca_bundle_problem(known.ca_bundle, exc)
        return
    try:
        async with client:
            known.who = await client.me()
        known.state = "signed_in"
    except NotSignedIn:
        known.state = "rejected"
        known.problem = (
            "the token is no longer accepted (expired or revoked): "
            f"rf-tui login --server {shown_url(known.server)}"
        )
    except ApiError as exc:
        known.state = "unreachable" if isinstance(exc, Unreachable) else "error"
        known.problem = f"could not check: {exc.message}"


def status(args: argparse.Namespace) -> int:
    """One line (or JSON object) per known server; rf_tui/exit_codes.py says the exit code."""
    import asyncio  # not at the top: `rf-tui --help` reads this module's help

    if getattr(args, "server", None) or getattr(args, "profile", None):
        found = target(args, need_token=False)
        known = [Known(found.settings.server, token=found.settings.token,
                       ca_bundle=found.settings.ca_bundle)]  # fmt: skip
        if found.settings.profile:
            known[0].profiles.append(found.settings.profile)
    else:
        known = known_servers()

    async def check_all() -> None:
        await asyncio.gather(*(check(k) for k in known))

    try:
        asyncio.run(check_all())
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return exits.INTERRUPTED
    if args.json:
        print(json.dumps([k.json() for k in known], indent=2))
    elif not known:
        print("Not signed in anywhere, and no profile names a server. Run: rf-tui login")
    else:
        print("\n".join(k.line() for k in known))
    states = {k.state for k in known}
    if "signed_in" in states:
        return exits.OK
    return exits.FAILED if states & {"unreachable", "error"} else exits.DENIED
