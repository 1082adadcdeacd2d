"""Token sources: where a run gets valid tokens, forged tokens and issuer-side switches.

`ControlSource` speaks the control API (test issuer or the bundled Better Auth with
``AUTHCHECK_CONTROL=1``); `authcheck.engine.better_auth.BetterAuthSource` signs in to a real
Better Auth. Both satisfy `TokenSource`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from authcheck.engine.catalogue import Capability
from authcheck.engine.control import ControlClient
from authcheck.errors import UnreachableError
from authcheck.issuer.forge import MintRequest, MintUnavailable, RotateRequest
from authcheck.issuer.keys import PublicKey


@dataclass(frozen=True)
class IssuerFacts:
    issuer: str
    audience: str
    jwks_url: str
    alg: str
    kid: str
    token_lifetime: int


@dataclass(frozen=True)
class User:
    role: str  # "a" or "b"
    id: str  # the sub claim
    email: str | None = None
    session_id: str | None = None  # Better Auth session token (sign-in body), when known
    session_cookie: str | None = None  # the signed better-auth.session_token cookie value


class TokenSource(Protocol):
    description: str
    capabilities: frozenset[Capability]
    users: tuple[User, User]
    expired_token: str | None
    can_stage: bool  # stage() and unstage() work (the control API has staged keys)

    def facts(self) -> IssuerFacts: ...
    def valid_token(self, user: User) -> str: ...
    def mint(self, request: MintRequest) -> str: ...
    def rotate(self) -> str: ...
    def stage(self, alg: str | None = None) -> str:
        """Publish a new key (of ``alg``, default the current one's) that signs only mints
        naming its kid (``MintRequest(kid=...)``); its kid."""
        ...

    def unstage(self) -> None: ...
    def outage(self, on: bool) -> None: ...
    def counters(self) -> dict[str, int]: ...
    def public_keys(self) -> list[PublicKey]: ...


CONTROL_CAPABILITIES = frozenset(
    {
        Capability.MINT,
        Capability.ROTATE,
        Capability.OUTAGE,
        Capability.COUNTERS,
        Capability.EXPIRED_TOKEN,
    }
)


def stages(info: dict[str, Any]) -> bool:
    """Does this control API have staged keys? (``/info`` lists them; older ones do not.)"""
    return isinstance(info.get("staged"), list)


def facts_from_info(info: dict[str, Any]) -> IssuerFacts:
    try:
        return IssuerFacts(
            issuer=str(info["issuer"]),
            audience=str(info["audience"]),
            jwks_url=str(info["jwks_url"]),
            alg=str(info.get("alg", "EdDSA")),
            kid=str(info["kid"]),
            token_lifetime=int(info.get("token_lifetime", 900)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UnreachableError(f"the control API's /info lacks {exc}") from exc


def fetch_public_keys(client: httpx.Client, jwks_url: str) -> list[PublicKey]:
    try:
        response = client.get(jwks_url)
        keys = response.json()["keys"]
        return [PublicKey.from_jwk(jwk) for jwk in keys]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise UnreachableError(f"cannot read the JWKS at {jwks_url}: {exc}") from exc


def user_claims(user: User) -> dict[str, Any]:
    """The user object Better Auth puts in its JWT, around ``sub``."""
    email = user.email or f"{user.id}@example.test"
    return {"sub": user.id, "id": user.id, "email": email, "name": f"authcheck {user.role}"}


class ControlSource:
    """Everything through the control API; users are fresh ids for this run."""

    def __init__(self, issuer_url: str, client: httpx.Client) -> None:
        self.control = ControlClient(issuer_url, client)
        self._client = client
        self._info = self.control.info()
        facts_from_info(self._info)
        self.description = f"control API at {issuer_url} ({self._info.get('kind', '?')})"
        caps = set(CONTROL_CAPABILITIES)
        if self._info.get("kind") == "better-auth":
            caps.add(Capability.BETTER_AUTH)
        self.capabilities = frozenset(caps)
        self.can_stage = stages(self._info)
        run = secrets.token_hex(4)
        self.users = (User("a", f"authcheck-a-{run}"), User("b", f"authcheck-b-{run}"))
        self.expired_token: str | None = None

    def facts(self) -> IssuerFacts:
        return facts_from_info(self.control.info())

    def valid_token(self, user: User) -> str:
        return self.control.mint(MintRequest(claims=user_claims(user)))

    def mint(self, request: MintRequest) -> str:
        return self.control.mint(request)

    def rotate(self) -> str:
        return str(self.control.rotate()["kid"])

    def stage(self, alg: str | None = None) -> str:
        return stage(self.control, alg)

    def unstage(self) -> None:
        self.control.unstage()

    def outage(self, on: bool) -> None:
        self.control.outage(on)

    def counters(self) -> dict[str, int]:
        return self.control.counters()

    def public_keys(self) -> list[PublicKey]:
        return fetch_public_keys(self._client, self.facts().jwks_url)


def can_stage(source: TokenSource) -> bool:
    """Can ``source`` publish a key that does not sign? (A source without the attribute
    predates staged keys: no.)"""
    return bool(getattr(source, "can_stage", False))


def stage(control: ControlClient, alg: str | None) -> str:
    """Stage a key through ``control``; refuses an answer that did not stage (an old API that
    would have rotated for real)."""
    answer = control.rotate(RotateRequest.model_validate({"stage": True, "alg": alg}))
    if answer.get("staged") is not True:
        raise UnreachableError("the control API rotated instead of staging a key")
    return str(answer["kid"])


def require(source: TokenSource, capability: Capability) -> None:
    if capability not in source.capabilities:
        raise MintUnavailable(f"the token source cannot {capability.value}")
