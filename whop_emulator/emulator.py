"""An offline Whop: a real HTTP server speaking the subset of the Whop v1 API the worker
uses (legacy `2025-01-01` shape, see docs/whop-api.md), with state, Whop's validation
and error bodies, and correctly signed Standard Webhooks sent to a configured URL.

What Whop does on its own (a buyer paying, a seller passing KYC, a refund from the
dashboard) is a method here, and a control endpoint under `/_emulator/`, which the demo
and the tests call. The pieces: `state` (Whop's objects), `api` (its v1 API), `oauth`
(its OAuth provider), `delivery` (signed webhooks and their faults), `control` (the
control endpoints).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from whop_emulator import api, control, oauth
from whop_emulator.delivery import WebhookDelivery
from whop_emulator.oauth import OAuthProvider
from whop_emulator.state import (
    KYC_STATUSES,
    SUPPORTED_VERSION,
    WITHDRAWAL_STATUSES,
    Obj,
    WhopApiError,
    new_id,
    now,
)
from worker.whop.money import cents_from_whop, to_whop_amount


@dataclass(kw_only=True)
class WhopEmulator(WebhookDelivery, OAuthProvider):
    """Whop's state, webhook delivery and OAuth provider as one ASGI app (`app()`); its
    methods are what happens at Whop without an API call from us."""

    api_key: str
    public_url: str = "http://127.0.0.1:8787"

    def pay(
        self,
        checkout_id: str,
        *,
        duplicate: bool = False,
        drop_webhook: bool = False,
        header_id_differs: bool = False,
    ) -> Obj:
        """The buyer completes the checkout: a paid payment and its payment.succeeded."""
        with self.lock:
            checkout = self.find(self.checkouts, checkout_id, "checkout configuration")
            if any(p["checkout_configuration_id"] == checkout_id for p in self.payments.values()):
                raise WhopApiError(409, "conflict", f"checkout {checkout_id} is already paid")
            payment = self.payment_object(checkout, status="paid", substatus="succeeded")
            self.payments[payment["id"]] = payment
        self.emit(
            "payment.succeeded",
            payment,
            checkout["company_id"],
            copies=2 if duplicate else 1,
            drop=drop_webhook,
            header_id_differs=header_id_differs,
        )
        return payment

    def fail(self, checkout_id: str, message: str = "Your card was declined.") -> Obj:
        with self.lock:
            checkout = self.find(self.checkouts, checkout_id, "checkout configuration")
            payment = self.payment_object(checkout, status="open", substatus="failed")
            payment["failure_message"] = message
            payment["paid_at"] = None
            self.payments[payment["id"]] = payment
        self.emit("payment.failed", payment, checkout["company_id"])
        return payment

    def adopt_company(self, company_id: str, title: str, kyc_status: str) -> None:
        """A seller's company that existed at Whop before this emulator started (the
        seed's demo sellers): known, under the platform, with its payout status. No
        webhook: nothing changed at Whop."""
        if kyc_status not in KYC_STATUSES:
            raise WhopApiError(
                422, "invalid_request_error", f"unknown status {kyc_status}", "status"
            )
        with self.lock:
            self.companies.setdefault(
                company_id,
                self.company_object(company_id, title, self.platform_company_id, {}),
            )
            self.kyc[company_id] = kyc_status

    def set_kyc(self, company_id: str, status: str) -> Obj:
        """The seller's payout account changes status; `connected` means verified."""
        if status not in KYC_STATUSES:
            raise WhopApiError(422, "invalid_request_error", f"unknown status {status}", "status")
        with self.lock:
            self.find(self.companies, company_id, "company")
            self.kyc[company_id] = status
            ledger = self.ledger_object(company_id)
        details = ledger["payout_account_details"]
        if status == "connected":
            self.emit("verification.succeeded", details["latest_verification"], company_id)
        self.emit(
            "payout_account.status_updated", {**details, "company_id": company_id}, company_id
        )
        return ledger

    def refund(self, payment_id: str, amount_cents: int | None = None) -> Obj:
        """A refund of a paid payment (the API call, or an operator in Whop's dashboard):
        refund.created while pending, then refund.updated once it succeeded."""
        with self.lock:
            payment = self.find(self.payments, payment_id, "payment")
            total = cents_from_whop(payment["total"]) or 0
            refunded = cents_from_whop(payment["refunded_amount"]) or 0
            if payment["status"] != "paid":
                raise WhopApiError(422, "invalid_request_error", "payment is not refundable")
            amount = total - refunded if amount_cents is None else amount_cents
            if not 0 < amount <= total - refunded:
                raise WhopApiError(
                    422,
                    "invalid_request_error",
                    f"refund of {to_whop_amount(amount)} exceeds the refundable"
                    f" {to_whop_amount(total - refunded)}",
                    "partial_amount",
                )
            refund: Obj = {
                "id": new_id("rf"),
                "amount": to_whop_amount(amount),
                "currency": payment["currency"],
                "status": "pending",
                "payment": {
                    key: payment[key] for key in ("id", "metadata", "total", "currency", "user")
                },
            }
            self.refunds[refund["id"]] = refund
            payment["refunded_amount"] = to_whop_amount(refunded + amount)
            payment["refunded_at"] = now()
            payment["substatus"] = (
                "refunded" if refunded + amount == total else "partially_refunded"
            )
            payment["refundable"] = refunded + amount < total
            fee = payment["application_fee"]
            fee_cents = cents_from_whop(fee["amount"]) or 0
            fee["amount_refunded"] = to_whop_amount(
                int(
                    (Decimal(fee_cents) * (refunded + amount) / total).to_integral_value(
                        ROUND_HALF_UP
                    )
                )
            )
            company_id = payment["company"]["id"]
        self.emit("refund.created", dict(refund), company_id)
        with self.lock:
            refund["status"] = "succeeded"
        self.emit("refund.updated", dict(refund), company_id)
        return payment

    def settle_withdrawal(self, withdrawal_id: str, status: str = "completed") -> Obj:
        """Whop moves a withdrawal on (in_transit, completed, failed, …) and says so."""
        if status not in WITHDRAWAL_STATUSES:
            raise WhopApiError(422, "invalid_request_error", f"unknown status {status}", "status")
        with self.lock:
            withdrawal = self.find(self.withdrawals, withdrawal_id, "withdrawal")
            withdrawal["status"] = status
            if status == "failed":
                withdrawal["error_message"] = "The bank rejected the transfer."
            company_id = withdrawal["ledger_account"]["company_id"]
        self.emit("withdrawal.updated", dict(withdrawal), company_id)
        return withdrawal

    def app(self) -> FastAPI:
        app = FastAPI(title="Whop API emulator (GigFlow)", docs_url=None, redoc_url=None)

        @app.exception_handler(WhopApiError)
        async def whop_error(_: Request, error: WhopApiError) -> Response:
            return error.response()

        @app.middleware("http")
        async def authenticate(request: Request, call_next: Callable[..., Any]) -> Response:
            path = request.url.path
            self.requests.append((request.method, path))
            if path.startswith("/api/v1/"):
                if request.headers.get("authorization") != f"Bearer {self.api_key}":
                    return WhopApiError(401, "unauthorized", "invalid API key").response()
                version = request.headers.get("api-version-date")
                if version is not None and version != SUPPORTED_VERSION:
                    return WhopApiError(
                        400,
                        "invalid_request_error",
                        f"unknown or unsupported Api-Version-Date {version!r}",
                    ).response()
            response: Response = await call_next(request)
            return response

        @app.get("/checkout/{plan_id}", response_class=HTMLResponse)
        def hosted_checkout(plan_id: str, session: str) -> str:
            """The page a purchase_url opens: what a buyer sees at Whop, reduced to a button."""
            with self.lock:
                checkout = self.find(self.checkouts, session, "checkout configuration")
            if checkout["plan"]["id"] != plan_id:
                raise WhopApiError(404, "not_found", f"plan {plan_id} was not found")
            price = checkout["plan"]["initial_price"]
            action = f"/_emulator/checkout_configurations/{html.escape(session)}/pay"
            return (
                f"<!doctype html><title>Whop emulator checkout</title>"
                f"<h1>{html.escape(str(checkout['plan']['title'] or 'Checkout'))}</h1>"
                f"<p>{price} {html.escape(checkout['plan']['currency'].upper())}</p>"
                f'<form method="post" action="{action}"><button>Pay</button></form>'
            )

        app.include_router(api.router(self), prefix="/api/v1")
        app.include_router(oauth.router(self), prefix="/oauth")
        app.include_router(control.router(self), prefix="/_emulator")
        return app
