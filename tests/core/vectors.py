"""Loading the third-party vectors copied into tests/data/vectors (see SOURCES.md there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from authcheck.core.jwks import ALG_KEY, PRIVATE_MEMBERS

DATA = Path(__file__).resolve().parent.parent / "data" / "vectors"
ALL_ALGS = tuple(ALG_KEY)


def load(relative: str) -> Any:
    return json.loads((DATA / relative).read_text(encoding="utf-8"))


def public(jwk: dict[str, Any]) -> dict[str, Any]:
    """The public half of a JWK; symmetric keys have no public half and stay as they are."""
    if jwk.get("kty") == "oct":
        return dict(jwk)
    return {k: v for k, v in jwk.items() if k not in PRIVATE_MEMBERS}


def key_set_of(group: dict[str, Any]) -> dict[str, Any]:
    """A Wycheproof JWS/JWK group's verification key set (its 'public' part when present)."""
    source = group.get("public") or group["private"]
    keys = source["keys"] if "keys" in source else [source]
    return {"keys": [public(k) for k in keys]}


def cases(relative: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(g, t) for g in load(relative)["testGroups"] for t in g["tests"]]
