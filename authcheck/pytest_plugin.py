"""pytest plugin: the scenario catalogue as tests, plus token fixtures for your own tests.

``pytest --authcheck-target URL --authcheck-issuer-url URL`` adds one test per scenario
(``authcheck::<id>``), so ``-k`` and ``--junitxml`` work. The selected scenarios run together,
concurrently, the first time one of them runs. Without those options the plugin adds nothing;
it is loaded in every pytest run, so it imports authcheck lazily.

Fixtures: ``authcheck_issuer`` (a running test issuer), and token factories
``authcheck_valid_token``, ``authcheck_expired_token``, ``authcheck_foreign_token``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from authcheck.engine.browser import BrowserCapture
    from authcheck.engine.catalogue import Scenario
    from authcheck.engine.results import ScenarioResult, Setup
    from authcheck.issuer import TestIssuer

TokenFactory = Callable[..., str]

_RESULTS = pytest.StashKey[dict[str, "ScenarioResult"]]()
_SETUP: pytest.StashKey[Setup | None] = pytest.StashKey()
PREFLIGHT = "preflight"  # the item that reports the happy path proven before the scenarios


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("authcheck", "authcheck contract scenarios")
    group.addoption("--authcheck-target", metavar="URL", help="backend to replay scenarios on")
    group.addoption(
        "--authcheck-issuer-url", metavar="URL", help="issuer speaking the authcheck control API"
    )
    group.addoption(
        "--authcheck-routes",
        default=None,
        help="a routes TOML file (or default, flat); without it the task API is discovered",
    )
    group.addoption("--authcheck-openapi", metavar="URL|FILE", help="the target's OpenAPI document")
    group.addoption("--authcheck-resource", metavar="NAME", help="the task resource's name")
    group.addoption("--authcheck-catalogue", metavar="DIR", help="scenario directory")
    group.addoption(
        "--authcheck-frontend-url", metavar="URL", help="drive this frontend (us2.* scenarios)"
    )
    group.addoption(
        "--authcheck-selectors", metavar="FILE", help="selectors override (docs/capture.md)"
    )
    group.addoption(
        "--authcheck-backend-origin", metavar="URL", help="the backend the page calls (= target)"
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("authcheck_target"))


def pytest_configure(config: pytest.Config) -> None:
    if _enabled(config) and not config.getoption("authcheck_issuer_url"):
        raise pytest.UsageError("--authcheck-target needs --authcheck-issuer-url")


class ScenarioFailed(Exception):
    """Raised by a scenario test whose scenario failed; the message is the whole report."""


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        for spec_id in scenario.proves:
            self.user_properties.append(("proves", spec_id))

    def runtest(self) -> None:
        result = _results(self.session, self.scenario.id)[self.scenario.id]
        status = result.status.value
        if status in ("skipped", "not-run"):
            pytest.skip(f"{self.scenario.id}: {result.reason}")
        if status in ("failed", "error"):
            lines = [f"{status}: {result.reason}"]
            if result.advice:
                lines.append(f"what to change: {result.advice}")
            lines += [
                f"  {r.method} {r.url} [{r.authorization or 'no Authorization'}] → {r.status}"
                + (f"  ({r.probe})" if r.probe else "")
                for r in result.requests[:20]
            ]
            raise ScenarioFailed("\n".join(lines))
        if status == "warned":
            self.add_report_section("call", "authcheck", f"warning: {result.reason}")
            self.user_properties.append(("warning", result.reason))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"authcheck scenario {self.scenario.id}: {self.scenario.title}"


class PreflightItem(pytest.Item):
    """Fails once, with the reason, when the happy path does not work on the target."""

    def runtest(self) -> None:
        scenarios = [i for i in self.session.items if isinstance(i, ScenarioItem)]
        if scenarios:
            _results(self.session, scenarios[0].scenario.id)
        setup = self.config.stash.get(_SETUP, None)
        if setup is not None and setup.failure is not None:
            raise ScenarioFailed(f"preflight failed: {setup.failure}\n→ {setup.advice}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, "authcheck preflight: the task API works with valid tokens"


class Catalogue(pytest.Collector):
    def __init__(self, *, scenarios: tuple[Scenario, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenarios = scenarios

    def collect(self) -> list[pytest.Item]:
        items: list[pytest.Item] = [PreflightItem.from_parent(self, name=PREFLIGHT)]
        items += [ScenarioItem.from_parent(self, name=s.id, scenario=s) for s in self.scenarios]
        return items


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add the scenario tests before -k / -m deselection sees the list."""
    if not _enabled(config):
        return
    from authcheck.engine.catalogue import load_catalogue
    from authcheck.errors import AuthcheckError

    directory = config.getoption("authcheck_catalogue")
    try:
        scenarios = load_catalogue(Path(directory) if directory else None)
    except AuthcheckError as exc:
        raise pytest.UsageError(exc.message) from exc
    collector = Catalogue.from_parent(session, name="authcheck", scenarios=scenarios)
    report = collector.ihook.pytest_make_collect_report(collector=collector)
    session.ihook.pytest_collectreport(report=report)  # counted in "collected N items"
    items.extend(item for item in report.result if isinstance(item, pytest.Item))


