"""Key handling: a new key is picked up, an outage is survived, the JWKS is not re-fetched."""

from __future__ import annotations

import secrets
import time
from typing import Literal

import httpx

from authcheck.engine.catalogue import Capability
from authcheck.engine.checks import advice
from authcheck.engine.checks._util import failed, not_run, passed, says
from authcheck.engine.context import Context
from authcheck.engine.results import Outcome, Status
from authcheck.engine.source import TokenSource, can_stage, user_claims
from authcheck.engine.tasks import TasksApi
from authcheck.issuer.forge import MintRequest

# PyJWT 2.15.1's PyJWKClient refuses to refetch within `cooldown_duration` (30 s) of its last
# successful fetch, the first one included; the reference backend waits 10 s. Cover 30 s with a
# margin. --thorough also waits out a backend that only reloads when its cached set expires
# (PyJWKClient's `lifespan`, 300 s).
ROTATION_WINDOW_S = 40.0
THOROUGH_ROTATION_WINDOW_S = 330.0
# --thorough holds the JWKS outage this long by default: past a backend's refresh every minute.
THOROUGH_OUTAGE_S = 65.0
_OUTAGE_ROUND_S = 2.0
# A backend that rate-limits refetches for unknown kids (10 s is common; the key rotation just
# used its window) tries the JWKS only later: the outage is held until it has tried, up to this,
# so a backend that fails open when that fetch fails is caught in a quick run too.
OUTAGE_FETCH_WAIT_S = 12.0
_FETCH_POLL_S = 0.5


def _pause(waited: float) -> float:
    """Poll fast first (a quick backend costs nothing), then at most once a second."""
    return min(1.0, 0.1 + waited / 10)


def _fetches(ctx: Context) -> int | None:
    if Capability.COUNTERS not in ctx.source.capabilities:
        return None
    return ctx.source.counters()["jwks_fetches"]


def rotation_order(source: TokenSource) -> Literal["first", "last"]:
    """Where `edge.key-rotation` runs. First, before anything starts a backend's unknown-kid
    refetch limit (sc002's burst, the outage), when the source can stage the next key: valid
    tokens keep the current key, so a backend that misses the new kid spoils nothing. Else last:
    after a real rotation every later valid token carries the new kid."""
    return "first" if can_stage(source) else "last"


def check_key_rotation(ctx: Context) -> Outcome:
    """Warm the backend with the current key, publish a new one (staged when the source can,
    else a real rotation), then poll a token with the new kid until the backend has refetched
    its key set (or the window is over). A staged key the backend took is promoted to current
    afterwards; one it missed is dropped, and valid tokens never carried it."""
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    warm = api.list_tasks(a, ctx.source.valid_token(a), probe="warm-up: token with the current key")
    if warm.status_code != 200:
        return not_run(f"a valid token with the current key got {warm.status_code}")
    old_kid = ctx.source.facts().kid
    before = _fetches(ctx)
    if can_stage(ctx.source):
        new_kid = ctx.source.stage()
        outcome: Outcome | None = None
        try:
            token = ctx.source.mint(MintRequest(claims=user_claims(a), kid=new_kid))
            outcome = _new_kid_accepted(ctx, api, token, before, how="staged")
            return outcome
        finally:
            # the backend has the new key: promote it, so its key set and the issuer's agree
            # (a dropped key would stay in its cache as "the newest"); a miss is just dropped
            if outcome is not None and outcome.status is Status.PASSED:
                ctx.source.rotate()
            else:
                ctx.source.unstage()
    new_kid = ctx.source.rotate()
    if new_kid == old_kid:
        return failed("the issuer did not rotate (same kid)")
    return _new_kid_accepted(ctx, api, ctx.source.valid_token(a), before, how="rotated")


