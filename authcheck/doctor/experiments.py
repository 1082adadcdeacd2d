"""The experiments: the valid token with one thing changed, and what the contract expects of each.

Pure: builds descriptions (a mint request, or a ready Authorization value) from the issuer's
facts and the valid token; `authcheck.doctor.run` sends them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from authcheck.core.b64 import b64url_decode, b64url_encode
from authcheck.doctor.model import Expect
from authcheck.issuer.forge import MintRequest
from authcheck.issuer.keys import SUPPORTED_ALGS, generate_key

WRONG_ISS = "https://issuer.authcheck.invalid"
WRONG_AUD = "https://audience.authcheck.invalid"
USER_FIELDS = ("id", "email", "name")


@dataclass(frozen=True)
class Experiment:
    code: str
    variable: str
    change: str
    value: Any
    expect: Expect
    mint: MintRequest | None = None  # minted with the issuer's key (control API)
    authorization: str | None = None  # sent as is (None and no mint: no header at all)


def url_variants(url: str) -> list[str]:
    """The spellings of ``url`` a backend is likely configured with instead (exact compare)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    swap = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(host)

    def build(scheme: str, hostname: str, port_: int | None, path: str) -> str:
        netloc = hostname if port_ is None else f"{hostname}:{port_}"
        return urlunsplit((scheme, netloc, path, "", ""))

    path = parts.path
    slash = path[:-1] if path.endswith("/") else path + "/"
    other_scheme = "https" if parts.scheme == "http" else "http"
    out = [build(parts.scheme, host, port, slash), build(other_scheme, host, port, path)]
    if swap:
        out += [build(parts.scheme, swap, port, path), build(parts.scheme, swap, port, slash)]
    if port != 3000:  # Better Auth's default base URL, hard-coded by many backends
        out += [build("http", "localhost", 3000, ""), build("http", "127.0.0.1", 3000, "")]
    return [v for v in dict.fromkeys(out) if v != url]


def _mint(claims: dict[str, Any], **more: Any) -> MintRequest:
    return MintRequest(claims=claims, **more)


def minted(iss: str, aud: str, claims: dict[str, Any], target: str) -> list[Experiment]:
    """Experiments that need the issuer's private key (control API)."""
    sub = claims["sub"]
    now = int(time.time())
    out = [
        Experiment(f"iss.{i}", "iss", f"iss {v!r}", v, Expect.PROBE, _mint({**claims, "iss": v}))
        for i, v in enumerate(url_variants(iss))
    ]
    aud_values = [*url_variants(aud), target.rstrip("/")]
    out += [
        Experiment(f"aud.{i}", "aud", f"aud {v!r}", v, Expect.PROBE, _mint({**claims, "aud": v}))
        for i, v in enumerate(dict.fromkeys(aud_values))
        if v != aud
    ]
    if iss == aud:
        out += [
            Experiment(
                f"base-url.{i}",
                "base-url",
                f"iss and aud {v!r} (BETTER_AUTH_URL)",
                v,
                Expect.PROBE,
                _mint({**claims, "iss": v, "aud": v}),
            )
            for i, v in enumerate(url_variants(iss))
        ]
    out += [
        Experiment("aud.list", "aud", f"aud [{aud!r}]", [aud], Expect.ACCEPT,
                   _mint({**claims, "aud": [aud]})),
        Experiment("typ.jwt", "header", 'header typ "JWT"', "JWT", Expect.PROBE,
                   _mint(claims, header={"typ": "JWT"})),
        Experiment("claims.sub-only", "claims", "only sub (no id, email, name)", "sub",
                   Expect.ACCEPT, _mint({"sub": sub})),
        Experiment("claims.sub+id", "claims", "sub and id only", "id", Expect.PROBE,
                   _mint({"sub": sub, "id": sub})),
        Experiment("claims.sub+email", "claims", "sub and email only", "email", Expect.PROBE,
                   _mint({"sub": sub, "email": claims.get("email", sub)})),
        Experiment("claims.user_id", "claims", "user_id added (= sub)", "user_id", Expect.PROBE,
                   _mint({**claims, "user_id": sub})),
        Experiment("claims.email-is-sub", "claims", "email = sub", "email", Expect.PROBE,
                   _mint({**claims, "email": sub})),
        Experiment("lifetime.iat-past", "lifetime", "iat 5 minutes ago (clock skew)", -300,
                   Expect.ACCEPT, _mint({**claims, "iat": now - 300, "nbf": now - 300})),
        Experiment("refuse.iss", "iss", f"iss {WRONG_ISS!r}", WRONG_ISS, Expect.REFUSE,
                   _mint({**claims, "iss": WRONG_ISS})),
        Experiment("refuse.aud", "aud", f"aud {WRONG_AUD!r}", WRONG_AUD, Expect.REFUSE,
                   _mint({**claims, "aud": WRONG_AUD})),
        Experiment("refuse.expired", "lifetime", "expired 10 minutes ago", now - 600,
                   Expect.REFUSE, _mint({**claims, "iat": now - 1500, "exp": now - 600})),
    ]  # fmt: skip
    return out


