"""Lint rules for keys and key sets (ATTACKS.md C12, C13, C30 and the jwks command)."""

from __future__ import annotations

from functools import cache
from typing import Any

from authcheck.core.b64 import Base64Error
from authcheck.core.findings import Finding, finding
from authcheck.core.jwk import ALG_KEY, PRIVATE_MEMBERS, JwkInfo, fits, key_int

_ENC_ALGS = ("RSA1_5", "dir")
_ENC_PREFIXES = ("RSA-OAEP", "ECDH-ES", "A128", "A192", "A256", "PBES2")
_HMAC_MIN = {"HS256": 32, "HS384": 48, "HS512": 64}


def lint_key(info: JwkInfo, size_problem: str, ops_raw: Any) -> tuple[Finding, ...]:
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
        elif not fits(info, alg):
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
            e, n = key_int(info.data.get("e")), key_int(info.data.get("n"))
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


def set_findings(keys: tuple[JwkInfo, ...]) -> tuple[Finding, ...]:
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
