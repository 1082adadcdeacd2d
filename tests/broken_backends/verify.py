"""Token verification of the broken backend: right by default, each switch bends one rule."""

import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import HTTPException

ALLOWED = ("EdDSA", "ES256", "RS256", "PS256")


class BadToken(Exception):
    def __init__(self, detail: str) -> None:
        self.detail = detail


# Real backends wait ~10 s between refetches; 2 s keeps the rotation scenario (which waits out
# the limit armed by the run's own unknown kids) short here. sc002's burst still sees one fetch.
REFETCH_INTERVAL_S = 2.0
PERIOD_S = 5.0  # periodic-refetch-500: the key set is reloaded when older than this
# hs256-shared-secret: the backend's BETTER_AUTH_SECRET (a placeholder from templates)
SHARED_SECRET = "your-secret-key-change-in-production"


class Keys:
    """JWKS cache: fetched once, refetched for an unknown kid at most once per
    ``REFETCH_INTERVAL_S`` (the switches bend this)."""

    def __init__(self, url: str, defects: frozenset[str]) -> None:
        self.url = url
        self.defects = defects
        self.keys: dict[str, jwt.PyJWK] = {}
        self.lock = threading.Lock()
        self.last_refetch: float | None = None
        self.fetched_at = 0.0
        self.failures = 0  # failed fetches (outage-fails-open looks at this request's)
        self.client = jwt.PyJWKClient(url) if "pyjwkclient" in defects else None

    def _may_refetch(self) -> bool:
        # outage-500 is PyJWKClient used bare: a refetch per unknown kid, errors not caught
        if not self.keys or {"refetch-every-unknown-kid", "outage-500"} & self.defects:
            return True
        if "no-kid-refetch" in self.defects:
            return False
        now = time.monotonic()
        if self.last_refetch is not None and now - self.last_refetch < REFETCH_INTERVAL_S:
            return False
        self.last_refetch = now
        return True

    def _fetch(self) -> None:
        try:
            response = httpx.get(self.url, timeout=5)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError):
            self.failures += 1
            raise
        self.fetched_at = time.monotonic()
        self.keys = {k["kid"]: jwt.PyJWK(k) for k in data["keys"]}

    def get(self, kid: str) -> jwt.PyJWK | None:
        if self.client is not None:  # PyJWKClient as its docs show it
            try:
                return self.client.get_signing_key(kid)
            except jwt.PyJWKClientError:
                return None
        with self.lock:
            if "unknown-kid-unverified" in self.defects and self.keys and kid not in self.keys:
                return None  # no refetch: the caller takes the token unverified
            stale = time.monotonic() - self.fetched_at > PERIOD_S
            if "periodic-refetch-500" in self.defects and self.keys and stale:
                try:
                    self._fetch()
                except (httpx.HTTPError, ValueError, KeyError):
                    raise HTTPException(500, "Internal Server Error") from None
            if "jwks-per-request" in self.defects:
                try:
                    self._fetch()
                except (httpx.HTTPError, ValueError, KeyError):
                    pass
            elif kid not in self.keys and self._may_refetch():
                try:
                    self._fetch()
                except (httpx.HTTPError, ValueError, KeyError):
                    if "outage-500" in self.defects:
                        raise HTTPException(500, "Internal Server Error") from None
            return self.keys.get(kid)

    def every(self) -> list[jwt.PyJWK]:
        with self.lock:
            return list(self.keys.values())


