"""The scenario catalogue: pydantic models of `scenarios/*.toml` and a strict loader.

Unknown keys are rejected; a bad file is one `BadInputError` naming the file and the field.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from authcheck.engine.tomlfile import first_error, read_toml
from authcheck.errors import BadInputError
from authcheck.issuer.forge import MintOptions

SCHEMA_VERSION = 1


class Capability(StrEnum):
    """What a token source or run can do; a scenario lists the ones it needs."""

    MINT = "mint"  # sign arbitrary claims with the issuer's private key
    ROTATE = "rotate"
    OUTAGE = "outage"
    COUNTERS = "counters"  # JWKS fetch counters
    EXPIRED_TOKEN = "expired-token"  # a real-key-signed expired token (minted or --expired-token)
    BROWSER = "browser"
    BETTER_AUTH = "better-auth"  # a real Better Auth server issued the tokens


class CheckKind(StrEnum):
    REJECT = "reject"
    LIST_OWN = "list-own"
    CREATE = "create"
    CRUD = "crud"
    TOKEN_FORMAT = "token-format"
    BEARER_HEADER = "bearer-header"
    CORS_PREFLIGHT = "cors-preflight"
    SCOPED_BY_SUB = "scoped-by-sub"
    CROSS_USER = "cross-user"
    KEY_ROTATION = "key-rotation"
    JWKS_OUTAGE = "jwks-outage"
    DELETED_USER = "deleted-user"
    LOCAL_VALIDATION = "local-validation"
    REJECT_LATENCY = "reject-latency"
    SHARED_SECRET = "shared-secret"


class DeriveKind(StrEnum):
    """Credentials built from a real token of user A (or shaped like Better Auth's)."""

    TAMPER_SUB = "tamper-sub"  # payload's sub set to user B, signature kept
    STRIP_SIGNATURE = "strip-signature"  # header.payload.
    SESSION_ID = "session-id"  # the 32-char Better Auth session id
    SESSION_COOKIE = "session-cookie"  # the signed session cookie value <id>.<hmac>
    COOKIE_CACHE_JWT = "cookie-cache-jwt"  # the HS256 session_data cookie JWT
    NO_SCHEME = "no-scheme"  # a valid JWT without "Bearer "
    QUOTED = "quoted"  # Bearer "<jwt>"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MintSpec(MintOptions, _Strict):
    """A token to mint. ``times`` are offsets from now (``-10m``); ``{issuer}``,
    ``{issuer_upper}``, ``{audience}``, ``{kid}``, ``{user_a}`` and ``{user_b}`` in string claims
    and header values are filled in; a header value ``{absent}`` leaves that member out."""

    user: Literal["a", "b"] = "a"
    times: dict[str, str] = {}


class Probe(_Strict):
    """One credential to send; exactly one of ``mint``, ``derive``, ``authorization``,
    ``no_authorization`` says how to make it."""

    name: str
    mint: MintSpec | None = None
    derive: DeriveKind | None = None
    authorization: str | None = Field(default=None, description="literal Authorization value")
    no_authorization: bool = False
    routes: list[Literal["list", "create", "get", "update", "complete", "delete"]] = Field(
        default=["list"],
        min_length=1,
        description="task routes to send it to (item routes use a task of the token's user)",
    )
    status: list[int] = Field(
        default=[], description="statuses accepted for this probe (default: expect.status)"
    )
    fallback: Literal["expired-token"] | None = Field(
        default=None, description="use the run's --expired-token when the mint is not possible"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Probe:
        given = [
            self.mint is not None,
            self.derive is not None,
            self.authorization is not None,
            self.no_authorization,
        ]
        if sum(given) != 1:
            raise ValueError("give exactly one of mint, derive, authorization, no_authorization")
        return self


class Expect(_Strict):
    status: list[int] = [401]
    body_mentions: list[str] = Field(
        default=[], description="the body's text must mention one of these (case-insensitive)"
    )
    distinct_from: DeriveKind | None = Field(
        default=None,
        description="the answer must differ from the one to this credential (expired ≠ tampered)",
    )
    foreign_jwks_fetches: int | None = Field(
        default=None, description="the jku bait URL may be fetched at most this often"
    )
    max_jwks_fetches: int | None = None
    max_unknown_kid_fetches: int | None = Field(
        default=None,
        description="a burst of tokens with unknown kids may cause at most this many JWKS fetches",
    )
    p95_ms_below: float | None = None


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9-]+$")
    title: str
    proves: list[str] = Field(min_length=1)
    needs: list[Capability] = []
    check: CheckKind
    order: Literal["first", "parallel", "last"] = Field(
        default="parallel",
        description="first/last run alone (they rotate keys, cut the JWKS or count fetches)",
    )
    advice: str = Field(description="what to change when the scenario fails")
    calls: int = Field(default=50, ge=1, le=1000)
    expect: Expect = Expect()
    probes: list[Probe] = []


class CatalogueFile(Scenario):
    """One `scenarios/<id>.toml` file: a scenario plus an optional schema pointer."""

    schema_: str | None = Field(default=None, alias="$schema")


def default_catalogue_dir() -> Path:
    """`scenarios/` of the checkout, or the copy packaged inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "scenarios", here.parent / "_catalogue"):
        if candidate.is_dir():
            return candidate
    raise BadInputError("no scenario catalogue found", hint="pass --catalogue DIR")


def load_file(path: Path) -> Scenario:
    data = read_toml(path)
    try:
        return CatalogueFile.model_validate(data)
    except ValidationError as exc:
        raise BadInputError(first_error(path, exc)) from exc


def load_catalogue(directory: Path | None = None) -> tuple[Scenario, ...]:
    """Every `*.toml` scenario in ``directory``, sorted by id; ids must be unique."""
    directory = directory or default_catalogue_dir()
    if not directory.is_dir():
        raise BadInputError(f"{directory}: not a directory")
    scenarios: dict[str, Scenario] = {}
    for path in sorted(directory.glob("*.toml")):
        scenario = load_file(path)
        if scenario.id in scenarios:
            raise BadInputError(f"{path}: field id: duplicate scenario id {scenario.id!r}")
        if path.stem != scenario.id:
            raise BadInputError(f"{path}: field id: {scenario.id!r} must match the file name")
        scenarios[scenario.id] = scenario
    if not scenarios:
        raise BadInputError(f"{directory}: no *.toml scenarios")
    return tuple(scenarios[key] for key in sorted(scenarios))


def select(
    scenarios: Iterable[Scenario], include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> tuple[Scenario, ...]:
    """Keep ids matching any ``include`` glob (all when empty), drop ids matching ``exclude``."""
    pool = tuple(scenarios)
    for pattern in (*include, *exclude):
        if not any(fnmatch.fnmatchcase(s.id, pattern) for s in pool):
            raise BadInputError(f"--select/--skip {pattern!r} matches no scenario id")
    return tuple(
        s
        for s in pool
        if (not include or any(fnmatch.fnmatchcase(s.id, p) for p in include))
        and not any(fnmatch.fnmatchcase(s.id, p) for p in exclude)
    )


def json_schema() -> dict[str, Any]:
    schema = CatalogueFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "authcheck scenario"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
