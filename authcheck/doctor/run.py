"""`authcheck doctor` as a library: JWKS, token, verification, backend calls, ranked diagnosis."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from authcheck.core.classify import Classification, TokenKind, classify
from authcheck.core.fetch import JwksFetcher
from authcheck.core.findings import Finding
from authcheck.core.jwks import JwksError
from authcheck.core.redact import redact_token
from authcheck.core.verify import VerifyPolicy, VerifyResult
from authcheck.doctor.backend import call, tasks_path
from authcheck.doctor.model import BackendCall, DoctorReport, TokenFacts
from authcheck.doctor.rules import diagnose
from authcheck.errors import BadInputError, UnreachableError


def _base(url: str, flag: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadInputError(f"{flag} must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


def obtain_token(base_url: str, client: httpx.Client, credentials: tuple[str, str] | None) -> str:
    """A JWT from Better Auth's /api/auth/token: sign in with ``credentials`` or sign up fresh."""
    from authcheck.engine.better_auth import BetterAuthSource

    users = None if credentials is None else [credentials, credentials]
    source = BetterAuthSource(base_url, client, users=users)
    return source.valid_token(source.users[0])


def _facts(raw: str, origin: str, shape: Classification) -> TokenFacts:
    decoded = shape.decoded
    header = decoded.header if decoded and isinstance(decoded.header, dict) else {}
    claims = decoded.claims if decoded and isinstance(decoded.claims, dict) else {}
    exp = claims.get("exp")
    sub = claims.get("sub")
    return TokenFacts(
        origin=origin,
        kind=shape.kind.value,
        redacted=redact_token(shape.token or raw.strip()),
        alg=str(header["alg"]) if "alg" in header else None,
        kid=str(header["kid"]) if "kid" in header else None,
        iss=claims.get("iss"),
        aud=claims.get("aud"),
        sub=sub if isinstance(sub, str) else None,
        exp=float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None,
        findings=shape.findings,
    )


def _jwks(fetcher: JwksFetcher) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
    try:
        result = fetcher.refresh()
    except JwksError as exc:
        return (), (exc.finding,)
    keys = tuple(f"{k.kid} ({k.alg or k.kty})" for k in result.key_set.keys)
    return keys, result.transport_findings + result.key_set.findings


def run_doctor(
    better_auth_url: str,
    backend_url: str,
    *,
    token: str | None = None,
    credentials: tuple[str, str] | None = None,
    client: httpx.Client | None = None,
) -> DoctorReport:
    """Why does the backend answer 401? Everything as values; see `DoctorReport`."""
    base = _base(better_auth_url, "--better-auth-url")
    backend = _base(backend_url, "--backend-url")
    own = client is None
    http = client or httpx.Client(timeout=10.0)
    try:
        policy = VerifyPolicy.better_auth(base)
        with JwksFetcher(policy.jwks, http) as fetcher:
            keys, jwks_findings = _jwks(fetcher)
            if token is None:
                who = "a fresh sign-up" if credentials is None else f"signed in as {credentials[0]}"
                raw, origin = obtain_token(base, http, credentials), f"/api/auth/token ({who})"
            else:
                raw, origin = token, "--token"
            shape = classify(raw)
            verification: VerifyResult | None = None
            if shape.kind in (TokenKind.JWS, TokenKind.COOKIE_CACHE_JWT) and shape.token:
                verification = policy.verify(shape.token, fetcher=fetcher)
        facts = _facts(raw, origin, shape)
        credential = shape.token or raw.strip()
        calls: list[BackendCall] = [call(http, backend, "/api/me", credential)]
        user_id = facts.sub
        if user_id is None and calls[0].accepted:
            user_id = _user_id(http, backend, credential)
        if user_id is not None:
            calls.append(_call_again(http, backend, tasks_path(user_id), credential))
    finally:
        if own:
            http.close()
    report = DoctorReport(
        better_auth_url=base,
        backend_url=backend,
        jwks_url=policy.jwks,
        jwks_keys=keys,
        jwks_findings=jwks_findings,
        token=facts,
        verification=verification,
        calls=tuple(calls),
    )
    return diagnose(report)


def _call_again(client: httpx.Client, backend: str, path: str, credential: str) -> BackendCall:
    """A later call: the backend answered before, so no answer now is a finding, not exit 3."""
    try:
        return call(client, backend, path, credential)
    except UnreachableError as exc:
        return BackendCall("GET", path, None, 0.0, detail=f"no answer: {exc.message}")


def _user_id(client: httpx.Client, backend: str, credential: str) -> str | None:
    """The user id ``/api/me`` reports, when the token itself has no readable sub."""
    response = client.get(backend + "/api/me", headers={"Authorization": f"Bearer {credential}"})
    try:
        value = response.json().get("user_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None
