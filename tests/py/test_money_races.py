"""A withdrawal and a refund request racing for the same cleared money, as they arrive in
production: the worker asks for the withdrawal as the service role while an admin asks
for a refund through PostgREST (their own transaction, role and claims). Exactly one of
them gets the money: whichever commits first, the other sees it, and the seller's
available balance is never more than what is left.

The order: $100.00, the 10% platform fee $10.00, the seller's share $90.00. A refund of
$50.00 takes the seller's share of it, $45.00, the moment it is asked for."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from tests.py.factories import Marketplace, marketplace, pending_order, whop_payment

PRICE_CENTS = 10000
SELLER_SHARE_CENTS = 9000
REFUND_CENTS = 5000
SELLERS_PART_OF_REFUND_CENTS = 4500


@contextmanager
def as_user(url: str, user_id: str, *, admin: bool = False) -> Iterator[psycopg.Connection]:
    """One transaction as PostgREST runs a request for a signed-in user."""
    claims: dict[str, Any] = {"sub": user_id, "role": "authenticated"}
    if admin:
        claims["app_metadata"] = {"user_role": "admin"}
    with psycopg.connect(url) as conn:
        conn.execute("set local role authenticated")
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        yield conn


@contextmanager
def as_worker(url: str) -> Iterator[psycopg.Connection]:
    """One transaction as the worker runs it: the service role."""
    with psycopg.connect(url) as conn:
        conn.execute("set local role service_role")
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (json.dumps({"role": "service_role"}),),
        )
        yield conn


def cleared_sale(admin_url: str, db_url: str) -> tuple[Marketplace, str, str]:
    """A completed, paid $100.00 order whose $90.00 has cleared; returns the market, the
    order and an admin's user id."""
    market = marketplace(admin_url, price_cents=PRICE_CENTS)
    order_id = pending_order(admin_url, market)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "select public.apply_whop_payment(%s)",
            (json.dumps(whop_payment(market, order_id)),),
        )
        admin_id = str(
            conn.execute(
                'select tests.create_user(%s, \'{"user_role": "admin"}\')',
                (f"admin_{order_id[:8]}",),
            ).fetchone()[0]
        )
    for user, action in (
        (market.seller_id, "select public.start_order(%s)"),
        (market.seller_id, "select public.deliver_order(%s, 'Done', '[]')"),
        (market.buyer_id, "select public.accept_delivery(%s)"),
    ):
        with as_user(db_url, user) as conn:
            conn.execute(action, (order_id,))
    with as_worker(db_url) as conn:
        conn.execute("select public.set_clearance_period(0)")
    return market, order_id, admin_id


def balance(db_url: str, seller_id: str) -> dict[str, int]:
    with as_user(db_url, seller_id) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        row = cur.execute(
            "select available_cents, held_cents, withdrawing_cents, debt_cents"
            " from public.seller_balance() where currency = 'USD'"
        ).fetchone()
    assert row is not None
    return dict(row)


def blocked_behind(
    admin_url: str, first: psycopg.Connection, second: Callable[[], None]
) -> threading.Thread:
    """Starts `second` in a thread and waits until it is blocked on a lock `first` holds."""
    thread = threading.Thread(target=second)
    thread.start()
    first_pid = first.info.backend_pid
    deadline = time.monotonic() + 10
    with psycopg.connect(admin_url, autocommit=True) as observer:
        while time.monotonic() < deadline:
            waiting = observer.execute(
                "select count(*) from pg_stat_activity where %s = any(pg_blocking_pids(pid))",
                (first_pid,),
            ).fetchone()
            if waiting and waiting[0]:
                return thread
            time.sleep(0.02)
    raise AssertionError("the second request never waited for the first")


