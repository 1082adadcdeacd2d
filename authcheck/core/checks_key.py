"""Verification checks on keys: the key set, kid → key, key usability and binding, signature."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from authcheck.core.checks import CheckName, CheckRun, Status
from authcheck.core.findings import Finding, Severity, finding
from authcheck.core.jose import DecodedToken
from authcheck.core.jwks import JwkInfo, JwksError, KeyProblem, KeySet, check_binding

if TYPE_CHECKING:
    from authcheck.core.fetch import JwksFetcher


def check_key_set(
    run: CheckRun, key_set: KeySet | None, fetcher: JwksFetcher | None
) -> tuple[KeySet | None, Finding | None, float | None]:
    skew = None
    if key_set is None and fetcher is not None:
        try:
            result = fetcher.get()
        except JwksError as exc:
            run.fail(CheckName.JWKS, exc.finding)
            return None, exc.finding, None
        key_set = result.key_set
        skew = result.http.clock_skew if result.http else None
    assert key_set is not None
    blocking = key_set.blocking
    if blocking:
        run.fail(CheckName.JWKS, blocking[0], "; ".join(f.message for f in blocking))
    else:
        run.ok(CheckName.JWKS, f"{len(key_set.keys)} key(s): {', '.join(map(str, key_set.kids))}")
    return key_set, None, skew


def check_kid(
    run: CheckRun, keys: KeySet | None, kid: Any, fetcher: JwksFetcher | None
) -> tuple[JwkInfo | None, KeySet | None]:
    """The key for ``kid`` and the key set it belongs to (a refetch may bring a newer set)."""
    if keys is None:
        run.skip(CheckName.KID, "no key set")
        return None, None
    if kid is None:
        if len(keys.keys) == 1:
            run.add(
                CheckName.KID,
                Status.WARN,
                "no kid; the key set has one key, which is used",
                finding(
                    "header.kid-missing",
                    "the header has no kid (Better Auth always sends one)",
                    severity=Severity.WARNING,
                ),
            )
            return keys.keys[0], keys
        run.fail(
            CheckName.KID,
            finding(
                "header.kid-missing",
                f"the header has no kid and the key set has {len(keys.keys)} keys",
                "Better Auth always sets kid; without it there is no safe key choice.",
            ),
        )
        return None, keys
    if not isinstance(kid, str):
        run.fail(CheckName.KID, finding("header.kid-unknown", f"kid is a {type(kid).__name__}"))
        return None, keys
    matches = keys.by_kid(kid)
    if not matches and fetcher is not None:
        try:
            found = fetcher.key_for(kid)  # refetches once (rate-limited) on an unknown kid
        except JwksError as exc:  # the refetch failed: the kid stays unknown, say why
            run.pre.append(exc.finding)
            found = None
        if found is not None and fetcher.last is not None:
            keys = fetcher.last.key_set
            matches = keys.by_kid(kid)
    if not matches:
        known = ", ".join(repr(k) for k in keys.kids) or "none"
        run.fail(
            CheckName.KID,
            finding(
                "header.kid-unknown",
                f"no key with kid {kid!r} (the key set has {known})",
                "The key was rotated out of the JWKS, or the token comes from another "
                "environment's Better Auth (check BETTER_AUTH_URL and the backend's JWKS URL).",
            ),
        )
        return None, keys
    if len(matches) > 1:
        run.fail(
            CheckName.KID, finding("jwks.duplicate-kid", f"{len(matches)} keys have kid {kid!r}")
        )
        return None, keys
    run.ok(CheckName.KID, f"kid {kid!r} found")
    return matches[0], keys


def check_key(run: CheckRun, keys: KeySet | None, info: JwkInfo | None, alg: str | None) -> Any:
    if info is None or keys is None:
        run.skip(CheckName.KEY, "no key selected")
        run.skip(CheckName.KEY_ALG, "no key selected")
        return None
    errors = [f for f in info.findings if f.severity is Severity.ERROR]
    if errors:
        run.fail(CheckName.KEY, errors[0], "; ".join(f.message for f in errors))
        run.pre.extend(errors[1:])
        run.skip(CheckName.KEY_ALG, "the key is unusable")
        return None
    size = f", {info.size_bits} bits" if info.size_bits else ""
    run.ok(CheckName.KEY, f"{info.kty} {info.crv or ''}{size}".replace("  ", " ").strip())
    if alg is None:
        run.skip(CheckName.KEY_ALG, "no acceptable alg")
        return None
    mismatch = check_binding(info, alg)
    if mismatch is not None:
        run.fail(CheckName.KEY_ALG, mismatch)
        return None
    try:
        prepared = keys.prepared_key(info, alg)
    except KeyProblem as exc:
        run.fail(CheckName.KEY_ALG, exc.finding)
        return None
    run.ok(CheckName.KEY_ALG, f"{alg} fits {info.kty}{' ' + info.crv if info.crv else ''}")
    return prepared


def check_signature(
    run: CheckRun, decoded: DecodedToken, alg: str | None, prepared: Any, info: JwkInfo | None
) -> None:
    if prepared is None or alg is None:
        run.skip(CheckName.SIGNATURE, "no usable key for an allowed alg")
        return
    if signature_ok(prepared, decoded.signing_input, decoded.signature):
        label = info.label if info else "the key"
        run.ok(
            CheckName.SIGNATURE,
            f"{alg} signature ({decoded.signature_len} bytes) verifies with {label}",
        )
        return
    run.fail(
        CheckName.SIGNATURE,
        finding(
            "signature.invalid",
            f"the {alg} signature ({decoded.signature_len} bytes) does not verify",
            "The token was edited, or signed by a different key with the same kid (another "
            "environment's Better Auth, or a database reset that regenerated the jwks table).",
        ),
    )


def signature_ok(prepared: Any, signing_input: bytes, signature: bytes) -> bool:
    """PyJWT's check of ``signature`` over ``signing_input`` with a ``KeySet.prepared_key``."""
    try:
        return bool(prepared.Algorithm.verify(signing_input, prepared.key, signature))
    except Exception:  # noqa: BLE001 - any failure inside the crypto means "does not verify"
        return False
