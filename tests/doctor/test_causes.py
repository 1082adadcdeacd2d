"""End to end: one backend per cause against the test issuer, no --token and no --routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.issuer import TestIssuer
from authcheck.serve import ThreadedUvicorn, free_port
from tests.doctor.backends import backend_for


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


def doctor(issuer_url: str, cause: str, *extra: str, **settings: str) -> tuple[int, dict[str, Any]]:
    with ThreadedUvicorn(backend_for(cause, issuer_url, **settings)) as server:
        reset(issuer_url)
        args = ["doctor", "--issuer-url", issuer_url, "--backend-url", server.url, "--json"]
        result = CliRunner().invoke(app, [*args, *extra])
    return result.exit_code, json.loads(result.output)


def reset(issuer_url: str) -> None:
    """Each backend meets the issuer fresh: "no JWKS fetch ever" counts from its start."""
    httpx.post(issuer_url + "/__authcheck/counters/reset", timeout=5).raise_for_status()


def first(report: dict[str, Any]) -> str:
    return str(report["diagnosis"][0]["code"]) if report["diagnosis"] else "none"


def swap_host(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


def test_good_backend_exits_0_with_no_finding(issuer: TestIssuer) -> None:
    code, report = doctor(issuer.url, "good")
    assert (code, report["accepted"]) == (0, True), report["diagnosis"]
    assert report["token"]["origin"].startswith("minted through the control API")
    assert report["seconds"] < 10


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"jwt_issuer": "LOCALHOST"}, "issuer-mismatch"),
        ({"jwt_issuer": "HTTPS"}, "issuer-mismatch"),
        ({"better_auth_url": "SLASH"}, "base-url-mismatch"),
        ({"jwt_audience": "BACKEND"}, "audience-mismatch"),
    ],
)
def test_url_mismatch_names_the_one_value_the_backend_accepts(
    issuer: TestIssuer, settings: dict[str, str], expected: str
) -> None:
    values = {
        "LOCALHOST": swap_host(issuer.url),
        "HTTPS": issuer.url.replace("http:", "https:"),
        "SLASH": issuer.url + "/",
        "BACKEND": "",
    }
    port = free_port()
    values["BACKEND"] = f"http://127.0.0.1:{port}"
    resolved = {k: values[v] for k, v in settings.items()}
    jwks = {"jwks_url": issuer.url + "/api/auth/jwks"}
    with ThreadedUvicorn(backend_for("good", issuer.url, **jwks, **resolved), port=port) as server:
        args = ["doctor", "--issuer-url", issuer.url, "--backend-url", server.url, "--json"]
        result = CliRunner().invoke(app, args)
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert first(report) == expected, report["diagnosis"]
    assert next(iter(resolved.values())) in report["diagnosis"][0]["title"]


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        ("wrong-iss-accepted", "iss-not-checked"),
        ("typ-required", "typ-required"),
        ("user-from-email", "user-from-email"),
        ("user-from-id", "user-from-id"),
        ("user-from-user_id", "user-from-user_id"),
        ("crashes", "backend-500"),
        ("shared-secret", "shared-secret"),
    ],
)
def test_each_cause_is_ranked_first(issuer: TestIssuer, cause: str, expected: str) -> None:
    code, report = doctor(issuer.url, cause, better_auth_secret="x" * 32)
    assert code == 1
    assert first(report) == expected, report["diagnosis"]


def test_jwks_unreachable_from_the_backend_is_named_not_a_crash(issuer: TestIssuer) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/auth/jwks"
    code, report = doctor(issuer.url, "jwks-unreachable", jwks_url=nowhere)
    assert code == 1
    assert first(report) == "backend-jwks-unreachable", report["diagnosis"]
    assert report["jwks"]["fetches_by_others"] == 0


def test_rs256_only_backend_is_proven_by_a_staged_rs256_key(issuer: TestIssuer) -> None:
    kid = issuer.state.info()["kid"]
    code, report = doctor(issuer.url, "good", jwt_algorithms=["RS256"])
    assert code == 1
    assert first(report) == "algorithm-not-allowed", report["diagnosis"]
    cause = report["diagnosis"][0]
    assert cause["title"] == "The backend accepts RS256 but not EdDSA"
    assert "staged RS256 key → 200" in cause["evidence"]  # an experiment, not the words
    assert "EdDSA" in cause["backend"] and "JWT_ALGORITHMS" in cause["backend"]
    assert "keyPairConfig" in cause["frontend"]
    tried = {e["code"]: e["accepted"] for e in report["experiments"] if e["variable"] == "alg"}
    assert tried == {"alg.ES256": False, "alg.ES512": False, "alg.RS256": True, "alg.PS256": False}
    info = issuer.state.info()  # restored: the current key untouched, nothing left staged
    assert (info["kid"], info["staged"]) == (kid, [])


def test_a_backend_allowing_every_algorithm_has_no_algorithm_finding(issuer: TestIssuer) -> None:
    everything = ["EdDSA", "ES256", "ES512", "RS256", "PS256"]
    code, report = doctor(issuer.url, "good", jwt_algorithms=everything)
    assert code == 0, report["diagnosis"]
    tried = [e["accepted"] for e in report["experiments"] if e["code"].startswith("alg.")]
    assert tried == [True] * 4


def test_better_auth_secret_proves_the_shared_secret_setup(issuer: TestIssuer) -> None:
    secret = "s" * 32
    code, report = doctor(
        issuer.url, "shared-secret", "--better-auth-secret", secret, better_auth_secret=secret
    )
    assert code == 1
    assert first(report) == "shared-secret"
    assert "it verifies HS256" in report["diagnosis"][0]["title"]
    assert secret not in json.dumps(report)


def test_experiments_and_their_answers_are_in_the_json(issuer: TestIssuer) -> None:
    _, report = doctor(issuer.url, "good")
    by_code = {e["code"]: e for e in report["experiments"]}
    assert by_code["refuse.iss"]["accepted"] is False
    assert by_code["refuse.alg-none"]["answer"]["status"] == 401
    assert {"iss", "aud", "base-url", "header", "claims", "lifetime", "signature"} <= {
        e["variable"] for e in report["experiments"]
    }
