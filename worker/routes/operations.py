"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from worker import errors
from worker.deps import CurrentUser, ServicesDep

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]


class Me(BaseModel):
    user_id: str
    email: str | None


@router.get("/healthz", response_model=Alive)
def healthz() -> Alive:
    """The process is up."""
    return Alive(status="ok")


@router.get("/readyz", response_model=Ready, responses=errors.responses(errors.Unavailable))
def readyz(found: ServicesDep) -> Ready:
    """The process can reach its database (503 otherwise)."""
    found.db.ping()
    return Ready(status="ready")


@router.get(
    "/me", tags=["users"], response_model=Me, responses=errors.responses(errors.NotAuthenticated)
)
def me(user: CurrentUser) -> Me:
    """Who the access token belongs to, as the worker verified it."""
    email = user.claims.get("email")
    return Me(user_id=user.user_id, email=str(email) if email else None)
