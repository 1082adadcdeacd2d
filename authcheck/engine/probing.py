"""Finding the task API without an OpenAPI document: try the common shapes with a valid token.

Lists at ``/api/{user}/tasks``, ``/api/tasks``, ``/tasks`` (and ``todos``, ``/api/v1``), with and
without a trailing slash, following one redirect; then one create (reading the fields a 400/422
names and filling them), the item route, the update method, a complete route and a delete. What
the answers show (ids, wrappers, owner and title fields) goes into the `Routes`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from authcheck.engine.learn import (
    TITLE_FIELDS,
    list_items,
    merge_fields,
    missing_fields,
    refine,
    unwrap,
)
from authcheck.engine.routes import Routes

_PREFIXES = ("/api/{user_id}", "/api", "", "/api/v1", "/v1", "/api/users/{user_id}")
_NAMES = ("tasks", "todos")
_MAX_FIELD_ROUNDS = 6


class NotFound(Exception):
    """No shape answered like a task list: the message lists what was tried."""


@dataclass
class _Probe:
    client: httpx.Client
    base: str
    authorization: str
    user_id: str
    tried: list[str] = field(default_factory=list)
    refused: str | None = None  # a collection that refused the valid token (401/403)

    def send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        url = self.base + path.replace("{user_id}", self.user_id)
        headers = {"Authorization": self.authorization}
        return self.client.request(method, url, headers=headers, json=body, follow_redirects=False)


def probe_routes(
    client: httpx.Client, target: str, token: str, user_id: str, resource: str | None = None
) -> tuple[Routes, tuple[str, ...]]:
    probe = _Probe(client, target.rstrip("/"), f"Bearer {token}", user_id)
    names = (resource,) if resource else _NAMES
    collection, list_key = _find_collection(probe, names)
    routes = Routes(
        list=collection,
        create=collection,
        item=collection.rstrip("/") + "/{task_id}",
        complete="",
        list_key=list_key,
    )
    routes, created = _create(probe, routes)
    lines = ["found by probing with a valid token"]
    if created is None:
        lines.append("create did not work while probing; the preflight says why")
        return routes, tuple(lines)
    routes = _item_route(probe, routes, created)
    routes = _update_method(probe, routes, created)
    routes = _complete_route(probe, routes, created)
    probe.send("DELETE", routes.item.replace("{task_id}", created))
    return routes, tuple(lines)


def _shapes(names: tuple[str, ...]) -> Iterator[str]:
    for prefix in _PREFIXES:
        for name in names:
            yield f"{prefix}/{name}"
            yield f"{prefix}/{name}/"


def _find_collection(probe: _Probe, names: tuple[str, ...]) -> tuple[str, str | None]:
    for path in _shapes(names):
        try:
            response = probe.send("GET", path)
        except httpx.HTTPError as exc:
            probe.tried.append(f"{path}: no answer ({exc.__class__.__name__})")
            continue
        if response.status_code in (301, 302, 307, 308):
            moved = urlsplit(response.headers.get("location", "")).path
            if not moved:
                continue
            path = moved.replace(probe.user_id, "{user_id}") if probe.user_id else moved
            response = probe.send("GET", path)
        probe.tried.append(f"{path}: {response.status_code}")
        if response.status_code == 200:
            try:
                items, key = list_items(response.json())
            except ValueError:
                continue
            if items is not None:
                return path, key
        elif response.status_code in (401, 403) and probe.refused is None:
            probe.refused = path
    if probe.refused is not None:
        # The route exists but refuses a valid token: that is the finding, the preflight says it.
        return probe.refused, None
    raise NotFound("no task list at " + ", ".join(probe.tried[:12]))


def _create(probe: _Probe, routes: Routes) -> tuple[Routes, str | None]:
    title = f"authcheck discovery {secrets.token_hex(3)}"
    fields: dict[str, Any] = {}
    for _ in range(_MAX_FIELD_ROUNDS):
        response = probe.send("POST", routes.create, {**fields, routes.title_field: title})
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code in (200, 201):
            routes = refine(
                routes.model_copy(update={"create_fields": fields}),
                answer,
                title=title,
                user_id=probe.user_id,
            )
            task, _ = unwrap(answer)
            task_id = None if task is None else task.get(routes.id_field)
            return routes, None if task_id is None else str(task_id)
        if response.status_code not in (400, 422):
            break
        named = missing_fields(answer)
        titles = [n for n in TITLE_FIELDS if n in named and n != routes.title_field]
        if titles and routes.title_field == "title":  # it calls the title something else
            routes = routes.model_copy(update={"title_field": titles[0]})
        named = {k: v for k, v in named.items() if k != routes.title_field}
        merged = merge_fields(fields, named)
        if not named or merged == fields:
            break
        fields = merged
    return routes.model_copy(update={"create_fields": fields}), None


def _item_route(probe: _Probe, routes: Routes, task_id: str) -> Routes:
    for item in (routes.item, routes.item + "/"):
        if probe.send("GET", item.replace("{task_id}", task_id)).status_code == 200:
            return routes.model_copy(update={"item": item})
    return routes


def _update_method(probe: _Probe, routes: Routes, task_id: str) -> Routes:
    path = routes.item.replace("{task_id}", task_id)
    change = {routes.title_field: "authcheck discovery renamed"}
    if probe.send("PATCH", path, change).status_code == 200:
        return routes.model_copy(update={"update_method": "PATCH"})
    fields = {**routes.create_fields, routes.title_field: "authcheck discovery renamed"}
    for _ in range(_MAX_FIELD_ROUNDS):  # a PUT replaces the task: it may need every field
        response = probe.send("PUT", path, fields)
        if response.status_code == 200:
            return routes.model_copy(update={"update_method": "PUT", "update_fields": fields})
        if response.status_code not in (400, 422):
            break
        try:
            named = missing_fields(response.json())
        except ValueError:
            break
        merged = merge_fields(fields, named)
        if merged == fields:
            break
        fields = merged
    return routes


def _complete_route(probe: _Probe, routes: Routes, task_id: str) -> Routes:
    base = routes.item.rstrip("/")
    for method in ("PATCH", "POST"):
        path = f"{base}/complete"
        if probe.send(method, path.replace("{task_id}", task_id)).status_code == 200:
            return routes.model_copy(update={"complete": path, "complete_method": method})
    return routes  # via update when the task has a completed field, else none (refine decided)
