"""The deleted-user window and the latency of refusals."""

from __future__ import annotations

import secrets
import statistics

from authcheck.engine.catalogue import DeriveKind
from authcheck.engine.checks._util import failed, passed, says, warned
from authcheck.engine.context import Context
from authcheck.engine.probes import derive
from authcheck.engine.results import Outcome
from authcheck.engine.source import User, user_claims
from authcheck.engine.tasks import TasksApi
from authcheck.issuer.forge import MintRequest


def check_deleted_user(ctx: Context) -> Outcome:
    api = TasksApi(ctx.http, ctx.routes)
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
        return failed(f"a token of an unknown user got {says(response)}")
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


def check_reject_latency(ctx: Context) -> Outcome:
    api, a = TasksApi(ctx.http, ctx.routes), ctx.source.users[0]
    credentials = [derive(kind, ctx.source) for kind in _INVALID]
    credentials.append("Bearer not-a-jwt")
    times: list[float] = []
    statuses: dict[int, int] = {}
    for n in range(ctx.scenario.calls):
        response = api.list_raw(a, credentials[n % len(credentials)], probe=f"invalid token {n}")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        times.append(ctx.http.records[-1].elapsed_ms)
    p50, p95, worst = statistics.median(times), _percentile(times, 0.95), max(times)
    limit = ctx.scenario.expect.p95_ms_below or 500.0
    details = {
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(worst, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
    summary = f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms over {len(times)} calls"
    if p95 >= limit:
        return failed(f"{summary}: p95 must stay under {limit:.0f} ms", **details)
    return passed(summary, **details)
