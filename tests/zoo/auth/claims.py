"""What every zoo backend checks once it holds the token's key: PyJWT with an allow-list bound
to the key's own algorithm, exact iss and aud (Better Auth's base URL), required claims, and
``sub`` as the user id. Failures are `InvalidToken` with words the frontend can act on."""

from __future__ import annotations

from typing import Any

import jwt

# Better Auth's JWT plugin signs with EdDSA by default; these are the asymmetric algorithms it
# can be configured for. Never an HMAC algorithm: the JWKS holds public keys.
ALGORITHMS = frozenset({"EdDSA", "Ed25519", "ES256", "ES512", "RS256", "PS256"})
REQUIRED = ["exp", "iat", "iss", "aud", "sub"]
LEEWAY_S = 30


class InvalidToken(Exception):
    """The bearer token is not acceptable (answer 401)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class KeysUnavailable(Exception):
    """No key was ever fetched from the JWKS (answer 503, never an acceptance)."""


def verified_sub(token: str, key: jwt.PyJWK, issuer: str) -> str:
    """``sub`` of ``token`` verified with ``key``; the token's alg must be the key's own."""
    alg = key.algorithm_name
    if alg not in ALGORITHMS:
        raise InvalidToken(f"keys for {alg} are not accepted")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            issuer=issuer,
            audience=issuer,
            leeway=LEEWAY_S,
            options={"require": REQUIRED},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("token expired: get a fresh one with authClient.token()") from None
    except jwt.InvalidAlgorithmError:
        raise InvalidToken(f"the token's algorithm is not {alg}, the key's own") from None
    except jwt.InvalidSignatureError:
        raise InvalidToken("bad signature") from None
    except jwt.InvalidIssuerError:
        raise InvalidToken("wrong issuer (iss)") from None
    except jwt.InvalidAudienceError:
        raise InvalidToken("wrong audience (aud)") from None
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidToken(f"the token has no {exc.claim} claim") from None
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token ({exc.__class__.__name__})") from None
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub:
        raise InvalidToken("the token's sub is empty")
    return sub
