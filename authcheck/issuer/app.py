"""The test issuer as a Starlette app: the JWKS plus the loopback-only control API."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from authcheck.issuer.forge import MintRequest, MintUnavailable, RotateRequest
from authcheck.issuer.state import CONTROL_PREFIX, IssuerState, RotateRefused


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class Gatekeeper(BaseHTTPMiddleware):
    """The control API answers loopback peers only; the JWKS is public like Better Auth's.
    Any other request (``/api/auth/get-session``…) is counted: validation must not need one."""

    def __init__(self, app: Any, state: IssuerState) -> None:
        super().__init__(app)
        self.state = state

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if path.startswith(CONTROL_PREFIX + "/"):
            peer = request.client.host if request.client else None
            if not _is_loopback(peer):
                return JSONResponse({"error": "loopback only"}, status_code=403)
        elif path != self.state.config.jwks_path:
            self.state.count_other_request()
        return await call_next(request)


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


def _invalid(exc: ValidationError) -> JSONResponse:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return _bad(f"{where}: {first['msg']}")


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:  # a ValueError, but not a JSONDecodeError
        raise json.JSONDecodeError("not UTF-8 text", "", 0) from exc


def build_app(state: IssuerState) -> Starlette:
    """An ASGI app serving ``state``: JWKS at its path, control API under ``/__authcheck/``."""

    async def jwks(_request: Request) -> Response:
        state.count_jwks_fetch()
        if state.outage:
            return JSONResponse({"error": "jwks outage (authcheck)"}, status_code=503)
        return JSONResponse(state.jwks())

    async def foreign_jwks(_request: Request) -> Response:
        state.count_foreign_fetch()
        return JSONResponse(state.foreign_jwks())

    async def info(_request: Request) -> Response:
        return JSONResponse(state.info())

    async def mint(request: Request) -> Response:
        try:
            body = await _json_body(request)
            if not isinstance(body, dict):
                return _bad("the body must be a JSON object")
            minted = state.mint(MintRequest.model_validate(body))
        except json.JSONDecodeError as exc:
            return _bad(f"body is not JSON: {exc.msg}")
        except ValidationError as exc:
            return _invalid(exc)
        except (MintUnavailable, ValueError, TypeError) as exc:
            return _bad(str(exc))
        return JSONResponse({"token": minted.token, "kid": minted.kid, "claims": minted.claims})

    async def rotate(request: Request) -> Response:
        try:
            body = await _json_body(request)
            if not isinstance(body, dict):
                return _bad("the body must be a JSON object")
            wanted = RotateRequest.model_validate(body)
            key = state.rotate(wanted)
        except json.JSONDecodeError as exc:
            return _bad(f"body is not JSON: {exc.msg}")
        except ValidationError as exc:
            return _invalid(exc)
        except RotateRefused as exc:
            return _bad(str(exc))
        answer = {"kid": key.kid, "alg": key.alg, "staged": wanted.stage, "kids": state.kids()}
        return JSONResponse(answer)

    async def unstage(_request: Request) -> Response:
        dropped = state.unstage()
        return JSONResponse({"dropped": dropped, "kids": state.kids()})

    async def outage(request: Request) -> Response:
        try:
            body = await _json_body(request)
        except json.JSONDecodeError as exc:
            return _bad(f"body is not JSON: {exc.msg}")
        if not isinstance(body, dict) or not isinstance(body.get("on"), bool):
            return _bad('send {"on": true} or {"on": false}')
        if extra := sorted(set(body) - {"on"}):
            return _bad(f"{extra[0]}: Extra inputs are not permitted")
        state.outage = body["on"]
        return JSONResponse({"outage": state.outage})

    async def counters(_request: Request) -> Response:
        return JSONResponse(state.counters())

    async def reset(_request: Request) -> Response:
        state.reset_counters()
        return JSONResponse(state.counters())

    routes = [
        Route(state.config.jwks_path, jwks, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/info", info, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/mint", mint, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/rotate", rotate, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/unstage", unstage, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/outage", outage, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/counters", counters, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/counters/reset", reset, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/foreign/jwks", foreign_jwks, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(Gatekeeper, state=state)
    return app
