"""A seller's money and identity at Whop: withdrawals of the available balance, and
short-lived tokens for Whop's embedded payout and verification components. Everything
is scoped to the caller's own connected company; no endpoint takes a company id."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from worker import errors
from worker.db import Identity
from worker.deps import CurrentUser, Services, ServicesDep
from worker.whop import wire

router = APIRouter(tags=["payouts"])
log = logging.getLogger("gigflow.payouts")


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_cents: int = Field(gt=0, le=100_000_000)
    currency: str = Field(default="USD", pattern=r"^[A-Za-z]{3}$")
    # One of GET /sellers/payout_methods; none: Whop's default for the seller's company.
    payout_method_id: str | None = Field(default=None, min_length=1, max_length=100)


class Withdrawal(BaseModel):
    id: str
    amount_cents: int
    currency: str
    status: str
    whop_withdrawal_id: str | None


class EmbedTokenRequest(BaseModel):
    """No fields: the token is for the caller's own company, never one named here."""

    model_config = ConfigDict(extra="forbid")


class EmbedToken(BaseModel):
    token: str
    expires_at: str
    company_id: str


def _withdraw(found: Services, user: Identity, request: WithdrawalRequest) -> dict[str, Any]:
    reserved: dict[str, Any] = found.db.rpc(
        "request_withdrawal",
        {
            "seller_id": user.user_id,
            "amount_cents": request.amount_cents,
            "currency": request.currency.upper(),
            "payout_method_id": request.payout_method_id,
        },
    )
    withdrawal = reserved["withdrawal"]
    try:
        paid = found.whop.create_withdrawal(
            company_id=reserved["whop_company_id"],
            amount_cents=withdrawal["amount_cents"],
            currency=withdrawal["currency"],
            payout_method_id=withdrawal["whop_payout_method_id"],
        )
    except errors.GigflowError as error:
        if error.definite:
            found.db.rpc(
                "record_withdrawal_refused",
                {"withdrawal_id": withdrawal["id"], "reason": error.message[:500]},
            )
        else:
            # Whop may or may not have it: the reservation stands until Whop says.
            log.warning("withdrawal outcome unknown", extra={"withdrawal_id": withdrawal["id"]})
        raise
    found.db.rpc(
        "apply_whop_withdrawal", wire.plain({"withdrawal": paid, "withdrawal_id": withdrawal["id"]})
    )
    recorded: dict[str, Any] = found.db.rpc(
        "seller_withdrawal", {"seller_id": user.user_id, "withdrawal_id": withdrawal["id"]}
    )
    return recorded


@router.post(
    "/sellers/withdrawals",
    response_model=Withdrawal,
    responses=errors.responses(
        errors.NotAuthenticated,
        errors.InvalidInput,
        errors.SellerNotVerified,
        errors.SellerSuspended,
        *errors.WHOP_FAILURES,
    ),
)
async def request_withdrawal(
    request: WithdrawalRequest, user: CurrentUser, found: ServicesDep
) -> Withdrawal:
    """Withdraw at most the available balance to the seller's payout method at Whop.
    Two requests at once can never overdraw: SQL decides them one after the other. A
    suspended seller's withdrawals are held (409 `seller_suspended`)."""
    recorded = await run_in_threadpool(_withdraw, found, user, request)
    return Withdrawal(**{key: recorded[key] for key in Withdrawal.model_fields})


EMBED_TOKEN_FAILURES = errors.responses(
    errors.NotAuthenticated, errors.InvalidInput, *errors.WHOP_FAILURES
)
# The payouts component can withdraw, so a suspended seller gets no token for it.
PAYOUTS_TOKEN_FAILURES = errors.responses(
    errors.NotAuthenticated, errors.InvalidInput, errors.SellerSuspended, *errors.WHOP_FAILURES
)
COMPANY_FOR = {"payouts": "seller_payouts_company", "kyc": "seller_whop_company"}


def _embed_token(found: Services, user: Identity, purpose: str) -> EmbedToken:
    company_id = str(found.db.rpc(COMPANY_FOR[purpose], {"seller_id": user.user_id}))
    minted = found.whop.create_access_token(company_id=company_id, lifetime_seconds=3600)
    log.info("embed token minted", extra={"purpose": purpose, "company_id": company_id})
    return EmbedToken(
        token=str(minted["token"]), expires_at=str(minted["expires_at"]), company_id=company_id
    )


@router.post("/tokens/payouts", response_model=EmbedToken, responses=PAYOUTS_TOKEN_FAILURES)
async def payouts_token(
    user: CurrentUser, found: ServicesDep, _: EmbedTokenRequest | None = None
) -> EmbedToken:
    """A one-hour token for Whop's embedded payout component, for the caller's company;
    none while the seller is suspended (their withdrawals are held)."""
    return await run_in_threadpool(_embed_token, found, user, "payouts")


@router.post("/tokens/kyc", response_model=EmbedToken, responses=EMBED_TOKEN_FAILURES)
async def kyc_token(
    user: CurrentUser, found: ServicesDep, _: EmbedTokenRequest | None = None
) -> EmbedToken:
    """A one-hour token for Whop's embedded identity verification, for the caller's company."""
    return await run_in_threadpool(_embed_token, found, user, "kyc")
