"""Operators' tools racing what users do at the same moment, each in its own transaction
as PostgREST runs it: a suspension and a gig going live, a category's deactivation and
a gig published into it, and two moves that together would make the category tree loop.
Whichever commits first, the other sees it: no suspended seller's gig and no unlisted
category's gig is left in search, and the tree never loops."""

from __future__ import annotations

import psycopg

from tests.py.factories import Marketplace, marketplace
from tests.py.test_money_races import as_user, blocked_behind


def admin_of(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            'select tests.create_user(%s, \'{"user_role": "admin"}\')', (name,)
        ).fetchone()
    assert row is not None
    return str(row[0])


def paused_gig(admin_url: str, market: Marketplace) -> None:
    """The market's published gig, paused by its seller: unpausing puts it live again."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "insert into public.gig_events (gig_id, action, actor) values (%s, 'pause', 'seller')",
            (market.gig_id,),
        )


def in_search(admin_url: str, gig_id: str) -> bool:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "select count(*) from private.gig_search where gig_id = %s", (gig_id,)
        ).fetchone()
    return bool(row and row[0])


def test_a_gig_going_live_while_its_seller_is_suspended_stays_out_of_search(
    admin_url: str, db_url: str
) -> None:
    market = marketplace(admin_url)
    paused_gig(admin_url, market)
    admin_id = admin_of(admin_url, "race_admin_s")
    failures: list[str] = []

    def unpause() -> None:
        try:
            with as_user(db_url, market.seller_id) as conn:
                conn.execute("select public.unpause_gig(%s)", (market.gig_id,))
        except psycopg.Error as error:
            failures.append(str(error.sqlstate))

    with as_user(db_url, admin_id, admin=True) as operator:
        operator.execute("select public.suspend_seller(%s, 'spam')", (market.seller_id,))
        thread = blocked_behind(admin_url, operator, unpause)
    thread.join(10)
    assert failures == []
    assert not in_search(admin_url, market.gig_id)


def test_a_suspension_while_a_gig_goes_live_takes_it_out_of_search(
    admin_url: str, db_url: str
) -> None:
    market = marketplace(admin_url)
    paused_gig(admin_url, market)
    admin_id = admin_of(admin_url, "race_admin_t")
    failures: list[str] = []

    def suspend() -> None:
        try:
            with as_user(db_url, admin_id, admin=True) as conn:
                conn.execute("select public.suspend_seller(%s, 'spam')", (market.seller_id,))
        except psycopg.Error as error:
            failures.append(str(error.sqlstate))

    with as_user(db_url, market.seller_id) as seller:
        seller.execute("select public.unpause_gig(%s)", (market.gig_id,))
        thread = blocked_behind(admin_url, seller, suspend)
    thread.join(10)
    assert failures == []
    assert not in_search(admin_url, market.gig_id)


def test_a_gig_going_live_in_a_category_being_deactivated_stays_out_of_search(
    admin_url: str, db_url: str
) -> None:
    market = marketplace(admin_url)
    paused_gig(admin_url, market)
    admin_id = admin_of(admin_url, "race_admin_c")
    failures: list[str] = []

    def unpause() -> None:
        try:
            with as_user(db_url, market.seller_id) as conn:
                conn.execute("select public.unpause_gig(%s)", (market.gig_id,))
        except psycopg.Error as error:
            failures.append(str(error.sqlstate))

    with as_user(db_url, admin_id, admin=True) as operator:
        operator.execute(
            "select public.deactivate_category(category_id) from public.gigs where id = %s",
            (market.gig_id,),
        )
        thread = blocked_behind(admin_url, operator, unpause)
    thread.join(10)
    assert failures == []
    assert not in_search(admin_url, market.gig_id)


def test_two_moves_that_would_make_a_loop_are_decided_one_after_the_other(
    admin_url: str, db_url: str
) -> None:
    """Y is under Z. One admin moves X under Y while another moves Z under X: each alone
    is fine, together they make the loop X -> Y -> Z -> X. The second waits for the
    first and is refused."""
    admin_id = admin_of(admin_url, "race_admin_m")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        x, y, z = (
            conn.execute(
                "insert into public.categories (slug, name) values (%s, %s) returning id",
                (slug, slug),
            ).fetchone()[0]
            for slug in ("race-x", "race-y", "race-z")
        )
        conn.execute("update public.categories set parent_id = %s where id = %s", (z, y))
    outcome: dict[str, str] = {}

    def move_z_under_x() -> None:
        try:
            with as_user(db_url, admin_id, admin=True) as conn:
                conn.execute("select public.move_category(%s, %s)", (z, x))
            outcome["second"] = "ok"
        except psycopg.Error as error:
            outcome["second"] = str(error.sqlstate)

    with as_user(db_url, admin_id, admin=True) as first:
        first.execute("select public.move_category(%s, %s)", (x, y))
        thread = blocked_behind(admin_url, first, move_z_under_x)
    thread.join(10)
    assert outcome == {"second": "22023"}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        parents = conn.execute(
            "select id, parent_id from public.categories where id = any(%s) order by id",
            ([x, y, z],),
        ).fetchall()
    assert parents == [(x, y), (y, z), (z, None)]
