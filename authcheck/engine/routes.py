"""Where the target keeps its task API: the default shape, `flat`, or a small routes file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from authcheck.engine.tomlfile import first_error, read_toml
from authcheck.errors import BadInputError

USER_ID = "{user_id}"  # in create_fields: the creating user's id (the token's sub) goes here


class Routes(BaseModel):
    """Paths use ``{user_id}`` and ``{task_id}``; a list path without ``{user_id}`` is flat."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    list: str = "/api/{user_id}/tasks"
    create: str = "/api/{user_id}/tasks"
    item: str = "/api/{user_id}/tasks/{task_id}"
    update_method: Literal["PUT", "PATCH"] = "PUT"
    complete: str | None = Field(
        default="/api/{user_id}/tasks/{task_id}/complete",
        description="toggles completion; empty to complete through the update call instead",
    )
    complete_method: Literal["PATCH", "POST", "PUT"] = "PATCH"
    id_field: str = "id"
    owner_field: str = Field(default="user_id", description="empty when tasks carry no owner")
    title_field: str = "title"
    completed_field: str = "completed"
    list_key: str | None = Field(
        default=None,
        description="key of the task array when the list is wrapped in an object "
        "(dotted when nested: data.tasks)",
    )
    item_key: str | None = Field(
        default=None,
        description="key of the task object when single-task answers are wrapped "
        '(e.g. "task" for {"task": {...}}, "data" for {"data": {...}}; dotted when nested)',
    )
    create_fields: dict[str, Any] = Field(
        default={}, description="more fields the create body needs besides the title"
    )
    update_fields: dict[str, Any] = Field(
        default={}, description="more fields an update body needs (e.g. a PUT that replaces all)"
    )
    complete_body: dict[str, Any] | None = Field(
        default=None, description="body of the complete call, when it takes one"
    )

    @property
    def flat(self) -> bool:
        return "{user_id}" not in self.list

    def summary(self) -> tuple[str, ...]:
        """These routes in a few lines for people (what a run found and uses)."""
        if self.complete:
            how = f"{self.complete_method} {self.complete}"
        elif self.completed_field:
            how = f"via update ({self.completed_field} = true)"
        else:
            how = "none (no complete route, no completed field)"
        owner = repr(self.owner_field) if self.owner_field else "none"
        lines = [
            f"list/create {self.list}, item {self.item}",
            f"update {self.update_method}; complete {how}",
            f"fields: id {self.id_field!r}, title {self.title_field!r}, owner {owner}",
        ]
        wrappers = [
            f"{what} in {key!r}"
            for what, key in (("single task", self.item_key), ("list", self.list_key))
            if key
        ]
        if wrappers:
            lines.append("answers wrapped: " + ", ".join(wrappers))
        if self.create_fields:
            sent = ", ".join(f"{k}={v!r}" for k, v in self.create_fields.items())
            lines.append(f"create also sends {sent}")
        return tuple(lines)

    @property
    def completes(self) -> bool:
        """False when the target has no way to complete a task (no route, no field)."""
        return bool(self.complete) or bool(self.completed_field)


FLAT = Routes(
    list="/api/tasks",
    create="/api/tasks",
    item="/api/tasks/{task_id}",
    complete="/api/tasks/{task_id}/complete",
)


def load_routes(spec: str | None) -> Routes:
    """``None``/``default``, ``flat``, or the path of a TOML file with `Routes` keys."""
    if spec in (None, "", "default"):
        return Routes()
    if spec == "flat":
        return FLAT
    path = Path(spec)
    data = read_toml(
        path,
        unreadable="--routes {path}: cannot read ({reason})",
        hint="use default, flat or a file",
    )
    try:
        routes = Routes.model_validate(data)
    except ValidationError as exc:
        raise BadInputError(first_error(path, exc, more=False)) from exc
    if not routes.flat and "{user_id}" not in routes.create:
        raise BadInputError(f"{path}: field create: must contain {{user_id}} like list does")
    if "{task_id}" not in routes.item:
        raise BadInputError(f"{path}: field item: must contain {{task_id}}")
    return routes
