from __future__ import annotations

from fastapi import APIRouter

from reference_backend.api.deps import CurrentUser
from reference_backend.models import Me

router = APIRouter(prefix="/api", tags=["me"])


@router.get("/me")
def read_me(user: CurrentUser) -> Me:
    """Who the token says you are: ``sub`` plus the user fields Better Auth puts in the JWT."""
    email, name = user.claims.get("email"), user.claims.get("name")
    return Me(
        user_id=user.user_id,
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
        expires_at=user.expires_at,
    )
