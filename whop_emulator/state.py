"""What the emulated Whop knows, and how it says it: its companies, checkouts, payments,
refunds, withdrawals, webhooks and tokens, built in Whop's legacy `2025-01-01` shapes
(docs/whop-api.md), its ids and timestamps, and its JSON and error bodies."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from worker.whop import wire
from worker.whop.money import cents_from_whop, to_whop_amount

SUPPORTED_VERSION = "2025-01-01"
KYC_STATUSES = (
    "connected",
    "disabled",
    "action_required",
    "pending_verification",
    "verification_failed",
    "not_started",
)
WITHDRAWAL_STATUSES = (
    "requested", "awaiting_payment", "in_transit", "completed", "failed", "canceled", "denied",
)  # fmt: skip
# Dispute statuses (docs/whop-api.md); warning_* are early warnings, not chargebacks.
DISPUTE_STATUSES = (
    "warning_needs_response", "warning_under_review", "warning_closed", "needs_response",
    "under_review", "won", "lost", "closed", "other",
)  # fmt: skip
Obj = dict[str, Any]


class WhopApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.param = status, kind, message, param

    def response(self) -> Response:
        error: Obj = {"type": self.kind, "message": self.message}
        if self.param:
            error["param"] = self.param
        return json_response({"error": error}, self.status)


def json_response(value: object, status: int = 200) -> Response:
    return Response(wire.dumps(value), status_code=status, media_type="application/json")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def days_from_now(days: int) -> str:
    return (
        (datetime.now(UTC) + timedelta(days=days))
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(7)}"


async def json_body(request: Request) -> Obj:
    raw = await request.body()
    try:
        body = wire.loads(raw or b"{}")
    except ValueError as error:
        raise WhopApiError(400, "invalid_request_error", "the body is not JSON") from error
    if not isinstance(body, dict):
        raise WhopApiError(400, "invalid_request_error", "the body must be a JSON object")
    return body


@dataclass(kw_only=True)
class WhopState:
    """Every object the emulated Whop holds, behind one lock: the API, the control
    endpoints and webhook delivery run on different threads."""

    platform_company_id: str = "biz_gigflowplatform"
    # Where the emulator is served: the base of the checkout pages it links to.
    public_url: str = "http://127.0.0.1:8787"
    companies: dict[str, Obj] = field(default_factory=dict)
    checkouts: dict[str, Obj] = field(default_factory=dict)
    payments: dict[str, Obj] = field(default_factory=dict)
    refunds: dict[str, Obj] = field(default_factory=dict)
    # Chargebacks a buyer's bank opened against payments, as dispute objects.
    disputes: dict[str, Obj] = field(default_factory=dict)
    kyc: dict[str, str] = field(default_factory=dict)
    withdrawals: dict[str, Obj] = field(default_factory=dict)
    # Each company's payout methods (bank accounts and the like), the default first.
    payout_methods: dict[str, list[Obj]] = field(default_factory=dict)
    # The payout method each withdrawal pays to (the one named, or the company's default),
    # which Whop knows but its withdrawal object does not show.
    withdrawal_payout_methods: dict[str, str | None] = field(default_factory=dict)
    webhooks: dict[str, Obj] = field(default_factory=dict)
    access_tokens: dict[str, Obj] = field(default_factory=dict)
    # Whop's user accounts, as its OAuth userinfo shows them (`sub`, name, email...).
    users: dict[str, Obj] = field(default_factory=dict)
    # DM channels (their public object) and each one's members, by channel id.
    dm_channels: dict[str, Obj] = field(default_factory=dict)
    dm_members: dict[str, list[str]] = field(default_factory=dict)
    # The company each DM channel is scoped to (None: the users' own Whop DMs).
    dm_channel_companies: dict[str, str | None] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.companies[self.platform_company_id] = self.company_object(
            self.platform_company_id, "GigFlow platform", None, {}
        )

    def company_object(
        self, company_id: str, title: str, parent: str | None, metadata: Mapping[str, Any]
    ) -> Obj:
        return {
            "id": company_id,
            "title": title,
            "route": title.lower().replace(" ", "-")[:40],
            "metadata": dict(metadata),
            "owner_user": {"id": new_id("user"), "username": None, "name": None},
            "verified": False,
            "created_at": now(),
            "parent_company_id": parent,
        }

    def payment_object(self, checkout: Obj, *, status: str, substatus: str) -> Obj:
        plan = checkout["plan"]
        company = self.companies[checkout["company_id"]]
        total = plan["initial_price"]
        fee = plan["application_fee_amount"]
        return {
            "id": new_id("pay"),
            "status": status,
            "substatus": substatus,
            "total": total,
            "subtotal": total,
            "usd_total": total if plan["currency"] == "usd" else None,
            "amount_after_fees": total - fee,
            "refunded_amount": Decimal("0.00"),
            "refunded_at": None,
            "currency": plan["currency"],
            "application_fee": {
                "amount": fee,
                "amount_refunded": Decimal("0.00"),
                "currency": plan["currency"],
            },
            "metadata": dict(checkout["metadata"]),
            "checkout_configuration_id": checkout["id"],
            "company": {"id": company["id"], "title": company["title"]},
            "user": {
                "id": new_id("user"),
                "email": "buyer@example.com",
                "name": "Buyer",
                "username": "buyer",
            },
            "plan": {"id": plan["id"]},
            "product": dict(plan["product"]),
            "paid_at": now() if status == "paid" else None,
            "created_at": now(),
            "refundable": status == "paid",
            "failure_message": None,
        }

    def payout_method_object(self, *, default: bool, nickname: str) -> Obj:
        return {
            "id": new_id("potk"),
            "currency": "USD",
            "is_default": default,
            "nickname": nickname,
            "destination": "Bank account ending 6789",
        }

    def ledger_object(self, company_id: str) -> Obj:
        status = self.kyc.get(company_id, "not_started")
        verification_status = {
            "connected": "verified",
            "verification_failed": "declined",
            "disabled": "declined",
            "action_required": "requires_input",
            "pending_verification": "review",
        }.get(status, "created")
        earned = sum(
            (cents_from_whop(p["amount_after_fees"]) or 0)
            - (cents_from_whop(p["refunded_amount"]) or 0)
            for p in self.payments.values()
            if p["company"]["id"] == company_id and p["status"] == "paid"
        )
        return {
            "id": "ldgr_" + company_id.removeprefix("biz_"),
            "balances": [
                {
                    "currency": "usd",
                    "balance": to_whop_amount(max(earned, 0)),
                    "pending_balance": Decimal("0.00"),
                    "reserve_balance": Decimal("0.00"),
                }
            ],
            "payout_account_details": {
                "status": status,
                "latest_verification": {
                    "id": "verf_" + company_id.removeprefix("biz_"),
                    "status": verification_status,
                    "last_error_code": "document_unreadable"
                    if verification_status == "declined"
                    else None,
                    "last_error_reason": None,
                },
            },
        }

    def find_user(self, reference: str) -> str:
        """The Whop user id a reference names: a user id, a username or an e-mail."""
        if reference in self.users:
            return reference
        for user_id, user in self.users.items():
            if reference in (user.get("preferred_username"), user.get("email")):
                return user_id
        raise WhopApiError(404, "not_found", f"user {reference} was not found")

    def token_bearer(self, token: str) -> tuple[str, frozenset[str] | None] | None:
        """Who a user token acts for, and the actions it may take (None: any): an access
        token minted for a user, or a user's OAuth access token."""
        minted = self.access_tokens.get(token)
        if minted is not None and minted.get("user_id"):
            expires = datetime.fromisoformat(str(minted["expires_at"]).replace("Z", "+00:00"))
            if expires <= datetime.now(UTC):
                return None
            actions = minted.get("scoped_actions")
            return str(minted["user_id"]), None if actions is None else frozenset(actions)
        return None

    def token_company(self, token: str) -> str | None:
        """The company a company token (minted with company_id, as for Whop's embedded
        payouts component) acts for, while it has not expired."""
        minted = self.access_tokens.get(token)
        if minted is None or not minted.get("company_id"):
            return None
        expires = datetime.fromisoformat(str(minted["expires_at"]).replace("Z", "+00:00"))
        return None if expires <= datetime.now(UTC) else str(minted["company_id"])

    @staticmethod
    def find(table: dict[str, Obj], key: str, what: str) -> Obj:
        found = table.get(key)
        if found is None:
            raise WhopApiError(404, "not_found", f"{what} {key} was not found")
        return found


def page(items: list[Obj], request: Request) -> Response:
    """Whop's cursor pages: `first`/`after`, answered with data and page_info."""
    query = request.query_params
    try:
        first = max(1, min(int(query.get("first", "25")), 100))
        start = int(query.get("after", "0") or 0)
    except ValueError as error:
        raise WhopApiError(400, "invalid_request_error", "bad cursor") from error
    chunk = items[start : start + first]
    end = start + len(chunk)
    return json_response(
        {
            "data": chunk,
            "page_info": {
                "start_cursor": str(start) if chunk else None,
                "end_cursor": str(end) if chunk else None,
                "has_next_page": end < len(items),
                "has_previous_page": start > 0,
            },
        }
    )
