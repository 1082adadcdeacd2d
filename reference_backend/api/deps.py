"""Dependencies: the database session and the caller, taken from a verified Better Auth JWT."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from reference_backend.core.jwks import KeySetUnavailable
from reference_backend.core.security import Principal, TokenRejected, TokenVerifier

bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="A Better Auth JWT: `(await authClient.token()).data.token` in the frontend.",
)


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Verify the bearer JWT locally (a sync dependency: FastAPI runs it in the thread pool)."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=_missing(request.headers.get("Authorization")),
            headers={"WWW-Authenticate": "Bearer"},
        )
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return verifier.verify(credentials.credentials)
    except TokenRejected as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=exc.description,
            headers={"WWW-Authenticate": _challenge(exc.description)},
        ) from None
    except KeySetUnavailable as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"Cannot verify tokens right now: {exc.message}. Try again shortly.",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None


CurrentUser = Annotated[Principal, Depends(get_current_user)]


async def get_owner_id(user_id: str, user: CurrentUser) -> str:
    """The path's ``user_id``, which must be the caller's own (the token's ``sub``).

    ``async`` because it does no I/O: it runs on the event loop, sparing a thread-pool hop."""
    if user_id != user.user_id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="The user id in the path is not the one in your token (sub); "
            "you can only reach your own tasks",
        )
    return user_id


OwnerId = Annotated[str, Depends(get_owner_id)]


def _missing(authorization: str | None) -> str:
    if not authorization:
        return "No Authorization header: send 'Authorization: Bearer <JWT>'"
    scheme = authorization.partition(" ")[0]
    if scheme.lower() == "bearer":
        return "The Authorization header has no token after 'Bearer'"
    return f"The Authorization scheme must be Bearer, not {scheme[:20]!r}"


def _challenge(description: str) -> str:
    """RFC 6750 challenge; the description reduced to a safe quoted-string."""
    safe = "".join(ch for ch in description if ch.isascii() and ch.isprintable())
    safe = safe.replace("\\", "").replace('"', "'")
    return f'Bearer error="invalid_token", error_description="{safe}"'
