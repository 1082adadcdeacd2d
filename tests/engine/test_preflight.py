"""The preflight: the happy path proven first, each failure classified once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel

from authcheck.engine.catalogue import Capability, CheckKind
from authcheck.engine.context import Recorder
from authcheck.engine.discovery import discover
from authcheck.engine.preflight import Problem, Step, run_preflight
from authcheck.engine.routes import Routes
from authcheck.engine.source import IssuerFacts, User
from authcheck.issuer.forge import MintRequest
from authcheck.issuer.keys import PublicKey
from tests.engine.shapes import User as Caller
from tests.engine.shapes import client, user_of, user_path_app, wrapped_todos_app

TARGET = "http://testserver"


class FakeSource:
    """Tokens the shape apps accept (``ok-<user id>``); nothing else is needed here."""

    description = "fake"
    capabilities: frozenset[Capability] = frozenset()
    users = (User("a", "alice"), User("b", "bob"))
    expired_token = None

    def valid_token(self, user: User) -> str:
        return f"ok-{user.id}"

    def facts(self) -> IssuerFacts:
        raise NotImplementedError

    def mint(self, request: MintRequest) -> str:
        raise NotImplementedError

    def rotate(self) -> str:
        raise NotImplementedError

    def outage(self, on: bool) -> None:
        raise NotImplementedError

    def counters(self) -> dict[str, int]:
        raise NotImplementedError

    def public_keys(self) -> list[PublicKey]:
        raise NotImplementedError


def preflight(app: FastAPI, routes: Routes | None = None):  # type: ignore[no-untyped-def]
    http = client(app)
    if routes is None:
        routes = discover(http, TARGET).routes
    recorder = Recorder(http, TARGET)
    return run_preflight(FakeSource(), routes, recorder), recorder


def test_every_step_passes_on_other_shapes() -> None:
    for app in (wrapped_todos_app(), user_path_app()):
        flight, _ = preflight(app)
        assert flight.failure is None, flight.failure
        assert flight.passed == tuple(Step)
        assert not flight.blocks(CheckKind.CRUD)


def test_answers_correct_what_the_routes_said() -> None:
    """Routes that guessed wrong about wrappers and fields are corrected by the create answer."""
    guessed = Routes(
        list="/api/v1/todos/", create="/api/v1/todos/", item="/api/v1/todos/{task_id}",
        update_method="PATCH", complete="",
        create_fields={"priority": "low", "category": "work", "due_date": "2031-01-01",
                       "estimate": 10},
    )  # fmt: skip
    flight, _ = preflight(wrapped_todos_app(), guessed)
    assert flight.failure is None, flight.failure
    r = flight.routes
    assert (r.item_key, r.id_field, r.owner_field, r.completed_field) == (
        "data",
        "task_id",
        "owner_id",
        "done",
    )


def _tasks_app(create: Any) -> FastAPI:
    app = FastAPI()

    @app.get("/api/tasks")
    def list_tasks(user: Caller) -> list[dict[str, Any]]:
        return []

    app.post("/api/tasks")(create)

    @app.get("/api/tasks/{task_id}")
    def read(task_id: int, user: Caller) -> dict[str, Any]:
        raise HTTPException(404)

    return app


def test_a_refused_valid_token_is_the_headline_with_the_backend_words() -> None:
    def create(user: Caller) -> dict[str, Any]:
        return {"id": 1, "title": "never reached"}

    app = _tasks_app(create)

    def refuse() -> str:
        raise HTTPException(401, "Invalid issuer")

    app.dependency_overrides[user_of] = refuse
    flight, _ = preflight(app)
    assert flight.failure is not None and flight.failure.problem is Problem.TOKEN_REFUSED
    assert flight.failure.step is Step.CREATE and "Invalid issuer" in flight.failure.headline
    assert "authcheck doctor" in flight.failure.advice
    assert flight.blocks(CheckKind.CRUD) and flight.blocks(CheckKind.LIST_OWN)
    assert not flight.blocks(CheckKind.REJECT)  # it runs: an accepted forgery proves a hole
    assert not flight.blocks(CheckKind.TOKEN_FORMAT)


def test_a_refused_body_names_its_fields() -> None:
    def create(user: Caller, body: dict[str, Any]) -> None:
        raise HTTPException(
            422, [{"loc": ["body", "priority"], "msg": "Field required", "type": "missing"}]
        )

    flight, _ = preflight(_tasks_app(create))
    assert flight.failure is not None and flight.failure.problem is Problem.BODY_REFUSED
    assert "fields: priority" in flight.failure.headline
    assert "create_fields" in flight.failure.advice


def test_a_crash_for_an_unseen_user_says_how_to_run_against_users_that_exist() -> None:
    def create(user: Annotated[str, Depends(user_of)]) -> None:
        raise HTTPException(500, "FOREIGN KEY constraint failed")

    flight, _ = preflight(_tasks_app(create))
    assert flight.failure is not None and flight.failure.problem is Problem.SERVER_ERROR
    assert (
        "FOREIGN KEY" in flight.failure.headline and "users that exist" in flight.failure.headline
    )


def test_a_missing_route_is_told_apart_from_a_refused_token() -> None:
    flight, recorder = preflight(
        user_path_app(), Routes(list="/nope/{user_id}", create="/nope/{user_id}")
    )
    assert flight.failure is not None and flight.failure.problem is Problem.ROUTE_MISSING
    assert "also 404 without credentials" in flight.failure.headline
    assert recorder.records[-1].authorization is None  # the no-credentials comparison


def test_fields_the_document_does_not_tell_are_read_from_the_422_and_filled() -> None:
    store: dict[int, dict[str, Any]] = {}

    def create(user: Caller, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("kind") not in ("a", "b"):  # checked by hand: not in the document
            error = {"loc": ["body", "kind"], "msg": "Input should be 'a' or 'b'", "type": "enum"}
            raise HTTPException(422, [error])
        store[1] = {"id": 1, "title": body["title"], "user_id": user}
        return store[1]

    flight, _ = preflight(_tasks_app(create))
    assert flight.routes.create_fields == {"kind": "a"}
    assert flight.failure is not None and flight.failure.step is Step.LIST  # past create


class OwnedTaskCreate(BaseModel):
    user_id: str
    title: str


def test_a_create_that_requires_the_owner_in_the_body_gets_the_callers_own_id() -> None:
    """TaskCreate(user_id, title) as many backends write it, refusing a body naming another
    user: discovery sends the creating user's own id there."""
    store: dict[int, dict[str, Any]] = {}
    app = FastAPI()

    @app.get("/tasks")
    def list_tasks(user: Caller) -> list[dict[str, Any]]:
        return [t for t in store.values() if t["user_id"] == user]

    @app.post("/tasks")
    def create(body: OwnedTaskCreate, user: Caller) -> dict[str, Any]:
        if body.user_id != user:
            raise HTTPException(403, "user_id must be your own")
        task = {"id": len(store) + 1, **body.model_dump(), "completed": False}
        store[task["id"]] = task
        return task

    @app.get("/tasks/{task_id}")
    def read(task_id: int, user: Caller) -> dict[str, Any]:
        if task_id not in store or store[task_id]["user_id"] != user:
            raise HTTPException(404)
        return store[task_id]

    flight, _ = preflight(app)
    assert flight.routes.create_fields == {"user_id": "{user_id}"}
    assert flight.passed[:3] == (Step.CREATE, Step.LIST, Step.GET)
