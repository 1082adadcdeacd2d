"""The happy path, proven before any attack: create → list → get → update → complete → delete.

With valid tokens for two fresh users, each step is checked (status, and that the change stuck).
The first failure is classified once — route missing, redirect, body refused, valid token
refused, server error, wrong answer, no answer — with what to do, and every scenario that relies
on a broken step is reported `not-run` with that one reason instead of failing for it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import httpx

from authcheck.core.jose import DecodeError, decode_unverified
from authcheck.engine.catalogue import Capability, CheckKind
from authcheck.engine.checks._util import excerpt
from authcheck.engine.context import Recorder, TargetError
from authcheck.engine.learn import merge_fields, missing_fields, refine
from authcheck.engine.routes import Routes
from authcheck.engine.source import TokenSource, User
from authcheck.engine.tasks import TasksApi, body_json
from authcheck.errors import AuthcheckError


class Step(StrEnum):
    CREATE = "create"
    LIST = "list"
    GET = "get"
    UPDATE = "update"
    COMPLETE = "complete"
    DELETE = "delete"
    SECOND_USER = "second user"


class Problem(StrEnum):
    ROUTE_MISSING = "route missing"
    REDIRECT = "redirect"
    BODY_REFUSED = "body refused"
    TOKEN_REFUSED = "valid token refused"
    SERVER_ERROR = "server error"
    WRONG_ANSWER = "wrong answer"
    NO_ANSWER = "no answer"


@dataclass(frozen=True)
class Failure:
    step: Step
    problem: Problem
    headline: str  # one line: what broke, with the evidence
    advice: str  # what to do


@dataclass(frozen=True)
class Preflight:
    routes: Routes  # corrected by what the target really answered
    passed: tuple[Step, ...]
    failure: Failure | None

    def blocks(self, kind: CheckKind) -> bool:
        """Does a check of this kind rely on a step that failed (or never ran)?"""
        if self.failure is None:
            return False
        needs = NEEDS.get(kind, frozenset({Step.CREATE, Step.LIST}))
        return not needs <= set(self.passed)


_TASK_CRUD = frozenset({Step.CREATE, Step.LIST, Step.GET, Step.UPDATE, Step.COMPLETE, Step.DELETE})
# Which steps each kind of check relies on; kinds not named rely on create and list.
NEEDS: dict[CheckKind, frozenset[Step]] = {
    CheckKind.TOKEN_FORMAT: frozenset(),
    CheckKind.BEARER_HEADER: frozenset(),
    CheckKind.LIST_OWN: frozenset({Step.CREATE, Step.LIST, Step.SECOND_USER}),
    CheckKind.CREATE: frozenset({Step.CREATE, Step.LIST}),
    CheckKind.CRUD: _TASK_CRUD,
    CheckKind.SCOPED_BY_SUB: frozenset({Step.CREATE, Step.LIST, Step.SECOND_USER}),
    CheckKind.CROSS_USER: _TASK_CRUD | {Step.SECOND_USER},
    # reject and shared-secret run anyway: a forged credential accepted while valid tokens are
    # refused proves a hole; refusals then prove nothing and the check says not-run itself
    CheckKind.REJECT: frozenset(),
    CheckKind.SHARED_SECRET: frozenset(),
}


class _Broken(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.headline)
        self.failure = failure


def run_preflight(source: TokenSource, routes: Routes, http: Recorder) -> Preflight:
    flight = _Flight(source, routes, http)
    passed: list[Step] = []
    try:
        for step, run in flight.plan():
            run()
            passed.append(step)
    except _Broken as broken:
        return Preflight(flight.routes, tuple(passed), broken.failure)
    return Preflight(flight.routes, tuple(passed), None)


class _Flight:
    """One pass over the task API as user A, then one create as user B."""

    def __init__(self, source: TokenSource, routes: Routes, http: Recorder) -> None:
        self.source, self.routes, self.http = source, routes, http
        self.a, self.b = source.users
        self.title = f"authcheck preflight {secrets.token_hex(3)}"
        self.task_id = ""
        self.token = ""

    @property
    def api(self) -> TasksApi:
        return TasksApi(self.http, self.routes)

    def plan(self) -> list[tuple[Step, Callable[[], None]]]:
        return [
            (Step.CREATE, self.create),
            (Step.LIST, self.list),
            (Step.GET, self.get),
            (Step.UPDATE, self.update),
            (Step.COMPLETE, self.complete),
            (Step.DELETE, self.delete),
            (Step.SECOND_USER, self.second_user),
        ]

    def call(
        self, step: Step, send: Callable[[], httpx.Response], ok: tuple[int, ...], user: User
    ) -> httpx.Response:
        try:
            response = send()
        except TargetError as exc:
            raise _Broken(
                Failure(step, Problem.NO_ANSWER, f"{step.value}: {exc.message}", _UP)
            ) from exc
        if response.status_code in ok:
            return response
        raise _Broken(_classify(self, step, response, user))

    def create(self) -> None:
        self.token = self.source.valid_token(self.a)
        created = self.call(Step.CREATE, self._create_filling_fields, (200, 201), self.a)
        self.routes = refine(self.routes, body_json(created), title=self.title, user_id=self.a.id)
        task_id = self.api.task_id(created)
        if task_id is None:
            raise _wrong(
                Step.CREATE,
                f"the {created.status_code} answer carries no task id: {excerpt(created)}",
                "answer create with the new task (its id)",
            )
        self.task_id = task_id

    def _create_filling_fields(self) -> httpx.Response:
        """Create; a 400/422 naming fields gets them filled and is sent again (the document
        may not say all a body needs, or there is none)."""
        response = self.api.create(self.a, self.token, self.title)
        for _ in range(_FIELD_ROUNDS):
            if response.status_code not in (400, 422):
                break
            named = missing_fields(body_json(response))
            named.pop(self.routes.title_field, None)
            fields = merge_fields(self.routes.create_fields, named)
            if fields == self.routes.create_fields:
                break
            self.routes = self.routes.model_copy(update={"create_fields": fields})
            response = self.api.create(self.a, self.token, self.title)
        return response

    def list(self) -> None:
        listed = self.call(
            Step.LIST, lambda: self.api.list_tasks(self.a, self.token), (200,), self.a
        )
        items = self.api.items(listed)
        if items is None or self.task_id not in self.api.ids(items):
            raise _wrong(
                Step.LIST,
                "the list answer does not show the task just created",
                "list the caller's tasks (a JSON array, or an object holding one)",
            )

    def get(self) -> None:
        got = self.call(
            Step.GET, lambda: self.api.get(self.a, self.task_id, self.token), (200,), self.a
        )
        if self.api.field(got, self.routes.title_field) != self.title:
            raise _wrong(Step.GET, f"get does not show the title sent ({excerpt(got)})", _GET)

    def update(self) -> None:
        renamed = self.title + " renamed"
        change = {self.routes.title_field: renamed}
        self.call(
            Step.UPDATE,
            lambda: self.api.update(self.a, self.task_id, self.token, change),
            (200, 204),
            self.a,
        )
        again = self.api.get(self.a, self.task_id, self.token)
        if self.api.field(again, self.routes.title_field) != renamed:
            raise _wrong(Step.UPDATE, "the update did not stick: get shows the old title", _SAVE)

    def complete(self) -> None:
        if not self.routes.completes:
            return  # the target has no completion at all: nothing to prove
        self.call(
            Step.COMPLETE,
            lambda: self.api.complete(self.a, self.task_id, self.token),
            (200, 201, 204),
            self.a,
        )
        field = self.routes.completed_field
        again = self.api.get(self.a, self.task_id, self.token)
        if field and self.api.field(again, field) is not True:
            raise _wrong(
                Step.COMPLETE, f"completion did not stick: get shows {field} not true", _SAVE
            )

    def delete(self) -> None:
        self.call(
            Step.DELETE,
            lambda: self.api.delete(self.a, self.task_id, self.token),
            (200, 202, 204),
            self.a,
        )
        gone = self.api.get(self.a, self.task_id, self.token)
        if gone.status_code not in (404, 410, 403):  # 403: the id reused by another's task
            raise _wrong(
                Step.DELETE, f"get after delete answered {gone.status_code}, not 404", _SAVE
            )

    def second_user(self) -> None:
        token = self.source.valid_token(self.b)
        made = self.call(
            Step.SECOND_USER, lambda: self.api.create(self.b, token), (200, 201), self.b
        )
        other = self.api.task_id(made)
        if other is not None:
            self.api.delete(self.b, other, token)


_UP = "check that the backend is up and answers"
_FIELD_ROUNDS = 5
_GET = "answer get with the task"
_SAVE = "persist the change"


def _wrong(step: Step, headline: str, advice: str) -> _Broken:
    return _Broken(Failure(step, Problem.WRONG_ANSWER, f"{step.value}: {headline}", advice))


def _classify(c: _Flight, step: Step, response: httpx.Response, user: User) -> Failure:
    request = response.request
    what = f"{request.method} {request.url.path}"
    status, words = response.status_code, excerpt(response)
    head = f"{step.value}: {what} answered {status} {words}"
    if status in (301, 302, 303, 307, 308):
        where = response.headers.get("location", "?")
        return Failure(
            step,
            Problem.REDIRECT,
            f"{step.value}: {what} redirects ({status}) to {where}",
            "use the path it redirects to: pass --routes with it (see "
            "`authcheck routes discover`), or stop redirecting API routes",
        )
    if status in (400, 422):
        named = ", ".join(missing_fields(body_json(response))) or "see its words"
        return Failure(
            step,
            Problem.BODY_REFUSED,
            f"{head} (fields: {named})",
            "give the fields it needs in a routes file (create_fields / "
            "update_fields; see `authcheck routes discover`)",
        )
    if status in (401, 403):
        return Failure(
            step, Problem.TOKEN_REFUSED, f"{head}; the token: {_facts(c, user)}", _refused(c)
        )
    if status in (404, 405):
        bare = c.http.send(
            request.method,
            request.url.path,
            authorization=None,
            probe="preflight: same route without credentials",
        )
        if bare.status_code in (401, 403):
            return Failure(
                step,
                Problem.TOKEN_REFUSED,
                f"{head}, but {bare.status_code} without credentials: the route "
                f"exists and the valid token's user ({user.id}) was not served",
                "serve any user whose token verifies (the user id is the token's "
                "sub; Better Auth's users need no row in the backend first)",
            )
        return Failure(
            step,
            Problem.ROUTE_MISSING,
            f"{head} (also {bare.status_code} without credentials: the route is not there)",
            "pass --routes FILE or --openapi (see `authcheck routes discover`)",
        )
    if status >= 500:
        hint = ""
        if step in (Step.CREATE, Step.SECOND_USER):
            hint = (
                " — a backend whose tasks reference its own user table fails like this for "
                "a user it has never seen; run against users that exist (--better-auth-url "
                "with --user) or let any verified sub own tasks"
            )
        return Failure(
            step,
            Problem.SERVER_ERROR,
            head + hint,
            "the backend crashed on a valid request: see its log",
        )
    return Failure(step, Problem.WRONG_ANSWER, head, "answer the task API with 2xx statuses")


def _refused(c: _Flight) -> str:
    """Advice for a refused valid token, from what the issuer saw (its JWKS fetch count)."""
    fetched: int | None = None
    if Capability.COUNTERS in c.source.capabilities:
        try:
            fetched = c.source.counters().get("jwks_fetches")
        except AuthcheckError:
            fetched = None
    try:
        facts = c.source.facts()  # one call to the issuer's /info, not two
        issuer, jwks = facts.issuer, facts.jwks_url
    except (AuthcheckError, NotImplementedError):
        issuer, jwks = "URL", "the issuer's JWKS"
    doctor = f"`authcheck doctor --better-auth-url {issuer} --backend-url {c.http.target}`"
    if fetched == 0:
        return (
            f"the backend never fetched {jwks}: it verifies some other way — most likely HS256 "
            "with a shared secret (BETTER_AUTH_SECRET, the spec's closing note; FR-003 and "
            "FR-010 ask for the JWKS), or it reads another JWKS URL. Point it at that JWKS; "
            f"{doctor} shows more"
        )
    return (
        "the backend refuses a valid token: compare its JWKS URL, issuer, audience and "
        f"algorithms with the token's; {doctor} finds which one"
    )


def _facts(c: _Flight, user: User) -> str:
    token = c.source.valid_token(user)
    try:
        decoded = decode_unverified(token)
    except DecodeError:
        return "(not decodable)"
    claims, header = decoded.claims or {}, decoded.header
    parts = [f"alg {header.get('alg')}", f"kid {header.get('kid')}"]
    parts += [f"{name} {claims.get(name)!r}" for name in ("iss", "aud", "sub")]
    return ", ".join(parts)
