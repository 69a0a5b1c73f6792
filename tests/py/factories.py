"""Test data built through the same paths production uses (auth.users insert, seller
account, draft gig then publish, create_pending_order and attach_checkout as the service
role), and Whop's objects for it in the legacy v1 shape of docs/whop-api.md."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

# The platform fee when nothing has changed it (private.platform_settings): 10%.
DEFAULT_FEE_BPS = 1000


def fee_of(subtotal_cents: int, fee_bps: int = DEFAULT_FEE_BPS) -> int:
    """The platform fee the README and docs/architecture.md define: subtotal x fee_bps /
    10000, rounded half up to the cent."""
    return (subtotal_cents * fee_bps * 2 + 10000) // 20000


def whop_amount(cents: int) -> float:
    """Whop's decimal units, as the JSON number Whop sends (two decimals print exactly)."""
    return cents / 100


@dataclass(frozen=True)
class Marketplace:
    buyer_id: str
    seller_id: str
    gig_id: str
    company_id: str
    price_cents: int = 12345

    @property
    def fee_cents(self) -> int:
        return fee_of(self.price_cents)


def marketplace(admin_url: str, *, price_cents: int = 12345) -> Marketplace:
    """A verified seller with a Whop company and one published gig, and a buyer."""
    suffix = uuid.uuid4().hex[:8]
    company_id = f"biz_{suffix}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        # One buyer here may open more orders in an hour than the platform lets a person
        # (test_checkout_limits tests that cap).
        conn.execute("select public.set_max_checkouts_per_hour(1000)")
        buyer_id = str(
            conn.execute("select tests.create_user(%s)", (f"buyer_{suffix}",)).fetchone()[0]
        )
        seller_id = str(
            conn.execute("select tests.create_user(%s)", (f"seller_{suffix}",)).fetchone()[0]
        )
        conn.execute(
            "insert into public.seller_accounts (user_id, kyc_status, whop_company_id)"
            " values (%s, 'verified', %s)",
            (seller_id, company_id),
        )
        conn.execute(
            "insert into public.categories (slug, name) values (%s, 'Factory')",
            (f"factory-{suffix}",),
        )
        gig_id = str(
            conn.execute(
                "insert into public.gigs (seller_id, category_id, title)"
                " values (%s, (select id from public.categories where slug = %s),"
                " 'I will test your marketplace thoroughly') returning id",
                (seller_id, f"factory-{suffix}"),
            ).fetchone()[0]
        )
        conn.execute(
            "insert into public.gig_packages (gig_id, tier, title, price_cents, currency,"
            " delivery_days, revisions_included) values (%s, 'basic', 'Basic', %s, 'USD', 3, 1)",
            (gig_id, price_cents),
        )
        conn.execute("update public.gigs set status = 'published' where id = %s", (gig_id,))
    return Marketplace(buyer_id, seller_id, gig_id, company_id, price_cents)


def checkout_of(order_id: str) -> str:
    """The Whop checkout configuration id a pending order made here was given."""
    return "ch_" + order_id.replace("-", "")


def pending_order(admin_url: str, market: Marketplace, *, with_checkout: bool = True) -> str:
    """A basic order waiting for its payment, with its Whop checkout attached as the
    worker's POST /checkout attaches it (`with_checkout=False`: Whop never opened one)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        order_id = str(
            conn.execute(
                "select id from public.create_pending_order(%s, %s, 'basic')",
                (market.buyer_id, market.gig_id),
            ).fetchone()[0]
        )
        if with_checkout:
            conn.execute("select public.attach_checkout(%s, %s)", (order_id, checkout_of(order_id)))
    return order_id


def pending_orders(
    admin_url: str, market: Marketplace, count: int, *, with_checkout: bool = True
) -> list[str]:
    """`count` basic orders waiting for their payments, each a different buyer's (a buyer
    may hold only a few unpaid orders at once), as many buyers checking out together."""
    orders = []
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for _ in range(count):
            buyer_id = conn.execute(
                "select tests.create_user(%s)", (f"buyer_{uuid.uuid4().hex[:12]}",)
            ).fetchone()[0]
            order_id = str(
                conn.execute(
                    "select id from public.create_pending_order(%s, %s, 'basic')",
                    (buyer_id, market.gig_id),
                ).fetchone()[0]
            )
            if with_checkout:
                conn.execute(
                    "select public.attach_checkout(%s, %s)", (order_id, checkout_of(order_id))
                )
            orders.append(order_id)
    return orders


def whop_payment(
    market: Marketplace, order_id: str, payment_id: str | None = None, **changes: Any
) -> dict[str, Any]:
    """The paid Whop payment of a pending order's checkout, as Whop reports it (a webhook's
    `data`, or the API): its checkout, the seller's company, the order's total and
    application fee, our order id in the metadata. `changes` replace top-level fields."""
    payment: dict[str, Any] = {
        "id": payment_id or f"pay_{uuid.uuid4().hex[:14]}",
        "status": "paid",
        "substatus": "succeeded",
        "total": whop_amount(market.price_cents),
        "subtotal": whop_amount(market.price_cents),
        "usd_total": whop_amount(market.price_cents),
        "amount_after_fees": whop_amount(market.price_cents - market.fee_cents),
        "refunded_amount": 0,
        "currency": "usd",
        "application_fee": {
            "amount": whop_amount(market.fee_cents),
            "amount_refunded": 0,
            "currency": "usd",
        },
        "metadata": {"gigflow_order_id": order_id},
        "checkout_configuration_id": checkout_of(order_id),
        "company": {"id": market.company_id, "title": "Factory seller"},
        "user": {"id": "user_factorybuyer", "email": "buyer@example.com"},
        "refundable": True,
    }
    payment.update(changes)
    return payment


def payment_event(payment: dict[str, Any], event_type: str = "payment.succeeded") -> dict:
    """A webhook's envelope around a Whop payment."""
    return {
        "id": f"msg_{uuid.uuid4().hex[:12]}",
        "type": event_type,
        "api_version": "v1",
        "data": payment,
    }


def order_status(admin_url: str, order_id: str) -> str:
    with psycopg.connect(admin_url) as conn:
        return str(
            conn.execute("select status from public.orders where id = %s", (order_id,)).fetchone()[
                0
            ]
        )
