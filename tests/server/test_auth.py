"""Sign-in and tokens, over HTTP."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from rf_tui.api.errors import Forbidden, NotSignedIn
from rf_tui.server.auth import hash_password
from tests.helpers import DANA, TEST_PASSWORD_COST, Running


async def test_login_then_me(rf: Running) -> None:
    client = await rf.client(DANA)
    me = await client.me()
    assert me.email == DANA
    assert me.name == "Dana Whitfield"
    assert me.account_role == "admin"
    assert me.account_id == rf.seed.accounts["northwind"]


async def test_login_result_is_a_real_expiring_jwt(rf: Running) -> None:
    client = await rf.client()
    result = await client.login(DANA, "demo-password")
    assert result.token_type == "bearer"
    claims = jwt.decode(result.access_token, options={"verify_signature": False})
    assert claims["sub"] == rf.seed.users[DANA]
    assert claims["exp"] - claims["iat"] == result.expires_in
    assert jwt.get_unverified_header(result.access_token)["alg"] == "HS256"


@pytest.mark.parametrize(
    ("email", "password"),
    [(DANA, "wrong-password"), ("nobody@northwind.example", "demo-password")],
)
async def test_bad_credentials_are_401_with_a_plain_message(
    rf: Running, email: str, password: str
) -> None:
    client = await rf.client()
    with pytest.raises(NotSignedIn) as err:
        await client.login(email, password)
    assert err.value.message == "Wrong email or password."
    assert client.token is None


def _forge(rf: Running, **overrides: object) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": rf.seed.users[DANA],
        "acc": rf.seed.accounts["northwind"],
        "iat": now,
        "exp": now + 600,
        "iss": "rf-tui-reference",
    }
    key = overrides.pop("key", rf.backend.config.secret)
    claims.update(overrides)
    return jwt.encode(claims, str(key), algorithm="HS256")


def _alg_none(rf: Running) -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": rf.seed.users[DANA], "acc": rf.seed.accounts["northwind"], "iat": now,
         "exp": now + 600, "iss": "rf-tui-reference"},
        None,
        algorithm="none",
    )  # fmt: skip


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda rf: "not-a-jwt", id="garbage"),
        pytest.param(
            lambda rf: _forge(rf, key="another-key-entirely-0123456789-abcdef"), id="wrong-key"
        ),
        pytest.param(lambda rf: _forge(rf, exp=int(time.time()) - 5), id="expired"),
        pytest.param(_alg_none, id="alg-none"),
        pytest.param(lambda rf: _forge(rf, acc=rf.seed.accounts["contoso"]), id="other-account"),
        pytest.param(
            lambda rf: _forge(rf, sub="00000000-0000-0000-0000-000000000000"), id="no-user"
        ),
    ],
)
async def test_bad_tokens_are_401(rf: Running, make_token) -> None:  # type: ignore[no-untyped-def]
    client = await rf.client()
    client.token = make_token(rf)
    with pytest.raises(NotSignedIn):
        await client.me()


async def test_forged_token_with_the_right_key_works(rf: Running) -> None:
    # The control for the test above: the forging helper itself is sound.
    client = await rf.client()
    client.token = _forge(rf)
    assert (await client.me()).email == DANA


async def test_no_token_is_401_with_a_bearer_challenge(rf: Running) -> None:
    async with httpx.AsyncClient(base_url=rf.url) as http:
        response = await http.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)


async def test_expired_login_token_is_refused(running: Running) -> None:
    running.backend.config.token_ttl_seconds = -1
    client = await running.client(DANA)
    with pytest.raises(NotSignedIn):
        await client.me()
    await running.aclose()


async def test_user_without_an_account_gets_no_account(rf: Running) -> None:
    rf.backend.store.add_user(
        account_id=None,
        email="drifter@example.com",
        name="Drifter",
        role="engineer",
        password_hash=hash_password("demo-password", cost=TEST_PASSWORD_COST),
    )
    client = await rf.client("drifter@example.com")
    assert (await client.me()).account_id is None
    with pytest.raises(Forbidden) as err:
        await client.queue()
    assert err.value.detail == "No account"


async def test_repeated_failed_sign_ins_are_rate_limited(rf: Running) -> None:
    from rf_tui.api.errors import RateLimited

    client = await rf.client()
    for _ in range(5):
        with pytest.raises(NotSignedIn):
            await client.login(DANA, "guess")
    with pytest.raises(RateLimited) as err:
        await client.login(DANA, "demo-password")  # even the right password waits
    assert err.value.retry_after is not None and 0 < err.value.retry_after <= 61
    # Another account is not affected.
    await client.login("alex@northwind.example", "demo-password")
