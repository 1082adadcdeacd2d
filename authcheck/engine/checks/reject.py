"""`reject`: every probe credential must be refused with the expected status, never a 5xx."""

from __future__ import annotations

import httpx

from authcheck.engine.catalogue import Capability, DeriveKind, Probe
from authcheck.engine.checks import advice
from authcheck.engine.checks._util import excerpt, failed, not_run, passed, says
from authcheck.engine.checks.tasks import SetupFailed
from authcheck.engine.context import Context
from authcheck.engine.probes import authorization_for, derive, probe_user
from authcheck.engine.results import Outcome
from authcheck.engine.source import User
from authcheck.engine.tasks import TasksApi


def _judge(
    response: httpx.Response, ctx: Context, probe: Probe, authorization: str | None
) -> str | None:
    expect = ctx.scenario.expect
    statuses = probe.status or expect.status
    if response.status_code not in statuses:
        wanted = " or ".join(str(s) for s in statuses)
        if response.status_code >= 500:
            kind = advice.crash_phrase(authorization)
        else:
            kind = "accepted" if response.status_code < 400 else "wrong status"
        return f"got {response.status_code} ({kind}), expected {wanted}"
    if expect.body_mentions:
        text = response.text.lower()
        if not any(word.lower() in text for word in expect.body_mentions):
            words = " or ".join(repr(word) for word in expect.body_mentions)
            body = excerpt(response)
            return f"{response.status_code} but the body never says so (no {words}): {body}"
    return None


_TITLE = "authcheck untouchable"


def _own_task(api: TasksApi, owner: User, token: str) -> str:
    response = api.create(owner, token, _TITLE)
    task_id = api.task_id(response)
    if response.status_code not in (200, 201) or task_id is None:
        raise SetupFailed(f"creating a task to probe failed: {says(response)}")
    return task_id


def _same_answer(
    api: TasksApi, ctx: Context, refusal: httpx.Response, kind: DeriveKind
) -> str | None:
    """FR-008: the refusal must not read the same as the one to ``kind`` (a tampered token)."""
    a = ctx.source.users[0]
    other = api.list_raw(a, derive(kind, ctx.source), probe=f"comparison: {kind.value} token")
    if " ".join(other.text.split()) != " ".join(refusal.text.split()):
        return None
    return (
        f"the answer ({excerpt(refusal)}) is the same as the one to a {kind.value} token: "
        "the frontend cannot tell an expired token (fetch a new one) from a bad one"
    )


def _accepted_anyway(ctx: Context, api: TasksApi, refused: int) -> Outcome:
    """A valid token is refused, so refusals prove nothing; but a forged credential that is
    accepted all the same (on the list route, which needs no task) proves a hole."""
    accepted: list[str] = []
    for probe in ctx.scenario.probes:
        authorization = authorization_for(probe, ctx.source)
        owner = probe_user(probe, ctx.source)
        response = api.send_as("list", owner, authorization, probe=probe.name)
        if 200 <= response.status_code < 300:
            accepted.append(f"{probe.name} ({response.status_code})")
    if accepted:
        return failed(
            f"{len(accepted)} forged credential(s) accepted although a valid token gets "
            f"{refused}: {'; '.join(accepted)}"
        )
    return not_run(
        f"a valid token for the same user was refused too ({refused}), so refusals prove nothing"
    )


def check_reject(ctx: Context) -> Outcome:
    api = TasksApi(ctx.http, ctx.routes)
    source = ctx.source
    a = source.users[0]
    baseline = api.list_tasks(a, source.valid_token(a), probe="control: valid token")
    if baseline.status_code != 200:
        return _accepted_anyway(ctx, api, baseline.status_code)
    count_foreign = (
        ctx.scenario.expect.foreign_jwks_fetches is not None
        and Capability.COUNTERS in source.capabilities
    )
    before = source.counters() if count_foreign else {}
    problems: list[str] = []
    expect = ctx.scenario.expect
    crash: str | None = None  # the first credential that got a 5xx
    refusals: dict[str, httpx.Response] = {}  # a refusal on the list route, by owner
    try:
        for probe in ctx.scenario.probes:
            authorization = authorization_for(probe, source)
            owner = probe_user(probe, source)
            task_id = ""
            if set(probe.routes) - {"list", "create"}:
                task_id = _own_task(api, owner, source.valid_token(owner))
            for route in probe.routes:
                if route == "complete" and not ctx.routes.completes:
                    continue  # the API has no completion to probe
                name = probe.name if probe.routes == ["list"] else f"{probe.name} ({route})"
                response = api.send_as(route, owner, authorization, task_id=task_id, probe=name)
                problem = _judge(response, ctx, probe, authorization)
                if problem:
                    problems.append(f"{name}: {problem}")
                    if response.status_code >= 500 and crash is None:
                        crash = authorization or ""
                if route == "list" and response.status_code in (probe.status or expect.status):
                    refusals.setdefault(owner.id, response)
            if task_id:
                after = api.get(owner, task_id, source.valid_token(owner))
                if after.status_code != 200 or api.field(after, ctx.routes.title_field) != _TITLE:
                    problems.append(
                        f"{probe.name}: the task changed or vanished ({after.status_code})"
                    )
    except SetupFailed as exc:
        return not_run(f"{exc}; cannot probe the task routes")
    if expect.distinct_from is not None and a.id in refusals:
        problem = _same_answer(api, ctx, refusals[a.id], expect.distinct_from)
        if problem:
            problems.append(problem)
    if count_foreign:
        fetched = source.counters()["foreign_jwks_fetches"] - before["foreign_jwks_fetches"]
        allowed = ctx.scenario.expect.foreign_jwks_fetches or 0
        if fetched > allowed:
            problems.append(f"the backend fetched the jku URL {fetched} time(s)")
    total = len(ctx.scenario.probes)
    if problems:
        reason = f"{len(problems)} problem(s) in {total} probe(s): " + "; ".join(problems)
        if crash is not None:
            return failed(reason, advice=advice.server_error(crash))
        return failed(reason)
    wanted = "/".join(str(s) for s in ctx.scenario.expect.status)
    unseen = ""
    if ctx.scenario.expect.foreign_jwks_fetches is not None and not count_foreign:
        unseen = " (jku fetches not observable without the control API's counters)"
    return passed(f"{total} probe(s), each refused with {wanted}{unseen}")
