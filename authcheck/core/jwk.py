"""One JSON Web Key as authcheck sees it: what it is, how big, and which algorithm fits it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authcheck.core.b64 import Base64Error, b64url_decode
from authcheck.core.findings import Finding, Severity, finding

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
_CURVE_BITS = {"P-256": 256, "P-384": 384, "P-521": 521, "Ed25519": 255, "Ed448": 448}


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


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def size_bits(kty: str | None, crv: str | None, raw: dict[str, Any]) -> tuple[int | None, str]:
    try:
        if kty == "RSA":
            return key_int(raw.get("n")).bit_length(), ""
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


def key_int(value: Any) -> int:
    return int.from_bytes(_int_bytes(value), "big")


def fits(info: JwkInfo, alg: str) -> bool:
    kty, curves = ALG_KEY[alg]
    return info.kty == kty and (curves is None or info.crv in curves)


def _same_alg(a: str, b: str) -> bool:
    return a == b or {a, b} == {"EdDSA", "Ed25519"}


def check_binding(info: JwkInfo, alg: str) -> Finding | None:
    """None when ``alg`` may be used with this key (kty, crv and the JWK's own alg agree)."""
    if alg in ALG_KEY and not fits(info, alg):
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
