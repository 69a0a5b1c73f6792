"""What one buyer's checkouts can cost (issue 16 #6), through the running system: a
checkout Whop refuses leaves no unpaid order behind, a buyer has at most 3 unpaid
orders open at once (the default setting) and may give one up, but abandoning and
reopening in a loop stops at 20 checkouts an hour (the default), and of the attribution
GigFlow keeps only the campaign travels to Whop (the visitor and session ids never do)."""

from __future__ import annotations

import pytest

from devstack.offline import OfflineStack, wait_for
from tests.py.marketplace_flow import Shop, checkout, open_shop

DEFAULT_MAX_UNPAID_ORDERS = 3
DEFAULT_MAX_CHECKOUTS_PER_HOUR = 20


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    return open_shop(stack)


def unpaid_orders(stack: OfflineStack, shop: Shop) -> list[dict]:
    return stack.sql(
        "select id from public.orders where buyer_id = %s and status = 'pending_payment'",
        (shop.buyer.user_id,),
    )


def test_a_checkout_whop_refuses_leaves_no_unpaid_order(stack: OfflineStack, shop: Shop) -> None:
    # Whop stops treating the seller's company as connected to the platform: it refuses
    # checkouts with an application fee for it.
    stack.emulator.companies[shop.company_id]["parent_company_id"] = "biz_someone_else"
    response = stack.http.post(
        "/checkout", json={"gig_id": shop.gig_id, "tier": "basic"}, headers=shop.buyer.headers
    )
    assert response.status_code >= 400
    assert unpaid_orders(stack, shop) == []
    given_up = stack.sql(
        "select e.details ->> 'reason' as reason from public.orders as o"
        " join public.order_events as e on e.order_id = o.id and e.action = 'abandon_checkout'"
        " where o.buyer_id = %s and o.status = 'cancelled'",
        (shop.buyer.user_id,),
    )
    assert len(given_up) == 1
    assert given_up[0]["reason"].startswith("Whop: ")


def test_a_buyer_cannot_hold_more_than_three_unpaid_orders(stack: OfflineStack, shop: Shop) -> None:
    for _ in range(DEFAULT_MAX_UNPAID_ORDERS):
        checkout(stack, shop)
    response = stack.http.post(
        "/checkout", json={"gig_id": shop.gig_id, "tier": "basic"}, headers=shop.buyer.headers
    )
    assert response.status_code == 409
    assert "3 unpaid orders" in response.json()["message"]
    assert len(stack.emulator.checkouts) == DEFAULT_MAX_UNPAID_ORDERS


def test_abandoning_an_unpaid_order_frees_a_place(stack: OfflineStack, shop: Shop) -> None:
    orders = [checkout(stack, shop)["order_id"] for _ in range(DEFAULT_MAX_UNPAID_ORDERS)]
    abandoned = stack.rpc(shop.buyer, "abandon_checkout", {"order_id": orders[0]})
    assert abandoned["status"] == "cancelled"
    checkout(stack, shop)
    assert len(unpaid_orders(stack, shop)) == DEFAULT_MAX_UNPAID_ORDERS


def test_a_payment_for_an_abandoned_order_is_given_back(stack: OfflineStack, shop: Shop) -> None:
    created = checkout(stack, shop)
    stack.rpc(shop.buyer, "abandon_checkout", {"order_id": created["order_id"]})
    stack.emulator.pay(created["checkout_id"])
    refunds = wait_for(
        lambda: stack.sql(
            "select amount_cents from public.refunds where order_id = %s", (created["order_id"],)
        ),
        "the refund of a payment for an abandoned order",
    )
    assert refunds == [{"amount_cents": 10000}]


def test_only_the_attribution_gigflow_keeps_travels_to_whop(
    stack: OfflineStack, shop: Shop
) -> None:
    # The checkout's metadata lives on the seller's company at Whop, where the seller reads
    # it: only our order id and the campaign travel; the buyer's visitor and session ids
    # stay in the database, for admins.
    created = checkout(
        stack,
        shop,
        attribution={
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "spring",
            "visitor_id": "v-1",
            "session_id": "s-1",
            "favourite_colour": "teal",
        },
    )
    metadata = stack.emulator.checkouts[created["checkout_id"]]["metadata"]
    assert metadata == {
        "gigflow_order_id": created["order_id"],
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "spring",
    }
    kept = stack.sql(
        "select attribution from public.order_attributions where order_id = %s",
        (created["order_id"],),
    )
    assert kept == [
        {
            "attribution": {
                "utm_source": "newsletter",
                "utm_medium": "email",
                "utm_campaign": "spring",
                "visitor_id": "v-1",
                "session_id": "s-1",
            }
        }
    ]


def test_abandoning_and_reopening_in_a_loop_stops_at_the_hourly_cap(
    stack: OfflineStack, shop: Shop
) -> None:
    for _ in range(DEFAULT_MAX_CHECKOUTS_PER_HOUR):
        created = checkout(stack, shop)
        stack.rpc(shop.buyer, "abandon_checkout", {"order_id": created["order_id"]})
    response = stack.http.post(
        "/checkout", json={"gig_id": shop.gig_id, "tier": "basic"}, headers=shop.buyer.headers
    )
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert "in the last hour" in response.json()["message"]
    assert len(stack.emulator.checkouts) == DEFAULT_MAX_CHECKOUTS_PER_HOUR
