"""Where doctor gets its token: the control API (mint), a real Better Auth (sign in/up), --token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from authcheck.core.classify import classify
from authcheck.core.jose import DecodeError, decode_unverified
from authcheck.engine.better_auth import BetterAuthSource, find_control
from authcheck.engine.catalogue import Capability
from authcheck.engine.source import ControlSource, IssuerFacts, TokenSource, user_claims
from authcheck.errors import BadInputError, UnreachableError
from authcheck.issuer.forge import MintRequest

ENABLE_MINT = (
    "start the bundled frontend with AUTHCHECK_CONTROL=1, or point the backend at "
    "`authcheck issuer serve` and doctor at it with --better-auth-url"
)


@dataclass(frozen=True)
class Subject:
    """The valid token doctor starts from, how it got it, and what it can make besides."""

    token: str  # the raw credential (as given, or minted / fetched)
    origin: str
    source: TokenSource | None  # None: only --token, nothing can be minted or forged
    facts: IssuerFacts | None
    claims: dict[str, Any]  # the claims minted tokens carry (user object around sub)
    session_token: str | None = None

    @property
    def can_mint(self) -> bool:
        return self.source is not None and Capability.MINT in self.source.capabilities


def _control_kind(base_url: str, client: httpx.Client) -> str | None:
    """The control API's kind, found where `scenarios run` finds it (plugin path first)."""
    control = find_control(base_url, client)
    if control is None:
        return None
    try:
        return str(control.info().get("kind", "authcheck-issuer"))
    except (UnreachableError, BadInputError):
        return None


def _sign_in(
    base_url: str, client: httpx.Client, credentials: tuple[str, str] | None
) -> BetterAuthSource:
    users = None if credentials is None else [credentials, credentials]
    try:
        return BetterAuthSource(base_url, client, users=users)
    except BadInputError as exc:
        raise BadInputError(
            f"{base_url} has no control API, and {exc.message}",
            hint="pass a JWT with --token (`authcheck mint` makes one for the test issuer), set "
            "AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD, or " + ENABLE_MINT,
        ) from exc


def obtain(
    base_url: str,
    client: httpx.Client,
    *,
    token: str | None = None,
    credentials: tuple[str, str] | None = None,
) -> Subject:
    """The token and its source: mint if ``base_url`` speaks the control API, else sign in."""
    kind = _control_kind(base_url, client)
    source: TokenSource | None = None
    session: str | None = None
    if kind == "better-auth" and token is None:
        ba = _sign_in(base_url, client, credentials)
        source, session = ba, ba.users[0].session_id
        origin = f"minted through the control API of the Better Auth at {base_url}"
    elif kind is not None:
        source = ControlSource(base_url, client)
        origin = f"minted through the control API at {base_url} ({kind})"
    elif token is None:
        ba = _sign_in(base_url, client, credentials)
        source, session = ba, ba.users[0].session_id
        who = "a fresh sign-up" if credentials is None else f"signed in as {credentials[0]}"
        origin = f"{base_url}/api/auth/token ({who})"
    else:
        origin = "--token"
    facts = source.facts() if source is not None else None
    if token is not None:
        raw, origin = token, "--token"
    elif isinstance(source, ControlSource):
        raw = source.mint(MintRequest(claims=user_claims(source.users[0])))
    else:
        assert source is not None  # no token: a source or an exception above
        raw = source.valid_token(source.users[0])
    return Subject(raw, origin, source, facts, user_object(raw), session)


def user_object(token: str) -> dict[str, Any]:
    """The token's claims but those the issuer sets itself (iss, aud, iat, exp, nbf)."""
    try:
        claims = decode_unverified(classify(token).token or token).claims
    except DecodeError:
        return {}
    if not isinstance(claims, dict):
        return {}
    return {k: v for k, v in claims.items() if k not in ("iss", "aud", "iat", "exp", "nbf")}
