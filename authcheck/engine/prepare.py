"""Before the scenarios: find the task API (unless routes were given), then prove the happy path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from authcheck.engine.catalogue import Scenario
from authcheck.engine.context import Recorder
from authcheck.engine.discovery import discover
from authcheck.engine.preflight import NEEDS, Preflight, Step, run_preflight
from authcheck.engine.results import Setup
from authcheck.engine.routes import Routes
from authcheck.engine.source import TokenSource


@dataclass(frozen=True)
class Prepared:
    routes: Routes
    setup: Setup
    preflight: Preflight | None


def prepare(
    client: httpx.Client,
    source: TokenSource,
    target: str,
    scenarios: Sequence[Scenario],
    *,
    routes: Routes | None,
    routes_from: str = "--routes",
    openapi: str | None = None,
    resource: str | None = None,
) -> Prepared:
    lines: tuple[str, ...] = ()
    if routes is None:
        a = source.users[0]
        found = discover(
            client,
            target,
            openapi=openapi,
            resource=resource,
            token=source.valid_token(a),
            user_id=a.id,
        )
        routes, routes_from, lines = found.routes, found.origin, found.lines
    needed = any(NEEDS.get(s.check, {Step.CREATE}) for s in scenarios)
    if not needed:
        return Prepared(routes, Setup(routes_from, lines + routes.summary(), "not needed"), None)
    recorder = Recorder(client, target, public=frozenset(user.id for user in source.users))
    flight = run_preflight(source, routes, recorder)
    records = tuple(recorder.records)
    lines += flight.routes.summary()  # as corrected by what the target answered
    if flight.failure is None:
        steps = ", ".join(step.value for step in flight.passed)
        setup = Setup(routes_from, lines, f"{steps}: all worked", requests=records)
    else:
        failure = flight.failure
        worked = ", ".join(step.value for step in flight.passed) or "nothing"
        setup = Setup(
            routes_from,
            lines,
            f"{failure.problem.value} at {failure.step.value} ({worked} worked before it)",
            failure=failure.headline,
            advice=failure.advice,
            requests=records,
        )
    return Prepared(flight.routes, setup, flight)
