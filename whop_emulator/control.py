"""What happens at Whop without an API call from the worker: a buyer pays or is
declined, a seller's KYC changes, an operator refunds from the dashboard, a withdrawal
settles. Each is a method (the demo and the tests call them in process) and an endpoint
under `/_emulator/`, beside the webhook faults on request and the log of every delivery."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from whop_emulator.delivery import WebhookDelivery
from whop_emulator.state import (
    DISPUTE_STATUSES,
    KYC_STATUSES,
    WITHDRAWAL_STATUSES,
    Obj,
    WhopApiError,
    days_from_now,
    json_response,
    new_id,
    now,
)
from worker.whop.money import cents_from_whop, to_whop_amount


@dataclass(kw_only=True)
class WhopControl(WebhookDelivery):
    """Whop's own moves: each changes the state and sends the webhooks Whop would."""

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
        seed's demo sellers): known, under the platform, with its payout status (and, once
        connected, the payout method verifying ended with). No webhook: nothing changed at
        Whop."""
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
            if kyc_status == "connected" and not self.payout_methods.get(company_id):
                self.payout_methods[company_id] = [
                    self.payout_method_object(default=True, nickname="Main account")
                ]

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
            # Verifying with Whop ends with the seller naming where their money goes.
            if not self.payout_methods.get(company_id):
                self.add_payout_method(company_id, "Main account")
        self.emit(
            "payout_account.status_updated", {**details, "company_id": company_id}, company_id
        )
        return ledger

    def add_payout_method(self, company_id: str, nickname: str) -> Obj:
        """The seller adds a payout method in Whop's embedded payouts component; the first
        is their default."""
        with self.lock:
            self.find(self.companies, company_id, "company")
            methods = self.payout_methods.setdefault(company_id, [])
            method = self.payout_method_object(default=not methods, nickname=nickname)
            methods.append(method)
        self.emit("payout_method.created", dict(method), company_id)
        return method

    def remove_payout_method(self, company_id: str, method_id: str) -> None:
        """The seller removes a payout method in Whop's embedded payouts component (no
        webhook is documented for it); the next one becomes the default."""
        with self.lock:
            self.find(self.companies, company_id, "company")
            methods = self.payout_methods.get(company_id, [])
            if method_id not in {m["id"] for m in methods}:
                raise WhopApiError(404, "not_found", f"payout method {method_id} was not found")
            methods[:] = [m for m in methods if m["id"] != method_id]
            if methods and not any(m["is_default"] for m in methods):
                methods[0]["is_default"] = True

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

    def dispute(self, payment_id: str, status: str = "needs_response") -> Obj:
        """A buyer's bank disputes a paid payment (dispute.created, whole amount), or the
        dispute moves on (dispute.updated: under_review, won, lost, closed)."""
        if status not in DISPUTE_STATUSES:
            raise WhopApiError(422, "invalid_request_error", f"unknown status {status}", "status")
        with self.lock:
            payment = self.find(self.payments, payment_id, "payment")
            existing = next(
                (d for d in self.disputes.values() if d["payment"]["id"] == payment_id), None
            )
            if existing is None:
                dispute: Obj = {
                    "id": new_id("dspt"),
                    "amount": payment["total"],
                    "currency": payment["currency"],
                    "status": status,
                    "reason": "fraudulent",
                    "needs_response_by": days_from_now(7),
                    "company": {"id": payment["company"]["id"]},
                    "payment": {"id": payment_id},
                }
                self.disputes[dispute["id"]] = dispute
                event = "dispute.created"
            else:
                dispute = existing
                dispute["status"] = status
                event = "dispute.updated"
            company_id = payment["company"]["id"]
        self.emit(event, dict(dispute), company_id)
        return dispute

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


def router(whop: WhopControl) -> APIRouter:
    control = APIRouter()

    @control.post("/checkout_configurations/{checkout_id}/pay")
    def pay(
        checkout_id: str,
        duplicate: bool = False,
        drop_webhook: bool = False,
        header_id_differs: bool = False,
    ) -> Response:
        return json_response(
            whop.pay(
                checkout_id,
                duplicate=duplicate,
                drop_webhook=drop_webhook,
                header_id_differs=header_id_differs,
            )
        )

    @control.post("/checkout_configurations/{checkout_id}/fail")
    def fail(checkout_id: str) -> Response:
        return json_response(whop.fail(checkout_id))

    @control.post("/companies/{company_id}/kyc/{status}")
    def kyc(company_id: str, status: str) -> Response:
        return json_response(whop.set_kyc(company_id, status))

    @control.post("/payments/{payment_id}/refund")
    def dashboard_refund(payment_id: str, amount_cents: int | None = None) -> Response:
        return json_response(whop.refund(payment_id, amount_cents))

    @control.post("/companies/{company_id}/payout_methods")
    def add_payout_method(company_id: str) -> Response:
        return json_response(whop.add_payout_method(company_id, "Another account"))

    @control.delete("/companies/{company_id}/payout_methods/{method_id}")
    def remove_payout_method(company_id: str, method_id: str) -> Response:
        whop.remove_payout_method(company_id, method_id)
        return json_response({"removed": method_id})

    @control.post("/webhooks/hold")
    def hold() -> Response:
        whop.hold_webhooks()
        return json_response({"holding": True})

    @control.post("/webhooks/release")
    def release(order: Literal["sent", "reversed"] = "sent") -> Response:
        return json_response({"released": whop.release_webhooks(order)})

    @control.post("/webhooks/deliver-dropped")
    def deliver_dropped() -> Response:
        return json_response({"delivered": whop.deliver_dropped()})

    @control.post("/payments/{payment_id}/dispute/{status}")
    def dispute(payment_id: str, status: str) -> Response:
        return json_response(whop.dispute(payment_id, status))

    @control.post("/withdrawals/{withdrawal_id}/{status}")
    def settle_withdrawal(withdrawal_id: str, status: str) -> Response:
        return json_response(whop.settle_withdrawal(withdrawal_id, status))

    @control.get("/deliveries")
    def deliveries() -> Response:
        return json_response([vars(d) for d in whop.deliveries])

    return control
