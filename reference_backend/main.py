"""The app factory. ``uvicorn reference_backend.main:app`` or ``python -m reference_backend``."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from reference_backend.api.routes import health, me, tasks
from reference_backend.core.config import ConfigError, Settings, load_settings
from reference_backend.core.db import init_db, make_engine
from reference_backend.core.jwks import JWKSCache
from reference_backend.core.security import TokenVerifier


def create_app(settings: Settings | None = None, *, jwks: JWKSCache | None = None) -> FastAPI:
    """Build the API. ``jwks`` lets tests pass a cache with its own clock or HTTP client."""
    settings = settings or load_settings()
    engine = make_engine(settings.DATABASE_URL)
    keys = jwks or JWKSCache(settings.jwks_url, max_age=settings.JWKS_CACHE_TTL)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        init_db(engine)
        yield
        keys.close()
        engine.dispose()

    app = FastAPI(
        title="Tasks API (authcheck reference backend)",
        description="Verifies Better Auth JWTs locally against the JWKS; each user sees only "
        "their own tasks. Click Authorize and paste a JWT from authClient.token().",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.verifier = TokenVerifier.from_settings(settings, keys)
    if settings.CORS_ORIGINS:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.CORS_ORIGINS),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    for module in (health, me, tasks):
        app.include_router(module.router)
    return app


_app: FastAPI | None = None


def __getattr__(name: str) -> FastAPI:
    """``main.app`` is built from the environment on first use, so that importing this module
    (tests, ``create_app``) needs no settings, and a bad setting ends start-up with one line."""
    global _app
    if name != "app":
        raise AttributeError(name)
    if _app is None:
        try:
            _app = create_app()
        except ConfigError as exc:
            sys.stderr.write(f"reference_backend: {exc}\n")
            raise SystemExit(2) from None  # the status ``python -m reference_backend`` gives
    return _app