def _results(session: pytest.Session, wanted: str) -> dict[str, ScenarioResult]:
    """Run every selected scenario once, together, and keep the results for their tests.

    Under pytest-xdist a worker does not know its share in advance: it runs one at a time."""
    config = session.config
    results = config.stash.setdefault(_RESULTS, {})
    if wanted in results:
        return results
    import httpx

    from authcheck.engine.routes import load_routes
    from authcheck.engine.runner import Runner, RunOptions
    from authcheck.engine.source import ControlSource
    from authcheck.errors import AuthcheckError

    selected = tuple(item.scenario for item in session.items if isinstance(item, ScenarioItem))
    if hasattr(config, "workerinput"):
        selected = tuple(s for s in selected if s.id == wanted)
    try:
        with httpx.Client(timeout=10.0) as client:
            source = ControlSource(str(config.getoption("authcheck_issuer_url")), client)
            routes = config.getoption("authcheck_routes")
            options = RunOptions(
                target=str(config.getoption("authcheck_target")),
                routes=None if routes is None else load_routes(str(routes)),
                routes_from=f"--authcheck-routes {routes}",
                openapi=config.getoption("authcheck_openapi"),
                resource=config.getoption("authcheck_resource"),
            )
            report = Runner(source, options, client=client, browser=_browser(config)).run(selected)
    except AuthcheckError as exc:
        pytest.exit(f"authcheck: {exc.message}", returncode=int(exc.exit_status))
    results.update({result.id: result for result in report.results})
    config.stash[_SETUP] = report.setup
    return results


def _browser(config: pytest.Config) -> BrowserCapture | None:
    """The browser capture for the us2.* scenarios, when --authcheck-frontend-url is given."""
    frontend = config.getoption("authcheck_frontend_url")
    if not frontend:
        return None
    from authcheck.frontend.capture import browser_for

    selectors = config.getoption("authcheck_selectors")
    backend = config.getoption("authcheck_backend_origin") or config.getoption("authcheck_target")
    artifacts = Path(str(config.rootpath)) / "authcheck-report"
    return browser_for(
        str(frontend), str(backend), artifacts, Path(selectors) if selectors else None
    )


# -- fixtures for users' own tests -----------------------------------------------------------


@pytest.fixture(scope="session")
def authcheck_issuer() -> Iterator[TestIssuer]:
    """A running Better-Auth-compatible test issuer (``.url`` = BETTER_AUTH_URL for a backend)."""
    from authcheck.issuer import TestIssuer

    with TestIssuer() as issuer:
        yield issuer


def _mint(issuer: TestIssuer, **request: Any) -> str:
    from authcheck.issuer import MintRequest

    return issuer.state.mint(MintRequest(**request)).token


@pytest.fixture
def authcheck_valid_token(authcheck_issuer: TestIssuer) -> TokenFactory:
    """``authcheck_valid_token("user-1", name="Ann")`` → a token the issuer's JWKS verifies."""

    def make(sub: str = "authcheck-user", **claims: Any) -> str:
        return _mint(authcheck_issuer, claims={"sub": sub, "id": sub, **claims})

    return make


@pytest.fixture
def authcheck_expired_token(authcheck_issuer: TestIssuer) -> TokenFactory:
    """A token signed by the issuer's real key that expired ``ago`` seconds ago (600)."""

    def make(sub: str = "authcheck-user", ago: int = 600, **claims: Any) -> str:
        import time

        now = int(time.time())
        expired = {"sub": sub, "iat": now - ago - 900, "exp": now - ago, **claims}
        return _mint(authcheck_issuer, claims=expired)

    return make


@pytest.fixture
def authcheck_foreign_token(authcheck_issuer: TestIssuer) -> TokenFactory:
    """A well-formed token signed by a key the issuer does not publish."""

    def make(sub: str = "authcheck-user", **claims: Any) -> str:
        return _mint(authcheck_issuer, claims={"sub": sub, **claims}, signer="foreign")

    return make
