"""Runs scenarios against a target: the ones that touch issuer state alone, the rest at once."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from authcheck.core.fetch import http_error_reason
from authcheck.engine.browser import BrowserCapture
from authcheck.engine.catalogue import Capability, CheckKind, Scenario
from authcheck.engine.checks import CHECKS
from authcheck.engine.checks.keys import rotation_order
from authcheck.engine.context import Context, Recorder, RunSettings, SharedCapture
from authcheck.engine.preflight import Preflight
from authcheck.engine.prepare import prepare
from authcheck.engine.results import ProgressEvent, RunReport, ScenarioResult, Status
from authcheck.engine.routes import Routes
from authcheck.engine.source import TokenSource
from authcheck.errors import AuthcheckError, UnreachableError
from authcheck.issuer.forge import MintUnavailable

Progress = Callable[[ProgressEvent], None]

_CONTROL = (
    "the control API: the @authcheck/better-auth plugin in your Better Auth "
    "(--better-auth-url), or `authcheck issuer serve` (--issuer-url)"
)
_HOW = {
    Capability.MINT: _CONTROL,
    Capability.ROTATE: _CONTROL,
    Capability.OUTAGE: _CONTROL,
    Capability.COUNTERS: _CONTROL,
    Capability.EXPIRED_TOKEN: f"{_CONTROL}, or --expired-token",
    Capability.BROWSER: "a browser: --frontend-url (or authcheck demo)",
    Capability.BETTER_AUTH: "a real Better Auth (--better-auth-url)",
}


@dataclass(frozen=True)
class RunOptions:
    target: str
    routes: Routes | None = None  # None: discover them (OpenAPI document, else probing)
    routes_from: str = "--routes"  # where given routes came from, for the report
    openapi: str | None = None  # --openapi URL|FILE
    resource: str | None = None  # --resource NAME
    workers: int = 8
    timeout_s: float = 10.0
    settings: RunSettings = RunSettings()


def check_reachable(client: httpx.Client, target: str) -> None:
    """Any HTTP answer will do; no answer is exit status 3 with one line."""
    try:
        client.get(target.rstrip("/") + "/", timeout=5.0)
    except httpx.HTTPError as exc:
        raise UnreachableError(
            f"target not reachable at {target}: {http_error_reason(exc)}",
            hint="start the backend or check --target",
        ) from exc


def _phases(
    scenarios: Sequence[Scenario], source: TokenSource
) -> tuple[list[Scenario], list[Scenario], list[Scenario]]:
    """First (alone, key rotation before the rest), parallel, last (alone); `rotation_order`
    says where the key-rotation check runs."""

    def order(s: Scenario) -> str:
        return rotation_order(source) if s.check is CheckKind.KEY_ROTATION else s.order

    first = [s for s in scenarios if order(s) == "first"]
    return (
        sorted(first, key=lambda s: s.check is not CheckKind.KEY_ROTATION),  # stable
        [s for s in scenarios if order(s) == "parallel"],
        [s for s in scenarios if order(s) == "last"],
    )


class Runner:
    def __init__(
        self,
        source: TokenSource,
        options: RunOptions,
        *,
        client: httpx.Client | None = None,
        browser: BrowserCapture | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.source = source
        self.options = options
        self._client = client or httpx.Client(timeout=options.timeout_s)
        self._own_client = client is None
        self._browser = SharedCapture(browser) if browser is not None else None
        self._progress = progress or (lambda _event: None)
        caps = set(source.capabilities)
        if browser is not None:
            caps.add(Capability.BROWSER)
        self.capabilities = frozenset(caps)
        self._routes: Routes = options.routes or Routes()
        self._preflight: Preflight | None = None

    def run(self, scenarios: Sequence[Scenario]) -> RunReport:
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        started = time.perf_counter()
        try:
            check_reachable(self._client, self.options.target)
            options = self.options
            prepared = prepare(
                self._client,
                self.source,
                options.target,
                scenarios,
                routes=options.routes,
                routes_from=options.routes_from,
                openapi=options.openapi,
                resource=options.resource,
            )
            self._routes, self._preflight = prepared.routes, prepared.preflight
            self._progress(ProgressEvent("prepared", "", len(scenarios), setup=prepared.setup))
            total = len(scenarios)
            results: dict[str, ScenarioResult] = {}

            def one(scenario: Scenario) -> None:
                self._progress(ProgressEvent("started", scenario.id, total))
                result = self.run_one(scenario)
                results[scenario.id] = result
                self._progress(ProgressEvent("finished", scenario.id, total, result))

            first, parallel, last = _phases(scenarios, self.source)
            for scenario in first:
                one(scenario)
            with ThreadPoolExecutor(max_workers=max(1, self.options.workers)) as pool:
                list(pool.map(one, parallel))
            for scenario in last:
                one(scenario)
        finally:
            if self._own_client:
                self._client.close()
        return RunReport(
            target=self.options.target,
            source=self.source.description,
            started_at=started_at,
            duration_s=round(time.perf_counter() - started, 3),
            results=tuple(results[s.id] for s in scenarios),
            setup=prepared.setup,
        )

    def run_one(self, scenario: Scenario) -> ScenarioResult:
        started = time.perf_counter()
        public = frozenset(user.id for user in self.source.users)
        recorder = Recorder(self._client, self.options.target, public=public)
        missing = [need for need in scenario.needs if need not in self.capabilities]
        if missing:
            how = "; ".join(f"{need.value} needs {_HOW[need]}" for need in missing)
            status, reason, details = Status.SKIPPED, f"skipped: {how}", {}
        elif self._preflight is not None and self._preflight.blocks(scenario.check):
            failure = self._preflight.failure
            assert failure is not None
            status, details = Status.NOT_RUN, dict[str, object]()
            reason = (
                f"not run: the preflight's {failure.step.value} step failed ({failure.problem})"
            )
        else:
            ctx = Context(
                scenario,
                self.source,
                self._routes,
                recorder,
                self._browser,
                settings=self.options.settings,
            )
            try:
                outcome = CHECKS[scenario.check](ctx)
                status, reason, details = outcome.status, outcome.reason, outcome.details
            except MintUnavailable as exc:
                status, reason, details = Status.SKIPPED, f"skipped: {exc.message}", {}
            except AuthcheckError as exc:
                status, reason, details = Status.ERROR, exc.message, {}
            except Exception as exc:  # noqa: BLE001 - one broken check must not stop the run
                status, reason = Status.ERROR, f"{exc.__class__.__name__}: {exc}"
                details = {}
        return ScenarioResult(
            id=scenario.id,
            title=scenario.title,
            proves=tuple(scenario.proves),
            status=status,
            reason=reason,
            duration_s=round(time.perf_counter() - started, 3),
            requests=tuple(recorder.records),
            advice=str(details.get("advice") or scenario.advice)
            if status in (Status.FAILED, Status.WARNED)
            else "",
            details=details,
        )
