"""Test data built through the same paths production uses (auth.users insert, seller
account, draft gig then publish, create_pending_order as the service role)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Marketplace:
    buyer_id: str
    seller_id: str
    gig_id: str
    company_id: str


def marketplace(admin_url: str, *, price_cents: int = 12345) -> Marketplace:
    """A verified seller with a Whop company and one published gig, and a buyer."""
    suffix = uuid.uuid4().hex[:8]
    company_id = f"biz_{suffix}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
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
    return Marketplace(buyer_id, seller_id, gig_id, company_id)


def pending_order(admin_url: str, market: Marketplace) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return str(
            conn.execute(
                "select id from public.create_pending_order(%s, %s, 'basic')",
                (market.buyer_id, market.gig_id),
            ).fetchone()[0]
        )


def order_status(admin_url: str, order_id: str) -> str:
    with psycopg.connect(admin_url) as conn:
        return str(
            conn.execute("select status from public.orders where id = %s", (order_id,)).fetchone()[
                0
            ]
        )
