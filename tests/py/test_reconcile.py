"""Reconciliation: with webhooks lost, Whop's API still moves every waiting order,
refund and seller on, exactly once, through the webhook handlers; a late webhook
afterwards changes nothing."""

from __future__ import annotations

import psycopg
import pytest

from devstack.offline import OfflineStack, wait_for
from tests.py.marketplace_flow import Shop, checkout, open_shop, order_of
from worker import reconcile, refunds


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def reconcile_now(stack: OfflineStack) -> reconcile.Report:
    return reconcile.reconcile_once(stack.services.db, stack.services.whop)


def expire(stack: OfflineStack, order_id: str) -> None:
    """The order's checkout runs out now, and reconciliation may ask about it again."""
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            "update public.orders set checkout_expires_at = now() - interval '1 second'"
            " where id = %s",
            (order_id,),
        )
        conn.execute(
            "select private.arm_order_timers(o) from public.orders as o where o.id = %s",
            (order_id,),
        )
        conn.execute("delete from private.whop_checks")


def pay_events(stack: OfflineStack, order_id: str) -> int:
    return int(
        stack.sql(
            "select count(*) as n from public.order_events where order_id = %s and action = 'pay'",
            (order_id,),
        )[0]["n"]
    )


def test_a_payment_whose_webhook_was_lost_is_applied_once(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"], drop_webhook=True)
    report = reconcile_now(stack)
    assert (report.checked, report.advanced, report.errors) == (1, 1, 0)
    assert order_of(stack, created["order_id"])["status"] == "awaiting_requirements"
    assert pay_events(stack, created["order_id"]) == 1


def test_the_late_webhook_after_reconciliation_changes_nothing(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"], drop_webhook=True)
    reconcile_now(stack)
    assert stack.emulator.deliver_dropped() == 1
    settled = wait_for(
        lambda: stack.sql(
            "select status::text from public.whop_events"
            " where payload ->> 'type' = 'payment.succeeded' and processed_at is not null"
        ),
        "the late webhook to be processed",
    )
    # Stored and looked at, with nothing left to do.
    assert [event["status"] for event in settled] == ["ignored"]
    assert pay_events(stack, created["order_id"]) == 1


def test_an_expired_checkout_whop_reports_unpaid_is_cancelled(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    expire(stack, created["order_id"])
    report = reconcile_now(stack)
    assert report.cancelled == 1
    assert order_of(stack, created["order_id"])["status"] == "cancelled"


def test_a_payment_after_the_checkout_was_cancelled_is_refunded_in_full(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    expire(stack, created["order_id"])
    assert reconcile_now(stack).cancelled == 1
    # The buyer had the checkout open in another tab and pays after all.
    stack.emulator.pay(created["checkout_id"])
    wait_for(
        lambda: stack.sql(
            "select 1 from public.refunds where order_id = %s and status = 'requested'",
            (created["order_id"],),
        ),
        "the late payment to raise a refund",
    )
    assert refunds.submit_refunds(stack.services.db, stack.services.whop)["submitted"] == 1
    refunded = wait_for(
        lambda: (order := order_of(stack, created["order_id"]))["refunded_cents"] > 0 and order,
        "Whop's refund to be recorded",
    )
    assert refunded["status"] == "cancelled"
    assert refunded["refunded_cents"] == refunded["subtotal_cents"]


def test_an_expired_checkout_that_was_paid_is_moved_on_not_cancelled(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"], drop_webhook=True)
    expire(stack, created["order_id"])
    stack.services.db.rpc("run_due_timers")
    assert order_of(stack, created["order_id"])["status"] == "pending_payment"
    report = reconcile_now(stack)
    assert (report.advanced, report.cancelled) == (1, 0)
    assert order_of(stack, created["order_id"])["status"] == "awaiting_requirements"


def test_an_unexpired_unpaid_checkout_is_left_alone(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    report = reconcile_now(stack)
    assert (report.checked, report.advanced, report.cancelled) == (1, 0, 0)
    assert order_of(stack, created["order_id"])["status"] == "pending_payment"


def test_an_item_just_checked_is_not_asked_about_again(stack: OfflineStack, shop: Shop) -> None:
    checkout(stack, shop)
    assert reconcile_now(stack).checked == 1
    asked_before = len(stack.emulator.requests)
    assert reconcile_now(stack).checked == 0
    assert len(stack.emulator.requests) == asked_before


def test_a_seller_whose_kyc_webhook_was_lost_is_verified(stack: OfflineStack) -> None:
    seller = stack.sign_up("quiet_seller", "Quiet")
    stack.rpc(seller, "become_seller", {"headline": "hello"})
    company_id = stack.http.post("/sellers/onboard", headers=seller.headers).json()[
        "whop_company_id"
    ]
    stack.emulator.hold_webhooks()
    stack.emulator.set_kyc(company_id, "connected")
    report = reconcile_now(stack)
    assert report.advanced == 1
    status = stack.sql(
        "select kyc_status::text from public.seller_accounts where user_id = %s", (seller.user_id,)
    )
    assert status[0]["kyc_status"] == "verified"


def test_whop_being_down_is_counted_as_errors_and_changes_nothing(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"], drop_webhook=True)
    stack.emulator.api_key = "rotated"  # every call is now refused with 401
    report = reconcile_now(stack)
    assert report.errors == 1
    assert order_of(stack, created["order_id"])["status"] == "pending_payment"


def test_claims_hand_each_item_to_one_worker(stack: OfflineStack, shop: Shop) -> None:
    checkout(stack, shop)
    checkout(stack, shop)
    first = stack.services.db.rpc("claim_reconciliation_work", {"max_rows": 1})
    second = stack.services.db.rpc("claim_reconciliation_work", {"max_rows": 5})
    third = stack.services.db.rpc("claim_reconciliation_work", {"max_rows": 5})
    assert len(first) == len(second) == 1
    assert first[0]["subject"] != second[0]["subject"]
    assert third == []


def test_a_refund_whose_webhooks_were_lost_settles_the_requested_refund(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    payment = stack.emulator.pay(created["checkout_id"])
    wait_for(
        lambda: order_of(stack, created["order_id"])["status"] == "awaiting_requirements",
        "the payment",
    )
    stack.rpc(
        shop.buyer, "request_cancellation", {"order_id": created["order_id"], "reason": "oops"}
    )
    stack.rpc(shop.seller, "accept_cancellation", {"order_id": created["order_id"]})
    requested = stack.sql(
        "select status::text from public.refunds where order_id = %s", (created["order_id"],)
    )
    assert [r["status"] for r in requested] == ["requested"]
    stack.emulator.hold_webhooks()  # Whop refunds, and neither webhook ever arrives
    stack.emulator.refund(payment["id"])
    report = reconcile_now(stack)
    assert report.errors == 0
    settled = stack.sql(
        "select status::text from public.refunds where order_id = %s", (created["order_id"],)
    )
    assert [r["status"] for r in settled] == ["succeeded"]
    assert order_of(stack, created["order_id"])["refunded_cents"] == 10000
