"""The deleted-user window and the latency of refusals."""

from __future__ import annotations

import secrets
import statistics

import httpx

from authcheck.engine.catalogue import DeriveKind
from authcheck.engine.checks import advice
from authcheck.engine.checks._util import failed, not_run, passed, says, warned
from authcheck.engine.context import Context
from authcheck.engine.probes import derive
from authcheck.engine.results import Outcome
from authcheck.engine.source import User, user_claims
from authcheck.engine.tasks import TasksApi
from authcheck.issuer.forge import MintRequest


def check_deleted_user(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    known = api.list_tasks(a, ctx.source.valid_token(a), probe="control: a known user's token")
    if known.status_code != 200:
        return not_run(f"a known user's valid token got {known.status_code}")
    ghost = User("deleted", f"authcheck-deleted-{secrets.token_hex(4)}")
    token = ctx.source.mint(MintRequest(claims=user_claims(ghost)))
    response = api.list_tasks(ghost, token, probe="token of a user the issuer does not know")
    lifetime = ctx.source.facts().token_lifetime
    if response.status_code == 200:
        return warned(
            f"a token of a deleted user keeps working until it expires: up to {lifetime} s "
            f"({lifetime / 60:.0f} min); keep the JWT lifetime short",
            window_s=lifetime,
        )
    if response.status_code >= 500:
        token = f"Bearer {token}"
        return failed(
            f"a token of an unknown user got {says(response)}", advice=advice.server_error(token)
        )
    return passed(f"a token of an unknown user was refused ({response.status_code})")


_INVALID = (
    DeriveKind.TAMPER_SUB,
    DeriveKind.STRIP_SIGNATURE,
    DeriveKind.SESSION_ID,
    DeriveKind.COOKIE_CACHE_JWT,
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[index]


_LABELS = {
    DeriveKind.TAMPER_SUB: "tampered sub",
    DeriveKind.STRIP_SIGNATURE: "stripped signature",
    DeriveKind.SESSION_ID: "session id",
    DeriveKind.COOKIE_CACHE_JWT: "cookie-cache JWT",
}
# --thorough repeats the timing probes: a slow path that shows once in a while shows up.
THOROUGH_REPEAT = 4


def check_reject_latency(ctx: Context) -> Outcome:
    """Every invalid-token call must be a 401 (a 200 or a 5xx fails, whatever the latency),
    and the refusals must be fast."""
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    credentials = [(_LABELS[kind], derive(kind, ctx.source)) for kind in _INVALID]
    credentials.append(("garbage", "Bearer not-a-jwt"))
    calls = ctx.scenario.calls * (THOROUGH_REPEAT if ctx.settings.thorough else 1)
    times: list[float] = []
    statuses: dict[int, int] = {}
    wrong: dict[str, tuple[str, httpx.Response]] = {}
    for n in range(calls):
        label, credential = credentials[n % len(credentials)]
        response = api.list_raw(a, credential, probe=f"invalid token {n}: {label}")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        times.append(ctx.http.records[-1].elapsed_ms)
        if response.status_code != 401:
            wrong.setdefault(label, (credential, response))
    p50, p95, worst = statistics.median(times), _percentile(times, 0.95), max(times)
    limit = ctx.scenario.expect.p95_ms_below or 500.0
    details: dict[str, object] = {
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(worst, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
    summary = f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms over {len(times)} calls"
    if wrong:
        bad = sum(count for status, count in statuses.items() if status != 401)
        named = "; ".join(f"{label}: {says(answer)}" for label, (_, answer) in wrong.items())
        crash = next((cred for cred, answer in wrong.values() if answer.status_code >= 500), None)
        return failed(
            f"{bad} of {len(times)} invalid-token calls did not get 401 ({named}); {summary}",
            **details,
            **({"advice": advice.server_error(crash)} if crash else {}),
        )
    if p95 >= limit:
        return failed(f"{summary}: p95 must stay under {limit:.0f} ms", **details)
    more = "" if ctx.settings.thorough else f" (--thorough repeats them {THOROUGH_REPEAT}×)"
    return passed(f"each refused with 401; {summary}{more}", **details)
