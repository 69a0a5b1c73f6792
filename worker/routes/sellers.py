"""Seller onboarding and KYC: a seller becomes a Whop connected company under the
platform's company (once), and their verification status is read from Whop and applied
through the same SQL handler as Whop's KYC webhooks (which pauses gigs on failure)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from worker import errors
from worker.db import Identity
from worker.deps import CurrentUser, Services, ServicesDep

router = APIRouter(tags=["sellers"])
log = logging.getLogger("gigflow.sellers")


class SellerAccount(BaseModel):
    seller_id: str
    whop_company_id: str | None
    kyc_status: str


def _account(row: dict[str, Any]) -> SellerAccount:
    return SellerAccount(
        seller_id=row["user_id"],
        whop_company_id=row["whop_company_id"],
        kyc_status=row["kyc_status"],
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
    """Ask Whop for the seller's payout account status and apply it as its webhook would."""
    account: dict[str, Any] = await run_in_threadpool(
        found.db.rpc, "seller_account_for", {"seller_id": user.user_id}
    )
    company_id = account["whop_company_id"]
    if not company_id:
        raise errors.Conflict("onboard with Whop first: POST /sellers/onboard")
    ledger = await run_in_threadpool(found.whop.get_ledger_account, company_id)
    details = ledger.get("payout_account_details") or {}
    await run_in_threadpool(
        found.db.rpc,
        "apply_whop_object",
        {
            "event_type": "payout_account.status_updated",
            "data": {"status": details.get("status"), "company_id": company_id},
            "company_id": company_id,
        },
    )
    refreshed: dict[str, Any] = await run_in_threadpool(
        found.db.rpc, "seller_account_for", {"seller_id": user.user_id}
    )
    return _account(refreshed)
