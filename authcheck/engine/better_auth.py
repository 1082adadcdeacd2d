"""A token source backed by a real Better Auth: two users, real JWTs, attacks from the JWKS.

Signs up two fresh users (or signs in the ``--user`` pair), takes JWTs from ``/api/auth/token``
and forges attack tokens from real tokens plus the public JWKS. Tokens that need the private key
are `MintUnavailable` (their scenarios skip) unless the server also speaks the control API:
`find_control` looks for the `@authcheck/better-auth` plugin under the auth base path (or the
bundled frontend's ``/__authcheck``), and `plugin_source` runs everything through it.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from authcheck.core.fetch import http_error_reason
from authcheck.core.jose import DecodedToken, DecodeError, decode_unverified
from authcheck.engine.catalogue import Capability
from authcheck.engine.control import ControlClient
from authcheck.engine.source import (
    CONTROL_CAPABILITIES,
    ControlSource,
    IssuerFacts,
    User,
    facts_from_info,
    fetch_public_keys,
    stage,
    stages,
)
from authcheck.errors import BadInputError, UnreachableError
from authcheck.issuer.forge import ForgeKeys, MintRequest, MintUnavailable, forge
from authcheck.issuer.keys import PublicKey, generate_key

API = "/api/auth"
COOKIE = "better-auth.session_token"
JKU_BAIT = "https://jku-bait.authcheck.invalid/jwks"


def control_bases(base_url: str) -> list[str]:
    """Where the control API may live for a Better Auth URL, most likely first: the plugin under
    the auth base path (the URL itself when it already ends in one, else ``/api/auth``), then
    the URL itself (the bundled frontend's ``/__authcheck``, the test issuer)."""
    base = base_url.rstrip("/")
    path = urlsplit(base).path
    candidates = [base] if path else []
    candidates += [base + API, base]
    return list(dict.fromkeys(candidates))


def find_control(base_url: str, client: httpx.Client) -> ControlClient | None:
    """The control API of this Better Auth (plugin first), or None when it speaks none."""
    for candidate in control_bases(base_url):
        control = ControlClient(candidate, client)
        try:
            if control.info().get("kind") is not None:
                return control
        except (UnreachableError, BadInputError):
            continue
    return None


def plugin_source(base_url: str, client: httpx.Client) -> ControlSource | None:
    """Every scenario through the `@authcheck/better-auth` plugin (the app's own keys), if found."""
    control = find_control(base_url, client)
    if control is None:
        return None
    source = ControlSource(control.base_url, client)
    plugin = source.control.info().get("plugin")
    how = "the authcheck plugin" if plugin else "its control API"
    source.description = (
        f"Better Auth at {base_url.rstrip('/')} through {how} at {control.base_url}/__authcheck "
        "(tokens signed with the app's own keys)"
    )
    return source


def _decoded(token: str) -> DecodedToken:
    try:
        return decode_unverified(token)
    except DecodeError as exc:
        raise UnreachableError("Better Auth's /token did not return a JWT") from exc


def _claims(token: str) -> dict[str, Any]:
    return _decoded(token).claims or {}


class _Session:
    def __init__(self, user: User, cookie: str) -> None:
        self.user = user
        self.cookie = cookie
        self.token: str | None = None
        self.expires = 0


class BetterAuthSource:
    def __init__(
        self,
        base_url: str,
        client: httpx.Client,
        *,
        users: list[tuple[str, str]] | None = None,
        expired_token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client
        self._lock = threading.Lock()
        self.expired_token = expired_token
        caps = {Capability.BETTER_AUTH}
        self.control = find_control(self.base_url, client)
        if self.control is not None:
            caps |= CONTROL_CAPABILITIES
        if expired_token:
            caps.add(Capability.EXPIRED_TOKEN)
        self.capabilities = frozenset(caps)
        self.can_stage = self.control is not None and stages(self.control.info())
        pairs = users or [
            (f"authcheck-{role}-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(18))
            for role in ("a", "b")
        ]
        fresh = not users
        self._sessions = [
            self._sign_in(role, email, password, fresh)
            for role, (email, password) in zip(("a", "b"), pairs, strict=True)
        ]
        self.users = (self._sessions[0].user, self._sessions[1].user)
        how = "two fresh users" if fresh else "the given users"
        if self.control is not None:
            how += f", control API at {self.control.base_url}/__authcheck"
        self.description = f"Better Auth at {self.base_url} ({how})"
        self._foreign = generate_key("EdDSA")

    # -- sign-in -------------------------------------------------------------------------------
    def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return self._client.post(
                self.base_url + API + path, json=body, headers={"Origin": self.base_url}
            )
        except httpx.HTTPError as exc:
            raise UnreachableError(
                f"Better Auth not reachable at {self.base_url}: {http_error_reason(exc)}"
            ) from exc
        finally:
            # The session travels explicitly (_fetch_token); kept in the shared client's jar it
            # would reach the backend on the same host too, and make control POSTs cookie-bearing.
            self._client.cookies.clear()

    def _sign_in(self, role: str, email: str, password: str, fresh: bool) -> _Session:
        if fresh:
            body = {"email": email, "password": password, "name": f"authcheck {role}"}
            response = self._post("/sign-up/email", body)
        else:
            response = self._post("/sign-in/email", {"email": email, "password": password})
        if response.status_code != 200:
            what = "sign-up" if fresh else f"sign-in of {email}"
            raise BadInputError(f"Better Auth {what} failed with {response.status_code}")
        cookie = response.cookies.get(COOKIE) or ""
        data = response.json() if response.content else {}
        session_id = data.get("token") if isinstance(data, dict) else None
        user_data = data.get("user", {}) if isinstance(data, dict) else {}
        user = User(
            role=role,
            id=str(user_data.get("id", "")),
            email=email,
            session_id=session_id if isinstance(session_id, str) else None,
            session_cookie=unquote(cookie) or None,
        )
        session = _Session(user, cookie)
        token = self._fetch_token(session)
        if not user.id:
            claims = _claims(token)
            session.user = User(
                role, str(claims.get("sub")), email, user.session_id, user.session_cookie
            )
        return session

    def _fetch_token(self, session: _Session) -> str:
        try:
            response = self._client.get(
                self.base_url + API + "/token", headers={"Cookie": f"{COOKIE}={session.cookie}"}
            )
        except httpx.HTTPError as exc:
            raise UnreachableError(f"Better Auth /token: {http_error_reason(exc)}") from exc
        token = response.json().get("token") if response.status_code == 200 else None
        if not isinstance(token, str):
            raise UnreachableError(
                f"Better Auth /token answered {response.status_code} without a JWT",
                hint="enable the jwt() plugin",
            )
        session.token = token
        session.expires = int(_claims(token).get("exp", 0))
        return token

    # -- TokenSource ---------------------------------------------------------------------------
    def valid_token(self, user: User) -> str:
        session = self._sessions[0] if user.role == "a" else self._sessions[1]
        with self._lock:
            if session.token is None or session.expires - time.time() < 60:
                return self._fetch_token(session)
            return session.token

    def facts(self) -> IssuerFacts:
        if self.control is not None:
            return facts_from_info(self.control.info())
        decoded = _decoded(self.valid_token(self.users[0]))
        header, claims = decoded.header, decoded.claims or {}
        return IssuerFacts(
            issuer=self.base_url,
            audience=self.base_url,
            jwks_url=self.base_url + API + "/jwks",
            alg=str(header.get("alg", "EdDSA")),
            kid=str(header.get("kid", "")),
            token_lifetime=int(claims.get("exp", 0)) - int(claims.get("iat", 0)),
        )

    def public_keys(self) -> list[PublicKey]:
        return fetch_public_keys(self._client, self.facts().jwks_url)

    def mint(self, request: MintRequest) -> str:
        if self.control is not None:
            return self.control.mint(request)
        facts = self.facts()
        current = next((k for k in self.public_keys() if k.kid == facts.kid), None)
        if current is None:
            raise MintUnavailable("the JWKS does not hold the kid of the real token")
        real = _claims(self.valid_token(self.users[0]))
        # jku bait we cannot watch: the 401 is still checked, a fetch just goes unseen
        keys = ForgeKeys(issuer_public=current, foreign=self._foreign, foreign_jwks_url=JKU_BAIT)
        return forge(request, keys, real).token

    def _need_control(self) -> ControlClient:
        if self.control is None:
            raise MintUnavailable(
                "this Better Auth has no control API: add the @authcheck/better-auth plugin "
                "(packages/better-auth), or use `authcheck issuer serve` with --issuer-url"
            )
        return self.control

    def rotate(self) -> str:
        kid = str(self._need_control().rotate()["kid"])
        with self._lock:
            for session in self._sessions:  # tokens signed with the old key are not "valid" now
                session.token = None
        return kid

    def stage(self, alg: str | None = None) -> str:
        return stage(self._need_control(), alg)  # Better Auth's /token keeps the current key

    def unstage(self) -> None:
        self._need_control().unstage()

    def outage(self, on: bool) -> None:
        self._need_control().outage(on)

    def counters(self) -> dict[str, int]:
        return self._need_control().counters()
