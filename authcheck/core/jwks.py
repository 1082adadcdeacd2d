"""Key sets: parse a JWKS document strictly, describe each key, lint it, build verifier keys.

A JWKS is untrusted input. Lint findings carry stable codes; set-level errors (duplicate kid,
private keys published, mixed symmetric/asymmetric) make the whole set unusable for verification,
per-key errors make that key unusable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from authcheck.core.findings import Finding, finding
from authcheck.core.jwk import (
    ALG_KEY,
    PRIVATE_MEMBERS,
    PYJWT_ALG,
    JwkInfo,
    check_binding,
    size_bits,
    str_or_none,
)
from authcheck.core.jwks_lint import lint_key, set_findings
from authcheck.errors import UnreachableError

__all__ = [
    "ALG_KEY",
    "MAX_JWKS_BYTES",
    "PRIVATE_MEMBERS",
    "JwkInfo",
    "JwksError",
    "KeyProblem",
    "KeySet",
    "check_binding",
    "lint_key_set",
    "parse_key_set",
]

MAX_JWKS_BYTES = 512 * 1024
_SET_LEVEL = frozenset({"jwks.duplicate-kid", "jwks.private-key-exposed", "jwks.mixed-key-set"})


class JwksError(UnreachableError):
    """The key set cannot be used: unreachable, not JSON, not a key set (exit 3)."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.code = code

    @property
    def finding(self) -> Finding:
        return finding(self.code, self.message, self.hint)


class KeyProblem(Exception):
    """A key cannot verify this token; ``finding`` says why."""

    def __init__(self, found: Finding) -> None:
        super().__init__(found.message)
        self.finding = found


@dataclass(frozen=True)
class KeySet:
    keys: tuple[JwkInfo, ...]
    set_findings: tuple[Finding, ...]
    _prepared: dict[tuple[int, str], Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every lint finding: set-level first, then each key's."""
        return self.set_findings + tuple(f for k in self.keys for f in k.findings)

    @property
    def kids(self) -> tuple[str | None, ...]:
        return tuple(k.kid for k in self.keys)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """Set-level errors that make every verification with this set fail."""
        return tuple(f for f in self.findings if f.code in _SET_LEVEL)

    def by_kid(self, kid: str) -> list[JwkInfo]:
        return [k for k in self.keys if k.kid == kid]

    def prepared_key(self, info: JwkInfo, alg: str) -> Any:
        """The PyJWK for ``info`` used with ``alg``, built once (key loading is costly)."""
        slot = (info.index, alg)
        key = self._prepared.get(slot)
        if key is None:
            key = _build_key(info, alg)
            self._prepared[slot] = key
        return key


def parse_key_set(document: bytes | str | dict[str, Any], source: str = "JWKS") -> KeySet:
    """Parse a JWKS (bytes, text or dict). ``JwksError`` (jwks.invalid) if it is not one."""
    if isinstance(document, dict):
        data: Any = document
    else:
        if len(document) > MAX_JWKS_BYTES:
            raise JwksError("jwks.invalid", f"{source} is over {MAX_JWKS_BYTES} bytes")
        try:
            data = json.loads(document)
        except (ValueError, RecursionError) as exc:
            text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
            looks_html = text.lstrip()[:1] == "<"
            raise JwksError(
                "jwks.invalid",
                f"{source} is not JSON" + (" (it looks like an HTML page)" if looks_html else ""),
                "Use Better Auth's key endpoint: <BETTER_AUTH_URL>/api/auth/jwks "
                "(or your jwks.jwksPath).",
            ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise JwksError(
            "jwks.invalid",
            f'{source} is JSON but not a key set (no "keys" array)',
            'A single JWK must be wrapped as {"keys": [ ... ]}.',
        )
    raw_keys: list[Any] = data["keys"]
    keys = tuple(_describe(i, raw) for i, raw in enumerate(raw_keys))
    return KeySet(keys, set_findings(keys))


def lint_key_set(key_set: KeySet | bytes | str | dict[str, Any]) -> tuple[Finding, ...]:
    """Every lint finding of a key set (parsed first when given as a document).

    ``JwksError`` (jwks.invalid) when the document is not a key set at all.
    """
    parsed = key_set if isinstance(key_set, KeySet) else parse_key_set(key_set)
    return parsed.findings


def _describe(index: int, raw: Any) -> JwkInfo:
    if not isinstance(raw, dict):
        bad = finding("jwks.unsupported-key", f"key #{index} is not a JSON object")
        return JwkInfo(index, None, None, None, None, None, None, None, False, (bad,), {})
    kid, kty, crv, alg, use = (str_or_none(raw.get(k)) for k in ("kid", "kty", "crv", "alg", "use"))
    ops_raw = raw.get("key_ops")
    key_ops: tuple[str, ...] | None = None
    if isinstance(ops_raw, list):
        # Tolerate comma-joined entries ("sign, verify", seen in Wycheproof's RFC 7520 keys).
        key_ops = tuple(
            op.strip() for item in ops_raw if isinstance(item, str) for op in item.split(",")
        )
    has_private = any(m in raw for m in PRIVATE_MEMBERS)
    size, size_problem = size_bits(kty, crv, raw)
    info = JwkInfo(index, kid, kty, crv, alg, use, key_ops, size, has_private, (), raw)
    problems = lint_key(info, size_problem, ops_raw)
    return JwkInfo(index, kid, kty, crv, alg, use, key_ops, size, has_private, problems, raw)


def _build_key(info: JwkInfo, alg: str) -> Any:
    import jwt
    from jwt.exceptions import PyJWKError, PyJWTError

    try:
        return jwt.PyJWK(info.public_data(), algorithm=PYJWT_ALG.get(alg, alg))
    except (PyJWKError, PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise KeyProblem(
            finding("jwks.unsupported-key", f"{info.label} cannot be loaded: {exc}")
        ) from exc
