"""User stories 1 and 3: own tasks work and stick; other users' tasks are out of reach."""

from __future__ import annotations

from typing import Any

from authcheck.engine.catalogue import Capability
from authcheck.engine.checks._util import failed, passed, says
from authcheck.engine.context import Context, bearer
from authcheck.engine.results import Outcome
from authcheck.engine.source import User, user_claims
from authcheck.engine.tasks import TasksApi
from authcheck.issuer.forge import MintRequest


class SetupFailed(Exception):
    """A step the check relies on (creating a task) did not work."""


def _create(api: TasksApi, user: User, token: str, title: str | None = None) -> str:
    response = api.create(user, token, title)
    task_id = api.task_id(response)
    if response.status_code not in (200, 201) or task_id is None:
        raise SetupFailed(f"creating a task for user {user.role} failed: {says(response)}")
    return task_id


def _listed(
    api: TasksApi, user: User, token: str, probe: str | None = None
) -> tuple[int, set[str] | None, list[str]]:
    """Status, ids in the list (None if unreadable), owners that are not ``user``."""
    response = api.list_tasks(user, token, probe=probe)
    items = api.items(response)
    if response.status_code != 200 or items is None:
        return response.status_code, None, []
    strangers = [o for o in (api.owner(item) for item in items) if o is not None and o != user.id]
    return 200, api.ids(items), strangers


def _guard(check: Outcome | None, error: SetupFailed | None) -> Outcome:
    if error is not None:
        return failed(str(error))
    assert check is not None
    return check


def check_list_own(ctx: Context) -> Outcome:
    api, (a, b) = TasksApi(ctx.http, ctx.routes), ctx.source.users
    ta, tb = ctx.source.valid_token(a), ctx.source.valid_token(b)
    try:
        other = _create(api, b, tb)
        mine = _create(api, a, ta)
    except SetupFailed as exc:
        return _guard(None, exc)
    status, ids, strangers = _listed(api, a, ta)
    if status != 200:
        return failed(f"listing with a valid token got {status}, expected 200")
    if ids is None:
        return failed("the list answer holds no task array")
    if mine not in ids:
        return failed("the caller's new task is missing from the list")
    if other in ids or strangers:
        return failed("the list shows another user's tasks: filter by the token's sub")
    return passed(f"200 with the caller's {len(ids)} task(s) only")


def check_create(ctx: Context) -> Outcome:
    api, (a, _) = TasksApi(ctx.http, ctx.routes), ctx.source.users
    ta = ctx.source.valid_token(a)
    response = api.create(a, ta, "authcheck created")
    if response.status_code not in (200, 201):  # the issue says 201, the spec's SC-003 says 200
        return failed(f"create got {says(response)}, expected 201 (or 200)")
    task_id = api.task_id(response)
    if task_id is None:
        return failed(f"the {response.status_code} answer carries no task id")
    data = api.item(response)
    owner = api.owner(data) if data is not None else None
    if owner is not None and owner != a.id:
        return failed(f"the new task's {ctx.routes.owner_field} is not the token's sub")
    status, ids, _ = _listed(api, a, ta)
    if ids is None or task_id not in ids:
        return failed(f"the new task is not in the creator's list (list status {status})")
    note = "" if owner is not None else f" (no {ctx.routes.owner_field!r} field to compare)"
    return passed(f"{response.status_code}, owned by sub, listed{note}")


