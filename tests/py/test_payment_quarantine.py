"""A payment counts only if it is its order's payment (issue 16 #3), through the running
system. Someone pays at Whop through a checkout that is not the order's own but whose
metadata names the order: Whop sends a correctly signed payment.succeeded, the worker
stores it, and SQL quarantines it instead of moving the order. Admins see it and decide:
refund (the worker asks Whop for one full refund, once, and Whop's refund settles the
quarantine) or keep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devstack.offline import Actor, OfflineStack, wait_for
from tests.py.marketplace_flow import (
    Shop,
    checkout,
    onboarded_seller,
    open_shop,
    order_of,
    wait_for_status,
)
from worker import errors, refunds

# The shop's basic package: $100.00, of which the platform's 10% fee is $10.00.
PRICE_CENTS = 10000
FEE_CENTS = 1000
# The worker's refund loop runs every few seconds beside the API.
REFUND_LOOP_SECONDS = 30


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


@pytest.fixture
def operator(stack: OfflineStack) -> Actor:
    return stack.sign_up("ops_admin", "Operator", admin=True)


def rogue_checkout(
    stack: OfflineStack,
    order_id: str,
    *,
    company_id: str,
    price_cents: int = PRICE_CENTS,
    fee_cents: int = FEE_CENTS,
) -> str:
    """A checkout opened at Whop outside GigFlow's POST /checkout, whose metadata names
    our order; Whop takes its payment as it takes any other."""
    created = stack.services.whop.create_checkout_configuration(
        company_id=company_id,
        currency="usd",
        price_cents=price_cents,
        application_fee_cents=fee_cents,
        title="Not the order's checkout",
        external_identifier="rogue-product",
        metadata={"gigflow_order_id": order_id},
    )
    return str(created["id"])


# Each way a payment can name our order without being its payment, and what the reason
# admins see must name.
Mismatch = Callable[[OfflineStack, Shop, str], tuple[str, str]]


def through_another_checkout(stack: OfflineStack, shop: Shop, order_id: str) -> tuple[str, str]:
    checkout_id = rogue_checkout(stack, order_id, company_id=shop.company_id)
    return checkout_id, checkout_id


def to_another_company(stack: OfflineStack, shop: Shop, order_id: str) -> tuple[str, str]:
    _, other_company = onboarded_seller(stack, "other_seller")
    return rogue_checkout(stack, order_id, company_id=other_company), other_company


def with_another_fee(stack: OfflineStack, shop: Shop, order_id: str) -> tuple[str, str]:
    return rogue_checkout(stack, order_id, company_id=shop.company_id, fee_cents=100), "fee"


MISMATCHES = [
    pytest.param(through_another_checkout, id="another-checkout"),
    pytest.param(to_another_company, id="another-company"),
    pytest.param(with_another_fee, id="another-fee"),
]


def settled_event_status(stack: OfflineStack, payment_id: str) -> str:
    """What the inbox made of the payment's webhook, once it is done with it."""
    rows = wait_for(
        lambda: stack.sql(
            "select status::text from public.whop_events"
            " where payload -> 'data' ->> 'id' = %s and processed_at is not null",
            (payment_id,),
        ),
        "the payment's webhook to be processed",
    )
    return str(rows[0]["status"])


def quarantined(stack: OfflineStack, operator: Actor, payment_id: str) -> dict[str, Any] | None:
    """The payment as admins see it in admin_quarantined_payments."""
    with stack.as_user(operator) as conn:
        return conn.execute(
            "select * from public.admin_quarantined_payments where whop_payment_id = %s",
            (payment_id,),
        ).fetchone()


def quarantine_a_payment(stack: OfflineStack, shop: Shop) -> tuple[str, str]:
    """An order with its own checkout, and a payment through another one naming it: the
    order's id and the quarantined payment's id."""
    order_id = checkout(stack, shop)["order_id"]
    payment = stack.emulator.pay(rogue_checkout(stack, order_id, company_id=shop.company_id))
    assert settled_event_status(stack, payment["id"]) == "quarantined"
    return str(order_id), str(payment["id"])


def refund_requests_to_whop(stack: OfflineStack, payment_id: str) -> int:
    """How many times Whop was asked to refund this payment (its request log)."""
    return stack.emulator.requests.count(("POST", f"/api/v1/payments/{payment_id}/refund"))


