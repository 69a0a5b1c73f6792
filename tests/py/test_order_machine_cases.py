"""Cases the state machine's property test (test_order_properties.py) found, each pinned
down as its own test: actions as PostgREST runs them for each party, Whop's objects
through the entry points the webhooks use."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from devstack.localpg import LocalCluster
from tests.py.test_order_properties import (
    PRICE_CENTS,
    Step,
    World,
    _session,
    attempt,
    built_world,
    new_paid_order,
)


@pytest.fixture(scope="module")
def world(cluster: LocalCluster, template_db: str) -> Iterator[World]:
    with built_world(cluster, template_db) as built:
        yield built


def status_of(world: World, order_id: str) -> str:
    with psycopg.connect(world.url) as conn:
        return str(
            conn.execute("select status from public.orders where id = %s", (order_id,)).fetchone()[
                0
            ]
        )


def cancellation_requested_with_a_refund_asked(world: World) -> str:
    """A paid order whose buyer asked to cancel, and on which an admin then asked Whop for
    a goodwill refund while the request waits for the seller."""
    order_id = new_paid_order(world)
    assert attempt(world, order_id, Step("request_cancellation", "buyer"))
    assert attempt(world, order_id, Step("request_refund", "admin", 500))
    assert status_of(world, order_id) == "cancel_requested"
    return order_id


def test_declining_a_cancellation_after_a_refund_was_asked_puts_the_order_back(
    world: World,
) -> None:
    order_id = cancellation_requested_with_a_refund_asked(world)
    assert attempt(world, order_id, Step("decline_cancellation", "seller"))
    assert status_of(world, order_id) == "awaiting_requirements"


def test_a_requester_cannot_accept_their_own_cancellation_after_a_refund_was_asked(
    world: World,
) -> None:
    order_id = cancellation_requested_with_a_refund_asked(world)
    assert not attempt(world, order_id, Step("accept_cancellation", "buyer"))
    assert status_of(world, order_id) == "cancel_requested"


def test_a_cancellation_request_still_expires_after_a_refund_was_asked(world: World) -> None:
    order_id = cancellation_requested_with_a_refund_asked(world)
    # Two days on, nobody has answered: the request expires (48 hours).
    with psycopg.connect(world.url) as conn, conn.transaction():
        _session(conn, world, "system")
        conn.execute("select public.run_due_timers(now() + interval '3 days')")
    assert status_of(world, order_id) == "cancelled"


def test_events_are_numbered_in_the_order_their_actions_were_applied(world: World) -> None:
    order_id = new_paid_order(world)
    assert attempt(world, order_id, Step("submit_requirements", "buyer"))
    with (
        psycopg.connect(world.url) as timers,
        psycopg.connect(world.url, autocommit=True) as watcher,
    ):
        with timers.transaction():
            _session(timers, world, "system")
            # The timers' run holds the order while the buyer opens a dispute on it.
            timers.execute("select 1 from public.orders where id = %s for update", (order_id,))
            buyer = threading.Thread(
                target=attempt, args=(world, order_id, Step("open_dispute", "buyer"))
            )
            buyer.start()
            deadline = time.monotonic() + 10
            while not watcher.execute(
                "select 1 from pg_stat_activity where wait_event_type = 'Lock'"
                " and query like '%%open_dispute%%'"
            ).fetchone():
                assert time.monotonic() < deadline, "the dispute never waited for the order"
                time.sleep(0.05)
            # Due date and a day past it: late, then very late; then the dispute applies.
            timers.execute("select public.run_due_timers(now() + interval '30 days')")
        buyer.join()
    with psycopg.connect(world.url) as conn:
        events = conn.execute(
            "select action, from_status::text, to_status::text from public.order_events"
            " where order_id = %s order by id",
            (order_id,),
        ).fetchall()
    assert [event[0] for event in events][-3:] == ["mark_late", "mark_very_late", "open_dispute"]
    assert [event[1] for event in events[1:]] == [event[2] for event in events[:-1]]


def test_a_refund_whop_makes_on_its_own_leaves_no_more_asked_for_than_is_left(
    world: World,
) -> None:
    order_id = new_paid_order(world)
    assert attempt(world, order_id, Step("request_cancellation", "buyer"))
    # Cancelled once paid: the whole payment is asked back (not sent to Whop yet).
    assert attempt(world, order_id, Step("accept_cancellation", "seller"))
    with psycopg.connect(world.url) as conn:
        with conn.transaction():
            _session(conn, world, "system")
            # Meanwhile an operator refunds $27.04 in Whop's dashboard.
            payment_id = conn.execute(
                "select whop_payment_id from public.orders where id = %s", (order_id,)
            ).fetchone()[0]
            refund = {
                "id": "rf_from_the_dashboard",
                "status": "succeeded",
                "amount": 27.04,
                "currency": "usd",
                "payment": {"id": payment_id},
            }
            conn.execute("select public.apply_whop_refund(%s)", (json.dumps(refund),))
        with conn.transaction():
            _session(conn, world, "system")
            to_send = conn.execute(
                "select c.amount_cents from public.claim_refunds_to_submit(100) as c"
                " where c.order_id = %s",
                (order_id,),
            ).fetchall()
        with conn.transaction():
            _session(conn, world, "seller")
            pending = conn.execute("select pending_cents from public.seller_balance()").fetchone()[
                0
            ]
    # What the worker asks Whop for is at most what Whop has left to refund.
    assert sum(amount for (amount,) in to_send) <= PRICE_CENTS - 2704
    assert pending >= 0
