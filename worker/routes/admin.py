"""Operators' actions. Whether the caller is an admin is decided in SQL, from their token
(`app_metadata.user_role`), never here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from worker import errors, refunds
from worker.db import Identity
from worker.deps import UUID_PATTERN, CurrentUser, Services, ServicesDep

router = APIRouter(tags=["admin"])


class RefundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_cents: int | None = Field(default=None, gt=0, description="omit for a full refund")
    reason: str = Field(min_length=1, max_length=500)


class RefundAccepted(BaseModel):
    refund_id: str
    order_id: str
    amount_cents: int
    status: str
    sent_to_whop: bool


def _refund(
    found: Services, user: Identity, order_id: str, request: RefundRequest
) -> RefundAccepted:
    requested: dict[str, Any] = found.db.rpc(
        "request_refund",
        {"order_id": order_id, "amount_cents": request.amount_cents, "reason": request.reason},
        identity=user,
    )
    outcome, refused = refunds.submit_refund(found.db, found.whop, requested["id"])
    recorded = refused or requested
    return RefundAccepted(
        refund_id=recorded["id"],
        order_id=recorded["order_id"],
        amount_cents=recorded["amount_cents"],
        status=recorded["status"],
        sent_to_whop=outcome == "submitted",
    )


@router.post(
    "/admin/orders/{order_id}/refunds",
    response_model=RefundAccepted,
    status_code=202,
    responses=errors.responses(
        errors.NotAuthenticated,
        errors.Forbidden,
        errors.NotFound,
        errors.Conflict,
        errors.InvalidInput,
        errors.Unavailable,
    ),
)
async def refund_order(
    order_id: Annotated[str, Path(pattern=UUID_PATTERN)],
    request: RefundRequest,
    user: CurrentUser,
    found: ServicesDep,
) -> RefundAccepted:
    """Refund an order fully or partly through Whop. Accepted, not done: the order
    changes when Whop confirms the refund (its webhook, or reconciliation)."""
    return await run_in_threadpool(_refund, found, user, order_id, request)
