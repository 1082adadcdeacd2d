"""`authcheck capture` on a frontend that is not the bundled dashboard, with no selectors file.

Our own page (tests/frontend/own_app/server.mjs: real Better Auth, its own form markup) in each of
its modes, through the browser and through the recording proxy: each gives its own verdict and
exit status. One Node server and three reference backends (CORS right, CORS allowing localhost
while the page is at 127.0.0.1, the wrong issuer) are shared by the module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from authcheck.cli.app import build_app
from authcheck.errors import ExitStatus
from authcheck.serve import free_port
from tests.frontend.own_app import OwnApp, own_app, reference_backend

pytestmark = [pytest.mark.browser, pytest.mark.node]


@dataclass(frozen=True)
class Backends:
    good: str
    localhost_cors: str  # CORS allows http://localhost:PORT; the page is at 127.0.0.1:PORT
    wrong_issuer: str  # refuses every valid JWT: it expects iss = http://localhost:PORT


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnApp]:
    with own_app(tmp_path_factory.mktemp("own-app") / "node.log") as running:
        yield running


@pytest.fixture(scope="module")
def backends(app: OwnApp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    base = tmp_path_factory.mktemp("own-backends")
    localhost = f"http://localhost:{app.port}"
    with (
        reference_backend(base / "good", app) as good,
        reference_backend(base / "cors", app, cors_origin=localhost) as cors,
        reference_backend(base / "iss", app, issuer=localhost) as iss,
    ):
        yield Backends(good, cors, iss)


def capture(app: OwnApp, backend: str, tmp_path: Path, *extra: str) -> Result:
    args = ["capture", "--frontend-url", app.url, "--backend-origin", backend]
    args += ["--artifacts", str(tmp_path / "artifacts"), *extra]
    return CliRunner().invoke(build_app("capture"), args)


def browser_run(app: OwnApp, mode: str, backend: str, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    app.configure(mode, backend)
    result = capture(app, backend, tmp_path, "--json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def proxy_run(app: OwnApp, mode: str, backend: str, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    port = free_port()
    app.configure(mode, f"http://127.0.0.1:{port}")  # browser and server now call the proxy
    result = capture(app, backend, tmp_path, "--json", "--proxy", "--proxy-port", str(port))
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    # one live line on stderr per request that passed: method, path, Authorization, verdict, status
    live = [line for line in result.stderr.splitlines() if "/tasks  " in line]
    assert len(live) == len(report["requests"]), result.stderr
    for line, request in zip(live, report["requests"], strict=True):
        status = request["status"] if request["status"] is not None else "no answer"
        assert line.startswith(f"{request['method']} /api/") and line.endswith(f"→ {status}")
        assert f"  {request['summary']}  " in line
        assert request["authorization"] is None or request["authorization"] in line
    return result.exit_code, report


# mode → (exit, verdict, words in the message, what the browser itself saw)
MODES = {
    "correct": (ExitStatus.OK, "jwt-valid", ("valid Better Auth JWT",), "jwt-valid"),
    "session-token": (ExitStatus.FINDINGS, "session-token", ("session id", "not a JWT"), None),
    "cookie": (ExitStatus.FINDINGS, "session-token", ("session_token cookie", "not a JWT"), None),
    "no-bearer": (ExitStatus.FINDINGS, "wrong-scheme", ("not 'Bearer <JWT>'",), None),
    # the page calls its own server, which calls the backend: only the proxy sees those calls
    "server-side": (ExitStatus.OK, "jwt-valid", ("valid Better Auth JWT",), "no-requests"),
}


def test_correct_frontend_is_green_in_the_browser_with_no_selectors_file(
    app: OwnApp, backends: Backends, tmp_path: Path
) -> None:
    code, report = browser_run(app, "correct", backends.good, tmp_path)
    assert code == ExitStatus.OK, report["outcome"]
    assert report["verdict"] == "jwt-valid"
    assert {(r["method"], r["status"]) for r in report["requests"]} >= {("GET", 200), ("POST", 201)}
    # the page's own form markup was found (a link to the sign-up page, fields by name/label)
    found = next(n for n in report["notes"] if n.startswith("found the sign-up form"))
    assert 'input[name=mail] ("e-mail address")' in found and "Join now" in found
    assert any(n.startswith("created and listed task") for n in report["notes"])


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_mode_through_the_proxy_and_the_browser(
    app: OwnApp, backends: Backends, tmp_path: Path, mode: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """One run drives the page through the recording proxy: the proxy's verdict and the
    browser's own view of the same session, each asserted."""
    code, verdict, words, browser_saw = MODES[mode]
    exit_code, report = proxy_run(app, mode, backends.good, tmp_path)
    assert exit_code == code, report["outcome"]
    assert report["verdict"] == verdict
    assert all(word in report["message"] for word in words), report["message"]
    statuses = {r["status"] for r in report["requests"]}
    assert statuses == ({401} if code == ExitStatus.FINDINGS else {200, 201})
    assert report["browser"]["verdict"] == (browser_saw or verdict)