def check_crud(ctx: Context) -> Outcome:
    api, (a, _) = TasksApi(ctx.http, ctx.routes), ctx.source.users
    ta = ctx.source.valid_token(a)
    r = ctx.routes
    try:
        task_id = _create(api, a, ta, "authcheck crud")
    except SetupFailed as exc:
        return _guard(None, exc)
    got = api.get(a, task_id, ta)
    if got.status_code != 200:
        return failed(f"get own task: {says(got)}, expected 200")
    updated = api.update(a, task_id, ta, {r.title_field: "authcheck renamed"})
    if updated.status_code != 200:
        return failed(f"update own task: {says(updated)}, expected 200")
    again = api.get(a, task_id, ta)
    if again.status_code != 200 or api.field(again, r.title_field) != "authcheck renamed":
        return failed("the update did not stick: get shows the old title")
    steps = "get, update, complete, delete"
    if not r.completes:
        steps = "get, update, delete (the API has no completion)"
    else:
        done = api.complete(a, task_id, ta)
        if done.status_code not in (200, 201, 204):
            return failed(f"complete own task: {says(done)}, expected 200")
        again = api.get(a, task_id, ta)
        if r.completed_field and (
            again.status_code != 200 or api.field(again, r.completed_field) is not True
        ):
            return failed(f"completion did not stick: get shows {r.completed_field} not true")
    deleted = api.delete(a, task_id, ta)
    if deleted.status_code not in (200, 204):
        return failed(f"delete own task: {says(deleted)}, expected 204 or 200")
    gone = api.get(a, task_id, ta)
    # 403: the id was reused (SQLite without AUTOINCREMENT) by another user's task meanwhile
    if gone.status_code not in (404, 410, 403):
        return failed(f"get after delete: {gone.status_code}, expected 404")
    return passed(f"{steps} all worked and stuck")


def check_scoped_by_sub(ctx: Context) -> Outcome:
    api, (a, b) = TasksApi(ctx.http, ctx.routes), ctx.source.users
    ta, tb = ctx.source.valid_token(a), ctx.source.valid_token(b)
    try:
        task_a = _create(api, a, ta, "authcheck scoped")
    except SetupFailed as exc:
        return _guard(None, exc)
    status_a, ids_a, _ = _listed(api, a, ta)
    if status_a != 200 or ids_a is None or task_a not in ids_a:
        return failed(f"user A's JWKS-signed token did not list A's task (status {status_a})")
    status_b, ids_b, strangers = _listed(api, b, tb)
    if status_b != 200 or ids_b is None:
        return failed(f"user B's JWKS-signed token got {status_b} on B's own list")
    if task_a in ids_b or strangers:
        return failed("user B's list shows user A's task: scope queries by the token's sub")
    if Capability.MINT not in ctx.source.capabilities:
        return passed("each token was accepted and saw only its own sub's tasks")
    # The user id is sub (FR-004): a token whose only user claim is sub (Better Auth's
    # definePayload can drop id, email and name) must still reach A's tasks.
    bare = ctx.source.mint(MintRequest(claims={"sub": a.id}, omit=["id", "email", "name"]))
    status_s, ids_s, _ = _listed(api, a, bare)
    if status_s != 200 or ids_s is None or task_a not in ids_s:
        return failed(
            f"a token whose only user claim is sub got {status_s} on A's list"
            + ("" if status_s != 200 else " without A's task")
            + ": take the user id from sub, not id or email"
        )
    # ...and sub decides when the other user claims disagree: id, user_id and email naming B
    email = b.email or f"{b.id}@example.test"
    mixed = ctx.source.mint(
        MintRequest(claims={**user_claims(a), "id": b.id, "user_id": b.id, "email": email})
    )
    probe = "sub A with id, user_id and email naming B"
    status_m, ids_m, strangers_m = _listed(api, a, mixed, probe=probe)
    if status_m != 200 or ids_m is None or task_a not in ids_m or strangers_m:
        return failed(
            f"{probe}: {status_m} on A's list"
            + ("" if status_m != 200 else " without A's task (or with B's)")
            + ": the user is sub, whatever id, user_id or email say"
        )
    return passed(
        "each token was accepted and saw only its own sub's tasks; sub alone suffices and wins "
        "over id, user_id and email"
    )


_INTRUDER = "authcheck intruder"  # only B's create attempt uses this title


