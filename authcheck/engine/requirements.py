"""The spec's requirement ids, defined once (docs/spec/003-auth-jwt-integration.md).

A scenario's ``proves`` names ids from here (the loader refuses any other), and the HTML
report's requirement matrix reads its rows and their one-line texts from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class RequirementKind(StrEnum):
    FUNCTIONAL = "functional"  # FR-001…FR-010
    SUCCESS = "success"  # SC-001…SC-006: measurable outcomes
    ACCEPTANCE = "acceptance"  # US1-1…US3-2: user stories' acceptance scenarios
    EDGE = "edge"  # the spec's "Edge Cases", named "edge: <what>"


EDGE_PREFIX = "edge: "

# In the spec's order; each text is one line, in the spec's words where they fit one.
_SPEC: dict[str, str] = {
    "FR-001": "Frontend retrieves a properly formatted JWT from Better Auth (JWT plugin)",
    "FR-002": "Frontend sends the JWT as Authorization: Bearer <token> on every API request",
    "FR-003": "Backend validates JWTs with Better Auth's JWKS",
    "FR-004": "Backend takes the user id from the sub claim",
    "FR-005": "Backend scopes data access to that user id",
    "FR-006": "Backend answers 401 to invalid or expired JWTs",
    "FR-007": "No call to Better Auth once the JWT is validated locally",
    "FR-008": "Token expiry is handled with a clear error",
    "FR-009": "Frontend and backend agree on issuer and audience",
    "FR-010": "JWTs are signed with RS256 or EdDSA (asymmetric, as configured)",
    "SC-001": "No 401 for authenticated users reaching their tasks",
    "SC-002": "JWTs validated locally, without calls to Better Auth",
    "SC-003": "Task CRUD succeeds for authenticated users",
    "SC-004": "The user id is reliably taken from sub",
    "SC-005": "Invalid or expired JWTs get 401 within 500 ms",
    "SC-006": "Users reach only their own tasks; 403 for others' data",
    "US1-1": "US1: a valid JWT lists the user's tasks",
    "US1-2": "US1: a valid JWT creates a task owned by the user",
    "US2-1": "US2: the frontend gets a properly formatted JWT",
    "US2-2": 'US2: the Authorization header is "Bearer <valid JWT>"',
    "US3-1": "US3: the backend validates via JWKS and extracts the user id",
    "US3-2": "US3: another user's data is denied",
}
_EDGES: dict[str, str] = {
    EDGE_PREFIX + "expired": "expired: what happens when a JWT is expired",
    EDGE_PREFIX + "malformed or tampered": "malformed or tampered: how such JWTs are handled",
    EDGE_PREFIX + "JWKS down": "JWKS down: the JWKS endpoint is temporarily unavailable",
    EDGE_PREFIX + "other providers": "other providers: tokens from another authentication provider",
    EDGE_PREFIX + "deleted user": "deleted user: the user is deleted but the JWT is still valid",
}

REQUIREMENTS: Mapping[str, str] = MappingProxyType({**_SPEC, **_EDGES})
"""Every id a scenario may prove → its one-line text, in the spec's order."""


def kind_of(requirement: str) -> RequirementKind:
    """Which part of the spec ``requirement`` (a key of ``REQUIREMENTS``) comes from."""
    if requirement.startswith(EDGE_PREFIX):
        return RequirementKind.EDGE
    if requirement.startswith("FR-"):
        return RequirementKind.FUNCTIONAL
    if requirement.startswith("SC-"):
        return RequirementKind.SUCCESS
    return RequirementKind.ACCEPTANCE


def spec_requirements() -> dict[str, str]:
    """The numbered requirements (FR, SC, US): the rows every requirement matrix shows."""
    return {k: text for k, text in REQUIREMENTS.items() if kind_of(k) is not RequirementKind.EDGE}
