"""A small task API that verifies Better Auth JWTs, with switches that each break one rule.

Not the reference backend: just enough of one to prove that every scenario catches the defect it
is meant for and no other. ``build_app(issuer_url)`` is the good backend; each name in
``DEFECTS`` turns one rule off.
"""

import json
import threading
import time
import uuid
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

DEFECTS = frozenset(
    {
        "no-exp-check",  # expired tokens accepted
        "no-expiry-message",  # expired → 401 but the body does not say so
        "alg-none-accepted",  # alg none (any casing) taken without a signature
        "no-signature-check",  # the signature is never verified
        "hs256-public-key",  # HS256 verified with the public key PEM as HMAC secret
        "follows-jku",  # keys taken from a jku header URL
        "trusts-jwk-header",  # keys taken from an embedded jwk header
        "no-iss-check",
        "no-aud-check",
        "no-nbf-check",
        "sub-optional",  # a token without sub passes (user id from the path)
        "accepts-session-ids",  # a 32-char session id is taken as a login
        "crash-on-malformed",  # a token that does not decode raises → 500
        "forbidden-for-invalid",  # 403 instead of 401 for a bad token
        "jwks-per-request",  # the JWKS is fetched on every request
        "asks-issuer-per-request",  # every request also asks Better Auth for the session
        "no-kid-refetch",  # an unknown kid never refreshes the key set
        "outage-500",  # a failed JWKS refetch crashes the request
        "list-leaks",  # the list shows every user's tasks
        "no-path-check",  # /api/{user_id}/ is not compared with sub
        "no-owner-check",  # another user's task is reachable by id
        "update-not-saved",  # PUT answers 200 but keeps the old values
        "unprotected-delete",  # DELETE forgot the auth dependency (trusts the path)
        "slow-reject",  # every refusal takes 0.6 s
    }
)

ALLOWED = ("EdDSA", "ES256", "RS256", "PS256")


class BadToken(Exception):
    def __init__(self, detail: str) -> None:
        self.detail = detail


class TaskIn(BaseModel):
    title: str
    description: str | None = None


class TaskChange(BaseModel):
    title: str | None = None
    description: str | None = None
    completed: bool | None = None


class Keys:
    """JWKS cache: fetched once, refetched for an unknown kid (the switches bend this)."""

    def __init__(self, url: str, defects: frozenset[str]) -> None:
        self.url = url
        self.defects = defects
        self.keys: dict[str, jwt.PyJWK] = {}
        self.lock = threading.Lock()

    def _fetch(self) -> None:
        data = httpx.get(self.url, timeout=5).json()
        self.keys = {k["kid"]: jwt.PyJWK(k) for k in data["keys"]}

    def get(self, kid: str) -> jwt.PyJWK | None:
        with self.lock:
            if "jwks-per-request" in self.defects:
                try:
                    self._fetch()
                except (httpx.HTTPError, ValueError, KeyError):
                    pass
            elif kid not in self.keys and not (self.keys and "no-kid-refetch" in self.defects):
                try:
                    self._fetch()
                except (httpx.HTTPError, ValueError, KeyError):
                    if "outage-500" in self.defects:
                        raise HTTPException(500, "Internal Server Error") from None
            return self.keys.get(kid)


