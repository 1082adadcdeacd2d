"""Advice that follows from what was observed (status, body, fetch counts, probe), not fixed text.

A check puts the result in ``Outcome.details["advice"]``; it replaces the scenario's generic
advice. Where the evidence does not decide, the advice says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Collection

import jwt

NO_JWKS_VERIFICATION = (
    "It does not verify against the JWKS: take the key for the token's kid from Better Auth's "
    "/api/auth/jwks (refetching, rate-limited, for an unknown kid) and refuse a token whose kid "
    "it has no key for."
)
MISSING_KID = (
    "A token without kid crashes it: handle a missing kid and answer 401 (PyJWKClient raises "
    "PyJWKClientError, which is not an InvalidTokenError: catch jwt.PyJWTError)."
)
CATCH_ALL = (
    "Catch every verification error (jwt.PyJWTError, PyJWKClientError, ValueError) and answer "
    "401; a bad token must never reach a 500."
)
SHARED_SECRET_SETUP = (
    "Every valid token got 401 and the backend never fetched the JWKS: it most likely verifies "
    "HS256 with a shared secret (BETTER_AUTH_SECRET), as the spec's closing note describes. "
    "Better Auth's JWT plugin signs with the keys of /api/auth/jwks (EdDSA by default): verify "
    "against them."
)
UNDECIDED = (
    "The evidence does not decide why: compare the backend's answer with "
    "`authcheck doctor --backend-url ...`, which checks issuer, audience, algorithm and keys."
)


def has_kid(token: str) -> bool | None:
    """Whether a JWT's header carries a kid; None when it is not a decodable JWT."""
    token = token.removeprefix("Bearer ").strip()
    try:
        return "kid" in jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return None


def server_error(credential: str | None) -> str:
    """A 5xx answer to ``credential`` (a token or an Authorization value)."""
    if credential and has_kid(credential) is False:
        return MISSING_KID
    return CATCH_ALL


def crash_phrase(credential: str | None) -> str:
    """How a 5xx is named in a reason: a kid-less token crashing it is said in those words."""
    if credential and has_kid(credential) is False:
        return "a token without kid crashes it"
    return "a server error"


def rotation_missed(fetched: int | None) -> str:
    """A token with the rotated-in kid kept being refused; ``fetched``: JWKS fetches since."""
    if fetched is None:
        return (
            "Refetch the JWKS when a token has an unknown kid (at most once per ~10 s). The "
            "issuer's fetch counts are not available, so whether it tried is not known."
        )
    if fetched == 0:
        return (
            "It never fetched the JWKS after the rotation: refetch the key set when a token has "
            "an unknown kid (rate-limited, e.g. once per 10 s) instead of refusing until restart."
        )
    return (
        f"It fetched the JWKS {fetched} time(s) after the rotation but still refused the new key: "
        "replace the cached set after a refetch and look the kid up among all its keys."
    )


def outage(kinds: Collection[str]) -> str:
    """``kinds`` of problems seen during a JWKS outage: accepted, crashed, refused."""
    if "accepted" in kinds:
        return (
            "Never accept a token without verifying it: while the JWKS cannot be fetched, verify "
            "with the cached keys and refuse (401) every token they do not verify."
        )
    if "crashed" in kinds:
        return (
            "Keep the cached keys when a refresh fails (do not raise); answer 503, not 500, only "
            "when no key is known at all."
        )
    return "Keep verifying with the cached keys while the JWKS is down."


def unknown_kid(statuses: Collection[int]) -> str:
    """The answers (other than a refusal) to tokens whose kid the issuer never published."""
    if any(status < 400 for status in statuses):
        return NO_JWKS_VERIFICATION
    return (
        "An unknown kid must get 401: when the (rate-limited) refetch does not find the kid, "
        "refuse the token instead of raising."
    )


def valid_refused(fetched_ever: int | None) -> str:
    """Every valid token refused: shared-secret setup when the JWKS was never fetched."""
    if fetched_ever == 0:
        return SHARED_SECRET_SETUP
    return UNDECIDED