def test_a_refund_asked_for_first_keeps_the_withdrawal_from_taking_that_money(
    admin_url: str, db_url: str
) -> None:
    market, order_id, admin_id = cleared_sale(admin_url, db_url)
    outcome: dict[str, object] = {}

    def withdraw_everything() -> None:
        try:
            with as_worker(db_url) as conn:
                conn.execute(
                    "select public.request_withdrawal(%s, %s)",
                    (market.seller_id, SELLER_SHARE_CENTS),
                )
            outcome["withdrawal"] = "ok"
        except psycopg.Error as error:
            outcome["withdrawal"] = error.sqlstate

    with as_user(db_url, admin_id, admin=True) as refund:
        refund.execute("select public.request_refund(%s, %s, 'goodwill')", (order_id, REFUND_CENTS))
        racer = blocked_behind(admin_url, refund, withdraw_everything)
    racer.join(timeout=30)

    assert outcome["withdrawal"] == "55000"
    assert balance(db_url, market.seller_id) == {
        "available_cents": SELLER_SHARE_CENTS - SELLERS_PART_OF_REFUND_CENTS,
        "held_cents": SELLERS_PART_OF_REFUND_CENTS,
        "withdrawing_cents": 0,
        "debt_cents": 0,
    }


def test_a_withdrawal_asked_for_first_leaves_the_refund_as_the_sellers_debt(
    admin_url: str, db_url: str
) -> None:
    market, order_id, admin_id = cleared_sale(admin_url, db_url)
    outcome: dict[str, object] = {}

    def refund_half() -> None:
        try:
            with as_user(db_url, admin_id, admin=True) as conn:
                conn.execute(
                    "select public.request_refund(%s, %s, 'goodwill')", (order_id, REFUND_CENTS)
                )
            outcome["refund"] = "ok"
        except psycopg.Error as error:
            outcome["refund"] = error.sqlstate

    with as_worker(db_url) as withdrawal:
        withdrawal.execute(
            "select public.request_withdrawal(%s, %s)", (market.seller_id, SELLER_SHARE_CENTS)
        )
        racer = blocked_behind(admin_url, withdrawal, refund_half)
    racer.join(timeout=30)

    # The buyer's refund is not the seller's to refuse: it goes ahead, and the money the
    # withdrawal already took is owed back, never shown as spendable.
    assert outcome["refund"] == "ok"
    assert balance(db_url, market.seller_id) == {
        "available_cents": 0,
        "held_cents": SELLERS_PART_OF_REFUND_CENTS,
        "withdrawing_cents": SELLER_SHARE_CENTS,
        "debt_cents": SELLERS_PART_OF_REFUND_CENTS,
    }


@pytest.mark.parametrize("round_number", range(5))
def test_racing_at_once_never_pays_the_same_money_twice(
    admin_url: str, db_url: str, round_number: int
) -> None:
    market, order_id, admin_id = cleared_sale(admin_url, db_url)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def withdraw() -> None:
        start.wait()
        try:
            with as_worker(db_url) as conn:
                conn.execute(
                    "select public.request_withdrawal(%s, %s)",
                    (market.seller_id, SELLER_SHARE_CENTS),
                )
            outcomes["withdrawal"] = "ok"
        except psycopg.Error as error:
            outcomes["withdrawal"] = str(error.sqlstate)

    def refund() -> None:
        start.wait()
        with as_user(db_url, admin_id, admin=True) as conn:
            conn.execute(
                "select public.request_refund(%s, %s, 'goodwill')", (order_id, REFUND_CENTS)
            )
        outcomes["refund"] = "ok"

    threads = [threading.Thread(target=withdraw), threading.Thread(target=refund)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    after = balance(db_url, market.seller_id)
    assert outcomes["refund"] == "ok"
    if outcomes["withdrawal"] == "ok":
        assert after["debt_cents"] == SELLERS_PART_OF_REFUND_CENTS
        assert after["available_cents"] == 0
    else:
        assert outcomes["withdrawal"] == "55000"
        assert after["debt_cents"] == 0
        assert after["available_cents"] == SELLER_SHARE_CENTS - SELLERS_PART_OF_REFUND_CENTS
