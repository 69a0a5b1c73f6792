"""End to end: the real worker and the Whop emulator on real sockets, a real database
built from the migrations. Users act as a frontend does (HTTP with their access token,
RPCs under their identity); Whop acts through the emulator and signed webhooks."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest

from devstack import localauth
from devstack.localpg import LocalCluster
from devstack.offline import OfflineStack, wait_for
from tests.py.marketplace_flow import (
    Shop,
    checkout,
    onboarded_seller,
    open_shop,
    order_of,
    wait_for_status,
)
from worker.db import PostgresDatabase


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


# Onboarding and KYC.


def test_onboarding_twice_keeps_one_whop_company(stack: OfflineStack) -> None:
    seller, company_id = onboarded_seller(stack)
    again = stack.http.post("/sellers/onboard", headers=seller.headers).json()
    assert again["whop_company_id"] == company_id
    made_for_the_seller = [
        c
        for c in stack.emulator.companies.values()
        if c["metadata"].get("gigflow_seller_id") == seller.user_id
    ]
    assert len(made_for_the_seller) == 1


def test_onboarding_after_a_lost_link_reuses_the_company_whop_already_made(
    stack: OfflineStack,
) -> None:
    seller, company_id = onboarded_seller(stack)
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            "update public.seller_accounts set whop_company_id = null, payout_enabled = false"
            " where user_id = %s",
            (seller.user_id,),
        )
    again = stack.http.post("/sellers/onboard", headers=seller.headers).json()
    assert again["whop_company_id"] == company_id


def test_onboarding_needs_a_seller_account(stack: OfflineStack) -> None:
    buyer = stack.sign_up("just_a_buyer", "Buyer")
    response = stack.http.post("/sellers/onboard", headers=buyer.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_onboarding_without_a_token_is_a_401(stack: OfflineStack) -> None:
    assert stack.http.post("/sellers/onboard").status_code == 401


def test_kyc_sync_reads_whop_and_pauses_gigs_on_failure(stack: OfflineStack, shop: Shop) -> None:
    stack.emulator.hold_webhooks()
    stack.emulator.set_kyc(shop.company_id, "verification_failed")
    response = stack.http.post("/sellers/kyc/sync", headers=shop.seller.headers)
    assert response.json()["kyc_status"] == "failed"
    gig = stack.sql("select status::text from public.gigs where id = %s", (shop.gig_id,))[0]
    assert gig["status"] != "published"


def test_kyc_sync_before_onboarding_is_a_409(stack: OfflineStack) -> None:
    seller = stack.sign_up("new_seller", "New")
    stack.rpc(seller, "become_seller", {"headline": "hello"})
    assert stack.http.post("/sellers/kyc/sync", headers=seller.headers).status_code == 409


# Checkout.


def test_checkout_prices_in_sql_and_opens_a_whop_checkout_for_the_seller(
    stack: OfflineStack, shop: Shop
) -> None:
    extra = stack.sql("select id from public.gig_extras where gig_id = %s", (shop.gig_id,))[0]
    created = checkout(
        stack,
        shop,
        tier="premium",
        extras=[{"extra_id": str(extra["id"])}],
        attribution={"utm_source": "ads"},
    )
    assert (created["total_cents"], created["platform_fee_cents"]) == (26999, 2700)
    whop_checkout = stack.emulator.checkouts[created["checkout_id"]]
    assert whop_checkout["company_id"] == shop.company_id
    assert str(whop_checkout["plan"]["initial_price"]) == "269.99"
    assert str(whop_checkout["plan"]["application_fee_amount"]) == "27.00"
    assert whop_checkout["metadata"] == {
        "gigflow_order_id": created["order_id"],
        "utm_source": "ads",
    }
    order = order_of(stack, created["order_id"])
    assert (order["status"], order["whop_checkout_id"]) == (
        "pending_payment",
        created["checkout_id"],
    )


def test_a_price_in_the_request_is_refused(stack: OfflineStack, shop: Shop) -> None:
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "basic", "total_cents": 1},
        headers=shop.buyer.headers,
    )
    assert response.status_code == 422
    assert "total_cents" in response.json()["message"]


def test_checkout_of_a_tier_the_gig_does_not_offer_is_refused(
    stack: OfflineStack, shop: Shop
) -> None:
    response = stack.http.post(
        "/checkout", json={"gig_id": shop.gig_id, "tier": "standard"}, headers=shop.buyer.headers
    )
    assert response.status_code in (404, 422)
    assert not stack.emulator.checkouts


def test_checkout_from_a_seller_without_whop_is_refused(stack: OfflineStack, shop: Shop) -> None:
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute(
            "update public.seller_accounts set whop_company_id = null, payout_enabled = false"
            " where user_id = %s",
            (shop.seller.user_id,),
        )
    response = stack.http.post(
        "/checkout", json={"gig_id": shop.gig_id, "tier": "basic"}, headers=shop.buyer.headers
    )
    assert response.status_code == 409
    assert "cannot take payments" in response.json()["message"]
    assert not stack.sql("select 1 from public.orders")


def test_checkout_with_an_expired_token_is_a_401(stack: OfflineStack, shop: Shop) -> None:
    expired = localauth.access_token(
        stack.jwt_secret, shop.buyer.user_id, shop.buyer.email, lifetime_seconds=-60
    )
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "basic"},
        headers={"Authorization": f"Bearer {expired}"},
    )
    assert response.status_code == 401


# Payment.


def test_a_paid_checkout_moves_the_order_on_once_despite_a_duplicate_webhook(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    payment = stack.emulator.pay(created["checkout_id"], duplicate=True)
    order = wait_for_status(stack, created["order_id"], "awaiting_requirements")
    assert order["whop_payment_id"] == payment["id"]
    wait_for(
        lambda: (
            len([d for d in stack.emulator.deliveries if d.event_type == "payment.succeeded"]) == 2
        ),
        "both deliveries",
    )
    events = stack.sql(
        "select count(*) as n from public.order_events where order_id = %s and action = 'pay'",
        (created["order_id"],),
    )
    assert events[0]["n"] == 1
    assert (
        stack.sql(
            "select count(*) as n from public.whop_events"
            " where payload ->> 'type' = 'payment.succeeded'"
        )[0]["n"]
        == 1
    )


def test_concurrent_deliveries_of_one_webhook_store_one_event(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.hold_webhooks()
    stack.emulator.pay(created["checkout_id"])
    message = stack.emulator.held[0]
    threads = [threading.Thread(target=stack.emulator._deliver, args=(message,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for_status(stack, created["order_id"], "awaiting_requirements")
    assert all(d.status_code == 200 for d in stack.emulator.deliveries)
    assert (
        stack.sql(
            "select count(*) as n from public.whop_events"
            " where payload ->> 'type' = 'payment.succeeded'"
        )[0]["n"]
        == 1
    )


def test_a_header_id_that_differs_from_the_body_id_is_accepted(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"], header_id_differs=True)
    wait_for_status(stack, created["order_id"], "awaiting_requirements")


def test_confirm_asks_whop_and_advances_a_paid_order_whose_webhook_was_lost(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.pay(created["checkout_id"], drop_webhook=True)
    response = stack.http.post(
        "/checkout/confirm", json={"order_id": created["order_id"]}, headers=shop.buyer.headers
    )
    assert response.json()["status"] == "awaiting_requirements"


def test_confirm_of_an_unpaid_checkout_changes_nothing(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    response = stack.http.post(
        "/checkout/confirm", json={"order_id": created["order_id"]}, headers=shop.buyer.headers
    )
    assert response.json()["status"] == "pending_payment"


def test_confirm_by_someone_else_is_a_404(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    stranger = stack.sign_up("stranger", "Stranger")
    response = stack.http.post(
        "/checkout/confirm", json={"order_id": created["order_id"]}, headers=stranger.headers
    )
    assert response.status_code == 404


def test_a_failed_payment_cancels_the_pending_order(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    stack.emulator.fail(created["checkout_id"])
    wait_for_status(stack, created["order_id"], "cancelled")


# Refunds, out of order, and crashes.


def test_a_refund_delivered_before_its_payment_waits_and_then_applies(
    stack: OfflineStack, shop: Shop
) -> None:
    created = checkout(stack, shop)
    stack.emulator.hold_webhooks()
    payment = stack.emulator.pay(created["checkout_id"])
    stack.emulator.refund(payment["id"], 2500)
    assert stack.emulator.release_webhooks("reversed") == 3
    wait_for(
        lambda: order_of(stack, created["order_id"])["refunded_cents"] == 2500 or None, "the refund"
    )
    order = order_of(stack, created["order_id"])
    assert (order["status"], order["fee_refunded_cents"]) == ("awaiting_requirements", 250)


def test_a_full_refund_refunds_the_order(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    payment = stack.emulator.pay(created["checkout_id"])
    wait_for_status(stack, created["order_id"], "awaiting_requirements")
    stack.emulator.refund(payment["id"])
    order = wait_for_status(stack, created["order_id"], "refunded")
    assert order["refunded_cents"] == order["subtotal_cents"]


def test_an_event_stored_before_a_crash_is_processed_after_restart(
    db_url: str, cluster: LocalCluster, database: str
) -> None:
    gotrue_url = cluster.url("supabase_auth_admin", database)
    with OfflineStack(db_url, gotrue_url) as before_crash:
        created = checkout(before_crash, open_shop(before_crash))
        before_crash.emulator.hold_webhooks()
        before_crash.emulator.pay(created["checkout_id"])
        message = before_crash.emulator.held[0]
    # The worker committed the delivery to the inbox, answered 2xx, and died.
    stored = PostgresDatabase(db_url)
    stored.rpc(
        "ingest_whop_event", {"webhook_id": message.webhook_id, "payload": json.loads(message.body)}
    )
    stored.close()
    assert order_of(before_crash, created["order_id"])["status"] == "pending_payment"
    with OfflineStack(db_url, gotrue_url) as restarted:
        wait_for_status(restarted, created["order_id"], "awaiting_requirements")
