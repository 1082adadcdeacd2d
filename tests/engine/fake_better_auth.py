"""Just enough of Better Auth's HTTP surface (email sign-up/in, /token, /jwks) to drive
`BetterAuthSource` without Node: the JWTs come from the test issuer's keys."""

import base64
import hashlib
import hmac
import secrets
import string
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from authcheck.issuer import MintRequest
from authcheck.issuer.state import IssuerConfig, IssuerState

COOKIE = "better-auth.session_token"
_ALNUM = string.ascii_letters + string.digits


def _id() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(32))


def build_fake_better_auth(base_url: str) -> tuple[Starlette, dict[str, Any]]:
    state = IssuerState(IssuerConfig(base_url=base_url))
    secret = secrets.token_bytes(32)
    users: dict[str, dict[str, Any]] = {}  # email → user (+password)
    sessions: dict[str, str] = {}  # session id → email

    def signed(session_id: str) -> str:
        mac = hmac.new(secret, session_id.encode(), hashlib.sha256).digest()
        return f"{session_id}.{base64.b64encode(mac).decode()}"

    def start_session(email: str) -> Response:
        session_id = _id()
        sessions[session_id] = email
        user = {k: v for k, v in users[email].items() if k != "password"}
        response = JSONResponse({"token": session_id, "user": user})
        response.set_cookie(COOKIE, quote(signed(session_id), safe=""), httponly=True)
        return response

    def origin_ok(request: Request) -> bool:
        return request.headers.get("origin") == base_url

    async def sign_up(request: Request) -> Response:
        if not origin_ok(request):
            return JSONResponse({"code": "INVALID_ORIGIN"}, 403)
        body = await request.json()
        if body["email"] in users:
            return JSONResponse({"code": "USER_ALREADY_EXISTS"}, 422)
        users[body["email"]] = {
            "id": _id(),
            "email": body["email"],
            "name": body["name"],
            "password": body["password"],
        }
        return start_session(body["email"])

    async def sign_in(request: Request) -> Response:
        if not origin_ok(request):
            return JSONResponse({"code": "INVALID_ORIGIN"}, 403)
        body = await request.json()
        user = users.get(body["email"])
        if user is None or user["password"] != body["password"]:
            return JSONResponse({"code": "INVALID_EMAIL_OR_PASSWORD"}, 401)
        return start_session(body["email"])

    async def token(request: Request) -> Response:
        from urllib.parse import unquote

        cookie = unquote(request.cookies.get(COOKIE, ""))
        session_id, _, mac = cookie.partition(".")
        if session_id not in sessions or signed(session_id) != cookie:
            return JSONResponse({"message": "Unauthorized"}, 401)
        user = users[sessions[session_id]]
        claims = {"sub": user["id"], "id": user["id"], "email": user["email"], "name": user["name"]}
        return JSONResponse({"token": state.mint(MintRequest(claims=claims)).token})

    async def jwks(_request: Request) -> Response:
        return JSONResponse(state.jwks())

    app = Starlette(
        routes=[
            Route("/api/auth/sign-up/email", sign_up, methods=["POST"]),
            Route("/api/auth/sign-in/email", sign_in, methods=["POST"]),
            Route("/api/auth/token", token, methods=["GET"]),
            Route("/api/auth/jwks", jwks, methods=["GET"]),
        ]
    )
    return app, users
