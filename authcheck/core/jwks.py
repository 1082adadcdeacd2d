"""Key sets: parse a JWKS document strictly, describe each key, lint it, build verifier keys.

A JWKS is untrusted input. Lint findings carry stable codes; set-level errors (duplicate kid,
private keys published, mixed symmetric/asymmetric) make the whole set unusable for verification,
per-key errors make that key unusable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from authcheck.core.b64 import Base64Error, b64url_decode
from authcheck.core.findings import Finding, Severity, finding
from authcheck.errors import UnreachableError

MAX_JWKS_BYTES = 512 * 1024
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth")
# JWS alg -> (kty, allowed curves or None). "Ed25519" is RFC 9864's name for EdDSA on Ed25519.
ALG_KEY: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "EdDSA": ("OKP", ("Ed25519", "Ed448")),
    "Ed25519": ("OKP", ("Ed25519",)),
    "ES256": ("EC", ("P-256",)),
    "ES384": ("EC", ("P-384",)),
    "ES512": ("EC", ("P-521",)),
    "RS256": ("RSA", None),
    "RS384": ("RSA", None),
    "RS512": ("RSA", None),
    "PS256": ("RSA", None),
    "PS384": ("RSA", None),
    "PS512": ("RSA", None),
    "HS256": ("oct", None),
    "HS384": ("oct", None),
    "HS512": ("oct", None),
}
PYJWT_ALG = {"Ed25519": "EdDSA"}
_ENC_ALGS = ("RSA1_5", "dir")
_ENC_PREFIXES = ("RSA-OAEP", "ECDH-ES", "A128", "A192", "A256", "PBES2")
_CURVE_BITS = {"P-256": 256, "P-384": 384, "P-521": 521, "Ed25519": 255, "Ed448": 448}
_HMAC_MIN = {"HS256": 32, "HS384": 48, "HS512": 64}
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
class JwkInfo:
    index: int
    kid: str | None
    kty: str | None
    crv: str | None
    alg: str | None
    use: str | None
    key_ops: tuple[str, ...] | None
    size_bits: int | None
    has_private: bool
    findings: tuple[Finding, ...]
    data: dict[str, Any] = field(repr=False)

    @property
    def label(self) -> str:
        return f"kid {self.kid!r}" if self.kid is not None else f"key #{self.index}"

    @property
    def usable(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def public_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k not in PRIVATE_MEMBERS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "kty": self.kty,
            "crv": self.crv,
            "alg": self.alg,
            "use": self.use,
            "key_ops": list(self.key_ops) if self.key_ops is not None else None,
            "size_bits": self.size_bits,
        }


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
                "Point --jwks at Better Auth's key endpoint: <BETTER_AUTH_URL>/api/auth/jwks "
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
    return KeySet(keys, _set_findings(keys))


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
    kid, kty, crv, alg, use = (
        _str_or_none(raw.get(k)) for k in ("kid", "kty", "crv", "alg", "use")
    )
    ops_raw = raw.get("key_ops")
    key_ops: tuple[str, ...] | None = None
    if isinstance(ops_raw, list):
        # Tolerate comma-joined entries ("sign, verify", seen in Wycheproof's RFC 7520 keys).
        key_ops = tuple(
            op.strip() for item in ops_raw if isinstance(item, str) for op in item.split(",")
        )
    has_private = any(m in raw for m in PRIVATE_MEMBERS)
    size, size_problem = _size_bits(kty, crv, raw)
    info = JwkInfo(index, kid, kty, crv, alg, use, key_ops, size, has_private, (), raw)
    problems = _lint_key(info, size_problem, ops_raw)
    return JwkInfo(index, kid, kty, crv, alg, use, key_ops, size, has_private, problems, raw)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _size_bits(kty: str | None, crv: str | None, raw: dict[str, Any]) -> tuple[int | None, str]:
    try:
        if kty == "RSA":
            return _int(raw.get("n")).bit_length(), ""
        if kty == "oct":
            return len(_int_bytes(raw.get("k"), allow_empty=True)) * 8, ""
        if kty in ("EC", "OKP"):
            return _CURVE_BITS.get(crv or ""), ""
    except (Base64Error, TypeError) as exc:
        return None, str(exc)
    return None, ""


def _int_bytes(value: Any, *, allow_empty: bool = False) -> bytes:
    if not isinstance(value, str):
        raise TypeError("a key member is missing or not a string")
    data = b64url_decode(value)
    if not data and not allow_empty:
        raise TypeError("a key member is empty")
    return data


def _int(value: Any) -> int:
    return int.from_bytes(_int_bytes(value), "big")


def _lint_key(info: JwkInfo, size_problem: str, ops_raw: Any) -> tuple[Finding, ...]:
    out: list[Finding] = []
    label = info.label
    if info.kid is None:
        out.append(finding("jwks.kid-missing", f"{label} has no kid"))
    if info.has_private and info.kty != "oct":
        members = ", ".join(m for m in PRIVATE_MEMBERS if m in info.data)
        out.append(
            finding(
                "jwks.private-key-exposed",
                f"{label} publishes private key material ({members})",
                "Anyone can now sign tokens with this key: rotate it and publish only public keys.",
            )
        )
    if info.use is not None and info.use != "sig":
        out.append(finding("jwks.enc-key", f"{label} has use {info.use!r}: not for signatures"))
    if ops_raw is not None and (info.key_ops is None or "verify" not in info.key_ops):
        out.append(finding("jwks.enc-key", f"{label} has key_ops {ops_raw!r} without 'verify'"))
    alg = info.alg
    if alg is not None:
        if alg in _ENC_ALGS or alg.startswith(_ENC_PREFIXES):
            out.append(finding("jwks.enc-key", f"{label} has encryption alg {alg!r}"))
        elif alg not in ALG_KEY:
            out.append(finding("jwks.unsupported-key", f"{label} has unsupported alg {alg!r}"))
        elif not _fits(info, alg):
            out.append(
                finding(
                    "jwks.unsupported-key",
                    f"{label}: alg {alg} does not fit kty {info.kty} crv {info.crv}",
                )
            )
    if size_problem:
        out.append(finding("jwks.unsupported-key", f"{label}: {size_problem}"))
    out.extend(_strength(info))
    return tuple(out)


def _strength(info: JwkInfo) -> list[Finding]:
    label, size = info.label, info.size_bits
    if info.kty is None:
        return [finding("jwks.unsupported-key", f"{label} has no kty")]
    if info.kty == "RSA":
        out: list[Finding] = []
        if size is not None and size < 2048:
            out.append(finding("jwks.weak-key", f"{label} is RSA-{size}, under 2048 bits"))
        try:
            e, n = _int(info.data.get("e")), _int(info.data.get("n"))
        except (Base64Error, TypeError):
            return [*out, finding("jwks.unsupported-key", f"{label}: RSA n/e missing or bad")]
        if e < 3 or e % 2 == 0:
            out.append(finding("jwks.weak-key", f"{label} has RSA public exponent {e}"))
        if _roca_fingerprint(n):
            out.append(
                finding(
                    "jwks.weak-key",
                    f"{label} has the ROCA fingerprint (CVE-2017-15361): factorable",
                )
            )
        return out
    if info.kty == "EC":
        if info.crv not in ("P-256", "P-384", "P-521"):
            return [finding("jwks.unsupported-key", f"{label} has unsupported curve {info.crv!r}")]
        return []
    if info.kty == "OKP":
        if info.crv not in ("Ed25519", "Ed448"):
            return [finding("jwks.unsupported-key", f"{label} has non-signing curve {info.crv!r}")]
        return []
    if info.kty == "oct":
        out = [
            finding(
                "jwks.symmetric-key",
                f"{label} is a symmetric (oct) key",
                "A published HMAC key is a public secret: anyone can sign with it.",
            )
        ]
        need = _HMAC_MIN.get(info.alg or "", 32)
        if size is not None and size < need * 8:
            out.append(
                finding("jwks.weak-key", f"{label} is a {size}-bit HMAC key, under {need * 8}")
            )
        return out
    return [finding("jwks.unsupported-key", f"{label} has unsupported kty {info.kty!r}")]


def _set_findings(keys: tuple[JwkInfo, ...]) -> tuple[Finding, ...]:
    out: list[Finding] = []
    if not keys:
        out.append(finding("jwks.invalid", "the key set is empty"))
    counts: dict[str, int] = {}
    for key in keys:
        if key.kid is not None:
            counts[key.kid] = counts.get(key.kid, 0) + 1
    out.extend(
        finding(
            "jwks.duplicate-kid",
            f"kid {kid!r} is used by {n} keys",
            "A kid must name exactly one key; verifiers may pick the wrong one.",
        )
        for kid, n in counts.items()
        if n > 1
    )
    ktys = {k.kty for k in keys}
    if "oct" in ktys and ktys - {"oct", None}:
        out.append(
            finding("jwks.mixed-key-set", "the key set mixes symmetric (oct) and public keys")
        )
    return tuple(out)


def _fits(info: JwkInfo, alg: str) -> bool:
    kty, curves = ALG_KEY[alg]
    return info.kty == kty and (curves is None or info.crv in curves)


def _same_alg(a: str, b: str) -> bool:
    return a == b or {a, b} == {"EdDSA", "Ed25519"}


def check_binding(info: JwkInfo, alg: str) -> Finding | None:
    """None when ``alg`` may be used with this key (kty, crv and the JWK's own alg agree)."""
    if alg in ALG_KEY and not _fits(info, alg):
        hint = None
        if alg.startswith("HS") and info.kty != "oct":
            hint = (
                "An HS token checked against a public key is the RS/ES→HS key-confusion attack "
                "(or a shared-secret setup); Better Auth's JWT plugin signs with EdDSA by default."
            )
        return finding(
            "key.alg-mismatch",
            f"token alg {alg} cannot use {info.label} (kty {info.kty}, crv {info.crv})",
            hint,
        )
    if info.alg is not None and not _same_alg(info.alg, alg):
        return finding(
            "key.alg-mismatch",
            f"token alg {alg} but {info.label} is bound to alg {info.alg}",
            "Each key must be used with exactly one algorithm (RFC 8725 §3.1).",
        )
    return None


def _build_key(info: JwkInfo, alg: str) -> Any:
    import jwt
    from jwt.exceptions import PyJWKError, PyJWTError

    try:
        return jwt.PyJWK(info.public_data(), algorithm=PYJWT_ALG.get(alg, alg))
    except (PyJWKError, PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise KeyProblem(
            finding("jwks.unsupported-key", f"{info.label} cannot be loaded: {exc}")
        ) from exc


_ROCA_PRIMES: tuple[int, ...] = tuple(
    p for p in range(3, 168) if all(p % d for d in range(2, int(p**0.5) + 1))
)


@cache
def _powers_of_65537(p: int) -> frozenset[int]:
    seen, x = set(), 1
    while x not in seen:
        seen.add(x)
        x = x * 65537 % p
    return frozenset(seen)


def _roca_fingerprint(n: int) -> bool:
    """Infineon ROCA moduli have n mod p in <65537> mod p for every small prime p."""
    return all(n % p in _powers_of_65537(p) for p in _ROCA_PRIMES)