def test_server_side_calls_are_invisible_to_the_browser_so_exit_3_says_use_the_proxy(
    app: OwnApp, backends: Backends, tmp_path: Path
) -> None:
    code, report = browser_run(app, "server-side", backends.good, tmp_path)
    assert code == ExitStatus.UNREACHABLE
    assert report["requests"] == []
    headline = report["outcome"]["headline"]
    assert headline.startswith("no request reached the backend: the page sent no request")
    assert "capture --proxy" in headline


@pytest.mark.parametrize("run", [browser_run, proxy_run], ids=["browser", "proxy"])
def test_cors_localhost_mixup_is_exit_3_naming_the_origin_difference(
    app: OwnApp, backends: Backends, tmp_path: Path, run: Any
) -> None:
    code, report = run(app, "correct", backends.localhost_cors, tmp_path)
    assert code == ExitStatus.UNREACHABLE, report["outcome"]
    headline = report["outcome"]["headline"]
    assert headline.startswith("no request reached the backend")
    assert f"the backend allows http://localhost:{app.port} instead" in headline
    assert "host (127.0.0.1 vs localhost" in headline and "CORS_ORIGINS" in headline
    assert "Chromium said: Access to fetch at" in headline  # its own console words
    assert "blocked by CORS policy" in headline


def test_valid_jwt_refused_by_the_backend_is_exit_1_with_the_doctor_command(
    app: OwnApp, backends: Backends, tmp_path: Path
) -> None:
    code, report = browser_run(app, "correct", backends.wrong_issuer, tmp_path)
    assert code == ExitStatus.FINDINGS
    assert report["verdict"] == "jwt-valid"
    outcome = report["outcome"]
    assert outcome["headline"].startswith("the frontend is fine; the backend refuses it")
    assert outcome["doctor"] == (
        f"authcheck doctor --better-auth-url {app.url} --backend-url {backends.wrong_issuer}"
    )


# mode, backend → the us2.* scenario that fails and words of its reason (None: all pass)
SCENARIO_CASES = {
    "correct": ("correct", "good", None, ()),
    "session-token": ("session-token", "good", "us2.bearer-header", ("session token",)),
    "cookie": ("cookie", "good", "us2.bearer-header", ("session token",)),
    "no-bearer": ("no-bearer", "good", "us2.bearer-header", ("not 'Bearer <JWT>'",)),
    "server-side": ("server-side", "good", "us2.bearer-header", ("made no request",)),
    "cors-mixup": ("correct", "localhost_cors", "us2.cors-preflight", ("127.0.0.1 vs localhost",)),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_scenarios_run_us2_passes_the_correct_frontend_and_fails_each_broken_one(
    app: OwnApp, backends: Backends, tmp_path: Path, case: str
) -> None:
    mode, which, failing, words = SCENARIO_CASES[case]
    backend = getattr(backends, which)
    app.configure(mode, backend)
    args = ["scenarios", "run", "--target", backend, "--better-auth-url", app.url]
    args += ["--frontend-url", app.url, "--select", "us2.*", "--report-json", "-"]
    args += ["--artifacts", str(tmp_path)]
    result = CliRunner().invoke(build_app("scenarios"), args)
    assert "Traceback" not in result.output
    statuses = {s["id"]: s for s in json.loads(result.stdout)["scenarios"]}
    assert set(statuses) == {"us2.bearer-header", "us2.cors-preflight", "us2.token-format"}
    if failing is None:
        assert result.exit_code == ExitStatus.OK, statuses
        assert all(s["status"] == "passed" for s in statuses.values())
        return
    assert result.exit_code == ExitStatus.FINDINGS
    failed = {i for i, s in statuses.items() if s["status"] == "failed"}
    assert failed == {failing}, statuses
    reason = json.dumps(statuses[failing])
    assert all(word in reason for word in words), reason