def _segment(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Verifier:
    """``verify(token, path_user) -> user id``; ``BadToken`` for a refused token."""

    def __init__(
        self, issuer_url: str, defects: frozenset[str], secret: str = SHARED_SECRET
    ) -> None:
        self.secret = secret
        self.issuer = issuer_url
        self.defects = defects
        self.keys = Keys(issuer_url + "/api/auth/jwks", defects)

    def verify(self, token: str, path_user: str | None, *, check_exp: bool = True) -> str:
        defects = self.defects if check_exp else self.defects | {"no-exp-check"}
        if "accepts-session-ids" in defects and len(token) == 32 and "." not in token:
            return path_user or "session-user"
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            if "crash-on-malformed" in defects:
                raise HTTPException(500, "Internal Server Error") from None
            if "crash-drops-connection" in defects:
                raise RuntimeError("unhandled: uvicorn answers 500, drops the connection") from None
            raise BadToken("not a JWT") from None
        if "payload-array-500" in defects:
            self._peek_issuer(token)
        alg = str(header.get("alg", ""))
        if "alg-none-accepted" in defects and alg.lower() == "none":
            return str(jwt.decode(token, options={"verify_signature": False})["sub"])
        key: Any
        if "follows-jku" in defects and "jku" in header:
            data = httpx.get(header["jku"], timeout=5).json()
            key, alg = jwt.PyJWK(data["keys"][0]).key, data["keys"][0]["alg"]
        elif "trusts-jwk-header" in defects and "jwk" in header:
            key = jwt.PyJWK(header["jwk"]).key
        elif alg.upper().startswith("HS") and "hs256-shared-secret" in defects:
            key = self.secret  # "the spec says HS256 with the shared secret"
        else:
            if "kid" not in header and "kid-less-500" in defects:
                raise HTTPException(500, "Internal Server Error")  # an uncaught PyJWKClientError
            failures = self.keys.failures
            found = self.keys.get(str(header.get("kid")))
            if found is None and "unknown-kid-first-key" in defects and self.keys.every():
                found = self.keys.every()[-1]  # "the" key (the newest, when there are several)
                alg = found.algorithm_name
            if found is None and "unknown-kid-unverified" in defects:
                return unverified_sub(token)
            if found is None and "outage-fails-open" in defects and self.keys.failures > failures:
                return unverified_sub(token)  # "the JWKS is down: let the user in"
            if found is None:
                if "unknown-kid-500" in defects:
                    raise HTTPException(500, "Internal Server Error")
                if "tries-every-key" in defects:
                    return self._try_every_key(token, path_user, defects)
                raise BadToken("unknown signing key")
            if "hs256-public-key" in defects and alg == "HS256":
                return _hs256_with_pem(token, found)
            if "alg-from-token" not in defects and (
                alg not in ALLOWED or alg != found.algorithm_name
            ):
                raise BadToken("algorithm not allowed")
            key = found.key
        return self._claims(token, key, alg, path_user, defects)

    def _claims(
        self, token: str, key: Any, alg: str, path_user: str | None, defects: frozenset[str]
    ) -> str:
        required = ["iat", "iss", "aud"]
        required += [] if {"sub-optional", "sub-falls-back-to-id"} & defects else ["sub"]
        required += [] if "exp-optional" in defects else ["exp"]
        own_iss = {"iss-startswith", "iss-case-insensitive"} & defects
        options: dict[str, Any] = {
            "require": required,
            "verify_exp": "no-exp-check" not in defects,
            "verify_iss": "no-iss-check" not in defects and not own_iss,
            "verify_aud": "no-aud-check" not in defects and "aud-substring" not in defects,
            "verify_nbf": "no-nbf-check" not in defects,
            "verify_signature": "no-signature-check" not in defects,
        }
        if "alg-from-token" in defects and alg.upper().startswith("HS"):
            # PyJWT raises TypeError for an HMAC alg with a key object: a 500 in real life
            raise HTTPException(500, "Internal Server Error")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer,
                audience=self.issuer,
                leeway=86400 if "leeway-a-day" in defects else 30,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.PyJWTError as exc:
            if not isinstance(exc, jwt.ExpiredSignatureError):
                raise BadToken(f"invalid token: {exc.__class__.__name__}") from None
            if "no-expiry-message" in defects:
                raise BadToken("invalid token") from None
            raise BadToken("token expired; get a new one") from None
        iss = str(claims["iss"])
        if "iss-startswith" in defects and not iss.startswith(self.issuer):
            raise BadToken("wrong issuer")
        if "iss-case-insensitive" in defects and iss.lower() != self.issuer.lower():
            raise BadToken("wrong issuer")
        if "aud-substring" in defects and self.issuer not in claims["aud"]:
            raise BadToken("wrong audience")
        if "user-from-id-claim" in defects:
            return str(claims.get("id"))
        if "sub-falls-back-to-id" in defects:
            return str(claims.get("sub") or claims.get("id") or "")
        if "sub-optional" in defects or "empty-sub-uses-path" in defects:
            return str(claims.get("sub") or path_user)
        if not claims["sub"]:
            raise BadToken("empty sub")
        return str(claims["sub"])

    def _try_every_key(self, token: str, path_user: str | None, defects: frozenset[str]) -> str:
        for candidate in self.keys.every():
            try:
                alg = candidate.algorithm_name
                return self._claims(token, candidate.key, alg, path_user, defects)
            except BadToken:
                continue
        raise BadToken("no key verifies the token")

    def _peek_issuer(self, token: str) -> None:
        """Reads iss before verifying, by hand (to log it); forgets the payload may not be an
        object, so a JSON array payload raises AttributeError → 500."""
        try:
            unverified = json.loads(_segment(token.split(".")[1]))
        except (ValueError, IndexError, binascii.Error):
            raise BadToken("not a JWT") from None
        try:
            unverified.get("iss")
        except AttributeError:
            raise HTTPException(500, "Internal Server Error") from None


def unverified_sub(token: str) -> str:
    """The classic shortcut: read sub without checking the signature."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise BadToken("not a JWT") from None
    if "sub" not in claims:
        raise BadToken("no sub")
    return str(claims["sub"])


def _hs256_with_pem(token: str, found: jwt.PyJWK) -> str:
    """The classic confusion bug: HMAC keyed with the public key's PEM text."""
    pem = found.key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head, payload, sig = token.split(".")
    mac = hmac.new(pem, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    if base64.urlsafe_b64encode(mac).rstrip(b"=").decode() != sig:
        raise BadToken("bad HS256 signature")
    claims = json.loads(_segment(payload))
    return str(claims["sub"])
