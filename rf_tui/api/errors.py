"""Typed errors of the API layer.

Every failure that leaves ``rf_tui.api`` is one of these, never a bare httpx
exception, and each carries ``message``: a sentence a tech can act on. The UI
shows ``message`` as it is.
"""

from __future__ import annotations

from datetime import datetime


class ApiError(Exception):
    """Base of every error raised by the API layer."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class NotSignedIn(ApiError):
    """401: the token is missing, invalid or expired."""

    def __init__(
        self, message: str = "You are not signed in, or your sign-in has expired."
    ) -> None:
        super().__init__(message, status=401)


class Forbidden(ApiError):
    """403: signed in, but this account or role may not do this."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"Not allowed: {detail}", status=403)


class NotFound(ApiError):
    """404: no such thing in this account (the server hides other accounts' data)."""

    def __init__(self, what: str = "That item") -> None:
        super().__init__(f"{what} was not found. It may have been removed.", status=404)


class NotOffered(ApiError):
    """An extension of rf-tui's own ([ours]) that this backend does not have: its
    absence is normal on a real backend, not a fault."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message, status=status)


class AlreadyClaimed(ApiError):
    """409 on claim: another senior was first."""

    def __init__(
        self,
        claimed_by: str | None,
        claimed_by_name: str | None,
        claimed_at: datetime | None,
    ) -> None:
        self.claimed_by = claimed_by
        self.claimed_by_name = claimed_by_name
        self.claimed_at = claimed_at
        who = claimed_by_name or "someone else"
        super().__init__(f"Already claimed by {who}.", status=409)


class Conflict(ApiError):
    """409 for anything other than a claim race."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"Conflict: {detail}", status=409)


class Invalid(ApiError):
    """422 (or 400): the server rejected what we sent."""

    def __init__(self, detail: str, status: int = 422) -> None:
        self.detail = detail
        super().__init__(f"The server rejected the request: {detail}", status=status)


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` seconds if the server said."""

    def __init__(self, retry_after: float | None) -> None:
        self.retry_after = retry_after
        wait = f" Try again in {retry_after:g} s." if retry_after is not None else ""
        super().__init__(f"The server is rate-limiting us.{wait}", status=429)


class ServerError(ApiError):
    """5xx: the server failed; usually temporary."""

    def __init__(self, status: int) -> None:
        super().__init__(
            f"The server had a problem (HTTP {status}). It is usually temporary; try again.",
            status=status,
        )


class Unreachable(ApiError):
    """Connect error, TLS failure or time-out: no usable answer came back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class BadResponse(ApiError):
    """The server answered, but not with what the contract says (bad JSON or shape)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message, status=status)


class WrongAddress(BadResponse):
    """The server answered, but the address given is not the API's root (a path
    doubled by a trailing /api/v1, a wrong prefix, the web app's pages)."""
