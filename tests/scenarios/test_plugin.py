"""The pytest plugin, run in a child pytest (as a user's CI would run it)."""

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from authcheck.engine.catalogue import Capability, load_catalogue
from authcheck.issuer import TestIssuer
from authcheck.serve import ThreadedUvicorn, free_port
from tests.broken_backends.app import build_app


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


def test_plugin_adds_nothing_without_its_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["collected 1 item"])


def test_target_without_issuer_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--authcheck-target", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--authcheck-issuer-url" in result.stderr.str()


def test_one_test_per_scenario_with_junit(
    pytester: pytest.Pytester, issuer: TestIssuer, tmp_path: Path
) -> None:
    junit = tmp_path / "junit.xml"
    with ThreadedUvicorn(build_app(issuer.url)) as backend:
        result = pytester.runpytest_subprocess(
            "--authcheck-target",
            backend.url,
            "--authcheck-issuer-url",
            issuer.url,
            f"--junitxml={junit}",
            "-rs",
        )
    catalogue = load_catalogue()
    browser = sum(Capability.BROWSER in s.needs for s in catalogue)
    # one test per scenario, plus the preflight (the happy path, proven first)
    result.assert_outcomes(passed=len(catalogue) - browser + 1, skipped=browser)
    result.stdout.fnmatch_lines(
        [f"collected {len(catalogue) + 1} items", "*us2.bearer-header: skipped*browser*"]
    )
    names = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    assert {"edge.alg-none", "us3.cross-user-denied", "sc005.reject-latency"} <= names


def test_k_selects_and_failures_explain(pytester: pytest.Pytester, issuer: TestIssuer) -> None:
    with ThreadedUvicorn(build_app(issuer.url, frozenset({"alg-none-accepted"}))) as backend:
        result = pytester.runpytest_subprocess(
            "--authcheck-target",
            backend.url,
            "--authcheck-issuer-url",
            issuer.url,
            "-k",
            "alg-none or tampered",
        )
    result.assert_outcomes(failed=1, passed=1, deselected=len(load_catalogue()) - 1)
    out = result.stdout.str()
    assert "edge.alg-none" in out and "what to change" in out and "got 200" in out


def test_under_xdist_each_worker_runs_its_own_share(
    pytester: pytest.Pytester, issuer: TestIssuer
) -> None:
    with ThreadedUvicorn(build_app(issuer.url, frozenset({"no-aud-check"}))) as backend:
        result = pytester.runpytest_subprocess(
            "-n",
            "2",
            "--authcheck-target",
            backend.url,
            "--authcheck-issuer-url",
            issuer.url,
            "-k",
            "alg-none or wrong-audience or create-task",
        )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*edge.wrong-audience*"])


def test_unreachable_target_stops_the_run_with_one_line(
    pytester: pytest.Pytester, issuer: TestIssuer
) -> None:
    target = f"http://127.0.0.1:{free_port()}"
    result = pytester.runpytest_subprocess(
        "--authcheck-target", target, "--authcheck-issuer-url", issuer.url
    )
    assert result.ret == 3
    assert "target not reachable" in result.stdout.str() + result.stderr.str()


def test_token_fixtures_for_users_own_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx, jwt, pytest

        def _key(issuer, token):
            keys = httpx.get(issuer.url + "/api/auth/jwks").json()["keys"]
            kid = jwt.get_unverified_header(token)["kid"]
            return {k["kid"]: jwt.PyJWK(k) for k in keys}.get(kid)

        def test_valid(authcheck_issuer, authcheck_valid_token):
            token = authcheck_valid_token("user-7", name="Ann")
            claims = jwt.decode(token, _key(authcheck_issuer, token).key, algorithms=["EdDSA"],
                                audience=authcheck_issuer.url, issuer=authcheck_issuer.url)
            assert claims["sub"] == "user-7" and claims["name"] == "Ann"

        def test_expired(authcheck_issuer, authcheck_expired_token):
            token = authcheck_expired_token("user-7")
            with pytest.raises(jwt.ExpiredSignatureError):
                jwt.decode(token, _key(authcheck_issuer, token).key, algorithms=["EdDSA"],
                           audience=authcheck_issuer.url)

        def test_foreign(authcheck_issuer, authcheck_foreign_token):
            assert _key(authcheck_issuer, authcheck_foreign_token("user-7")) is None
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=3)


def test_a_broken_happy_path_fails_once_and_the_rest_is_not_run(
    pytester: pytest.Pytester, issuer: TestIssuer
) -> None:
    # a backend that trusts another issuer refuses every valid token: the preflight says so once
    with TestIssuer() as other, ThreadedUvicorn(build_app(other.url)) as backend:
        result = pytester.runpytest_subprocess(
            "--authcheck-target",
            backend.url,
            "--authcheck-issuer-url",
            issuer.url,
            "-k",
            "(preflight and not cors) or alg-none or crud",
            "-rs",
        )
    result.assert_outcomes(failed=1, skipped=2, deselected=len(load_catalogue()) - 2)
    out = result.stdout.str()
    assert out.count("preflight failed: create:") == 1 and "unknown signing key" in out
    assert "not run: the preflight's create step failed" in out
