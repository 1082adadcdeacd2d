"""Start-up: settings from the environment, one clear line for a bad one, tokens never logged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from authcheck.serve import ManagedProcess, free_port
from reference_backend.__main__ import main as backend_main
from reference_backend.core.config import ConfigError, Settings, load_settings
from reference_backend.main import create_app
from tests.reference_backend.jwks_server import TestIssuer

SETTINGS = (
    "BETTER_AUTH_URL", "JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_ALGORITHMS",
    "JWT_LEEWAY", "JWKS_CACHE_TTL", "DATABASE_URL", "CORS_ORIGINS",
)  # fmt: skip


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    return {**env, **values}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "BETTER_AUTH_URL"),
        ({"BETTER_AUTH_URL": "localhost:3000"}, "BETTER_AUTH_URL"),
        ({"BETTER_AUTH_URL": "http://a.test", "JWT_ALGORITHMS": "HS256"}, "JWT_ALGORITHMS"),
        ({"BETTER_AUTH_URL": "http://a.test", "JWT_LEEWAY": "soon"}, "JWT_LEEWAY"),
        ({"BETTER_AUTH_URL": "http://a.test", "JWKS_CACHE_TTL": "5m"}, "JWKS_CACHE_TTL"),
        ({"BETTER_AUTH_URL": "http://a.test", "JWKS_CACHE_TTL": "0"}, "JWKS_CACHE_TTL"),
        ({"BETTER_AUTH_URL": "http://a.test", "JWKS_CACHE_TTL": "999999"}, "JWKS_CACHE_TTL"),
        ({"BETTER_AUTH_URL": "http://a.test", "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"BETTER_AUTH_URL": "http://a.test", "DATABASE_URL": "sqlite:////no/such/dir/x.db"},
         "DATABASE_URL"),
        ({"BETTER_AUTH_URL": "http://a.test", "CORS_ORIGINS": "*"}, "CORS_ORIGINS"),
        ({"JWKS_URL": "http://a.test/jwks"}, "BETTER_AUTH_URL"),
    ],
)  # fmt: skip
def test_bad_setting_stops_start_up_with_one_line_naming_it(
    env: dict[str, str],
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``python -m reference_backend``'s own ``main``, in process: the same code, no interpreter
    start per case (the exit status of a real process is proven just below)."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    assert backend_main(["--port", str(free_port())]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("reference_backend: ") and named in lines[0]


def test_python_m_exits_2_with_one_line_for_a_bad_setting(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reference_backend", "--port", str(free_port())],
        env=clean_env(BETTER_AUTH_URL="http://a.test", JWT_ALGORITHMS="HS256"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "reference_backend: JWT_ALGORITHMS: 'HS256' is not supported; "
        "choose from EdDSA, ES256, ES512, RS256, PS256"
    ]


def test_uvicorn_import_path_also_stops_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "reference_backend.main:app", "--port", str(free_port())],
        env=clean_env(PYTHONPATH=str(Path(__file__).parents[2])),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("reference_backend: BETTER_AUTH_URL")


def test_better_auth_url_gives_jwks_issuer_and_audience(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BETTER_AUTH_URL", "http://localhost:3000")
    settings = load_settings()
    assert settings.jwks_url == "http://localhost:3000/api/auth/jwks"
    assert (settings.issuer, settings.audience) == ("http://localhost:3000",) * 2
    assert settings.JWT_ALGORITHMS == ("EdDSA", "ES256", "ES512", "RS256", "PS256")
    assert settings.JWT_LEEWAY == 30
    assert settings.JWKS_CACHE_TTL == 300
    assert settings.DATABASE_URL.startswith("sqlite:///")


def test_each_derived_setting_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_URL", "http://localhost:3000")
    monkeypatch.setenv("JWKS_URL", "http://auth.internal:3000/keys")
    monkeypatch.setenv("JWT_ISSUER", "https://app.example")
    monkeypatch.setenv("JWT_AUDIENCE", "https://api.example")
    monkeypatch.setenv("JWT_ALGORITHMS", "Ed25519, es256,RS256")
    monkeypatch.setenv("JWT_LEEWAY", "5")
    monkeypatch.setenv("JWKS_CACHE_TTL", "60")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.internal/tasks")
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:3000/,https://app.example")
    settings = load_settings()
    assert settings.jwks_url == "http://auth.internal:3000/keys"
    assert (settings.issuer, settings.audience) == ("https://app.example", "https://api.example")
    assert settings.JWT_ALGORITHMS == ("EdDSA", "ES256", "RS256")
    assert settings.JWT_LEEWAY == 5
    assert settings.JWKS_CACHE_TTL == 60
    assert create_app(settings).state.verifier.keys.max_age == 60  # the cache gets the setting
    assert settings.DATABASE_URL == "postgresql+psycopg://u@db.internal/tasks"
    assert settings.CORS_ORIGINS == ("http://localhost:3000", "https://app.example")


def test_missing_better_auth_url_is_fine_when_all_three_are_given() -> None:
    settings = Settings(JWKS_URL="http://a.test/jwks", JWT_ISSUER="i", JWT_AUDIENCE="a").check()
    assert settings.issuer == "i"
    with pytest.raises(ConfigError, match="BETTER_AUTH_URL"):
        Settings(JWKS_URL="http://a.test/jwks").check()


def test_cors_allows_the_configured_frontend_only(issuer: TestIssuer, sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    settings = Settings(
        BETTER_AUTH_URL=issuer.url, DATABASE_URL=sqlite_url, CORS_ORIGINS=("http://localhost:3000",)
    )
    with TestClient(create_app(settings)) as client:
        preflight = {"Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "authorization"}  # fmt: skip
        ok = client.options("/api/me", headers={"Origin": "http://localhost:3000", **preflight})
        assert ok.headers["access-control-allow-origin"] == "http://localhost:3000"
        other = client.options("/api/me", headers={"Origin": "http://evil.test", **preflight})
        assert "access-control-allow-origin" not in other.headers


def test_served_by_python_m_and_tokens_never_logged(issuer: TestIssuer, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "backend.log"
    env = clean_env(
        BETTER_AUTH_URL=issuer.url,
        JWT_ALGORITHMS="EdDSA,ES256",
        DATABASE_URL=f"sqlite:///{tmp_path / 'tasks.db'}",
    )
    argv = [sys.executable, "-m", "reference_backend", "--port", str(port), "--log-level", "debug"]
    url = f"http://127.0.0.1:{port}"
    valid, expired = issuer.mint("user-a"), issuer.mint("user-a", exp=1, iat=0)
    header, payload, signature = issuer.mint("user-a", alg="ES256").split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    with ManagedProcess(argv, ready_url=f"{url}/health", name="backend", env=env, log_path=log):
        with httpx.Client(base_url=url) as client:
            auth = {"Authorization": f"Bearer {valid}"}
            assert client.get("/api/user-a/tasks", headers=auth).status_code == 200
            for token in (expired, tampered, "Qx7pLm2nR8sT4vW6yZ1aB3cD5eF7gH9j"):
                response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 401
            bad = client.post("/api/user-a/tasks", headers=auth, json={"title": valid})
            assert bad.status_code == 422
    text = log.read_text()
    assert "GET /api/me" in text  # the log is really there
    for token in (valid, expired, tampered, "Qx7pLm2nR8sT4vW6yZ1aB3cD5eF7gH9j"):
        for part in token.split("."):
            assert part not in text
