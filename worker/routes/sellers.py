"""Seller onboarding, KYC and payout methods: a seller becomes a Whop connected company
under the platform's company (once); their payout account status and payout methods are
read from Whop and handed to the same SQL entry points as Whop's webhooks."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from worker import errors, reconcile
from worker.db import Identity
from worker.deps import CurrentUser, Services, ServicesDep
from worker.whop import wire

router = APIRouter(tags=["sellers"])
log = logging.getLogger("gigflow.sellers")


class SellerAccount(BaseModel):
    seller_id: str
    whop_company_id: str | None
    kyc_status: str
    # Whether Whop can pay the seller out: payout account connected and a payout method.
    payout_enabled: bool


def _account(row: dict[str, Any]) -> SellerAccount:
    return SellerAccount(
        seller_id=row["user_id"],
        whop_company_id=row["whop_company_id"],
        kyc_status=row["kyc_status"],
        payout_enabled=row["payout_enabled"],
    )


def _existing_company(found: Services, seller_id: str) -> str | None:
    """A company made for this seller by an earlier attempt that failed before linking."""
    for company in found.whop.list_companies(parent_company_id=found.whop_platform_company_id):
        if (company.get("metadata") or {}).get("gigflow_seller_id") == seller_id:
            return str(company["id"])
    return None


def _onboard(found: Services, user: Identity) -> dict[str, Any]:
    seller_id = user.user_id
    account: dict[str, Any] = found.db.rpc("seller_account_for", {"seller_id": seller_id})
    if account["whop_company_id"]:
        return account
    email = user.claims.get("email")
    if not email:
        raise errors.InvalidInput("the access token carries no e-mail, which Whop requires")
    company_id = _existing_company(found, str(seller_id))
    if company_id is None:
        company = found.whop.create_company(
            title=f"GigFlow seller {seller_id}",
            email=str(email),
            parent_company_id=found.whop_platform_company_id,
            metadata={"gigflow_seller_id": seller_id},
        )
        company_id = str(company["id"])
    try:
        linked: dict[str, Any] = found.db.rpc(
            "link_whop_company", {"seller_id": seller_id, "whop_company_id": company_id}
        )
    except errors.Conflict:
        # A concurrent onboarding linked its company first; that one stands.
        return dict(found.db.rpc("seller_account_for", {"seller_id": seller_id}))
    log.info("seller onboarded", extra={"seller_id": seller_id, "company_id": company_id})
    return linked


@router.post(
    "/sellers/onboard",
    response_model=SellerAccount,
    responses=errors.responses(errors.NotAuthenticated, errors.InvalidInput, *errors.WHOP_FAILURES),
)
async def onboard(user: CurrentUser, found: ServicesDep) -> SellerAccount:
    """Create the seller's Whop connected company, or return the one already linked."""
    return _account(await run_in_threadpool(_onboard, found, user))


@router.post(
    "/sellers/kyc/sync",
    response_model=SellerAccount,
    responses=errors.responses(errors.NotAuthenticated, *errors.WHOP_FAILURES),
)
async def sync_kyc(user: CurrentUser, found: ServicesDep) -> SellerAccount:
    """Ask Whop for the seller's payout account status and payout methods, and hand them
    to SQL as their webhooks would be (KYC, payouts enabled, gigs paused on failure)."""
    company_id = await run_in_threadpool(
        found.db.rpc, "seller_whop_company", {"seller_id": user.user_id}
    )
    await run_in_threadpool(reconcile.sync_seller, found.db, found.whop, company_id)
    refreshed: dict[str, Any] = await run_in_threadpool(
        found.db.rpc, "seller_account_for", {"seller_id": user.user_id}
    )
    return _account(refreshed)


class PayoutMethod(BaseModel):
    id: str
    currency: str | None
    is_default: bool
    nickname: str | None


class PayoutMethods(BaseModel):
    payout_methods: list[PayoutMethod]


@router.get(
    "/sellers/payout_methods",
    response_model=PayoutMethods,
    responses=errors.responses(errors.NotAuthenticated, *errors.WHOP_FAILURES),
)
async def payout_methods(user: CurrentUser, found: ServicesDep) -> PayoutMethods:
    """Where the seller's money can go: their company's payout methods at Whop (choose one
    per withdrawal; the default is Whop's). Destinations are Whop's to show."""
    company_id = await run_in_threadpool(
        found.db.rpc, "seller_whop_company", {"seller_id": user.user_id}
    )
    methods = await run_in_threadpool(
        lambda: list(found.whop.list_payout_methods(company_id=company_id))
    )
    await run_in_threadpool(
        found.db.rpc,
        "apply_whop_payout_methods",
        wire.plain({"company_id": company_id, "methods": methods}),
    )
    return PayoutMethods(
        payout_methods=[
            PayoutMethod(
                id=str(method["id"]),
                currency=method.get("currency"),
                is_default=bool(method.get("is_default")),
                nickname=method.get("nickname"),
            )
            for method in methods
        ]
    )
