"""Ordering more than one (issue 22), through the running system: POST /checkout takes a
quantity from 1 up to the package's max_quantity, SQL prices it (unit price x quantity,
extras as before, the fee half up on the total) and Whop's checkout asks for exactly
that; anything else is refused before an order or a checkout exists. A suspended
seller's gigs cannot be checked out and their withdrawals are held, Whop's payouts
component included (409 `seller_suspended`), until an admin reinstates them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devstack.offline import OfflineStack
from tests.py.factories import fee_of
from tests.py.marketplace_flow import Shop, open_shop

BASIC_CENTS = 10000
EXTRA_FAST_CENTS = 1999
MAX_BASIC = 3


@pytest.fixture
def shop(stack: OfflineStack) -> Shop:
    """The shop's basic package ($100.00) sells up to three per order: the seller's edit
    sends the gig back to review, and it is published again."""
    opened = open_shop(stack)
    with stack.as_user(opened.seller) as conn:
        conn.execute(
            "update public.gig_packages set max_quantity = %s where gig_id = %s and tier = 'basic'",
            (MAX_BASIC, opened.gig_id),
        )
    stack.services.db.rpc("publish_gig", {"gig_id": opened.gig_id})
    return opened


def extra_fast(stack: OfflineStack, shop: Shop) -> str:
    rows = stack.sql("select id from public.gig_extras where gig_id = %s", (shop.gig_id,))
    return str(rows[0]["id"])


def orders_of(stack: OfflineStack, shop: Shop) -> list[dict]:
    return stack.sql(
        "select quantity, package_price_cents, extras_cents, subtotal_cents, fee_cents"
        " from public.orders where buyer_id = %s",
        (shop.buyer.user_id,),
    )


def test_three_of_a_package_are_priced_in_sql_and_sent_to_whop(
    stack: OfflineStack, shop: Shop
) -> None:
    response = stack.http.post(
        "/checkout",
        json={
            "gig_id": shop.gig_id,
            "tier": "basic",
            "quantity": 3,
            "extras": [{"extra_id": extra_fast(stack, shop), "quantity": 1}],
        },
        headers=shop.buyer.headers,
    )
    assert response.status_code == 200, response.text
    # 3 x 100.00 + 19.99 = 319.99; 10% = 31.999 -> 32.00.
    total = 3 * BASIC_CENTS + EXTRA_FAST_CENTS
    assert total == 31999
    assert fee_of(total) == 3200
    body = response.json()
    assert (body["quantity"], body["total_cents"], body["platform_fee_cents"]) == (3, 31999, 3200)
    assert orders_of(stack, shop) == [
        {
            "quantity": 3,
            "package_price_cents": BASIC_CENTS,
            "extras_cents": EXTRA_FAST_CENTS,
            "subtotal_cents": 31999,
            "fee_cents": 3200,
        }
    ]
    plan = stack.emulator.checkouts[body["checkout_id"]]["plan"]
    assert (plan["initial_price"], plan["application_fee_amount"]) == (
        Decimal("319.99"),
        Decimal("32.00"),
    )


def test_without_a_quantity_a_checkout_is_for_one(stack: OfflineStack, shop: Shop) -> None:
    response = stack.http.post(
        "/checkout", json={"gig_id": shop.gig_id, "tier": "basic"}, headers=shop.buyer.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["quantity"], response.json()["total_cents"]) == (1, BASIC_CENTS)


def test_more_than_the_package_allows_is_a_422_and_nothing_is_created(
    stack: OfflineStack, shop: Shop
) -> None:
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "basic", "quantity": MAX_BASIC + 1},
        headers=shop.buyer.headers,
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": "quantity 4 is outside 1..3, what one order may buy of the basic package",
    }
    assert orders_of(stack, shop) == []
    assert stack.emulator.checkouts == {}


def test_a_package_left_at_the_default_sells_one_per_order(stack: OfflineStack, shop: Shop) -> None:
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "premium", "quantity": 2},
        headers=shop.buyer.headers,
    )
    assert response.status_code == 422
    assert "outside 1..1" in response.json()["message"]
    assert orders_of(stack, shop) == []


@pytest.mark.parametrize("quantity", [0, -1, 101, 1.5, None])
def test_a_quantity_that_is_not_a_whole_number_from_1_to_100_is_a_422(
    stack: OfflineStack, shop: Shop, quantity: object
) -> None:
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "basic", "quantity": quantity},
        headers=shop.buyer.headers,
    )
    assert response.status_code == 422
    assert orders_of(stack, shop) == []


def test_a_suspended_sellers_gigs_cannot_be_checked_out_until_reinstated(
    stack: OfflineStack, shop: Shop
) -> None:
    admin = stack.sign_up("operator_one", "Operator One", admin=True)
    stack.rpc(admin, "suspend_seller", {"seller_id": shop.seller.user_id, "reason": "Spam"})
    order = {"gig_id": shop.gig_id, "tier": "basic", "quantity": 2}

    refused = stack.http.post("/checkout", json=order, headers=shop.buyer.headers)
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "seller_suspended",
        "message": f"gig {shop.gig_id} cannot be bought: its seller is suspended",
    }
    held = stack.http.post(
        "/sellers/withdrawals", json={"amount_cents": 100}, headers=shop.seller.headers
    )
    assert held.status_code == 409
    assert held.json()["code"] == "seller_suspended"
    # Whop's embedded payouts component can withdraw too: no token for it either.
    no_token = stack.http.post("/tokens/payouts", headers=shop.seller.headers)
    assert no_token.status_code == 409
    assert no_token.json()["code"] == "seller_suspended"
    assert orders_of(stack, shop) == []
    assert stack.emulator.checkouts == {}

    stack.rpc(admin, "reinstate_seller", {"seller_id": shop.seller.user_id, "reason": "Appeal"})
    accepted = stack.http.post("/checkout", json=order, headers=shop.buyer.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["total_cents"] == 2 * BASIC_CENTS
    token = stack.http.post("/tokens/payouts", headers=shop.seller.headers)
    assert token.status_code == 200, token.text
    assert token.json()["company_id"] == shop.company_id
