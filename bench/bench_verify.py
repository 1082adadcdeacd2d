"""In-process verification with a warm JWKS against bare `jwt.decode` with a prepared key
(target: authcheck's throughput ≥ 0.9× PyJWT's)."""

from __future__ import annotations

import httpx
import jwt

from authcheck.core.fetch import JwksFetcher
from authcheck.core.jwks import parse_key_set
from authcheck.core.verify import verify
from bench.common import BASE, better_auth_token, compare

NUMBER = 300


def main() -> None:
    for alg in ("EdDSA", "ES256", "RS256"):
        token, _, jwk = better_auth_token(alg)
        prepared = jwt.PyJWK(jwk, algorithm=alg)

        def bare(token: str = token, prepared: jwt.PyJWK = prepared, alg: str = alg) -> object:
            return jwt.decode(token, prepared, algorithms=[alg], issuer=BASE, audience=BASE)

        key_set = parse_key_set({"keys": [jwk]})
        transport = httpx.MockTransport(
            lambda request, jwk=jwk: httpx.Response(
                200, json={"keys": [jwk]}, headers={"cache-control": "max-age=300"}
            )
        )
        fetcher = JwksFetcher(f"{BASE}/api/auth/jwks", httpx.Client(transport=transport))

        def ours_set(token: str = token, key_set: object = key_set) -> object:
            return verify(token, key_set=key_set, issuer=BASE, audience=BASE)  # type: ignore[arg-type]

        def ours_fetcher(token: str = token, fetcher: JwksFetcher = fetcher) -> object:
            return verify(token, fetcher=fetcher, issuer=BASE, audience=BASE)

        assert ours_set().valid and ours_fetcher().valid  # type: ignore[attr-defined]  # warms
        best = compare({"bare": bare, "set": ours_set, "fetcher": ours_fetcher}, NUMBER)
        bare_s, set_s, fetch_s = best["bare"], best["set"], best["fetcher"]
        print(
            f"{alg:6} jwt.decode {bare_s * 1e6:6.1f} us | authcheck verify: key set "
            f"{set_s * 1e6:6.1f} us = {bare_s / set_s:.2f}x, warm fetcher "
            f"{fetch_s * 1e6:6.1f} us = {bare_s / fetch_s:.2f}x"
        )
    print(
        "(x = authcheck throughput / PyJWT throughput, best of 25 interleaved rounds; "
        "target >= 0.9x)"
    )


if __name__ == "__main__":
    main()
