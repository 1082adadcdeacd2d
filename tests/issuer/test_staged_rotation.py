"""`edge.key-rotation` through the issuer's staged keys, and without them: where it runs in a
run, which key it publishes, and what it leaves behind (a backend of tests/broken_backends, in
process, against a real test issuer)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from authcheck.engine.catalogue import Scenario, load_catalogue
from authcheck.engine.checks import keys
from authcheck.engine.results import ProgressEvent, RunReport, Status
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from authcheck.serve import ThreadedUvicorn
from tests.broken_backends.app import build_app

ROTATION = "edge.key-rotation"
# the outage and sc002's unknown-kid burst arm a backend's refetch limit; us1 needs valid tokens
IDS = ("edge.jwks-unavailable", ROTATION, "sc002.local-validation", "us1.list-own-tasks")


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


def scenarios() -> tuple[Scenario, ...]:
    return tuple(s for s in load_catalogue() if s.id in IDS)


def run(source: ControlSource, *defects: str) -> tuple[RunReport, list[str]]:
    """The report and the order the scenarios started in."""
    started: list[str] = []

    def progress(event: ProgressEvent) -> None:
        if event.kind == "started":
            started.append(event.scenario_id)

    with ThreadedUvicorn(build_app(source.control.base_url, frozenset(defects))) as backend:
        runner = Runner(source, RunOptions(target=backend.url), progress=progress)
        return runner.run(scenarios()), started


def result(report: RunReport, scenario_id: str) -> tuple[Status, dict[str, object]]:
    found = next(r for r in report.results if r.id == scenario_id)
    return found.status, dict(found.details)


def test_a_staged_key_runs_first_and_is_promoted_once_the_backend_took_it(
    issuer: TestIssuer, client: httpx.Client
) -> None:
    source = ControlSource(issuer.url, client)
    assert source.can_stage
    kid = source.facts().kid
    report, started = run(source)
    assert started[0] == ROTATION
    status, details = result(report, ROTATION)
    assert status is Status.PASSED, details
    assert details["key"] == "staged" and details["jwks_fetches_since_rotation"] == 1
    assert {r.status for r in report.results} == {Status.PASSED}
    info = source.control.info()  # the backend took the staged key: it is the current one now
    assert info["kid"] != kid and kid in info["kids"] and info["staged"] == []


def test_a_missed_staged_key_spoils_no_other_scenario(
    issuer: TestIssuer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keys, "ROTATION_WINDOW_S", 1.0)  # a miss is a miss after 1 s as after 40
    source = ControlSource(issuer.url, client)
    kid = source.facts().kid
    report, started = run(source, "no-kid-refetch")
    assert started[0] == ROTATION
    failed = {r.id for r in report.results if r.status is Status.FAILED}
    assert failed == {ROTATION}
    info = source.control.info()  # dropped: valid tokens never carried it
    assert (info["kid"], info["staged"]) == (kid, [])


def test_without_staged_keys_it_rotates_for_real_and_runs_last(
    issuer: TestIssuer, client: httpx.Client
) -> None:
    source = ControlSource(issuer.url, client)
    source.can_stage = False  # a control API from before staged keys
    kid = source.facts().kid
    report, started = run(source)
    assert started[-1] == ROTATION
    status, details = result(report, ROTATION)
    assert status is Status.PASSED, details
    assert details["key"] == "rotated"
    assert {r.status for r in report.results} == {Status.PASSED}
    info = source.control.info()
    assert info["kid"] != kid and kid in info["kids"] and info["staged"] == []


def test_an_older_control_api_without_staged_keys_is_not_asked_to_stage(
    issuer: TestIssuer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = issuer.state.info()
    older = {k: v for k, v in info.items() if k != "staged"}
    monkeypatch.setattr(issuer.state, "info", lambda: older)
    assert not ControlSource(issuer.url, client).can_stage
