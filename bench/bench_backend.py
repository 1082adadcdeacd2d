"""The reference backend under load (Debian's ``wrk`` on loopback, uvicorn subprocesses).

One run reports, for ``GET /api/{user}/tasks`` (10 tasks) with a Better-Auth-shaped EdDSA JWT:
- requests/s, p50 and p99 with verification on, against the same app with verification
  switched off (target: ≥ 0.85× the throughput);
- p99 of 401 answers for a tampered token on one connection, so the figure is the time to
  answer, not time queued behind other requests (the spec allows 500 ms; target < 10 ms);
- a naive variant that builds a ``PyJWKClient`` per request, as many public backends do.

``.venv/bin/python -m bench.bench_backend`` (``BENCH_SECONDS`` sets each measurement's length).
The app variants are uvicorn factories in this module: ``bench.bench_backend:noverify_app``.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from authcheck.serve import LOOPBACK, ManagedProcess, ThreadedUvicorn, free_port
from bench.common import BASE, better_auth_token, per_call
from reference_backend.core.security import Principal
from reference_backend.main import create_app

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 8
ROUNDS = 4


# --- the app variants (uvicorn factories, run in the server subprocesses) ---------------------


class _SwappedVerifier:
    """Stands in for ``app.state.verifier``: the request path (``get_current_user`` in the thread
    pool, ``OwnerId``, the route) stays the same; only the work done on the token changes.

    (``app.dependency_overrides`` would not do: FastAPI re-inspects an overridden dependency on
    every request, which would make the baseline slower than the real thing.)"""

    def __init__(self, decode: Callable[[str], dict[str, Any]]) -> None:
        self.decode = decode

    def verify(self, token: str) -> Principal:
        claims = self.decode(token)
        return Principal(claims["sub"], claims, datetime.fromtimestamp(claims["exp"], UTC))


def noverify_app() -> FastAPI:
    """The same app, trusting the token's payload without checking anything."""
    app = create_app()
    app.state.verifier = _SwappedVerifier(
        lambda token: jwt.decode(token, options={"verify_signature": False})
    )
    return app


