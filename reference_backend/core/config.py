"""Settings from the environment (pydantic-settings), checked once at start-up.

Only ``BETTER_AUTH_URL`` is required: it gives the JWKS URL (``<url>/api/auth/jwks``) and the
issuer and audience Better Auth puts in its JWTs (both equal to that URL, compared exactly).
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Better Auth's JWT plugin signs with EdDSA (Ed25519) by default; it can be configured for these.
SUPPORTED_ALGORITHMS = ("EdDSA", "ES256", "ES512", "RS256", "PS256")
# RFC 9864 renames the algorithm "EdDSA" to "Ed25519"; accept both spellings in the setting.
_ALGORITHM_ALIASES = {"ed25519": "EdDSA"} | {name.lower(): name for name in SUPPORTED_ALGORITHMS}


class ConfigError(Exception):
    """A setting is missing or malformed. ``str()`` is one line that names the setting."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    BETTER_AUTH_URL: str | None = None
    JWKS_URL: str | None = None
    JWT_ISSUER: str | None = None
    JWT_AUDIENCE: str | None = None
    # Every asymmetric algorithm Better Auth can sign with: each JWK is bound to its own algorithm
    # (kty/crv/alg, checked in security.py), so accepting all of them opens no confusion. Never HS*.
    JWT_ALGORITHMS: Annotated[tuple[str, ...], NoDecode] = SUPPORTED_ALGORITHMS
    JWT_LEEWAY: int = Field(default=30, ge=0, le=300)
    # Seconds the fetched key set is trusted before it is fetched again (a key removed from the
    # JWKS is refused after at most this long); at least the 10 s floor between fetches.
    JWKS_CACHE_TTL: int = Field(default=300, ge=10, le=86_400)
    DATABASE_URL: str = "sqlite:///./reference_backend.db"
    CORS_ORIGINS: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("BETTER_AUTH_URL", "JWKS_URL")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("JWT_ALGORITHMS", mode="before")
    @classmethod
    def _parse_algorithms(cls, value: object) -> object:
        names = _comma_list(value)
        if not isinstance(names, list | tuple) or not names:
            raise ValueError("list at least one algorithm, e.g. JWT_ALGORITHMS=EdDSA")
        canonical = []
        for name in names:
            alg = _ALGORITHM_ALIASES.get(str(name).lower())
            if alg is None:
                raise ValueError(
                    f"{name!r} is not supported; choose from {', '.join(SUPPORTED_ALGORITHMS)}"
                )
            canonical.append(alg)
        return tuple(dict.fromkeys(canonical))

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        origins = _comma_list(value)
        if isinstance(origins, list):
            for origin in origins:
                _http_url(origin)
            return tuple(origin.rstrip("/") for origin in origins)
        return origins

    @field_validator("DATABASE_URL")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        scheme, _, rest = value.partition("://")
        if scheme in ("postgres", "postgresql"):  # SQLAlchemy would pick psycopg2; we use psycopg 3
            return "postgresql+psycopg://" + rest
        if scheme not in ("sqlite", "postgresql+psycopg") or "://" not in value:
            raise ValueError("use sqlite:///path/to/file.db or postgresql+psycopg://user@host/db")
        return value

    def _derived(self, explicit: str | None, suffix: str, name: str) -> str:
        if explicit is not None:
            return explicit
        if self.BETTER_AUTH_URL is None:
            raise ConfigError(
                f"BETTER_AUTH_URL is not set (needed for {name}): set it to your Better Auth "
                "base URL, e.g. BETTER_AUTH_URL=http://localhost:3000"
            )
        return self.BETTER_AUTH_URL.rstrip("/") + suffix if suffix else self.BETTER_AUTH_URL

    @cached_property
    def jwks_url(self) -> str:
        return self._derived(self.JWKS_URL, "/api/auth/jwks", "JWKS_URL")

    @cached_property
    def issuer(self) -> str:
        return self._derived(self.JWT_ISSUER, "", "JWT_ISSUER")

    @cached_property
    def audience(self) -> str:
        return self._derived(self.JWT_AUDIENCE, "", "JWT_AUDIENCE")

    def check(self) -> Settings:
        """Resolve every derived value now, so a gap stops start-up rather than a request."""
        _ = self.jwks_url, self.issuer, self.audience
        return self


def load_settings() -> Settings:
    """Read the environment; raise ``ConfigError`` with one line naming the bad setting."""
    try:
        return Settings().check()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
