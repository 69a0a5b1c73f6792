"""Checkout: the buyer picks, SQL prices, Whop collects.

POST /checkout never reads a price from the request: `prepare_checkout` creates the
pending order from the stored packages and extras, then the worker opens a Whop
checkout for the seller's connected company with the platform fee as application fee
and the order id in its metadata. POST /checkout/confirm never moves an order by itself:
it asks Whop what happened and applies that through the webhook's own handler, so a
forged confirm changes nothing.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from worker import errors
from worker.deps import UUID_PATTERN, CurrentUser, ServicesDep
from worker.whop import wire

router = APIRouter(tags=["checkout"])
log = logging.getLogger("gigflow.checkout")

AttributionKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
AttributionValue = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    """Unknown fields are refused: a client sending a price must learn it is ignored."""

    model_config = ConfigDict(extra="forbid")


class ExtraChoice(Strict):
    extra_id: str = Field(pattern=UUID_PATTERN)
    quantity: int = Field(default=1, ge=1, le=100)


class CheckoutRequest(Strict):
    gig_id: str = Field(pattern=UUID_PATTERN)
    tier: Literal["basic", "standard", "premium"]
    # How many of the package: 1 up to the package's max_quantity, which SQL checks.
    quantity: int = Field(default=1, ge=1, le=100)
    extras: list[ExtraChoice] = Field(default_factory=list, max_length=20)
    # Where the buyer came from (visitor_id, utm_source, …): SQL keeps the keys it knows,
    # and only those travel in Whop's metadata.
    attribution: dict[AttributionKey, AttributionValue] = Field(default_factory=dict, max_length=10)


class CheckoutResponse(BaseModel):
    order_id: str
    checkout_id: str
    purchase_url: str
    quantity: int
    total_cents: int
    platform_fee_cents: int
    currency: str


class ConfirmRequest(Strict):
    order_id: str = Field(pattern=UUID_PATTERN)


class OrderStatus(BaseModel):
    order_id: str
    status: str


@router.post(
    "/checkout",
    response_model=CheckoutResponse,
    responses=errors.responses(
        errors.NotAuthenticated,
        errors.InvalidInput,
        errors.SellerNotVerified,
        errors.SellerSuspended,
        errors.RateLimited,
        *errors.WHOP_FAILURES,
    ),
)
async def create_checkout(
    request: CheckoutRequest, user: CurrentUser, found: ServicesDep
) -> CheckoutResponse:
    """Open a Whop checkout for `quantity` of a gig package (and extras) at the price SQL
    computes. If Whop does not open it, the order just created is given up before the
    error is returned, so a refused checkout leaves no unpaid order."""
    prepared: dict[str, Any] = await run_in_threadpool(
        found.db.rpc,
        "prepare_checkout",
        {
            "buyer_id": user.user_id,
            "gig_id": request.gig_id,
            "tier": request.tier,
            "extras": [extra.model_dump() for extra in request.extras],
            "attribution": request.attribution,
            "quantity": request.quantity,
        },
    )
    order = prepared["order"]
    try:
        checkout = await run_in_threadpool(
            lambda: found.whop.create_checkout_configuration(
                company_id=prepared["whop_company_id"],
                currency=order["currency"],
                price_cents=order["subtotal_cents"],
                application_fee_cents=order["fee_cents"],
                title=order["gig_title"],
                external_identifier=f"gigflow-gig-{order['gig_id']}",
                metadata=prepared["metadata"],
                redirect_url=found.checkout_redirect_url,
            )
        )
    except errors.GigflowError as refused:
        # Even an unclear outcome: the buyer never gets the checkout's page, and a payment
        # that still arrives for a given-up order is refunded by SQL.
        await run_in_threadpool(
            found.db.rpc,
            "checkout_refused",
            {"target_order_id": order["id"], "reason": f"Whop: {refused.message}"[:500]},
        )
        raise
    await run_in_threadpool(
        found.db.rpc,
        "attach_checkout",
        {"target_order_id": order["id"], "whop_checkout_id": checkout["id"]},
    )
    log.info("checkout created", extra={"order_id": order["id"], "checkout_id": checkout["id"]})
    return CheckoutResponse(
        order_id=order["id"],
        checkout_id=checkout["id"],
        purchase_url=checkout["purchase_url"],
        quantity=order["quantity"],
        total_cents=order["subtotal_cents"],
        platform_fee_cents=order["fee_cents"],
        currency=order["currency"],
    )


@router.post(
    "/checkout/confirm",
    response_model=OrderStatus,
    responses=errors.responses(errors.NotAuthenticated, errors.InvalidInput, *errors.WHOP_FAILURES),
)
async def confirm_checkout(
    request: ConfirmRequest, user: CurrentUser, found: ServicesDep
) -> OrderStatus:
    """For the checkout return page: ask Whop about the order's payment and hand Whop's
    answer to SQL, exactly as its webhook would. Only the order's buyer may ask."""
    lookup = {"target_order_id": request.order_id, "buyer_id": user.user_id}

    async def to_confirm() -> dict[str, Any]:
        # A one-row table (PostgREST answers a list): the order, and what to ask Whop.
        rows: list[dict[str, Any]] = await run_in_threadpool(
            found.db.rpc, "checkout_to_confirm", lookup
        )
        return rows[0]

    order = await to_confirm()
    if order["ask_whop_about"]:
        payments = await run_in_threadpool(
            lambda: list(
                found.whop.list_payments(checkout_configuration_ids=[order["ask_whop_about"]])
            )
        )
        await run_in_threadpool(
            found.db.rpc,
            "apply_whop_checkout_payments",
            wire.plain({"target_order_id": request.order_id, "payments": payments}),
        )
        order = await to_confirm()
    return OrderStatus(order_id=order["order_id"], status=order["status"])
