"""Finding the target's per-user task API in its OpenAPI document, as `Routes`.

The resource is a collection path with GET and POST plus an item path below it (``/{id}``), named
``tasks``/``todos`` or the like (``resource`` picks one when several fit). From the schemas come the
user-id path parameter, the update method, how a task is completed (its own route, a field of the
update, or not at all), the id/owner/title/completed fields, the wrappers of single and list answers
and the create fields the target requires (filled by `schema_values`). `engine.discovery` calls this
first and probes with a valid token (`engine.probing`) when there is no usable document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import jsonref  # type: ignore[import-untyped]

from authcheck.engine.learn import DONE_FIELDS, ID_FIELDS, OWNER_FIELDS, TITLE_FIELDS
from authcheck.engine.routes import USER_ID, Routes
from authcheck.engine.schema_values import example, object_example

_METHODS = ("get", "post", "put", "patch", "delete")
_COMPLETE_WORDS = ("complete", "completed", "toggle", "done", "finish", "toggle-complete", "status")
_DONE_VALUES = ("done", "completed", "complete", "finished", "closed")
_SKIP_PREFIXES = ("/api/auth", "/auth", "/health", "/docs", "/openapi")
_PARAM = re.compile(r"\{([^}/]+)\}")


class NoTaskResource(Exception):
    """The document has no task resource (or several fit): the message says which."""


@dataclass(frozen=True)
class Found:
    routes: Routes
    lines: tuple[str, ...]


@dataclass(frozen=True)
class _Candidate:
    name: str
    collection: str
    item: str
    score: int


def routes_from_openapi(document: dict[str, Any], resource: str | None = None) -> Found:
    try:
        return _analyse(document, resource)
    except (jsonref.JsonRefError, RecursionError) as exc:
        raise NoTaskResource(f"the document has a $ref that cannot be resolved ({exc})") from exc


def _analyse(document: dict[str, Any], resource: str | None) -> Found:
    paths: dict[str, Any] = {
        str(path): item for path, item in document["paths"].items() if isinstance(item, dict)
    }
    pick = _pick(list(_candidates(paths)), resource)
    col_ops, item_ops = paths[pick.collection], paths[pick.item]
    user_param = _user_param(pick.collection)
    item_param = _PARAM.findall(pick.item)[-1]
    collection = _template(pick.collection, user_param, None)
    item = _template(pick.item, user_param, item_param)

    task_schema, item_key = _task_schema(item_ops.get("get"), col_ops.get("post"))
    create_body = _body_schema(col_ops.get("post"))
    props = {**_properties(create_body), **_properties(task_schema)}
    title = _first(TITLE_FIELDS, _properties(create_body)) or _first(TITLE_FIELDS, props)
    done = _first(DONE_FIELDS, props, boolean=True)
    owner = _first(OWNER_FIELDS, _properties(task_schema))
    id_field = _first(ID_FIELDS, _properties(task_schema)) or "id"
    skip = {title, done, owner, id_field, *OWNER_FIELDS}
    # a create that requires the owner in the body gets the caller's own id, as a frontend sends
    create_fields = {
        k: USER_ID if k in OWNER_FIELDS else v
        for k, v in object_example(create_body).items()
        if k not in skip - set(OWNER_FIELDS) - {owner}
    }

    update_method: Literal["PUT", "PATCH"] = "PATCH" if "patch" in item_ops else "PUT"
    update_body = _body_schema(item_ops.get(update_method.lower()))
    # A PUT replaces the task: every required field goes in (the current values are sent, see
    # TasksApi.update); a PATCH needs only what it changes.
    keep = {owner, id_field, *OWNER_FIELDS} if update_method == "PUT" else skip
    update_fields = {
        name: create_fields.get(name, value)
        for name, value in object_example(update_body).items()
        if name not in keep
    }
    if done is None:
        done = _first(DONE_FIELDS, _properties(update_body), boolean=True)

    complete, complete_method, complete_body = _complete_route(paths, pick.item)
    routes = Routes(
        list=collection,
        create=collection,
        item=item,
        update_method=update_method,
        complete=_template(complete, user_param, item_param) if complete else "",
        complete_method=complete_method,
        complete_body=complete_body,
        id_field=id_field,
        owner_field=owner or "",
        title_field=title or "title",
        completed_field=done or "",
        list_key=_list_key(col_ops.get("get")),
        item_key=item_key,
        create_fields=create_fields,
        update_fields=update_fields,
    )
    return Found(routes, (f"resource {pick.name!r} in the document",))


def _candidates(paths: dict[str, Any]) -> Iterable[_Candidate]:
    for path, ops in paths.items():
        if path.startswith(_SKIP_PREFIXES) or "get" not in ops or "post" not in ops:
            continue
        segments = [s for s in path.split("/") if s]
        if not segments or _PARAM.fullmatch(segments[-1]):
            continue
        name = segments[-1]
        base = path.rstrip("/")
        for other, other_ops in paths.items():
            rest = other[len(base) :] if other.startswith(base + "/") else ""
            if _PARAM.fullmatch(rest.strip("/")) and any(m in other_ops for m in _METHODS):
                yield _Candidate(name, path, other, _score(name))
                break


def _score(name: str) -> int:
    word = name.lower()
    if word in ("tasks", "task", "todos", "todo"):
        return 3
    if "task" in word or "todo" in word:
        return 2
    return 1


def _pick(candidates: list[_Candidate], resource: str | None) -> _Candidate:
    if resource is not None:
        chosen = [c for c in candidates if c.name.lower() == resource.lower()]
        if not chosen:
            known = ", ".join(sorted({c.name for c in candidates})) or "none"
            raise NoTaskResource(f"no resource named {resource!r} (resources: {known})")
        return chosen[0]
    if not candidates:
        raise NoTaskResource("no collection with GET and POST and an item route below it")
    best = max(c.score for c in candidates)
    top = [c for c in candidates if c.score == best]
    names = sorted({c.name for c in top})
    if len(names) > 1:
        raise NoTaskResource(f"several resources fit ({', '.join(names)}): pass --resource NAME")
    return top[0]


def _user_param(collection: str) -> str | None:
    params: list[str] = _PARAM.findall(collection)
    if not params:
        return None
    userish = [p for p in params if re.search(r"user|uid|owner|account|member", p, re.I)]
    return (userish or params)[-1]


def _template(path: str, user_param: str | None, item_param: str | None) -> str:
    if user_param is not None:
        path = path.replace("{" + user_param + "}", "{user_id}")
    if item_param is not None:
        path = path.replace("{" + item_param + "}", "{task_id}")
    return path


def _json_schema(content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        return {}
    for media, body in content.items():
        if "json" in str(media) and isinstance(body, dict) and isinstance(body.get("schema"), dict):
            return _flatten(body["schema"])
    return {}


def _flatten(schema: dict[str, Any]) -> dict[str, Any]:
    """One object schema out of ``anyOf: [X, null]`` or ``allOf: [X]`` wrappers."""
    for key in ("anyOf", "oneOf", "allOf"):
        branches = [b for b in schema.get(key) or () if isinstance(b, dict)]
        branches = [b for b in branches if b.get("type") != "null"]
        if branches and "properties" not in schema:
            return _flatten(branches[0])
    return schema


def _body_schema(operation: Any) -> dict[str, Any]:
    if not isinstance(operation, dict):
        return {}
    body = operation.get("requestBody")
    return _json_schema(body.get("content")) if isinstance(body, dict) else {}


def _response_schema(operation: Any) -> dict[str, Any]:
    if not isinstance(operation, dict):
        return {}
    responses = operation.get("responses") or {}
    for status in ("200", "201", "2XX", "default"):
        answer = responses.get(status)
        if isinstance(answer, dict):
            schema = _json_schema(answer.get("content"))
            if schema:
                return schema
    return {}


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    props = schema.get("properties")
    return props if isinstance(props, dict) else {}


def _task_schema(get_item: Any, create: Any) -> tuple[dict[str, Any], str | None]:
    """The task object's schema and the key wrapping it (``{"task": {...}}``), if any."""
    schema = _response_schema(get_item) or _response_schema(create)
    props = _properties(schema)
    if _first(ID_FIELDS, props) is None:
        wrapped = [
            (key, _flatten(value))
            for key, value in props.items()
            if isinstance(value, dict) and _first(ID_FIELDS, _properties(_flatten(value)))
        ]
        if len(wrapped) == 1:
            return wrapped[0][1], wrapped[0][0]
    return schema, None


