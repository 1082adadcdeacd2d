"""`authcheck doctor` as a library: token, routes, the answer to it, experiments, diagnosis."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from urllib.parse import quote, urlsplit

import httpx

from authcheck.core.classify import classify
from authcheck.core.credential import CredentialCheck, check_credential
from authcheck.core.fetch import JwksFetcher
from authcheck.core.findings import Finding
from authcheck.core.jwks import JwksError
from authcheck.core.redact import redact_token
from authcheck.core.verify import VerifyPolicy
from authcheck.doctor import experiments as ex
from authcheck.doctor.backend import call, call_again
from authcheck.doctor.diagnose import diagnose
from authcheck.doctor.model import BackendCall, CorsBlock, DoctorReport, Outcome, TokenFacts
from authcheck.doctor.source import ENABLE_MINT, Subject, obtain
from authcheck.engine.better_auth import BetterAuthSource
from authcheck.engine.catalogue import Capability
from authcheck.engine.checks import cors
from authcheck.engine.routes import Routes
from authcheck.engine.source import can_stage
from authcheck.errors import AuthcheckError, BadInputError

WORKERS = 8


def _base(url: str, flag: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadInputError(f"{flag} must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


def _facts(raw: str, origin: str, check: CredentialCheck) -> TokenFacts:
    shape = classify(raw)
    decoded = shape.decoded
    header = decoded.header if decoded and isinstance(decoded.header, dict) else {}
    claims = decoded.claims if decoded and isinstance(decoded.claims, dict) else {}
    exp, sub = claims.get("exp"), claims.get("sub")
    return TokenFacts(
        origin=origin,
        kind=(check.kind or shape.kind).value,
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


def _counters(subject: Subject) -> dict[str, int] | None:
    source = subject.source
    if source is None or Capability.COUNTERS not in source.capabilities:
        return None
    try:
        return source.counters()
    except AuthcheckError:
        return None


def _routes(
    http: httpx.Client,
    backend: str,
    routes: Routes | None,
    openapi: str | None,
    resource: str | None,
    credential: str,
    user_id: str,
) -> tuple[Routes, tuple[str, ...]]:
    if routes is not None:
        return routes, ("--routes",)
    from authcheck.engine.discovery import discover

    found = discover(
        http, backend, openapi=openapi, resource=resource, token=credential, user_id=user_id
    )
    found_in = f"task routes from {found.origin}"
    return found.routes, (found_in, *found.lines, *found.routes.summary())


def _plan(
    subject: Subject, credential: str, backend: str, secret: str | None
) -> list[ex.Experiment]:
    plan = ex.local(credential, subject.session_token)
    if subject.can_mint and subject.facts is not None:
        claims = subject.claims or {"sub": subject.facts.issuer}
        plan += ex.minted(subject.facts.issuer, subject.facts.audience, claims, backend)
    if secret:
        plan.append(ex.hs256({**_claims_of(credential)}, secret))
    return plan


def _claims_of(token: str) -> dict[str, object]:
    decoded = classify(token).decoded
    claims = decoded.claims if decoded is not None else None
    return dict(claims) if isinstance(claims, dict) else {}


def _runner(
    http: httpx.Client, url: str, subject: Subject
) -> Callable[[ex.Experiment], Outcome | str]:
    def run(experiment: ex.Experiment) -> Outcome | str:
        authorization = experiment.authorization
        if experiment.mint is not None:
            assert subject.source is not None  # minted experiments are planned with a source
            try:
                authorization = "Bearer " + subject.source.mint(experiment.mint)
            except AuthcheckError as exc:
                return f"{experiment.code}: the issuer did not mint it ({exc.message})"
        answer = call_again(http, url, authorization)
        e = experiment
        return Outcome(e.code, e.variable, e.change, e.value, e.expect, answer)

    return run


def _stage(subject: Subject) -> dict[str, str]:
    """A staged key per other algorithm ({alg: kid}), published before the backend is first
    called so that even a backend that will not refetch soon has them; {} when the source
    cannot stage."""
    source, facts = subject.source, subject.facts
    if source is None or facts is None or not can_stage(source):
        return {}
    staged: dict[str, str] = {}
    try:
        for experiment in ex.algorithms(facts.alg, {}):
            staged[str(experiment.value)] = source.stage(str(experiment.value))
    except AuthcheckError:
        _unstage(subject, staged)
        return {}
    return staged


def _unstage(subject: Subject, staged: dict[str, str]) -> None:
    if staged and subject.source is not None:
        subject.source.unstage()


def _algorithms(
    run: Callable[[ex.Experiment], Outcome | str], subject: Subject, staged: dict[str, str]
) -> list[Outcome | str]:
    """One token per staged algorithm, one after the other (after the concurrent batch)."""
    if not staged or subject.facts is None:
        return []
    claims = subject.claims or {"sub": subject.facts.issuer}
    out = []
    for experiment in ex.algorithms(subject.facts.alg, claims):
        assert experiment.mint is not None
        kid = staged[str(experiment.value)]
        out.append(run(replace(experiment, mint=experiment.mint.model_copy(update={"kid": kid}))))
    return out


def _untested(subject: Subject, fetches: int | None, staged: bool) -> tuple[str, ...]:
    out = []
    if subject.can_mint and not staged:
        out.append(
            "tokens of other algorithms (RS256, ES256…) need staged keys: an issuer or "
            '@authcheck/better-auth plugin with POST /__authcheck/rotate {"stage": true}'
        )
    if not subject.can_mint:
        out.append(
            "iss, aud, typ, claim-shape, lifetime and wrong-iss/aud/expired tokens need the "
            f"issuer's private key: {ENABLE_MINT}"
        )
    if fetches is None:
        out.append(
            "whether the backend fetches the JWKS at all (the shared-secret setup) needs the "
            "issuer's fetch counters: " + ENABLE_MINT
        )
    return tuple(out)


def _failed(failed: list[str]) -> tuple[str, ...]:
    if not failed:
        return ()
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    return (failed[0] + more,)


_NO_ORIGIN = (
    "CORS (may a page send Authorization to the backend?) needs the frontend's origin: "
    "--frontend-origin URL (taken from --better-auth-url when that is a real Better Auth)"
)


def _page_origin(subject: Subject, base: str) -> str | None:
    """Where the frontend's pages are: a real Better Auth serves them (its base URL's origin);
    a test issuer does not, so there is no origin to try without --frontend-origin."""
    if not isinstance(subject.source, BetterAuthSource):
        return None
    parts = httpx.URL(base)
    return f"{parts.scheme}://{parts.netloc.decode()}"


def _cors(http: httpx.Client, list_url: str, create_url: str, origin: str) -> CorsBlock | None:
    for method, target in (("GET", list_url), ("POST", create_url)):
        verdict = cors.diagnose(http, target, origin, method)
        if not verdict.ok and verdict.preflight.status is not None:
            return CorsBlock(origin, verdict.message(), verdict.hint())
    return None


def run_doctor(
    better_auth_url: str,
    backend_url: str,
    *,
    token: str | None = None,
    credentials: tuple[str, str] | None = None,
    routes: Routes | None = None,
    openapi: str | None = None,
    resource: str | None = None,
    better_auth_secret: str | None = None,
    frontend_origin: str | None = None,
    client: httpx.Client | None = None,
) -> DoctorReport:
    """Why does the backend answer 401? Everything as values; see `DoctorReport`."""
    started = time.perf_counter()
    base = _base(better_auth_url, "--better-auth-url")
    backend = _base(backend_url, "--backend-url")
    own = client is None
    http = client or httpx.Client(timeout=10.0)
    staged: dict[str, str] = {}
    try:
        subject = obtain(base, http, token=token, credentials=credentials)
        f = subject.facts
        policy = VerifyPolicy.better_auth(base)
        if f is not None:
            policy = VerifyPolicy.better_auth(
                base, jwks=f.jwks_url, issuer=f.issuer, audience=f.audience
            )
        credential = classify(subject.token).token or subject.token.strip()
        before = _counters(subject)
        with JwksFetcher(policy.jwks, http) as fetcher:
            keys, jwks_findings = _jwks(fetcher)
            check = check_credential(credential, policy, fetcher=fetcher)
        facts = _facts(subject.token, subject.origin, check)
        mine = _counters(subject)  # doctor's own JWKS fetch is not the backend's
        staged = _stage(subject)
        user_id = facts.sub or (subject.source.users[0].id if subject.source else "me")
        call(http, backend + "/", None)  # no answer at all: exit 3 before looking for routes
        route_map, route_lines = _routes(
            http, backend, routes, openapi, resource, credential, user_id
        )
        url = backend + route_map.list.replace("{user_id}", quote(user_id, safe=""))
        baseline: BackendCall = call(http, url, f"Bearer {credential}")
        plan = _plan(subject, credential, backend, better_auth_secret)
        run = _runner(http, url, subject)
        with ThreadPoolExecutor(WORKERS) as pool:
            done = list(pool.map(run, plan))
        done += _algorithms(run, subject, staged)
        origin = frontend_origin or _page_origin(subject, base)
        blocked = None
        if origin is not None:
            create_url = backend + route_map.create.replace("{user_id}", quote(user_id, safe=""))
            blocked = _cors(http, url, create_url, origin)
        outcomes = [o for o in done if isinstance(o, Outcome)]
        failed = [o for o in done if isinstance(o, str)]
        after = _counters(subject)
    finally:
        if staged:
            _unstage(subject, staged)
        if own:
            http.close()
    fetches = others = None
    if before is not None and mine is not None and after is not None:
        # every fetch since the issuer started but doctor's own: "never" means never
        fetches = after["jwks_fetches"] - (mine["jwks_fetches"] - before["jwks_fetches"])
        if "other_requests" in before and "other_requests" in after:
            others = after["other_requests"] - before["other_requests"]
    report = DoctorReport(
        better_auth_url=base,
        backend_url=backend,
        jwks_url=policy.jwks,
        jwks_keys=keys,
        jwks_findings=jwks_findings,
        token=facts,
        verification=check.verification,
        baseline=baseline,
        experiments=tuple(outcomes),
        routes=route_lines,
        can_mint=subject.can_mint,
        jwks_fetches=fetches,
        other_requests=others,
        untested=_untested(subject, fetches, bool(staged))
        + _failed(failed)
        + (() if origin else (_NO_ORIGIN,)),
        cors=blocked,
        seconds=time.perf_counter() - started,
    )
    return diagnose(report)