@pytest.mark.parametrize("mismatch", MISMATCHES)
def test_a_signed_payment_that_is_not_the_orders_payment_is_quarantined(
    stack: OfflineStack, shop: Shop, operator: Actor, mismatch: Mismatch
) -> None:
    order_id = checkout(stack, shop)["order_id"]
    rogue, named_in_reason = mismatch(stack, shop, order_id)
    payment = stack.emulator.pay(rogue)
    assert settled_event_status(stack, payment["id"]) == "quarantined"
    order = order_of(stack, order_id)
    assert (order["status"], order["whop_payment_id"], order["paid_at"]) == (
        "pending_payment",
        None,
        None,
    )
    pays = stack.sql(
        "select count(*) as n from public.order_events where order_id = %s and action = 'pay'",
        (order_id,),
    )
    assert pays[0]["n"] == 0
    seen = quarantined(stack, operator, payment["id"])
    assert seen is not None
    assert (seen["order_id"], seen["amount_cents"], seen["currency"], seen["decision"]) == (
        order["id"],
        PRICE_CENTS,
        "USD",
        "undecided",
    )
    assert any(named_in_reason in reason for reason in seen["reasons"]), seen["reasons"]


def test_the_orders_own_checkout_still_pays_it_after_a_quarantined_payment(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(rogue_checkout(stack, created["order_id"], company_id=shop.company_id))
    real = stack.emulator.pay(created["checkout_id"])
    order = wait_for_status(stack, created["order_id"], "awaiting_requirements")
    assert order["whop_payment_id"] == real["id"]


def test_a_quarantined_payment_refunded_by_an_admin_is_refunded_in_full_once_at_whop(
    stack: OfflineStack, shop: Shop, operator: Actor
) -> None:
    order_id, payment_id = quarantine_a_payment(stack, shop)
    stack.rpc(
        operator,
        "decide_quarantined_payment",
        {"whop_payment_id": payment_id, "decision": "refund"},
    )
    settled = wait_for(
        lambda: (
            (found := quarantined(stack, operator, payment_id)) and found["refunded_at"] and found
        ),
        "Whop's refund to settle the quarantine",
        REFUND_LOOP_SECONDS,
    )
    assert settled["decision"] == "refund"
    # Another pass of the refund loop sends nothing more.
    refunds.submit_refunds(stack.services.db, stack.services.whop)
    assert refund_requests_to_whop(stack, payment_id) == 1
    at_whop = [r for r in stack.emulator.refunds.values() if r["payment"]["id"] == payment_id]
    assert [(str(r["amount"]), r["status"]) for r in at_whop] == [("100.00", "succeeded")]
    # The order is not the one refunded: it still waits for its own payment.
    assert order_of(stack, order_id)["status"] == "pending_payment"
    assert stack.sql("select 1 from public.refunds where order_id = %s", (order_id,)) == []


def test_a_quarantined_payment_an_admin_keeps_is_never_refunded(
    stack: OfflineStack, shop: Shop, operator: Actor
) -> None:
    _, payment_id = quarantine_a_payment(stack, shop)
    stack.rpc(
        operator, "decide_quarantined_payment", {"whop_payment_id": payment_id, "decision": "keep"}
    )
    refunds.submit_refunds(stack.services.db, stack.services.whop)
    assert refund_requests_to_whop(stack, payment_id) == 0
    kept = quarantined(stack, operator, payment_id)
    assert kept is not None
    assert (kept["decision"], kept["refund_submitted_at"]) == ("keep", None)


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_only_an_admin_decides_a_quarantined_payment(
    stack: OfflineStack, shop: Shop, operator: Actor, who: str
) -> None:
    _, payment_id = quarantine_a_payment(stack, shop)
    participant = shop.buyer if who == "buyer" else shop.seller
    with pytest.raises((errors.NotFound, errors.Forbidden)):
        stack.rpc(
            participant,
            "decide_quarantined_payment",
            {"whop_payment_id": payment_id, "decision": "refund"},
        )
    undecided = quarantined(stack, operator, payment_id)
    assert undecided is not None
    assert undecided["decision"] == "undecided"
