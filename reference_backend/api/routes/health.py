from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness: no authentication, no database, no call to Better Auth."""
    return {"status": "ok"}
