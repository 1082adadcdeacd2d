import dataclasses
from pathlib import Path

import pytest

from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.engine.catalogue import Capability, Scenario
from authcheck.engine.checks.token import SESSION_MESSAGE
from authcheck.engine.results import ProgressEvent, Status
from authcheck.engine.routes import FLAT, load_routes
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.errors import UnreachableError
from authcheck.issuer import MintRequest, MintUnavailable, TestIssuer
from authcheck.serve import ThreadedUvicorn, free_port
from tests.broken_backends.app import build_app
from tests.engine.conftest import pick

STORIES = ("us1.list-own-tasks", "us1.create-task", "us1.crud-roundtrip")
STORIES += ("us3.jwks-verification", "us3.cross-user-denied")


class FakeBrowser:
    def __init__(self, result: CaptureResult) -> None:
        self.result = result
        self.calls = 0

    def capture(self) -> CaptureResult:
        self.calls += 1
        return self.result


class NoPrivateKey:
    """A source like a real Better Auth without the control API: no issuer-key minting."""

    def __init__(self, inner: ControlSource, expired_token: str | None = None) -> None:
        self._inner = inner
        self.description = "limited"
        self.users = inner.users
        self.expired_token = expired_token
        self.capabilities = frozenset({Capability.EXPIRED_TOKEN} if expired_token else set())
        self.facts = inner.facts
        self.valid_token = inner.valid_token
        self.public_keys = inner.public_keys

    def mint(self, request: MintRequest) -> str:
        if request.signer == "issuer" and request.embed is None:
            raise MintUnavailable("needs the issuer's private key")
        return self._inner.mint(request)

    def rotate(self) -> str:
        raise MintUnavailable("no rotation")

    def outage(self, on: bool) -> None:
        raise MintUnavailable("no outage")

    def counters(self) -> dict[str, int]:
        raise MintUnavailable("no counters")


def statuses(report: object) -> dict[str, Status]:
    return {r.id: r.status for r in report.results}  # type: ignore[attr-defined]


def test_unreachable_target_is_one_error(
    source: ControlSource, catalogue: tuple[Scenario, ...]
) -> None:
    target = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(UnreachableError, match="target not reachable"):
        Runner(source, RunOptions(target=target)).run(catalogue)


def test_progress_reports_each_scenario(
    source: ControlSource, backend: ThreadedUvicorn, catalogue: tuple[Scenario, ...]
) -> None:
    events: list[ProgressEvent] = []
    chosen = pick(catalogue, "edge.tampered", "edge.alg-none", "us1.create-task")
    report = Runner(source, RunOptions(target=backend.url), progress=events.append).run(chosen)
    assert [e.kind for e in events].count("started") == 3
    finished = {e.scenario_id: e.result for e in events if e.kind == "finished"}
    assert set(finished) == {s.id for s in chosen}
    assert all(e.total == 3 for e in events)
    assert tuple(finished[s.id] for s in chosen) == report.results


def test_flat_routes_run_the_stories_through_task_ids(
    source: ControlSource, catalogue: tuple[Scenario, ...], issuer: TestIssuer
) -> None:
    options = lambda url: RunOptions(target=url, routes=FLAT)  # noqa: E731
    with ThreadedUvicorn(build_app(issuer.url, flat=True)) as good:
        report = Runner(source, options(good.url)).run(pick(catalogue, *STORIES))
    assert set(statuses(report).values()) == {Status.PASSED}
    assert any("/api/tasks" in r.url for r in report.results[0].requests)
    with ThreadedUvicorn(build_app(issuer.url, frozenset({"list-leaks"}), flat=True)) as leaky:
        report = Runner(source, options(leaky.url)).run(pick(catalogue, *STORIES))
    assert {k for k, v in statuses(report).items() if v is Status.FAILED} == {
        "us1.list-own-tasks",
        "us3.jwks-verification",
        "us3.cross-user-denied",
    }


def test_routes_file_completes_through_update(
    source: ControlSource, backend: ThreadedUvicorn, catalogue: tuple[Scenario, ...], tmp_path: Path
) -> None:
    path = tmp_path / "routes.toml"
    path.write_text('complete = ""\n')
    routes = load_routes(str(path))
    report = Runner(source, RunOptions(target=backend.url, routes=routes)).run(
        pick(catalogue, "us1.crud-roundtrip")
    )
    assert report.results[0].status is Status.PASSED
    assert not any(r.url.endswith("/complete") for r in report.results[0].requests)