def _list_key(list_op: Any) -> str | None:
    schema = _response_schema(list_op)
    if schema.get("type") == "array" or not _properties(schema):
        return None
    arrays = [k for k, v in _properties(schema).items() if _flatten(v).get("type") == "array"]
    return arrays[0] if len(arrays) == 1 else None


def _first(names: tuple[str, ...], props: dict[str, Any], *, boolean: bool = False) -> str | None:
    for name in names:
        if name in props and (not boolean or _is_boolean(props[name])):
            return name
    return None


def _is_boolean(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "boolean":
        return True
    return any(_is_boolean(b) for b in schema.get("anyOf") or schema.get("oneOf") or ())


_CompleteMethod = Literal["PATCH", "POST", "PUT"]


def _complete_route(
    paths: dict[str, Any], item: str
) -> tuple[str | None, _CompleteMethod, dict[str, Any] | None]:
    base = item.rstrip("/")
    for word in _COMPLETE_WORDS:
        for path in (f"{base}/{word}", f"{base}/{word}/"):
            ops = paths.get(path)
            if not isinstance(ops, dict):
                continue
            methods: tuple[_CompleteMethod, ...] = ("PATCH", "POST", "PUT")
            for method in methods:
                if method.lower() in ops:
                    body = _completion_body(_body_schema(ops[method.lower()]))
                    return path, method, body
    return None, "PATCH", None


def _completion_body(schema: dict[str, Any]) -> dict[str, Any] | None:
    if not schema:
        return None
    body = object_example(schema)
    for name, prop in _properties(schema).items():
        if _is_boolean(prop) and name in DONE_FIELDS:
            body[name] = True
        elif isinstance(prop, dict) and name in ("status", "state"):
            members = [str(v) for v in _flatten(prop).get("enum") or ()]
            done = [v for v in members if v.lower() in _DONE_VALUES]
            body[name] = done[0] if done else example(prop)
    return body or None
