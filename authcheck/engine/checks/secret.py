"""FR-010, the shared-secret hole: HS256/384/512 tokens MACed with BETTER_AUTH_SECRET.

The spec's closing note describes a backend that verifies HS256 with the shared secret; Better
Auth's JWT plugin signs with its JWKS keys, so such a backend accepts tokens anyone who knows (or
guesses) the secret can make. The tokens are MACed here, locally: no issuer is needed. The
secret itself never appears in a probe name, a reason or a detail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from authcheck.core.b64 import b64url_encode
from authcheck.engine.checks._util import failed, not_run, passed, says
from authcheck.engine.context import Context, bearer
from authcheck.engine.results import Outcome
from authcheck.engine.source import user_claims
from authcheck.engine.tasks import TasksApi

# Placeholder secrets that templates, `.env.example` files and code fallbacks ship
# (`os.getenv("BETTER_AUTH_SECRET", "...")`), tried when no secret is given; listed in
# docs/scenarios.md. Reports name them by their label.
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    (
        "placeholder 1 (your-secret-key-change-in-production)",
        "your-secret-key-change-in-production",
    ),
    ("placeholder 2 (your-secret-key)", "your-secret-key"),
    ("placeholder 3 (your-better-auth-secret)", "your-better-auth-secret"),
    ("placeholder 4 (better-auth-secret)", "better-auth-secret"),
    ("placeholder 5 (changeme)", "changeme"),
    ("placeholder 6 (secret)", "secret"),
)
GIVEN = "BETTER_AUTH_SECRET"
_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def mac_token(claims: dict[str, Any], secret: str, alg: str) -> str:
    """A compact JWS MACed with ``secret``, header ``{"alg": alg, "typ": "JWT"}``."""
    header = b64url_encode(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    mac = hmac.new(secret.encode(), signing_input, _HASHES[alg]).digest()
    return f"{signing_input.decode()}.{b64url_encode(mac)}"


def _variants(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    facts = ctx.source.facts()
    now = int(time.time())
    base = {
        **user_claims(ctx.source.users[0]),
        "iat": now,
        "exp": now + 900,
        "iss": facts.issuer,
        "aud": facts.audience,
    }
    no_exp = {k: v for k, v in base.items() if k != "exp"}
    no_aud = {k: v for k, v in base.items() if k != "aud"}
    return [("valid claims", base), ("no exp", no_exp), ("no aud", no_aud)]


def check_shared_secret(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    control = api.list_tasks(a, ctx.source.valid_token(a), probe="control: valid token")
    # Sent even when valid tokens are refused (a backend that only knows the shared secret
    # refuses them all): an accepted HS* token is proof of the hole either way; refusals then
    # prove nothing, and the scenario is not-run.
    given = ctx.settings.better_auth_secret
    secrets = [(GIVEN, given)] if given else list(PLACEHOLDERS)
    accepted: list[str] = []
    crashed: list[str] = []
    sent = 0
    for label, secret in secrets:
        for alg in _HASHES:
            for variant, claims in _variants(ctx):
                name = f"{alg} MACed with {label}, {variant}"
                response = api.list_raw(a, bearer(mac_token(claims, secret, alg)), probe=name)
                sent += 1
                if response.status_code < 400:
                    accepted.append(f"{name} ({response.status_code})")
                elif response.status_code >= 500 and response.status_code != 503:
                    crashed.append(f"{name}: {says(response)}")
    tried = GIVEN if given else f"{len(PLACEHOLDERS)} template placeholder secrets"
    details = {"tried": [label for label, _ in secrets], "tokens": sent}
    if accepted:
        return failed(
            f"CRITICAL: {len(accepted)} HS* token(s) MACed with {tried} were accepted, e.g. "
            f"{accepted[0]}: anyone who knows the secret can sign in as any user",
            **details,
        )
    if control.status_code != 200:
        return not_run(
            f"a valid token got {control.status_code}, so the refusal of {sent} HS* tokens "
            "proves nothing",
            **details,
        )
    if crashed:
        return failed(f"{len(crashed)} shared-secret token(s) crashed it: {crashed[0]}", **details)
    hint = "" if given else " (pass --better-auth-secret or BETTER_AUTH_SECRET to try yours)"
    return passed(f"{sent} HS256/384/512 tokens MACed with {tried} were refused{hint}", **details)
