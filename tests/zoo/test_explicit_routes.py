"""Every zoo backend is correct, and a routes file can express each shape: with the routes
describing it, the preflight and every task scenario (us1, us3) pass. The whole catalogue runs
on each backend in test_zero_config.py, with discovered routes; the auth scenarios do not depend
on how the routes were found.

One issuer for the module; one server per backend, started cold so the run sees it as a user's
freshly started backend would be.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from authcheck.engine.catalogue import Scenario
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from tests.zoo.shapes import ZOO, params, serve
from tests.zoo.verdicts import KNOWN, by_design, not_passed


@pytest.fixture(scope="module", params=params())
def backend(
    request: pytest.FixtureRequest, issuer: TestIssuer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    name: str = request.param
    with serve(name, issuer.url, tmp_path_factory.mktemp(name)) as url:
        yield name, url


def test_the_task_scenarios_pass_with_explicit_routes(
    backend: tuple[str, str], source: ControlSource, catalogue: tuple[Scenario, ...]
) -> None:
    name, url = backend
    tasks = tuple(s for s in catalogue if s.id.startswith(("us1.", "us3.")))
    report = Runner(source, RunOptions(target=url, routes=ZOO[name].routes)).run(tasks)
    assert report.setup is not None and report.setup.failure is None, report.setup
    ids = {s.id for s in tasks}
    expected = {k: v for k, v in {**by_design(tasks), **KNOWN.get(name, {})}.items() if k in ids}
    got = not_passed(report)
    assert {sid: status for sid, (status, _) in got.items()} == expected, got


def test_a_missing_create_field_is_named(
    backend: tuple[str, str], source: ControlSource, http: httpx.Client
) -> None:
    """The refusal of a create without a required field names that field (FastAPI's 422,
    Express's 400), so discovery can fill it in."""
    name, url = backend
    shape = ZOO[name]
    a = source.users[0]
    body = {**shape.routes.create_fields, shape.routes.title_field: "authcheck zoo"}
    missing = shape.missing_create_field
    assert missing is not None
    del body[missing]
    path = shape.routes.create.replace("{user_id}", a.id)
    headers = {"Authorization": f"Bearer {source.valid_token(a)}"}
    response = http.post(url + path, json=body, headers=headers)
    assert response.status_code in (400, 422)
    assert missing in response.text


def test_the_shape_is_what_it_claims(
    backend: tuple[str, str], source: ControlSource, http: httpx.Client
) -> None:
    """OpenAPI where claimed and nowhere else; 307 from the collection without its slash."""
    name, url = backend
    shape = ZOO[name]
    openapi = http.get(url + (shape.openapi or "/openapi.json"))
    if shape.openapi:
        assert openapi.status_code == 200 and "paths" in openapi.json()
    else:
        assert openapi.status_code == 404
        assert http.get(url + "/docs").status_code == 404
    if shape.redirects:
        a = source.users[0]
        path = shape.redirects.replace("{user_id}", a.id)
        headers = {"Authorization": f"Bearer {source.valid_token(a)}"}
        moved = http.get(url + path, headers=headers)
        assert moved.status_code == 307
        assert moved.headers["location"].endswith(path + "/")


def test_a_refused_token_gets_401_with_a_bearer_challenge(
    backend: tuple[str, str], source: ControlSource, http: httpx.Client
) -> None:
    name, url = backend
    path = ZOO[name].routes.list.replace("{user_id}", source.users[0].id)
    for authorization in (None, "Bearer not-a-jwt"):
        headers = {"Authorization": authorization} if authorization else {}
        response = http.get(url + path, headers=headers)
        assert response.status_code == 401, authorization
        assert response.headers["www-authenticate"].startswith("Bearer"), authorization


def test_every_backend_is_in_the_zoo() -> None:
    here = Path(__file__).parent / "backends"
    modules = {p.stem for p in here.glob("*.py")} - {"__init__"}
    assert modules | {"express"} == set(ZOO)
