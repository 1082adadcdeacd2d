"""User story 2: the token Better Auth issues, and the header the frontend sends.

Both checks ask `authcheck.core.credential` whether a value is an acceptable Better Auth JWT,
with the issuer's own facts and public keys as the policy: the same answer `authcheck capture`
and the doctor give.
"""

from __future__ import annotations

from authcheck.core.credential import CredentialVerdict, check_authorization, check_credential
from authcheck.core.jwks import KeySet, parse_key_set
from authcheck.core.verify import VerifyPolicy
from authcheck.engine.checks._util import failed, passed
from authcheck.engine.context import Context
from authcheck.engine.results import Outcome

SESSION_MESSAGE = "the frontend sends the Better Auth session token instead of the JWT"


def _policy_and_keys(ctx: Context) -> tuple[VerifyPolicy, KeySet]:
    """The issuer's iss, aud and JWKS, as a backend configured for it would verify."""
    facts = ctx.source.facts()
    policy = VerifyPolicy(jwks=facts.jwks_url, issuer=facts.issuer, audience=facts.audience)
    keys = parse_key_set({"keys": [key.jwk() for key in ctx.source.public_keys()]})
    return policy, keys


def check_token_format(ctx: Context) -> Outcome:
    origin = "the token source"
    token: str | None = None
    if ctx.browser is not None:
        captured = ctx.browser.get()
        if captured.token_from_client:
            token, origin = captured.token_from_client, "the browser's authClient.token()"
    if token is None:
        token = ctx.source.valid_token(ctx.source.users[0])
    policy, keys = _policy_and_keys(ctx)
    verdict = check_credential(token, policy, key_set=keys)
    if not verdict.ok:
        return failed(f"the token from {origin}: {verdict.summary}")
    return passed(f"the token from {origin} is a JWT signed with a JWKS key, sub/iss/aud as set")


def check_bearer_header(ctx: Context) -> Outcome:
    assert ctx.browser is not None  # the runner skips this scenario without a browser
    captured = ctx.browser.get()
    if captured.error:
        return failed(f"the browser session did not complete: {captured.error}")
    if not captured.requests:
        return failed("the page made no request to the backend")
    policy, keys = _policy_and_keys(ctx)
    problems: list[str] = []
    for request in captured.requests:
        verdict = check_authorization(request.authorization, policy, key_set=keys)
        if verdict.verdict is CredentialVerdict.SESSION_TOKEN:
            return failed(SESSION_MESSAGE)
        if not verdict.ok:
            problems.append(f"{request.method} {request.url}: {verdict.summary}")
    if problems:
        return failed("; ".join(problems[:5]))
    return passed(f"{len(captured.requests)} request(s), each with Authorization: Bearer <JWT>")
