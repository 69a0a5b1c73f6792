"""`gigflow demo`: the marketplace on an embedded PostgreSQL, offline.

Starts (or reuses) the local cluster, rebuilds it from the migrations and the seed, then
searches the catalog as an anonymous visitor would through PostgREST: role anon, the
`search_gigs` RPC under Row Level Security."""

from __future__ import annotations

import psycopg

from worker import dbbuild
from worker.localpg import LocalCluster

SEARCHES: list[tuple[str, dict[str, object]]] = [
    ("'logo'", {"search_query": "logo"}),
    (
        "'wordpress -woocommerce' under $100",
        {"search_query": "wordpress -woocommerce", "max_price_cents": 10000},
    ),
    ("programming & tech, best rated", {"category": "programming-tech", "sort": "rating"}),
    ("everything, cheapest first", {"sort": "price_low", "page_size": 5}),
]


def _search(conn: psycopg.Connection, arguments: dict[str, object]) -> list[tuple]:
    named = ", ".join(f"{name} => %({name})s" for name in arguments)
    with conn.transaction():
        conn.execute("set local role anon")
        conn.execute("select set_config('request.jwt.claims', '{\"role\": \"anon\"}', true)")
        return conn.execute(
            "select title, seller_username, starting_price_cents, rating_avg, rating_count"
            f" from public.search_gigs({named})",
            arguments,
        ).fetchall()


def _money(cents: int) -> str:
    return f"${cents // 100}.{cents % 100:02d}"


def run(cluster: LocalCluster) -> None:
    cluster.start()
    dbbuild.reset(cluster.url(), cluster.admin_url)
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        counts = conn.execute(
            "select (select count(*) from public.gigs where status = 'published'),"
            " (select count(*) from public.seller_accounts where kyc_status = 'verified'),"
            " (select count(*) from public.categories)"
        ).fetchone()
        print(
            f"catalog: {counts[0]} published gigs, {counts[1]} verified sellers,"
            f" {counts[2]} categories\n"
        )
        for label, arguments in SEARCHES:
            rows = _search(conn, arguments)
            print(f"search {label}: {len(rows)} result(s)")
            for title, seller, price, rating, reviews in rows[:5]:
                print(f"  {_money(price):>9}  {rating} ({reviews:>3})  {title}  — @{seller}")
            print()
    print(f"database: {cluster.url()}")
    print("stop it with `make db-down`")
