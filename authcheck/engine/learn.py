"""Reading a target's answers: the task object in a create answer, and the fields a 422 names.

Used by probing (no OpenAPI document) and by the preflight, which corrects what a document said
with what the target really answered (a wrapper key, the id field, the owner field).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from authcheck.engine.routes import USER_ID, Routes

ID_FIELDS = ("id", "task_id", "taskId", "todo_id", "todoId", "uuid", "_id", "pk")
# The names a task API gives its fields, tried in this order (by the document's schemas too).
DONE_FIELDS = (
    "completed",
    "done",
    "is_completed",
    "isCompleted",
    "is_done",
    "isDone",
    "complete",
    "finished",
    "is_complete",
    "isComplete",
)
WRAPPERS = ("task", "data", "todo", "item", "result")
OWNER_FIELDS = (
    "user_id",
    "userId",
    "owner_id",
    "ownerId",
    "owner",
    "created_by",
    "createdBy",
    "author_id",
    "authorId",
)
TITLE_FIELDS = ("title", "name", "text", "content", "summary", "label", "description")
_QUOTED = re.compile(r"""['"`]([^'"`]+)['"`]""")
_ONE_OF = re.compile(r"one of:?\s*\[?\s*([\w.-]+)", re.IGNORECASE)


def dig(data: Any, key: str | None) -> Any:
    """``data["a"]["b"]`` for the dotted key ``"a.b"`` (None where a level is missing)."""
    for part in (key or "").split(".") if key else ():
        data = data.get(part) if isinstance(data, dict) else None
    return data


def unwrap(data: Any, depth: int = 2) -> tuple[dict[str, Any] | None, str | None]:
    """The task object of an answer and the (dotted) key it was wrapped in: ``{"task": {...}}``,
    ``{"data": {"task": {...}}}``."""
    if not isinstance(data, dict):
        return None, None
    if any(name in data for name in ID_FIELDS):
        return data, None
    if depth == 0:
        return None, None
    nested = [(k, v) for k, v in data.items() if isinstance(v, dict)]
    for key, value in nested:
        if key in WRAPPERS or len(nested) == 1:
            task, inner = unwrap(value, depth - 1)
            if task is not None:
                return task, key if inner is None else f"{key}.{inner}"
    return None, None


def refine(routes: Routes, answer: Any, *, title: str, user_id: str) -> Routes:
    """``routes`` corrected by a real create answer: wrapper, id, owner, title, completed fields."""
    task, key = unwrap(answer)
    if task is None:
        return routes
    changes: dict[str, Any] = {"item_key": key}
    if routes.id_field not in task:
        changes["id_field"] = next((n for n in ID_FIELDS if n in task), routes.id_field)
    owner = [name for name, value in task.items() if value == user_id and name not in ID_FIELDS]
    changes["owner_field"] = owner[0] if owner else ""
    if task.get(routes.title_field) != title:
        titled = [name for name, value in task.items() if value == title]
        if titled:
            changes["title_field"] = titled[0]
    if not isinstance(task.get(routes.completed_field), bool):
        done = [n for n in DONE_FIELDS if isinstance(task.get(n), bool)]
        changes["completed_field"] = done[0] if done else ""
    return routes.model_copy(update=changes)


def list_items(data: Any, depth: int = 2) -> tuple[list[Any] | None, str | None]:
    """The task array of a list answer and the (dotted) key it was wrapped in: a bare array,
    ``{"items": [...], "total": 3}``, ``{"data": {"tasks": [...]}}``."""
    if isinstance(data, list):
        return data, None
    if not isinstance(data, dict) or depth == 0:
        return None, None
    arrays = [(k, v) for k, v in data.items() if isinstance(v, list)]
    if len(arrays) == 1:
        return arrays[0][1], arrays[0][0]
    nested = [(k, v) for k, v in data.items() if isinstance(v, dict)]
    if not arrays and len(nested) == 1:
        items, inner = list_items(nested[0][1], depth - 1)
        if items is not None and inner is not None:
            return items, f"{nested[0][0]}.{inner}"
    return None, None


def missing_fields(answer: Any) -> dict[str, Any]:
    """Fields a 400/422 answer names, each with a value its words suggest (FastAPI, zod, joi)."""
    issues: list[Any] = []
    if isinstance(answer, dict):
        for key in ("detail", "errors", "issues", "error", "details"):
            value = answer.get(key)
            if isinstance(value, list):
                issues.extend(value)
            elif isinstance(value, dict):
                issues.extend(value.get("issues") or value.get("errors") or [])
    fields: dict[str, Any] = {}
    for issue in issues:
        if not isinstance(issue, dict):
            continue
        where = issue.get("loc") or issue.get("path") or issue.get("field") or issue.get("param")
        parts = where if isinstance(where, list) else str(where or "").split(".")
        names = [str(p) for p in parts if isinstance(p, str) and p and p not in ("body", "query")]
        if names:
            owner = len(names) == 1 and names[0] in OWNER_FIELDS
            _put(fields, names, USER_ID if owner else _guess(issue))
    return fields


def merge_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old`` with ``new``'s values, nested objects merged rather than replaced."""
    merged = dict(old)
    for name, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = merge_fields(merged[name], value)
        else:
            merged[name] = value
    return merged


def _put(fields: dict[str, Any], path: list[str], value: Any) -> None:
    """``fields[a][b] = value`` for ``path`` ``[a, b]`` (a nested field the answer names)."""
    for name in path[:-1]:
        inner = fields.get(name)
        if not isinstance(inner, dict):
            inner = fields[name] = {}
        fields = inner
    fields[path[-1]] = value


def _guess(issue: dict[str, Any]) -> Any:
    ctx: dict[str, Any] = issue["ctx"] if isinstance(issue.get("ctx"), dict) else {}
    for bound, step in (("ge", 0), ("gt", 1), ("le", 0), ("lt", -1)):
        if isinstance(ctx.get(bound), int | float):
            return ctx[bound] + step
    if isinstance(ctx.get("min_length"), int):
        return "authcheck".ljust(ctx["min_length"], "x")
    options = issue.get("options") or ctx.get("expected")
    if isinstance(options, list) and options:
        return options[0]
    text = " ".join(str(issue.get(k, "")) for k in ("type", "msg", "message", "code", "expected"))
    if isinstance(options, str):
        text = options + " " + text
    lowered = text.lower()
    quoted = _QUOTED.findall(text)
    if quoted and any(word in lowered for word in ("enum", "literal", " or ", "one of")):
        return quoted[0]
    listed = _ONE_OF.search(text)
    if listed:
        return listed.group(1)
    soon = datetime.now(UTC) + timedelta(days=30)
    kind = str(issue.get("type", ""))
    if kind.startswith("date_"):  # pydantic's date errors (date_parsing, date_from_datetime_…)
        return soon.date().isoformat()
    if "datetime" in lowered or "date-time" in lowered or "date_time" in lowered:
        return soon.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if "date" in lowered:
        return soon.date().isoformat()
    if "uuid" in lowered:
        return str(uuid.uuid4())
    if "email" in lowered:
        return "authcheck@example.com"
    if "bool" in lowered:
        return False
    if "int" in lowered or "number" in lowered or "float" in lowered:
        return 1
    if "list" in lowered or "array" in lowered:
        return []
    if "dict" in lowered or "object" in lowered:
        return {}
    return "authcheck"
