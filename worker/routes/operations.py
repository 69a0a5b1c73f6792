"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter

from worker.deps import CurrentUser, ServicesDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(found: ServicesDep) -> dict[str, str]:
    """The process can reach its database (503 otherwise)."""
    found.db.ping()
    return {"status": "ready"}


@router.get("/me", tags=["users"])
def me(user: CurrentUser) -> dict[str, str | None]:
    """Who the access token belongs to, as the worker verified it."""
    email = user.claims.get("email")
    return {"user_id": user.user_id, "email": str(email) if email else None}