def build_app(
    issuer_url: str, defects: frozenset[str] = frozenset(), *, flat: bool = False
) -> FastAPI:
    """``flat`` also serves ``/api/tasks`` (no user id in the path; the list wrapped in
    ``{"items": [...]}``) like many real backends."""
    unknown = set(defects) - DEFECTS
    assert not unknown, unknown
    app = FastAPI()
    keys = Keys(issuer_url + "/api/auth/jwks", defects)
    tasks: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    def verify(token: str, path_user: str | None) -> str:
        if "accepts-session-ids" in defects and len(token) == 32 and "." not in token:
            return path_user or "session-user"
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            if "crash-on-malformed" in defects:
                raise HTTPException(500, "Internal Server Error") from None
            raise BadToken("not a JWT") from None
        alg = str(header.get("alg", ""))
        if "alg-none-accepted" in defects and alg.lower() == "none":
            return str(jwt.decode(token, options={"verify_signature": False})["sub"])
        key: Any
        if "follows-jku" in defects and "jku" in header:
            data = httpx.get(header["jku"], timeout=5).json()
            key, alg = jwt.PyJWK(data["keys"][0]).key, data["keys"][0]["alg"]
        elif "trusts-jwk-header" in defects and "jwk" in header:
            key = jwt.PyJWK(header["jwk"]).key
        else:
            found = keys.get(str(header.get("kid")))
            if found is None:
                raise BadToken("unknown signing key")
            if "hs256-public-key" in defects and alg == "HS256":
                return _hs256_with_pem(token, found)
            if alg not in ALLOWED or alg != found.algorithm_name:
                raise BadToken("algorithm not allowed")
            key = found.key
        required = ["exp", "iat", "iss", "aud"] + ([] if "sub-optional" in defects else ["sub"])
        options: dict[str, Any] = {
            "require": required,
            "verify_exp": "no-exp-check" not in defects,
            "verify_iss": "no-iss-check" not in defects,
            "verify_aud": "no-aud-check" not in defects,
            "verify_nbf": "no-nbf-check" not in defects,
            "verify_signature": "no-signature-check" not in defects,
        }
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=issuer_url,
                audience=issuer_url,
                leeway=30,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError:
            if "no-expiry-message" in defects:
                raise BadToken("invalid token") from None
            raise BadToken("token expired; get a new one") from None
        except jwt.PyJWTError as exc:
            raise BadToken(f"invalid token: {exc.__class__.__name__}") from None
        return str(claims.get("sub") or path_user)

    def current_user(request: Request) -> str:
        if "asks-issuer-per-request" in defects:
            httpx.get(issuer_url + "/api/auth/get-session", timeout=5)
        value = request.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "not authenticated", {"WWW-Authenticate": "Bearer"})
        path_user = request.path_params.get("user_id")
        try:
            return verify(token.strip(), path_user)
        except BadToken as exc:
            if "slow-reject" in defects:
                time.sleep(0.6)  # the defect under test: a slow refusal
            status = 403 if "forbidden-for-invalid" in defects else 401
            raise HTTPException(status, exc.detail, {"WWW-Authenticate": "Bearer"}) from None

    User = Annotated[str, Depends(current_user)]

    def own_path(user_id: str, sub: str) -> None:
        if user_id != sub and "no-path-check" not in defects:
            raise HTTPException(403, "not your tasks")

    def own_task(task_id: str, sub: str) -> dict[str, Any]:
        task = tasks.get(task_id)
        if task is None:
            raise HTTPException(404, "no such task")
        if task["user_id"] != sub and "no-owner-check" not in defects:
            raise HTTPException(403, "not your task")
        return task

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/{user_id}/tasks")
    def list_tasks(user_id: str, sub: User) -> list[dict[str, Any]]:
        own_path(user_id, sub)
        with lock:
            every = list(tasks.values())
        return every if "list-leaks" in defects else [t for t in every if t["user_id"] == sub]

    @app.post("/api/{user_id}/tasks", status_code=201)
    def create(user_id: str, body: TaskIn, sub: User) -> dict[str, Any]:
        own_path(user_id, sub)
        task = {
            "id": uuid.uuid4().hex,
            "user_id": sub,
            "title": body.title,
            "description": body.description,
            "completed": False,
        }
        with lock:
            tasks[task["id"]] = task
        return task

    @app.get("/api/{user_id}/tasks/{task_id}")
    def get(user_id: str, task_id: str, sub: User) -> dict[str, Any]:
        own_path(user_id, sub)
        return own_task(task_id, sub)

    @app.put("/api/{user_id}/tasks/{task_id}")
    def update(user_id: str, task_id: str, body: TaskChange, sub: User) -> dict[str, Any]:
        own_path(user_id, sub)
        task = own_task(task_id, sub)
        changes = body.model_dump(exclude_none=True)
        if "update-not-saved" in defects:
            return {**task, **changes}
        task.update(changes)
        return task

    @app.patch("/api/{user_id}/tasks/{task_id}/complete")
    def complete(user_id: str, task_id: str, sub: User) -> dict[str, Any]:
        own_path(user_id, sub)
        task = own_task(task_id, sub)
        task["completed"] = not task["completed"]
        return task

    def delete_user(request: Request) -> str:
        if "unprotected-delete" in defects:
            return str(request.path_params["user_id"])
        return current_user(request)

    @app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
    def delete(user_id: str, task_id: str, sub: Annotated[str, Depends(delete_user)]) -> Response:
        own_path(user_id, sub)
        own_task(task_id, sub)
        with lock:
            tasks.pop(task_id, None)
        return Response(status_code=204)

    if flat:

        @app.get("/api/tasks")
        def flat_list(sub: User) -> dict[str, Any]:
            items = list_tasks(sub, sub)
            return {"items": items, "count": len(items)}

        @app.post("/api/tasks", status_code=201)
        def flat_create(body: TaskIn, sub: User) -> dict[str, Any]:
            return create(sub, body, sub)

        @app.get("/api/tasks/{task_id}")
        def flat_get(task_id: str, sub: User) -> dict[str, Any]:
            return own_task(task_id, sub)

        @app.put("/api/tasks/{task_id}")
        def flat_update(task_id: str, body: TaskChange, sub: User) -> dict[str, Any]:
            return update(sub, task_id, body, sub)

        @app.patch("/api/tasks/{task_id}/complete")
        def flat_complete(task_id: str, sub: User) -> dict[str, Any]:
            return complete(sub, task_id, sub)

        @app.delete("/api/tasks/{task_id}", status_code=204)
        def flat_delete(task_id: str, sub: User) -> Response:
            return delete(sub, task_id, sub)

    return app


def _hs256_with_pem(token: str, found: jwt.PyJWK) -> str:
    """The classic confusion bug: HMAC keyed with the public key's PEM text."""
    import base64
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import serialization

    pem = found.key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head, payload, sig = token.split(".")
    mac = hmac.new(pem, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    if base64.urlsafe_b64encode(mac).rstrip(b"=").decode() != sig:
        raise BadToken("bad HS256 signature")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["sub"])
