"""Key handling: rotation is picked up, an outage is survived, the JWKS is not re-fetched."""

from __future__ import annotations

import secrets
import time

from authcheck.engine.catalogue import Capability
from authcheck.engine.checks._util import failed, passed, says, warned
from authcheck.engine.context import Context
from authcheck.engine.results import Outcome
from authcheck.engine.source import user_claims
from authcheck.engine.tasks import TasksApi
from authcheck.issuer.forge import MintRequest

# A backend may refetch the JWKS for an unknown kid at most once per ~10 s: allow for that.
ROTATION_WINDOW_S = 12.0
_POLL_S = 0.25


def check_key_rotation(ctx: Context) -> Outcome:
    """Runs first, before this run's other requests: a backend that already holds the old key
    set must refetch for the new kid; a cold one shows at least that it takes the new key."""
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    old_kid = ctx.source.facts().kid
    new_kid = ctx.source.rotate()
    if new_kid == old_kid:
        return failed("the issuer did not rotate (same kid)")
    token = ctx.source.valid_token(a)
    started = time.monotonic()
    while True:
        response = api.list_tasks(a, token, probe="token signed with the new key")
        waited = time.monotonic() - started
        if response.status_code == 200:
            return passed(f"a token with the new kid was accepted after {waited:.1f} s")
        if response.status_code >= 500 and response.status_code != 503:
            return failed(f"a token with the new kid got {says(response)}")
        if waited > ROTATION_WINDOW_S:
            return failed(
                f"a token with the new kid was refused for {ROTATION_WINDOW_S:.0f} s "
                f"(last: {says(response)}): refetch the JWKS when a token has an unknown kid"
            )
        time.sleep(_POLL_S)  # polling the condition (acceptance), not a fixed wait


def check_jwks_outage(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    warm = api.list_tasks(a, ctx.source.valid_token(a), probe="warm-up")
    if warm.status_code != 200:
        return warned(f"could not warm up with a valid token ({warm.status_code}); not judged")
    problems: list[str] = []
    counted = Capability.COUNTERS in ctx.source.capabilities
    before = ctx.source.counters()["jwks_fetches"] if counted else 0
    ctx.source.outage(True)
    try:
        for n in range(5):
            token = ctx.source.valid_token(a)
            response = api.list_tasks(a, token, probe=f"valid token during outage {n}")
            if response.status_code != 200:
                problems.append(f"valid token during the outage: {says(response)}")
                break
        stranger = ctx.source.mint(MintRequest(claims=user_claims(a), signer="foreign"))
        response = api.list_tasks(a, stranger, probe="unknown kid during outage")
        if response.status_code >= 500 and response.status_code != 503:
            problems.append(f"unknown kid during the outage: {says(response)} (use 503)")
        elif response.status_code < 400:
            problems.append(f"unknown kid during the outage was accepted ({response.status_code})")
    finally:
        ctx.source.outage(False)
    if problems:
        return failed("; ".join(problems) + ": keep the cached keys while the JWKS is down")
    tried = ctx.source.counters()["jwks_fetches"] - before if counted else None
    note = ""
    if tried == 0:
        note = " (the backend did not try the JWKS during the outage, e.g. a rate-limited refetch)"
    return passed("cached keys kept working while the JWKS answered 503" + note)


def check_local_validation(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    calls = ctx.scenario.calls
    limit = ctx.scenario.expect.max_jwks_fetches
    limit = 1 if limit is None else limit
    start = ctx.source.counters()
    before = start["jwks_fetches"]
    token = ctx.source.valid_token(a)
    ok = 0
    for n in range(calls):
        if n % 10 == 0:
            token = ctx.source.valid_token(a)  # several distinct tokens, not one cached string
        ok += api.list_tasks(a, token, probe=f"authenticated call {n}").status_code == 200
    end = ctx.source.counters()
    fetches = end["jwks_fetches"] - before
    details = {"calls": calls, "ok": ok, "jwks_fetches": fetches}
    other = None
    if "other_requests" in start and "other_requests" in end:  # optional counter
        other = details["issuer_other_requests"] = end["other_requests"] - start["other_requests"]
    if ok != calls:
        return failed(f"only {ok} of {calls} authenticated calls got 200", **details)
    if fetches > limit:
        return failed(
            f"{calls} authenticated calls caused {fetches} JWKS fetches (at most {limit}): "
            "cache the key set and verify locally",
            **details,
        )
    if other:
        return failed(
            f"{calls} authenticated calls made {other} other request(s) to the issuer "
            "(e.g. /api/auth/get-session): validate the JWT locally instead",
            **details,
        )
    burst = ctx.scenario.expect.max_unknown_kid_fetches
    if burst is None:
        return passed(f"{calls} authenticated calls, {fetches} JWKS fetch(es)", **details)
    refetches = details["unknown_kid_fetches"] = _unknown_kid_burst(ctx)
    if refetches > burst:
        return failed(
            f"{UNKNOWN_KID_CALLS} tokens with unknown kids caused {refetches} JWKS fetches "
            f"(at most {burst}): each garbage token becomes a call to Better Auth; "
            "refetch for an unknown kid at most once per ~10 s",
            **details,
        )
    return passed(
        f"{calls} authenticated calls, {fetches} JWKS fetch(es); {UNKNOWN_KID_CALLS} unknown "
        f"kids, {refetches} more",
        **details,
    )


UNKNOWN_KID_CALLS = 20


def _unknown_kid_burst(ctx: Context) -> int:
    """JWKS fetches caused by tokens (foreign key) whose kids the issuer never published."""
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    tokens = [
        ctx.source.mint(
            MintRequest(
                claims=user_claims(a),
                signer="foreign",
                header={"kid": f"authcheck-unknown-{secrets.token_hex(4)}"},
            )
        )
        for _ in range(UNKNOWN_KID_CALLS)
    ]
    before = ctx.source.counters()["jwks_fetches"]
    for n, token in enumerate(tokens):
        api.list_tasks(a, token, probe=f"unknown kid {n}")
    return ctx.source.counters()["jwks_fetches"] - before