def _new_kid_accepted(
    ctx: Context, api: TasksApi, token: str, before: int | None, *, how: str
) -> Outcome:
    """Poll ``token`` (signed by the new key) until accepted, refused past the window, or 5xx."""
    a = ctx.source.users[0]
    window = THOROUGH_ROTATION_WINDOW_S if ctx.settings.thorough else ROTATION_WINDOW_S
    started = time.monotonic()
    tries = 0
    while True:
        tries += 1
        response = api.list_tasks(a, token, probe=f"token with the new kid (try {tries})")
        waited = time.monotonic() - started
        now = _fetches(ctx)
        fetched = None if now is None or before is None else now - before
        details = {"waited_s": round(waited, 1), "jwks_fetches_since_rotation": fetched, "key": how}
        if response.status_code == 200:
            if fetched == 0:
                return failed(
                    "a token with a kid the backend had never seen was accepted without any JWKS "
                    "fetch since the rotation: it does not verify against the JWKS",
                    advice=advice.NO_JWKS_VERIFICATION,
                    **details,
                )
            return passed(
                f"a token with the new kid was accepted after {waited:.1f} s"
                + ("" if fetched is None else f" ({fetched} JWKS fetch(es) since the rotation)"),
                **details,
            )
        if response.status_code >= 500 and response.status_code != 503:
            return failed(
                f"token with the new kid (try {tries}): {says(response)}",
                advice=advice.server_error(token),
                **details,
            )
        if waited > window:
            more = (
                ""
                if ctx.settings.thorough
                else f"; --thorough waits {THOROUGH_ROTATION_WINDOW_S:.0f} s"
            )
            return failed(
                f"a token with the new kid was refused for {window:.0f} s (last: "
                f"{says(response)}){more}",
                advice=advice.rotation_missed(fetched),
                **details,
            )
        time.sleep(_pause(waited))  # polling the condition (acceptance), not a fixed wait


def _forged(ctx: Context) -> list[tuple[str, str]]:
    """Tokens that must be refused whatever the state of the key set."""
    claims = user_claims(ctx.source.users[0])
    unknown = f"authcheck-unknown-{secrets.token_hex(4)}"
    requests = [
        ("foreign key", MintRequest(claims=claims, signer="foreign")),
        ("unknown kid", MintRequest(claims=claims, signer="foreign", header={"kid": unknown})),
        ("no kid", MintRequest(claims=claims, signer="foreign", header={"kid": None})),
        ("alg none", MintRequest(claims=claims, signer="none")),
    ]
    return [(name, ctx.source.mint(request)) for name, request in requests]


def _outage_round(
    ctx: Context, api: TasksApi, n: int, forged: list[tuple[str, str]]
) -> dict[str, str]:
    """Problems of one round, by kind (refused, accepted, crashed)."""
    a = ctx.source.users[0]
    problems: dict[str, str] = {}
    name = f"valid token during the outage ({n})"
    response = api.list_tasks(a, ctx.source.valid_token(a), probe=name)
    if response.status_code != 200:
        kind = "crashed" if response.status_code >= 500 else "refused"
        problems[kind] = f"{name}: {says(response)}"
    for label, token in forged:
        name = f"{label} during the outage ({n})"
        response = api.list_tasks(a, token, probe=name)
        if response.status_code < 400:
            problems["accepted"] = (
                f"CRITICAL: {name} was accepted ({response.status_code}): it fails open "
                "while it cannot fetch keys"
            )
        elif response.status_code >= 500 and response.status_code != 503:
            problems.setdefault("crashed", f"{name}: {says(response)}")
    return problems


