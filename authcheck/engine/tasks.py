"""The task API of a target, addressed through its `Routes`; answers read loosely."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from authcheck.engine.context import Recorder, bearer
from authcheck.engine.learn import dig, list_items
from authcheck.engine.routes import USER_ID, Routes
from authcheck.engine.source import User


def body_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class TasksApi:
    def __init__(self, http: Recorder, routes: Routes) -> None:
        self.http = http
        self.routes = routes

    def _path(self, template: str, owner: User, task_id: str | None = None) -> str:
        return template.replace("{user_id}", owner.id).replace("{task_id}", task_id or "")

    def list_tasks(
        self, owner: User, token: str | None, *, auth: str | None = None, probe: str | None = None
    ) -> httpx.Response:
        authorization = auth if auth is not None else (bearer(token) if token else None)
        return self.http.send(
            "GET", self._path(self.routes.list, owner), authorization=authorization, probe=probe
        )

    def list_raw(self, owner: User, authorization: str | None, probe: str) -> httpx.Response:
        return self.http.send(
            "GET", self._path(self.routes.list, owner), authorization=authorization, probe=probe
        )

    def send_as(
        self,
        route: str,
        owner: User,
        authorization: str | None,
        *,
        task_id: str = "",
        probe: str | None = None,
    ) -> httpx.Response:
        """Call one task route (list, create, get, update, complete, delete) with a raw header."""
        r = self.routes
        title = "authcheck unauthorised"
        method, template, body = {
            "list": ("GET", r.list, None),
            "create": ("POST", r.create, self.create_body(title, owner)),
            "get": ("GET", r.item, None),
            "update": (r.update_method, r.item, self.update_body({r.title_field: title})),
            "complete": (
                (r.complete_method, r.complete, r.complete_body)
                if r.complete
                else (r.update_method, r.item, self.update_body({r.completed_field: True}))
            ),
            "delete": ("DELETE", r.item, None),
        }[route]
        path = self._path(template, owner, task_id)
        return self.http.send(method, path, authorization=authorization, json=body, probe=probe)

    def create_body(self, title: str | None = None, user: User | None = None) -> dict[str, Any]:
        """A create body the target accepts: its required fields (``{user_id}`` becomes
        ``user``'s id, as a frontend sends its own), then the title."""
        fields = {
            name: user.id if value == USER_ID and user is not None else value
            for name, value in self.routes.create_fields.items()
        }
        return {**fields, self.routes.title_field: title or f"authcheck {secrets.token_hex(3)}"}

    def update_body(self, changes: dict[str, Any]) -> dict[str, Any]:
        return {**self.routes.update_fields, **changes}

    def create(
        self, owner: User, token: str, title: str | None = None, extra: dict[str, Any] | None = None
    ) -> httpx.Response:
        body = self.create_body(title, owner)
        body.update(extra or {})
        return self.http.send(
            "POST", self._path(self.routes.create, owner), authorization=bearer(token), json=body
        )

    def get(self, owner: User, task_id: str, token: str) -> httpx.Response:
        path = self._path(self.routes.item, owner, task_id)
        return self.http.send("GET", path, authorization=bearer(token))

    def update(
        self, owner: User, task_id: str, token: str, changes: dict[str, Any]
    ) -> httpx.Response:
        """Change some fields; a PUT that replaces the task sends its current values too."""
        r = self.routes
        body = self.update_body(changes)
        if r.update_method == "PUT" and r.update_fields:
            current = self.item(self.get(owner, task_id, token)) or {}
            kept = {name: current[name] for name in r.update_fields if name in current}
            body = {**r.update_fields, **kept, **changes}
        path = self._path(r.item, owner, task_id)
        return self.http.send(r.update_method, path, authorization=bearer(token), json=body)

    def complete(self, owner: User, task_id: str, token: str) -> httpx.Response:
        r = self.routes
        if r.complete:
            path = self._path(r.complete, owner, task_id)
            return self.http.send(
                r.complete_method, path, authorization=bearer(token), json=r.complete_body
            )
        return self.update(owner, task_id, token, {r.completed_field: True})

    def delete(self, owner: User, task_id: str, token: str) -> httpx.Response:
        path = self._path(self.routes.item, owner, task_id)
        return self.http.send("DELETE", path, authorization=bearer(token))

    def items(self, response: httpx.Response) -> list[dict[str, Any]] | None:
        """The task array of a list answer: the body, ``list_key``, or the one array in it."""
        data = body_json(response)
        if self.routes.list_key is not None:
            data = dig(data, self.routes.list_key)
        else:
            data, _ = list_items(data)
        if not isinstance(data, list):
            return None
        return [item for item in data if isinstance(item, dict)]

    def item(self, response: httpx.Response) -> dict[str, Any] | None:
        """The task object of a single-task answer, unwrapped from ``item_key`` if set."""
        data = body_json(response)
        if self.routes.item_key is not None:
            data = dig(data, self.routes.item_key)
        return data if isinstance(data, dict) else None

    def field(self, response: httpx.Response, name: str) -> Any:
        """One field of the task in a single-task answer (None when absent or unreadable)."""
        task = self.item(response)
        return None if task is None else task.get(name)

    def task_id(self, response: httpx.Response) -> str | None:
        data = self.item(response)
        if data is None:
            return None
        for name in (self.routes.id_field, "id", "task_id", "_id"):
            if name in data and data[name] is not None:
                return str(data[name])
        return None

    def ids(self, items: list[dict[str, Any]]) -> set[str]:
        return {str(item.get(self.routes.id_field)) for item in items}

    def owner(self, task: dict[str, Any]) -> str | None:
        field = self.routes.owner_field
        if not field or field not in task:
            return None
        return str(task[field])
