"""The scenario catalogue: pydantic models of `scenarios/*.toml` and a strict loader.

Unknown keys are rejected; a bad file is one `BadInputError` naming the file and the field.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from authcheck.engine.requirements import EDGE_PREFIX, REQUIREMENTS, RequirementKind, kind_of
from authcheck.engine.tomlfile import field_path, read_toml
from authcheck.errors import BadInputError
from authcheck.issuer.forge import MintOptions


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


Order = Literal["first", "parallel", "last"]


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


class RejectExpect(_Strict):
    """What a ``reject`` check expects of the refusals."""

    status: list[int] = Field(default=[401], min_length=1)
    body_mentions: list[str] = Field(
        default=[], description="the body's text must mention one of these (case-insensitive)"
    )
    distinct_from: DeriveKind | None = Field(
        default=None,
        description="the answer must differ from the one to this credential (expired ≠ tampered)",
    )
    foreign_jwks_fetches: int | None = Field(
        default=None, ge=0, description="the jku bait URL may be fetched at most this often"
    )


class FetchBudget(_Strict):
    """What a ``local-validation`` check allows: JWKS fetches for valid and unknown-kid tokens."""

    max_jwks_fetches: int | None = Field(
        default=None, ge=0, description="authenticated calls may cause at most this many (1)"
    )
    max_unknown_kid_fetches: int | None = Field(
        default=None,
        ge=0,
        description="a burst of tokens with unknown kids may cause at most this many JWKS fetches",
    )


class LatencyBudget(_Strict):
    """What a ``reject-latency`` check allows."""

    p95_ms_below: float | None = Field(
        default=None, gt=0, description="p95 of the refusals must stay under this (500 ms)"
    )


class Expect(RejectExpect, FetchBudget, LatencyBudget):
    """Every expectation a check may read, as the checks see it: the kind's own from its file,
    neutral defaults for the rest (a file cannot give a kind another kind's expectations)."""


class Scenario(_Strict):
    """A loaded scenario as the runner and the checks read it. The loader builds it from the
    file model of its kind (`ScenarioFile`), which decides what that kind may take; parameters
    of other kinds keep their neutral defaults here."""

    id: str
    title: str
    proves: list[str]
    needs: list[Capability] = []
    check: CheckKind
    order: Order = "parallel"
    advice: str
    calls: int = 50
    expect: Expect = Expect()
    probes: list[Probe] = []


# What each check kind needs from the run whatever its file says (a file may add to it: a
# ``reject`` of minted tokens needs ``mint``). Without them the runner skips the scenario.
KIND_NEEDS: dict[CheckKind, tuple[Capability, ...]] = {
    CheckKind.BEARER_HEADER: (Capability.BROWSER,),
    CheckKind.CORS_PREFLIGHT: (Capability.BROWSER,),
    CheckKind.KEY_ROTATION: (Capability.ROTATE, Capability.MINT),
    CheckKind.JWKS_OUTAGE: (Capability.OUTAGE, Capability.MINT),
    CheckKind.DELETED_USER: (Capability.MINT,),
    CheckKind.LOCAL_VALIDATION: (Capability.COUNTERS,),
}
# Kinds that change the issuer's state, count its fetches or time answers: they run alone.
RUNS_ALONE = frozenset(
    {
        CheckKind.KEY_ROTATION,
        CheckKind.JWKS_OUTAGE,
        CheckKind.LOCAL_VALIDATION,
        CheckKind.REJECT_LATENCY,
    }
)


def _known_requirement(value: str) -> str:
    if value not in REQUIREMENTS:
        edges = ", ".join(
            r.removeprefix(EDGE_PREFIX) for r in REQUIREMENTS if kind_of(r) is RequirementKind.EDGE
        )
        raise ValueError(
            f"{value!r} is not a requirement of the spec: use FR-001…FR-010, SC-001…SC-006, "
            f"US1-1…US3-2 or 'edge: <case>' ({edges})"
        )
    return value


RequirementId = Annotated[
    str,
    AfterValidator(_known_requirement),
    WithJsonSchema({"type": "string", "enum": list(REQUIREMENTS)}),
]


class _ScenarioFile(_Strict):
    """What every `scenarios/<id>.toml` has, whatever its check kind."""

    schema_: str | None = Field(default=None, alias="$schema")
    check: CheckKind
    id: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9-]+$")
    title: str
    proves: list[RequirementId] = Field(min_length=1)
    needs: list[Capability] = Field(
        default=[], description="capabilities beyond the ones the check kind needs itself"
    )
    order: Order = Field(
        default="parallel",
        validate_default=True,
        description="first/last run alone (rotation, outage, fetch counts and timings must)",
    )
    advice: str = Field(description="what to change when the scenario fails")

    @field_validator("order")
    @classmethod
    def _alone(cls, order: Order, info: ValidationInfo) -> Order:
        kind = info.data.get("check")
        if kind in RUNS_ALONE and order == "parallel":
            raise ValueError(f'a {kind} check must run alone: give "first" or "last"')
        return order

    def scenario(self) -> Scenario:
        """The runtime scenario: the kind's needs first, then the file's own."""
        data = self.model_dump(exclude={"schema_"})
        data["needs"] = list(dict.fromkeys((*KIND_NEEDS.get(self.check, ()), *self.needs)))
        return Scenario.model_validate(data)


