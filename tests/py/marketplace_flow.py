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