def naive_app() -> FastAPI:
    """Verification with a new PyJWKClient per request: one JWKS download per request."""
    app = create_app()
    settings = app.state.settings

    def decode(token: str) -> dict[str, Any]:
        key = jwt.PyJWKClient(settings.jwks_url).get_signing_key_from_jwt(token)
        return jwt.decode(
            token, key, algorithms=["EdDSA"], issuer=settings.issuer, audience=settings.audience
        )

    app.state.verifier = _SwappedVerifier(decode)
    return app


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def wrk(url: str, token: str, seconds: int = SECONDS, connections: int = CONNECTIONS) -> Load:
    out = subprocess.run(  # noqa: S603 - our own argv
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Load(
        rps, _percentile(out, "50"), _percentile(out, "99"), int(non_2xx.group(1)) if non_2xx else 0
    )


def _percentile(out: str, pct: str) -> float:
    value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _jwks_server(jwk: dict[str, Any]) -> ThreadedUvicorn:
    async def jwks(_request: Request) -> JSONResponse:
        return JSONResponse({"keys": [jwk]})

    return ThreadedUvicorn(Starlette(routes=[Route("/api/auth/jwks", jwks)]))


def _backend(argv: list[str], env: dict[str, str], port: int, log: Path) -> ManagedProcess:
    url = f"http://{LOOPBACK}:{port}/health"
    return ManagedProcess(argv, ready_url=url, name=argv[-1], env=env, log_path=log)


def _median(loads: list[Load]) -> Load:
    return Load(
        statistics.median(x.rps for x in loads),
        statistics.median(x.p50_ms for x in loads),
        statistics.median(x.p99_ms for x in loads),
        sum(x.non_2xx for x in loads),
    )


def main() -> None:
    token, _, jwk = better_auth_token("EdDSA")
    head, payload, signature = token.split(".")
    tampered = f"{head}.{payload}.{signature[:-6]}AAAAAA"
    sub = "Qm3kX9vL2pR7tY4wZ8nB1cD5"
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        jwks = stack.enter_context(_jwks_server(jwk))
        root = str(Path(__file__).parents[1])
        base_env = {"BETTER_AUTH_URL": BASE, "JWKS_URL": f"{jwks.url}/api/auth/jwks",
                    "JWT_ALGORITHMS": "EdDSA", "PYTHONPATH": root}  # fmt: skip
        py = sys.executable
        variants = {
            "verified": [py, "-m", "reference_backend", "--log-level", "warning", "--port"],
            "unverified": [py, "-m", "uvicorn", "--factory", "--no-access-log", "--log-level",
                           "warning", "bench.bench_backend:noverify_app", "--port"],
            "naive": [py, "-m", "uvicorn", "--factory", "--no-access-log", "--log-level",
                      "warning", "bench.bench_backend:naive_app", "--port"],
        }  # fmt: skip
        urls = {}
        for name, argv in variants.items():
            port = free_port()
            env = {**base_env, "DATABASE_URL": f"sqlite:///{tmp}/{name}.db"}
            stack.enter_context(_backend([*argv, str(port)], env, port, Path(tmp, f"{name}.log")))
            urls[name] = f"http://{LOOPBACK}:{port}/api/{sub}/tasks"
            with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as client:
                for n in range(10):
                    created = client.post(urls[name], json={"title": f"task {n}"})
                    assert created.status_code == 201, (name, created.text)
            wrk(urls[name], token, seconds=2)  # warm-up
        results: dict[str, list[Load]] = {name: [] for name in (*variants, "401", "200, 1 conn")}
        order = list(variants)
        for n in range(ROUNDS):
            # Back to back, in a rotating order, so that drifting background load hits every
            # variant alike; ratios are taken per round (paired), then the median.
            for name in order[n % 3 :] + order[: n % 3]:
                results[name].append(wrk(urls[name], token))
            # Latency (not throughput) of answers: one connection, so no queueing in the figure.
            results["401"].append(wrk(urls["verified"], tampered, connections=1))
            results["200, 1 conn"].append(wrk(urls["verified"], token, connections=1))
    ratios = {
        name: statistics.median(
            v.rps / off.rps for v, off in zip(results[name], results["unverified"], strict=True)
        )
        for name in variants
    }
    report({name: _median(loads) for name, loads in results.items()}, ratios)
    in_process(token, tampered, jwk)


def in_process(token: str, tampered: str, jwk: dict[str, Any]) -> None:
    """The verifier alone, warm, against bare ``jwt.decode`` with a prepared key."""
    from reference_backend.core.jwks import JWKSCache
    from reference_backend.core.security import TokenRejected, TokenVerifier

    transport = httpx.MockTransport(lambda _request: httpx.Response(200, json={"keys": [jwk]}))
    cache = JWKSCache("http://idp.test/jwks", client=httpx.Client(transport=transport))
    verifier = TokenVerifier(cache, issuer=BASE, audience=BASE, algorithms=["EdDSA"], leeway=30)
    prepared = jwt.PyJWK(jwk)

    def reject() -> None:
        try:
            verifier.verify(tampered)
        except TokenRejected:
            pass

    ours = per_call(lambda: verifier.verify(token), 3000)
    bare = per_call(
        lambda: jwt.decode(token, prepared, algorithms=["EdDSA"], issuer=BASE, audience=BASE), 3000
    )
    print(
        f"in process: TokenVerifier.verify {ours * 1e6:.0f} us, bare jwt.decode {bare * 1e6:.0f} "
        f"us ({bare / ours:.2f}x), rejecting a tampered token {per_call(reject, 3000) * 1e6:.0f} us"
    )


def report(r: dict[str, Load], ratios: dict[str, float]) -> None:
    print(f"GET /api/<user>/tasks (10 tasks), EdDSA, wrk -c{CONNECTIONS}, {SECONDS} s x {ROUNDS}")
    print("medians over the rounds; 'vs off' is the median of per-round throughput ratios")
    print(f"{'variant':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs off':>7} {'non-2xx':>8}")
    rows = [
        ("verification off", "unverified"),
        ("verified (cached JWKS)", "verified"),
        ("naive: PyJWKClient/request", "naive"),
    ]
    latency = [("verified 200, -c1", r["200, 1 conn"]), ("401 tampered token, -c1", r["401"])]
    for label, name in rows:
        load = r[name]
        print(f"{label:28} {load.rps:8.0f} {load.p50_ms:8.2f} {load.p99_ms:8.2f} "
              f"{ratios[name]:6.2f}x {load.non_2xx:8d}")  # fmt: skip
    for label, load in latency:
        print(f"{label:28} {load.rps:8.0f} {load.p50_ms:8.2f} {load.p99_ms:8.2f} {'':>7} "
              f"{load.non_2xx:8d}")  # fmt: skip
    ratio = ratios["verified"]
    print(f"verified / off = {ratio:.2f}x (target >= 0.85): {'PASS' if ratio >= 0.85 else 'MISS'}")
    p99 = r["401"].p99_ms
    print(f"401 p99 = {p99:.2f} ms (target < 10 ms): {'PASS' if p99 < 10 else 'MISS'}")


if __name__ == "__main__":
    main()