def test_missing_capabilities_skip_never_pass(
    source: ControlSource, backend: ThreadedUvicorn, catalogue: tuple[Scenario, ...]
) -> None:
    report = Runner(NoPrivateKey(source), RunOptions(target=backend.url)).run(catalogue)
    result = statuses(report)
    for scenario in catalogue:
        if scenario.needs:
            assert result[scenario.id] is Status.SKIPPED, scenario.id
    skipped = {r.id: r.reason for r in report.results if r.status is Status.SKIPPED}
    assert "control API" in skipped["edge.wrong-audience"]
    assert "browser" in skipped["us2.bearer-header"]
    # forged without the private key: still judged
    for scenario_id in ("edge.alg-none", "edge.hs256-confusion", "edge.tampered", "edge.malformed"):
        assert result[scenario_id] is Status.PASSED
    # a scenario that needs the private key for one probe skips rather than half-passes
    assert not any(r.status is Status.ERROR for r in report.results)


def test_expired_token_fallback(
    source: ControlSource, backend: ThreadedUvicorn, catalogue: tuple[Scenario, ...]
) -> None:
    expired = source.mint(
        MintRequest(claims={"sub": source.users[0].id, "exp": 1_000_000_000, "iat": 999_999_000})
    )
    limited = NoPrivateKey(source, expired_token=expired)
    report = Runner(limited, RunOptions(target=backend.url)).run(pick(catalogue, "edge.expired"))
    assert report.results[0].status is Status.PASSED


def test_browser_session_token_is_named(
    source: ControlSource, backend: ThreadedUvicorn, catalogue: tuple[Scenario, ...]
) -> None:
    session = "A" * 32
    browser = FakeBrowser(
        CaptureResult(
            requests=(
                CapturedRequest("GET", backend.url + "/api/x/tasks", f"Bearer {session}", 401),
            ),
            token_from_client=None,
        )
    )
    chosen = pick(catalogue, "us2.bearer-header", "us2.token-format")
    report = Runner(source, RunOptions(target=backend.url), browser=browser).run(chosen)
    bearer = next(r for r in report.results if r.id == "us2.bearer-header")
    assert bearer.status is Status.FAILED
    assert SESSION_MESSAGE in bearer.reason
    assert browser.calls == 1  # one capture shared by both browser scenarios


def test_browser_jwt_header_passes_and_its_token_is_checked(
    source: ControlSource, backend: ThreadedUvicorn, catalogue: tuple[Scenario, ...]
) -> None:
    token = source.valid_token(source.users[0])
    good = CaptureResult(
        requests=(CapturedRequest("GET", backend.url + "/api/x/tasks", f"Bearer {token}", 200),),
        token_from_client=token,
    )
    chosen = pick(catalogue, "us2.bearer-header", "us2.token-format")
    report = Runner(source, RunOptions(target=backend.url), browser=FakeBrowser(good)).run(chosen)
    assert set(statuses(report).values()) == {Status.PASSED}
    assert "browser" in next(r for r in report.results if r.id == "us2.token-format").reason
    foreign = source.mint(MintRequest(claims={"sub": "x"}, signer="foreign"))
    bad = dataclasses.replace(good, token_from_client=foreign)
    report = Runner(source, RunOptions(target=backend.url), browser=FakeBrowser(bad)).run(
        pick(catalogue, "us2.token-format")
    )
    assert report.results[0].status is Status.FAILED
    assert "header.kid-unknown" in report.results[0].reason  # core.credential's verdict


def test_no_full_token_in_results(
    source: ControlSource, issuer: TestIssuer, catalogue: tuple[Scenario, ...]
) -> None:
    with ThreadedUvicorn(build_app(issuer.url, frozenset({"alg-none-accepted"}))) as server:
        report = Runner(source, RunOptions(target=server.url)).run(catalogue)
    token = source.valid_token(source.users[0])
    header = token.split(".")[0]
    text = repr(report)
    assert token not in text
    assert all(
        r.authorization is None
        or "redacted" in r.authorization
        or r.authorization == "Bearer"
        or r.authorization.startswith("Basic")
        for result in report.results
        for r in result.requests
    )
    assert header[:6] in text  # recognisable, not removed
