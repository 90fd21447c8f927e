"""The HTTP face of the reference server: the endpoints of docs/contract.md."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.routing import Match

from rf_tui import __version__
from rf_tui.server import schemas as s
from rf_tui.server.bus import Bus, BusDown, Closed
from rf_tui.server.db import Row, StoreUnavailable
from rf_tui.server.quirks import Quirky
from rf_tui.server.service import Backend, Refused


async def sse_frames(bus: Bus, account_id: str, keepalive: float) -> AsyncIterator[bytes]:
    """``ready`` first, then each event; a comment after ``keepalive`` s of silence."""
    # Subscribe inside the generator, before `ready`: a client that backfills
    # when it sees `ready` cannot miss an arrival, and a client that leaves
    # before the body starts leaves no subscription behind.
    try:
        queue = bus.subscribe(account_id, keepalive)
    except BusDown:
        return  # the broker went away since the request came: no `ready`, so it retries
    try:
        yield f"event: ready\ndata: {json.dumps({'account_id': account_id})}\n\n".encode()
        while True:
            item = await queue.get()  # frames and keepalives, already encoded
            if isinstance(item, Closed):
                return
            yield item
    finally:
        bus.unsubscribe(account_id, queue)


_bearer = HTTPBearer(auto_error=False)


def _backend(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


async def _current_user(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Row:
    return _backend(request).user_for_token(creds.credentials if creds else None)


Api = Annotated[Backend, Depends(_backend)]
User = Annotated[Row, Depends(_current_user)]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body could not be parsed"},
    401: {"description": "Not signed in"},
    403: {"description": "Role or account not allowed"},
    404: {"description": "Not found in this account"},
}
api = APIRouter(prefix="/api/v1")


@api.post(
    "/auth/login",
    response_model=s.LoginOut,
    responses={
        400: ERRORS[400],
        401: ERRORS[401],
        429: {"description": "Too many failed sign-ins"},
    },
)
async def login(body: s.LoginIn, backend: Api) -> dict[str, Any]:
    return backend.login(body.email, body.password)


@api.get("/users/me", response_model=s.MeOut, responses=ERRORS)
async def me(user: User, backend: Api) -> dict[str, Any]:
    return backend.me(user)


@api.post("/ai-sessions", status_code=201, response_model=s.SessionOut, responses=ERRORS)
async def create_session(body: s.SessionIn, user: User, backend: Api) -> dict[str, Any]:
    return backend.create_session(user, body.model_dump(exclude_none=True))


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's If-None-Match: ``*`` or a list of tags, compared weakly (``W/"x"``
    matches ``"x"``: a proxy that compresses on the way may weaken the tag it passes)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in if_none_match.split(","))


# Declared before /ai-sessions/{session_id} so "queue" is not taken for an id.
@api.get(
    "/ai-sessions/queue",
    response_model=list[s.HandoffOut],
    responses={**ERRORS, 304: {"description": "[ours] Unchanged since the If-None-Match ETag"}},
)
async def queue(request: Request, user: User, backend: Api) -> Response:
    """The body as ``response_model`` would write it, already written (``queue_answer``):
    FastAPI passes a ``Response`` through unchecked. [ours] A strong ETag, and 304
    with no body to an ``If-None-Match`` that matches it."""
    body, etag = backend.queue_answer(user)
    # private: it is this user's queue; no-cache: a cache must ask before reusing it.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@api.get(
    "/ai-sessions/escalations/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **ERRORS},
)
async def stream(user: User, backend: Api) -> StreamingResponse:
    account = backend.require_engineer(user)
    if not backend.bus.accepting:  # its events could not all be promised
        raise Refused(503, "Live updates are not available right now.", {"Retry-After": "1"})
    return StreamingResponse(
        sse_frames(backend.bus, account, backend.config.keepalive_seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@api.get("/ai-sessions/{session_id}", response_model=s.SessionOut, responses=ERRORS)
async def get_session(session_id: str, user: User, backend: Api) -> dict[str, Any]:
    return backend.get_session(user, session_id)


@api.post(
    "/ai-sessions/{session_id}/handoff",
    status_code=201,
    response_model=s.HandoffOut,
    responses=ERRORS,
)
async def hand_off(session_id: str, body: s.HandoffIn, user: User, backend: Api) -> dict[str, Any]:
    return backend.create_handoff(user, session_id, body.model_dump())


@api.get(
    "/ai-sessions/{session_id}/handoffs",
    response_model=list[s.HandoffOut],
    responses=ERRORS,
)
async def handoffs(session_id: str, user: User, backend: Api) -> list[dict[str, Any]]:
    return backend.list_handoffs(user, session_id)


@api.post(
    "/ai-sessions/{session_id}/handoffs/{handoff_id}/claim",
    response_model=s.HandoffOut,
    responses={**ERRORS, 409: {"description": "Claimed by someone else first"}},
)
async def claim(session_id: str, handoff_id: str, user: User, backend: Api) -> dict[str, Any]:
    return backend.claim(user, session_id, handoff_id)


VIEWING = "/ai-sessions/{session_id}/handoffs/{handoff_id}/viewing"


@api.post(VIEWING, response_model=s.ViewingOut, responses=ERRORS)
async def viewing(session_id: str, handoff_id: str, user: User, backend: Api) -> dict[str, Any]:
    """[ours] A heartbeat: the caller has this handoff open (every 10 s; counts for 30 s)."""
    return backend.view(user, session_id, handoff_id)


@api.delete(VIEWING, response_model=s.ViewingOut, responses=ERRORS)
async def stopped_viewing(
    session_id: str, handoff_id: str, user: User, backend: Api
) -> dict[str, Any]:
    """[ours] The caller closed this handoff."""
    return backend.unview(user, session_id, handoff_id)


@api.post("/ai-sessions/{session_id}/chat", response_model=s.ChatOut, responses=ERRORS)
async def chat(session_id: str, body: s.ChatIn, user: User, backend: Api) -> dict[str, Any]:
    return backend.chat(user, session_id, body.message)


@api.get("/analytics/flowpilot/escalations", response_model=s.MetricsOut, responses=ERRORS)
async def metrics(
    user: User,
    backend: Api,
    period: Annotated[str, Query(pattern="^(7d|30d|90d)$")] = "30d",
) -> dict[str, Any]:
    return backend.metrics(user, period)


@api.get("/analytics/flowpilot/escalations/trend", response_model=s.TrendOut, responses=ERRORS)
async def trend(
    user: User,
    backend: Api,
    period: Annotated[str, Query(pattern="^(7d|30d|90d)$")] = "30d",
) -> dict[str, Any]:
    """[ours] The metric's claims by UTC day, oldest first, every day of the period."""
    return backend.trend(user, period)


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else exc.headers
    return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)


async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    """The database went away (a restart): a 503 the client retries, not a 500."""
    detail = f"The database is not reachable: {exc}"
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "1"})


#: The methods a 405's ``Allow`` may name.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


async def _http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own answer, except that a 405's ``Allow`` names every method the path
    takes: Starlette names only its first route's (POST for …/viewing, not DELETE)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        routes = request.app.router.routes
        allowed = [
            method
            for method in METHODS
            if any(route.matches({**request.scope, "method": method})[0] is Match.FULL
                   for route in routes)
        ]  # fmt: skip
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed)}
    return await http_exception_handler(request, exc)


def create_app(backend: Backend) -> FastAPI:
    app = FastAPI(
        title="ResolutionFlow reference server (rf-tui)",
        version=__version__,
        description=(
            "The backend API as rf-tui reads it, over SQLite or Postgres, for demos, "
            "tests and replicas. "
            "The contract is docs/contract.md in rf-tui's source; where it leaves a "
            "detail open, this server's choice is in docs/contract-decisions.md."
        ),
    )
    app.state.backend = backend
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    app.include_router(api)
    if backend.config.quirks:
        app.add_middleware(Quirky, quirks=backend.config.quirks, clock=backend.config.clock)
    return app
