"""A small task API that verifies Better Auth JWTs, with switches that each break one rule.

Not the reference backend: just enough of one to prove that every scenario catches the defect it
is meant for and no other. ``build_app(issuer_url)`` is the good backend; each name in
``DEFECTS`` (see ``defects.py``) turns one rule off; ``verify.py`` holds the token checks.
"""

import threading
import time
import uuid
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

from tests.broken_backends.defects import DEFECTS
from tests.broken_backends.verify import SHARED_SECRET, BadToken, Verifier, unverified_sub

__all__ = ["DEFECTS", "build_app"]


class TaskIn(BaseModel):
    title: str
    description: str | None = None
    user_id: str | None = None  # ignored unless owner-from-body


class TaskChange(BaseModel):
    title: str | None = None
    description: str | None = None
    completed: bool | None = None
    user_id: str | None = None  # ignored unless owner-from-update-body


def build_app(
    issuer_url: str,
    defects: frozenset[str] = frozenset(),
    *,
    flat: bool = False,
    secret: str = SHARED_SECRET,
) -> FastAPI:
    """``secret`` is the BETTER_AUTH_SECRET of ``hs256-shared-secret``. ``flat`` also serves
    ``/api/tasks`` (no user id in the path; the list wrapped in
    ``{"items": [...]}``) like many real backends."""
    unknown = set(defects) - DEFECTS
    assert not unknown, unknown
    app = FastAPI()
    verifier = Verifier(issuer_url, defects, secret)
    tasks: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    challenge = {} if "no-www-authenticate" in defects else {"WWW-Authenticate": "Bearer"}

    def bearer_token(request: Request) -> str:
        value = request.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "not authenticated", challenge)
        return token.strip()

    def refuse(exc: BadToken) -> HTTPException:
        if "slow-reject" in defects:
            time.sleep(0.6)  # the defect under test: a slow refusal
        status = 403 if "forbidden-for-invalid" in defects else 401
        detail = "Invalid or expired token" if "one-message" in defects else exc.detail
        return HTTPException(status, detail, challenge)

    def current_user(request: Request) -> str:
        if "asks-issuer-per-request" in defects:
            httpx.get(issuer_url + "/api/auth/get-session", timeout=5)
        token = bearer_token(request)
        try:
            return verifier.verify(token, request.path_params.get("user_id"))
        except BadToken as exc:
            raise refuse(exc) from None

    User = Annotated[str, Depends(current_user)]

    def list_user(request: Request) -> str | None:
        if "optional-auth-on-list" not in defects:
            return current_user(request)
        try:
            return current_user(request)
        except HTTPException:
            return None  # "optional" auth: an anonymous caller sees an empty list

    def update_user(request: Request) -> str:
        if "update-unverified" not in defects and "update-ignores-exp" not in defects:
            return current_user(request)
        token = bearer_token(request)
        try:
            if "update-ignores-exp" in defects:  # a second dependency, copied without exp
                return verifier.verify(token, request.path_params["user_id"], check_exp=False)
            return unverified_sub(token)
        except BadToken as exc:
            raise refuse(exc) from None

    def delete_user(request: Request) -> str:
        if "unprotected-delete" in defects:
            return str(request.path_params["user_id"])
        return current_user(request)

    def own_path(user_id: str, sub: str) -> None:
        if user_id != sub and "no-path-check" not in defects:
            raise HTTPException(403, "not your tasks")

    def own_task(task_id: str, sub: str, *, check: bool = True) -> dict[str, Any]:
        task = tasks.get(task_id)
        if task is None:
            raise HTTPException(404, "no such task")
        if check and task["user_id"] != sub and "no-owner-check" not in defects:
            if "cross-user-404" in defects:
                raise HTTPException(404, "no such task")
            raise HTTPException(403, "not your task")
        return task

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/{user_id}/tasks")
    def list_tasks(user_id: str, sub: Annotated[str | None, Depends(list_user)]) -> list[Any]:
        if sub is None:
            return []
        if "list-ignores-path" not in defects:
            own_path(user_id, sub)
        with lock:
            every = list(tasks.values())
        return every if "list-leaks" in defects else [t for t in every if t["user_id"] == sub]

    @app.post("/api/{user_id}/tasks", status_code=201)
    def create(user_id: str, body: TaskIn, sub: User, response: Response) -> dict[str, Any]:
        own_path(user_id, sub)
        if "create-200" in defects:
            response.status_code = 200
        owner = (body.user_id or sub) if "owner-from-body" in defects else sub
        task: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "user_id": owner,
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
    def update(
        user_id: str, task_id: str, body: TaskChange, sub: Annotated[str, Depends(update_user)]
    ) -> dict[str, Any]:
        own_path(user_id, sub)
        changes = body.model_dump(exclude_none=True)
        if "owner-from-update-body" not in defects:
            changes.pop("user_id", None)
        if "write-then-check-owner" in defects:
            own_task(task_id, sub, check=False).update(changes)
        task = own_task(task_id, sub)
        if "update-not-saved" in defects:
            return {**task, **changes}
        task.update(changes)
        return task

    @app.patch("/api/{user_id}/tasks/{task_id}/complete")
    def complete(user_id: str, task_id: str, sub: User) -> dict[str, Any]:
        own_path(user_id, sub)
        task = own_task(task_id, sub, check="complete-no-owner-check" not in defects)
        task["completed"] = not task["completed"]
        return task

    @app.delete("/api/{user_id}/tasks/{task_id}", status_code=204)
    def delete(user_id: str, task_id: str, sub: Annotated[str, Depends(delete_user)]) -> Response:
        own_path(user_id, sub)
        if "write-then-check-owner" in defects:
            with lock:
                gone = tasks.pop(task_id, None)
            if gone is not None and gone["user_id"] != sub:
                raise HTTPException(403, "not your task")
            if gone is not None:
                return Response(status_code=204)
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
        def flat_create(body: TaskIn, sub: User, response: Response) -> dict[str, Any]:
            return create(sub, body, sub, response)

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
