"""A marketplace set up the way users set one up, through the running system (see
devstack.offline): shared by the end-to-end and reconciliation tests."""

from __future__ import annotations

from dataclasses import dataclass

from devstack.offline import Actor, OfflineStack, wait_for


@dataclass(frozen=True)
class Shop:
    seller: Actor
    buyer: Actor
    company_id: str
    gig_id: str


def order_of(stack: OfflineStack, order_id: str) -> dict:
    return stack.sql("select * from public.orders where id = %s", (order_id,))[0]


def wait_for_status(stack: OfflineStack, order_id: str, status: str) -> dict:
    return wait_for(
        lambda: (found := order_of(stack, order_id))["status"] == status and found,
        f"order to become {status}",
    )


def onboarded_seller(stack: OfflineStack, username: str = "seller_one") -> tuple[Actor, str]:
    seller = stack.sign_up(username, "Seller One")
    stack.rpc(seller, "become_seller", {"headline": "I make things"})
    response = stack.http.post("/sellers/onboard", headers=seller.headers)
    assert response.status_code == 200, response.text
    return seller, response.json()["whop_company_id"]


def open_shop(stack: OfflineStack) -> Shop:
    """A verified seller (onboarded, KYC by webhook) with a published gig, and a buyer."""
    seller, company_id = onboarded_seller(stack)
    stack.emulator.set_kyc(company_id, "connected")
    wait_for(
        lambda: stack.sql(
            "select 1 from public.seller_accounts where user_id = %s and kyc_status = 'verified'",
            (seller.user_id,),
        ),
        "KYC verification",
    )
    gig_id = stack.create_gig(
        seller,
        "I will write your landing page copy",
        packages={"basic": 10000, "premium": 25000},
        extras={"Extra fast": 1999},
    )
    stack.rpc(seller, "submit_gig_for_review", {"gig_id": gig_id})
    stack.services.db.rpc("publish_gig", {"gig_id": gig_id})
    return Shop(seller, stack.sign_up("buyer_one", "Buyer One"), company_id, gig_id)


def checkout(stack: OfflineStack, shop: Shop, **body: object) -> dict:
    response = stack.http.post(
        "/checkout",
        json={"gig_id": shop.gig_id, "tier": "basic", **body},
        headers=shop.buyer.headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def paid_order(stack: OfflineStack, shop: Shop, **body: object) -> tuple[str, str]:
    """A basic order ($100.00) the buyer paid at Whop: its id and Whop's payment id."""
    created = checkout(stack, shop, **body)
    payment = stack.emulator.pay(created["checkout_id"])
    wait_for_status(stack, created["order_id"], "awaiting_requirements")
    return str(created["order_id"]), str(payment["id"])


def completed_and_cleared(stack: OfflineStack, shop: Shop) -> str:
    """A completed order whose earnings have cleared: $100.00 basic, $90.00 to the seller."""
    order_id, _ = paid_order(stack, shop)
    stack.rpc(shop.seller, "start_order", {"order_id": order_id})
    stack.rpc(shop.seller, "deliver_order", {"order_id": order_id, "message": "Done"})
    stack.rpc(shop.buyer, "accept_delivery", {"order_id": order_id})
    stack.services.db.rpc("set_clearance_period", {"days": 0})
    return order_id


def balance(stack: OfflineStack, seller: Actor) -> dict[str, int]:
    """The seller's balance in their one currency, as seller_balance() shows it to them."""
    rows = stack.rpc(seller, "seller_balance", {})
    return {key: value for key, value in rows[0].items() if key != "currency"}
