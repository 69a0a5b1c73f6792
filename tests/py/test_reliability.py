"""Nothing is lost and nothing happens twice, under the faults webhooks meet: a storm of
duplicate deliveries, every arrival order of a payment's lifecycle, a worker killed
between storing and processing, and the database restarting under a running worker."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import psycopg
import pytest
from standardwebhooks import Webhook

from devstack.localpg import LocalCluster
from devstack.offline import OfflineStack, wait_for
from tests.py import factories
from tests.py.marketplace_flow import checkout, open_shop, wait_for_status
from tests.py.worker_process import WorkerProcess, signed
from worker import inbox
from worker.db import PostgresDatabase

# Duplicates.


def test_a_thousand_deliveries_of_one_webhook_have_one_effect(stack: OfflineStack) -> None:
    shop = open_shop(stack)
    created = checkout(stack, shop)
    stack.emulator.hold_webhooks()
    stack.emulator.pay(created["checkout_id"])
    message = stack.emulator.held[0]
    url = f"{stack.worker_url}/webhooks/whop"

    def deliver(_: int) -> int:
        now = datetime.now(UTC)
        headers = {
            "webhook-id": message.webhook_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(stack.emulator.webhook_secret.encode()).sign(
                message.webhook_id, now, message.body
            ),
            "content-type": "application/json",
        }
        return httpx.post(url, content=message.body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(deliver, range(1000)))
    assert set(statuses) == {200}
    wait_for_status(stack, created["order_id"], "awaiting_requirements")
    counts = stack.sql(
        "select (select count(*) from public.whop_events where webhook_id = %s) as stored,"
        " (select count(*) from public.order_events where order_id = %s and action = 'pay')"
        " as paid",
        (message.webhook_id, created["order_id"]),
    )[0]
    assert counts == {"stored": 1, "paid": 1}


# Arrival order.

LIFECYCLE = ("payment.succeeded", "refund.created", "refund.updated", "dispute.created")


def lifecycle_events(market: factories.Marketplace, order_id: str) -> dict[str, dict]:
    payment = factories.payment_event(factories.whop_payment(market, order_id))
    payment_ref = {
        "id": payment["data"]["id"],
        "metadata": {"gigflow_order_id": order_id},
        "total": "123.45",
        "currency": "usd",
    }
    refund_id = f"rf_{uuid.uuid4().hex[:10]}"
    refund = {"id": refund_id, "amount": 30.0, "currency": "usd", "payment": payment_ref}
    return {
        "payment.succeeded": payment,
        "refund.created": {"type": "refund.created", "data": {**refund, "status": "pending"}},
        "refund.updated": {"type": "refund.updated", "data": {**refund, "status": "succeeded"}},
        "dispute.created": {
            "type": "dispute.created",
            "data": {
                "id": f"dspt_{uuid.uuid4().hex[:10]}",
                "amount": 123.45,
                "currency": "usd",
                "status": "needs_response",
                "reason": "fraudulent",
                "payment": {"id": payment["data"]["id"]},
            },
        },
    }


def drain(db: PostgresDatabase) -> None:
    """Process until nothing is due; events a late payment woke are due at once."""
    while sum(inbox.process_due(db).values()):
        pass


def test_every_arrival_order_of_a_payments_lifecycle_converges(admin_url: str, db_url: str) -> None:
    market = factories.marketplace(admin_url)
    db = PostgresDatabase(db_url)
    finals = set()
    try:
        for permutation in itertools.permutations(LIFECYCLE):
            order_id = factories.pending_order(admin_url, market)
            events = lifecycle_events(market, order_id)
            for event_type in permutation:
                db.rpc(
                    "ingest_whop_event",
                    {"webhook_id": f"msg_{uuid.uuid4().hex}", "payload": events[event_type]},
                )
                drain(db)
            with psycopg.connect(admin_url) as conn:
                finals.add(
                    conn.execute(
                        "select status::text, refunded_cents, fee_refunded_cents,"
                        " (select count(*) from public.refunds where order_id = o.id)"
                        " from public.orders as o where o.id = %s",
                        (order_id,),
                    ).fetchone()
                )
    finally:
        db.close()
    assert finals == {("disputed", 3000, 300, 1)}


# Crashes and restarts.


@pytest.fixture
def worker_process(db_url: str) -> Iterator[WorkerProcess]:
    process = WorkerProcess(db_url)
    yield process
    process.kill()


def order_progress(admin_url: str, orders: list[str]) -> dict[str, int]:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(
            "select count(*) filter (where o.status = 'awaiting_requirements'),"
            " (select count(*) from public.order_events as e"
            "  where e.order_id = any(%(ids)s::uuid[]) and e.action = 'pay'),"
            " (select count(*) from public.whop_events where status <> 'processed')"
            " from public.orders as o where o.id = any(%(ids)s::uuid[])",
            {"ids": orders},
        ).fetchone()
    assert row is not None
    return {"paid": row[0], "pay_events": row[1], "unprocessed": row[2]}


def test_events_stored_before_a_kill_and_a_database_restart_are_processed_once(
    cluster: LocalCluster, admin_url: str, worker_process: WorkerProcess
) -> None:
    market = factories.marketplace(admin_url)
    orders = factories.pending_orders(admin_url, market, 40)
    worker_process.start()
    for order_id in orders:
        event = factories.payment_event(factories.whop_payment(market, order_id))
        body, headers = signed(event, f"msg_{uuid.uuid4().hex}")
        response = httpx.post(
            f"{worker_process.url}/webhooks/whop", content=body, headers=headers, timeout=10
        )
        assert response.status_code == 200
    # Killed the moment the last delivery was acknowledged: what was stored must survive.
    worker_process.kill()
    # Some stored for certain and never processed: as if it died right after the commit.
    stranded = factories.pending_orders(admin_url, market, 10)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for order_id in stranded:
            event = factories.payment_event(factories.whop_payment(market, order_id))
            conn.execute(
                "select public.ingest_whop_event(%s, %s)",
                (f"msg_{uuid.uuid4().hex}", json.dumps(event)),
            )
    orders += stranded
    cluster.restart()
    worker_process.start()
    # And the database goes away once more while the new worker is at it.
    cluster.restart()

    def all_paid() -> dict[str, int] | None:
        try:
            progress = order_progress(admin_url, orders)
        except psycopg.OperationalError:
            return None
        return progress if progress["paid"] == len(orders) and not progress["unprocessed"] else None

    assert wait_for(all_paid, "every stored event to be processed", 60) == {
        "paid": 50,
        "pay_events": 50,
        "unprocessed": 0,
    }
