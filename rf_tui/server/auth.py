"""Passwords (stdlib scrypt) and access tokens (HS256 JWTs with expiry)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

import jwt

_ISSUER = "rf-tui-reference"


def hash_password(password: str, *, cost: int = 14) -> str:
    """``scrypt$<log2 N>$<r>$<p>$<salt>$<hash>``: the parameters travel with the hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**cost, r=8, p=1, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${cost}$8$1${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, cost, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=2 ** int(cost),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def issue_token(user_id: str, account_id: str | None, *, secret: str, ttl: int) -> str:
    now = int(time.time())
    claims = {"sub": user_id, "acc": account_id, "iat": now, "exp": now + ttl, "iss": _ISSUER}
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(token: str, *, secret: str) -> dict[str, Any] | None:
    """The token's claims, or None if it is forged, expired or malformed."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=_ISSUER,
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.PyJWTError:
        return None
    return claims