def algorithms(current: str, claims: dict[str, Any]) -> list[Experiment]:
    """The claims signed by a key of each other algorithm Better Auth can sign with. `run`
    stages those keys (published, the issuer's current key untouched) and sets each kid."""
    return [
        Experiment(f"alg.{alg}", "alg", f"signed with a staged {alg} key", alg, Expect.PROBE,
                   _mint(claims))
        for alg in SUPPORTED_ALGS
        if alg != current
    ]  # fmt: skip


def _split(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    head, payload, signature = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(payload)), signature


def _join(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(value, separators=(",", ":")).encode())

    return f"{part(header)}.{part(claims)}"


def local(token: str, session_token: str | None) -> list[Experiment]:
    """Experiments built from the valid token alone (no private key needed)."""
    out = [
        Experiment("refuse.no-header", "format", "no Authorization header", None, Expect.REFUSE),
        Experiment("format.lowercase-scheme", "format", "'bearer' in lower case", "bearer",
                   Expect.PROBE, authorization=f"bearer {token}"),
        Experiment("format.no-scheme", "format", "the JWT without 'Bearer '", "", Expect.PROBE,
                   authorization=token),
    ]  # fmt: skip
    if session_token:
        out.append(
            Experiment("session-token", "credential", "the Better Auth session token instead",
                       "session", Expect.PROBE, authorization=f"Bearer {session_token}")
        )  # fmt: skip
    try:
        header, claims, signature = _split(token)
    except ValueError:
        return out
    other = f"{claims.get('sub', '')}-other"
    unsigned = _join({**header, "alg": "none"}, claims) + "."
    tampered = _join(header, {**claims, "sub": other}) + "." + signature
    alg = str(header.get("alg", "EdDSA"))
    key = generate_key(alg if alg in SUPPORTED_ALGS else "EdDSA")
    signing_input = _join({**header, "alg": key.alg}, claims)
    foreign = f"{signing_input}.{b64url_encode(key.sign(signing_input.encode()))}"
    out += [
        Experiment("refuse.alg-none", "signature", "alg none, no signature", "none",
                   Expect.REFUSE, authorization=f"Bearer {unsigned}"),
        Experiment("refuse.tampered", "signature", f"payload sub changed to {other!r}", other,
                   Expect.REFUSE, authorization=f"Bearer {tampered}"),
        Experiment("refuse.foreign-key", "signature", "signed by a key not in the JWKS (same kid)",
                   key.alg, Expect.REFUSE, authorization=f"Bearer {foreign}"),
    ]  # fmt: skip
    return out


def hs256(claims: dict[str, Any], secret: str) -> Experiment:
    """The valid token's claims signed HS256 with BETTER_AUTH_SECRET (the shared-secret setup)."""
    import jwt

    token = jwt.encode(claims, secret, algorithm="HS256")
    return Experiment("hs256.secret", "alg", "HS256 with BETTER_AUTH_SECRET", "HS256",
                      Expect.PROBE, authorization=f"Bearer {token}")  # fmt: skip