class RejectFile(_ScenarioFile):
    """``reject``: every probe credential must be refused."""

    check: Literal[CheckKind.REJECT]
    expect: RejectExpect = RejectExpect()
    probes: list[Probe] = Field(min_length=1)


class LocalValidationFile(_ScenarioFile):
    """``local-validation``: ``calls`` authenticated calls within a JWKS fetch budget."""

    check: Literal[CheckKind.LOCAL_VALIDATION]
    calls: int = Field(default=50, ge=1, le=1000)
    expect: FetchBudget = FetchBudget()


class RejectLatencyFile(_ScenarioFile):
    """``reject-latency``: ``calls`` invalid-token calls, each refused fast."""

    check: Literal[CheckKind.REJECT_LATENCY]
    calls: int = Field(default=50, ge=1, le=1000)
    expect: LatencyBudget = LatencyBudget()


class PlainFile(_ScenarioFile):
    """The kinds that take no parameters: the check knows what to send and expect."""

    check: Literal[
        CheckKind.LIST_OWN,
        CheckKind.CREATE,
        CheckKind.CRUD,
        CheckKind.TOKEN_FORMAT,
        CheckKind.BEARER_HEADER,
        CheckKind.CORS_PREFLIGHT,
        CheckKind.SCOPED_BY_SUB,
        CheckKind.CROSS_USER,
        CheckKind.KEY_ROTATION,
        CheckKind.JWKS_OUTAGE,
        CheckKind.DELETED_USER,
        CheckKind.SHARED_SECRET,
    ]


ScenarioFile = Annotated[
    RejectFile | LocalValidationFile | RejectLatencyFile | PlainFile,
    Field(discriminator="check"),
]
"""One `scenarios/<id>.toml` file: which fields it may have depends on its ``check``."""
_FILE: TypeAdapter[RejectFile | LocalValidationFile | RejectLatencyFile | PlainFile] = TypeAdapter(
    ScenarioFile
)


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
        return _FILE.validate_python(data).scenario()
    except ValidationError as exc:
        raise BadInputError(_first_error(path, exc, data)) from exc


def _first_error(path: Path, exc: ValidationError, data: dict[str, Any]) -> str:
    """``<path>: field <where>: <message>``, in the words of the file's check kind: the tag the
    union adds to the location is dropped, and a field of another kind says which kind takes it."""
    errors = exc.errors()
    # A misspelt field is also a missing one: naming the unknown name helps more.
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc, message = list(error["loc"]), error["msg"]
    kind = data.get("check")
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc = ["check"]
        known = ", ".join(k.value for k in CheckKind)
        message = f"{kind!r} is not a check kind ({known})" if kind else f"missing ({known})"
    elif loc and loc[0] == kind:
        loc = loc[1:]
    if error["type"] == "extra_forbidden" and (len(loc) == 1 or loc[0] == "expect"):
        message = f"a {kind} check does not take it" + _takers(loc)
    message = message.removeprefix("Value error, ")
    rest = exc.error_count() - 1
    tail = f" (and {rest} more)" if rest else ""
    return f"{path}: field {field_path(loc)}: {message}{tail}"


# The kinds that take parameters: their file model and their [expect] model.
_PARAMETERISED: dict[CheckKind, tuple[type[_ScenarioFile], type[_Strict]]] = {
    CheckKind.REJECT: (RejectFile, RejectExpect),
    CheckKind.LOCAL_VALIDATION: (LocalValidationFile, FetchBudget),
    CheckKind.REJECT_LATENCY: (RejectLatencyFile, LatencyBudget),
}


def _takers(loc: list[int | str]) -> str:
    """Which kinds take the parameter at ``loc``: `` (only reject takes it)``, or `` (reject-latency
    takes it, under [expect])`` for an expectation given at the top level."""
    name = str(loc[-1])
    top: list[str] = []
    nested: list[str] = []
    for kind, (model, expect) in _PARAMETERISED.items():
        if len(loc) == 1 and name in model.model_fields:
            top.append(kind.value)
        elif name in expect.model_fields:
            nested.append(kind.value)
    if top:
        return f" (only {_and(top)} {'take' if top[1:] else 'takes'} it)"
    if nested:
        under = ", under [expect]" if len(loc) == 1 else ""
        return f" (only {_and(nested)} {'take' if nested[1:] else 'takes'} it{under})"
    return ""


def _and(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " and " + words[-1] if words[1:] else words[0]


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
    schema = _FILE.json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "authcheck scenario"
    schema["description"] = (
        "One scenarios/<id>.toml file (authcheck scenarios schema prints this document); "
        "which fields it may have depends on its check kind."
    )
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