def check_cross_user(ctx: Context) -> Outcome:
    """B's token against A's data; each request is labelled with whose token it carried."""
    api, (a, b) = TasksApi(ctx.http, ctx.routes), ctx.source.users
    ta, tb = ctx.source.valid_token(a), ctx.source.valid_token(b)
    title = "authcheck private"
    try:
        task_a = _create(api, a, ta, title)
    except SetupFailed as exc:
        return _guard(None, exc)
    r = ctx.routes
    before = api.get(a, task_a, ta)
    done_before = api.field(before, r.completed_field) if before.status_code == 200 else None
    problems: list[str] = []

    hidden: list[str] = []  # refused with 404: the task is hidden from B rather than forbidden

    def as_b(route: str, owner: User, what: str, task_id: str = "") -> None:
        name = f"B's token: {what}"
        status = api.send_as(route, owner, bearer(tb), task_id=task_id, probe=name).status_code
        # Under A's own path B is forbidden (403, SC-006). With no user in the path, or A's task
        # id under B's path, "no such task for you" (404) refuses just as well and hides it.
        if status == 404 and (ctx.routes.flat or owner is b):
            hidden.append(what)
        elif status != 403:
            problems.append(f"{name}: {status}")

    if ctx.routes.flat:
        status_b, ids_b, _ = _listed(api, b, tb, probe="B's token: list")
        if ids_b is None or task_a in ids_b:
            problems.append(f"B's token: list: {status_b} and A's task visible")
    else:
        as_b("list", a, "list A's tasks")
        name = "B's token: create in A's list"
        path = r.create.replace("{user_id}", a.id)
        body = api.create_body(_INTRUDER, b)
        status = ctx.http.send("POST", path, authorization=bearer(tb), json=body, probe=name)
        if status.status_code != 403:
            problems.append(f"{name}: {status.status_code}")
    # through A's path, then (the classic IDOR) A's task id under B's own path
    paths = ((a, "in A's list"),) if ctx.routes.flat else ((a, "in A's list"), (b, "via B's path"))
    for owner, where in paths:
        for route in ("get", "update", "complete", "delete"):
            if route != "complete" or r.completes:
                as_b(route, owner, f"{route} A's task {where}", task_a)
    if r.owner_field:
        # B creates in B's own list but names A as the owner in the body: any answer will do
        # as long as the task never lands in A's list (the owner comes from sub, FR-004)
        api.create(b, tb, "authcheck planted", {r.owner_field: a.id})
        # A updates A's own task naming B as the owner (mass assignment): it must stay A's
        moved = api.update(a, task_a, ta, {r.title_field: title, r.owner_field: b.id})
        if moved.status_code < 400 and api.owner(api.item(moved) or {}) not in (None, a.id):
            problems.append(f"A's update naming B in {r.owner_field!r} gave the task to B")
    after = api.get(a, task_a, ta)
    if (
        after.status_code != 200
        or api.field(after, r.title_field) != title
        or api.field(after, r.completed_field) != done_before
    ):
        problems.append(f"A's task changed or vanished (A's get: {after.status_code})")
    listing = api.list_tasks(a, ta)
    items: list[dict[str, Any]] = api.items(listing) or []
    titles = [item.get(r.title_field) for item in items]
    if task_a not in api.ids(items) or _INTRUDER in titles:
        problems.append("A's list changed (B's attempt added or removed a task)")
    # (a list that shows everyone's tasks is us1.list-own-tasks' finding, not this one's)
    planted = [i for i in items if i.get(r.title_field) == "authcheck planted"]
    if any(api.owner(item) != b.id for item in planted):
        problems.append(f"B's task naming A in {r.owner_field!r} shows up in A's list")
    if problems:
        return failed("expected 403 and A's data unchanged; " + "; ".join(problems))
    how = "403 for each of B's attempts"
    if hidden:
        how = f"each of B's attempts refused (404, hiding A's task, for {len(hidden)} of them)"
    return passed(f"{how}; A's task unchanged and still A's")
