"""Keys the way most FastAPI write-ups fetch them: PyJWT's `PyJWKClient`.

Its key-set cache (``lifespan``) keeps known keys working while the JWKS is down; an unknown
kid forces one refetch unless the last fetch was under ``cooldown_duration`` ago, so garbage
kids cannot hammer Better Auth.
"""

from __future__ import annotations

import jwt

from tests.zoo.auth.claims import InvalidToken, KeysUnavailable, verified_sub

COOLDOWN_S = 2.0  # PyJWKClient defaults to 30 s: a rotated key would wait that long


class PyJWKVerifier:
    def __init__(self, base_url: str, jwks_path: str = "/api/auth/jwks") -> None:
        self.issuer = base_url
        self.client = jwt.PyJWKClient(
            base_url + jwks_path, lifespan=300, cooldown_duration=COOLDOWN_S, timeout=5
        )

    def _has_keys(self) -> bool:
        cache = self.client.jwk_set_cache
        return cache is not None and cache.get() is not None

    def user_id(self, token: str) -> str:
        try:
            key = self.client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError:
            if not self._has_keys():
                raise KeysUnavailable from None
            raise InvalidToken("unknown signing key") from None
        except jwt.PyJWKClientError:
            raise InvalidToken("unknown signing key") from None
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        return verified_sub(token, key, self.issuer)