def check_jwks_outage(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    warm = api.list_tasks(a, ctx.source.valid_token(a), probe="warm-up")
    if warm.status_code != 200:
        return not_run(f"a valid token got {warm.status_code} before the outage")
    forged = _forged(ctx)
    hold = (ctx.settings.outage_s or THOROUGH_OUTAGE_S) if ctx.settings.thorough else 0.0
    before = _fetches(ctx)
    problems: dict[str, str] = {}
    ctx.source.outage(True)
    started = time.monotonic()
    try:
        n = 0
        while not problems:
            problems = _outage_round(ctx, api, n, forged)
            n += 1
            elapsed = time.monotonic() - started
            now = _fetches(ctx)
            untried = before is not None and now is not None and now == before
            if elapsed >= hold and not (untried and elapsed < OUTAGE_FETCH_WAIT_S):
                break
            # held by design (--thorough), or polling for the backend's own fetch attempt
            time.sleep(_OUTAGE_ROUND_S if elapsed < hold else _FETCH_POLL_S)
    finally:
        ctx.source.outage(False)
    held = time.monotonic() - started
    after = _fetches(ctx)
    tried = None if after is None or before is None else after - before
    details = {"held_s": round(held, 1), "jwks_fetches_during_outage": tried}
    if problems:
        order = ("accepted", "crashed", "refused")
        reason = "; ".join(problems[kind] for kind in order if kind in problems)
        return failed(reason, advice=advice.outage(problems), **details)
    note = ""
    if tried == 0:
        note = (
            " (the backend did not try the JWKS during the outage, e.g. a refetch limit longer "
            f"than {OUTAGE_FETCH_WAIT_S:.0f} s: its failed-fetch path was not exercised)"
        )
    if not ctx.settings.thorough:
        note += (
            f"; --thorough holds the outage {THOROUGH_OUTAGE_S:.0f} s to cross a backend's own "
            "periodic refresh"
        )
    return passed(
        f"valid tokens kept working and forged ones were refused for {held:.1f} s while the "
        f"JWKS answered 503{note}",
        **details,
    )


def check_local_validation(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    calls = ctx.scenario.calls
    limit = ctx.scenario.expect.max_jwks_fetches
    limit = 1 if limit is None else limit
    start = ctx.source.counters()
    before = start["jwks_fetches"]
    token = ctx.source.valid_token(a)
    ok = 0
    refused: list[str] = []
    for n in range(calls):
        if n % 10 == 0:
            token = ctx.source.valid_token(a)  # several distinct tokens, not one cached string
        name = f"authenticated call {n}"
        response = api.list_tasks(a, token, probe=name)
        ok += response.status_code == 200
        if response.status_code != 200 and len(refused) < 3:
            refused.append(f"{name}: {says(response)}")
    end = ctx.source.counters()
    fetches = end["jwks_fetches"] - before
    details: dict[str, object] = {"calls": calls, "ok": ok, "jwks_fetches": fetches}
    other = None
    if "other_requests" in start and "other_requests" in end:  # optional counter
        other = end["other_requests"] - start["other_requests"]
        details["issuer_other_requests"] = other
    if ok == 0:
        return not_run(f"no valid token was accepted ({refused[0]})", **details)
    if ok != calls:
        return failed(f"only {ok} of {calls} authenticated calls got 200: " + "; ".join(refused))
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
    refetches, wrong = _unknown_kid_burst(ctx)
    details["unknown_kid_fetches"] = refetches
    if wrong:
        return failed(
            f"{len(wrong)} of {UNKNOWN_KID_CALLS} tokens with unknown kids were not refused: "
            + "; ".join(f"{name}: {says(answer)}" for name, answer in list(wrong.items())[:3]),
            advice=advice.unknown_kid({answer.status_code for answer in wrong.values()}),
            **details,
        )
    if refetches > burst:
        return failed(
            f"{UNKNOWN_KID_CALLS} tokens with unknown kids caused {refetches} JWKS fetches "
            f"(at most {burst}): each garbage token becomes a call to Better Auth; "
            "refetch for an unknown kid at most once per ~10 s",
            **details,
        )
    return passed(
        f"{calls} authenticated calls, {fetches} JWKS fetch(es); {UNKNOWN_KID_CALLS} unknown "
        f"kids refused, {refetches} more",
        **details,
    )


UNKNOWN_KID_CALLS = 20


def _unknown_kid_burst(ctx: Context) -> tuple[int, dict[str, httpx.Response]]:
    """JWKS fetches caused by tokens (foreign key) whose kids the issuer never published, and
    the answers that were not a refusal."""
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
    wrong: dict[str, httpx.Response] = {}
    for n, token in enumerate(tokens):
        name = f"unknown kid {n}"
        response = api.list_tasks(a, token, probe=name)
        if not 400 <= response.status_code < 500:
            wrong[name] = response
    return ctx.source.counters()["jwks_fetches"] - before, wrong
