"""The control endpoints under `/_emulator/`: what happens at Whop without an API call
from the worker (a buyer pays or is declined, a seller's KYC changes, an operator
refunds from the dashboard, a withdrawal settles), the webhook faults on request, and
the log of every delivery. The demo and the tests drive the emulator through them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from whop_emulator.state import json_response

if TYPE_CHECKING:
    from whop_emulator.emulator import WhopEmulator


def router(whop: WhopEmulator) -> APIRouter:
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

    @control.post("/withdrawals/{withdrawal_id}/{status}")
    def settle_withdrawal(withdrawal_id: str, status: str) -> Response:
        return json_response(whop.settle_withdrawal(withdrawal_id, status))

    @control.get("/deliveries")
    def deliveries() -> Response:
        return json_response([vars(d) for d in whop.deliveries])

    return control
