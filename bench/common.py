"""Helpers shared by the benchmarks: a Better-Auth-shaped token and wall-clock sampling."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any

BASE = "http://localhost:3000"


def better_auth_token(alg: str = "EdDSA") -> tuple[str, Any, dict[str, Any]]:
    """A token shaped like Better Auth's /api/auth/token output, its private key and public JWK."""
    import jwt

    from authcheck.issuer.keys import generate_key

    key = generate_key(alg, kid="4mQJ0eRzXc8N2bW1yV7tK5sH3gF6dA9p")
    private, jwk = key.private_key, key.public.jwk()
    now = int(time.time())
    claims = {
        "iat": now,
        "name": "Bob Example",
        "email": "bob@example.com",
        "emailVerified": False,
        "image": None,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        "id": "Qm3kX9vL2pR7tY4wZ8nB1cD5",
        "sub": "Qm3kX9vL2pR7tY4wZ8nB1cD5",
        "exp": now + 900,
        "iss": BASE,
        "aud": BASE,
    }
    token = jwt.encode(claims, private, algorithm=alg, headers={"kid": jwk["kid"]})
    return token, private, jwk


def wall_times(argv: Sequence[str], runs: int, stdin: bytes | None = None) -> list[float]:
    """Wall time of ``runs`` fresh processes (after one warm-up run for the page cache)."""
    out: list[float] = []
    for i in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own argv
            argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        if i:
            out.append(time.perf_counter() - started)
    return out


def per_call(fn: Callable[[], Any], number: int, repeat: int = 5) -> float:
    """Best-of-``repeat`` seconds per call over ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - started) / number)
    return best


def compare(fns: dict[str, Callable[[], Any]], number: int, rounds: int = 25) -> dict[str, float]:
    """Best seconds per call of each function, measured in interleaved rounds so that load from
    other processes hits every contender alike."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            started = time.perf_counter()
            for _ in range(number):
                fn()
            best[name] = min(best[name], (time.perf_counter() - started) / number)
    return best


def summary(samples: list[float]) -> str:
    return f"min {min(samples) * 1000:.1f} ms, median {statistics.median(samples) * 1000:.1f} ms"
