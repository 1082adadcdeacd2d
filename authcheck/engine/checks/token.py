"""User story 2: the token Better Auth issues, and the header the frontend sends."""

from __future__ import annotations

from typing import Any

import jwt

from authcheck.core.classify import TokenKind, classify
from authcheck.engine.checks._util import failed, passed
from authcheck.engine.context import Context
from authcheck.engine.results import Outcome
from authcheck.issuer.keys import PublicKey

ALLOWED_ALGS = frozenset({"EdDSA", "Ed25519", "RS256", "PS256", "ES256", "ES512"})
SESSION_MESSAGE = "the frontend sends the Better Auth session token instead of the JWT"


def _token_problems(token: str, ctx: Context) -> list[str]:
    if token.count(".") != 2:
        return [f"not a JWT: {token.count('.') + 1} dot-separated parts, expected 3"]
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        return [f"the header does not decode: {exc}"]
    alg = str(header.get("alg"))
    if alg not in ALLOWED_ALGS:
        return [f"alg {alg!r} is not an asymmetric algorithm Better Auth's JWT plugin uses"]
    facts = ctx.source.facts()
    keys: dict[str, PublicKey] = {key.kid: key for key in ctx.source.public_keys()}
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in keys:
        return [f"kid {kid!r} is not in the JWKS at {facts.jwks_url}"]
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            keys[kid].key,
            algorithms=[alg],
            options={"verify_aud": False, "verify_iss": False, "require": ["exp", "iat"]},
        )
    except jwt.PyJWTError as exc:
        return [f"does not verify against the JWKS key {kid}: {exc}"]
    problems = []
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        problems.append("no sub claim (the backend takes the user id from sub)")
    if claims.get("iss") != facts.issuer:
        problems.append(f"iss is {claims.get('iss')!r}, configured {facts.issuer!r}")
    aud = claims.get("aud")
    if aud != facts.audience and not (isinstance(aud, list) and facts.audience in aud):
        problems.append(f"aud is {aud!r}, configured {facts.audience!r}")
    return problems


def check_token_format(ctx: Context) -> Outcome:
    origin = "the token source"
    token: str | None = None
    if ctx.browser is not None:
        captured = ctx.browser.get()
        if captured.token_from_client:
            token, origin = captured.token_from_client, "the browser's authClient.token()"
    if token is None:
        token = ctx.source.valid_token(ctx.source.users[0])
    problems = _token_problems(token.strip(), ctx)
    if problems:
        return failed(f"the token from {origin}: " + "; ".join(problems))
    return passed(f"the token from {origin} is a JWT signed with a JWKS key, sub/iss/aud as set")


def looks_like_session(credential: str) -> bool:
    """A Better Auth session id or signed session cookie (core's classifier decides)."""
    kind = classify(credential).kind
    return kind in (TokenKind.SESSION_ID, TokenKind.SIGNED_SESSION_COOKIE)


def check_bearer_header(ctx: Context) -> Outcome:
    assert ctx.browser is not None  # the runner skips this scenario without a browser
    captured = ctx.browser.get()
    if captured.error:
        return failed(f"the browser session did not complete: {captured.error}")
    if not captured.requests:
        return failed("the page made no request to the backend")
    problems: list[str] = []
    for request in captured.requests:
        value = request.authorization
        if not value:
            problems.append(f"{request.method} {request.url}: no Authorization header")
            continue
        scheme, _, credential = value.partition(" ")
        if looks_like_session(credential.strip() or value.strip()):
            return failed(SESSION_MESSAGE)
        if scheme != "Bearer" or classify(credential).kind is not TokenKind.JWS:
            problems.append(f"{request.method} {request.url}: not 'Bearer <JWT>'")
        elif credential != credential.strip() or classify(credential).findings:
            problems.append(f"{request.method} {request.url}: the JWT is wrapped in junk")
    if problems:
        return failed("; ".join(problems[:5]))
    return passed(f"{len(captured.requests)} request(s), each with Authorization: Bearer <JWT>")
