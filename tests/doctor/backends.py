"""Task backends with one auth defect each, written the way FastAPI tutorials and teams write them.

Each is `task_app(verify, ...)`: a small FastAPI task API (OpenAPI on, so doctor discovers its
routes) whose `current_user` dependency calls ``verify(token) -> claims`` — PyJWT with
PyJWKClient, the usual way — and reads the user from one claim. `Settings` is what such backends
read from the environment (pydantic-settings); the tests build it with explicit values.
"""

import itertools
from collections.abc import Callable
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from pydantic_settings import BaseSettings

Verify = Callable[[str], dict[str, Any]]


class Settings(BaseSettings):
    better_auth_url: str
    jwks_url: str = ""
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_algorithms: list[str] = ["EdDSA"]
    better_auth_secret: str = ""

    @property
    def jwks(self) -> str:
        return self.jwks_url or self.better_auth_url + "/api/auth/jwks"


class TaskCreate(BaseModel):
    title: str


class Task(BaseModel):
    id: int
    title: str
    completed: bool = False
    user_id: str


def pyjwt_verifier(
    s: Settings, *, check_iss: bool = True, typ: str | None = None, catch: bool = True
) -> Verify:
    """PyJWKClient + jwt.decode, as the PyJWT docs show it."""
    client = jwt.PyJWKClient(s.jwks)

    def verify(token: str) -> dict[str, Any]:
        if typ is not None and jwt.get_unverified_header(token).get("typ") != typ:
            raise jwt.InvalidTokenError("invalid token type")
        key = client.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=s.jwt_algorithms,
            issuer=(s.jwt_issuer or s.better_auth_url) if check_iss else None,
            audience=s.jwt_audience or s.better_auth_url,
        )
        return claims

    return verify


def shared_secret_verifier(s: Settings) -> Verify:
    """What the spec's "Final Token Contract" section suggests: HS256 with the shared secret."""

    def verify(token: str) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(
            token, s.better_auth_secret, algorithms=["HS256"], audience=s.better_auth_url
        )
        return claims

    return verify


def task_app(
    verify: Verify, *, user_claim: str = "sub", catch: type[Exception] = Exception
) -> FastAPI:
    """The task API; ``catch`` is what `current_user` turns into 401 (the rest is a 500)."""
    app = FastAPI(title="tasks")
    bearer = HTTPBearer(auto_error=False)
    tasks: dict[int, Task] = {}
    ids = itertools.count(1)

    def current_user(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        if creds is None:
            raise HTTPException(401, "Not authenticated")
        try:
            payload = verify(creds.credentials)
        except catch as exc:
            raise HTTPException(401, f"Invalid token: {exc}") from exc
        return str(payload[user_claim])

    def owner(user_id: str, user: Annotated[str, Depends(current_user)]) -> str:
        if user != user_id:
            raise HTTPException(403, "Not your tasks")
        return user

    Owner = Annotated[str, Depends(owner)]

    @app.get("/api/{user_id}/tasks", response_model=list[Task])
    def list_tasks(user_id: Owner) -> list[Task]:
        return [t for t in tasks.values() if t.user_id == user_id]

    @app.post("/api/{user_id}/tasks", response_model=Task, status_code=201)
    def create_task(user_id: Owner, body: TaskCreate) -> Task:
        task = Task(id=next(ids), title=body.title, user_id=user_id)
        tasks[task.id] = task
        return task

    def find(user_id: str, task_id: int) -> Task:
        task = tasks.get(task_id)
        if task is None or task.user_id != user_id:
            raise HTTPException(404, "Task not found")
        return task

    @app.get("/api/{user_id}/tasks/{task_id}", response_model=Task)
    def get_task(user_id: Owner, task_id: int) -> Task:
        return find(user_id, task_id)

    @app.put("/api/{user_id}/tasks/{task_id}", response_model=Task)
    def update_task(user_id: Owner, task_id: int, body: TaskCreate) -> Task:
        task = find(user_id, task_id)
        task.title = body.title
        return task

    @app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=Task)
    def complete_task(user_id: Owner, task_id: int) -> Task:
        task = find(user_id, task_id)
        task.completed = not task.completed
        return task

    @app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
    def delete_task(user_id: Owner, task_id: int) -> None:
        find(user_id, task_id)
        del tasks[task_id]

    return app


def backend_for(cause: str, issuer: str, **extra: Any) -> FastAPI:
    """One backend per cause, configured against the issuer at ``issuer``."""
    s = Settings(**{"better_auth_url": issuer, **extra})  # type: ignore[arg-type]
    pyjwt_errors = jwt.InvalidTokenError
    builders: dict[str, Callable[[], FastAPI]] = {
        "good": lambda: task_app(pyjwt_verifier(s), catch=pyjwt_errors),
        "wrong-iss-accepted": lambda: task_app(
            pyjwt_verifier(s, check_iss=False), catch=pyjwt_errors
        ),
        "typ-required": lambda: task_app(pyjwt_verifier(s, typ="JWT"), catch=pyjwt_errors),
        "user-from-email": lambda: task_app(pyjwt_verifier(s), user_claim="email"),
        "user-from-id": lambda: task_app(pyjwt_verifier(s), user_claim="id"),
        "user-from-user_id": lambda: task_app(
            pyjwt_verifier(s), user_claim="user_id", catch=pyjwt_errors
        ),
        "crashes": lambda: task_app(pyjwt_verifier(s), user_claim="userId", catch=pyjwt_errors),
        "shared-secret": lambda: task_app(shared_secret_verifier(s), catch=pyjwt_errors),
        # PyJWKClientConnectionError is a PyJWTError but no InvalidTokenError: a 500
        "jwks-unreachable": lambda: task_app(pyjwt_verifier(s), catch=pyjwt_errors),
    }
    return builders.get(cause, builders["good"])()


def session_backend(better_auth_url: str) -> FastAPI:
    """Takes the session token and asks Better Auth who it is, on every request (no JWT)."""

    def verify(token: str) -> dict[str, Any]:
        answer = httpx.get(
            f"{better_auth_url}/api/auth/get-session",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        data = answer.json() if answer.status_code == 200 else None
        if not isinstance(data, dict) or not isinstance(data.get("user"), dict):
            raise ValueError("no session")
        return {"sub": data["user"]["id"]}

    return task_app(verify, catch=ValueError)
