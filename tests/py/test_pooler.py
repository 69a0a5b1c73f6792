"""Through Supabase's pooler in transaction mode (here PgBouncer, with fewer server
connections than the worker opens): an operator whose GIGFLOW_DATABASE_URL points at the
pooler gets the same worker as one pointing at the database. Webhooks are stored and
processed once, order actions run as their caller, timers and reconciliation apply once."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from devstack.localpg import LocalCluster
from devstack.localpooler import LocalPooler
from devstack.offline import OfflineStack, wait_for
from tests.py import factories
from tests.py.marketplace_flow import checkout, open_shop, order_of
from tests.py.worker_process import WorkerProcess, signed
from worker import errors, reconcile
from worker.db import Identity, PostgresDatabase

ROUNDS = 12


@pytest.fixture
def pooled_db(pooled_db_url: str) -> Iterator[PostgresDatabase]:
    db = PostgresDatabase(pooled_db_url)
    yield db
    db.close()


@pytest.fixture
def pooled_stack(
    pooled_db_url: str, cluster: LocalCluster, database: str
) -> Iterator[OfflineStack]:
    """The running system with the worker's database URL at the pooler (GoTrue, which is
    not ours, writes users directly)."""
    with OfflineStack(pooled_db_url, cluster.url("supabase_auth_admin", database)) as running:
        yield running


def user(user_id: str) -> Identity:
    return Identity("authenticated", {"sub": user_id, "role": "authenticated"})


def paid_order(admin_url: str) -> tuple[factories.Marketplace, str]:
    market = factories.marketplace(admin_url)
    order_id = factories.pending_order(admin_url, market)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        outcome = conn.execute(
            "select public.apply_whop_payment(%s)",
            (json.dumps(factories.whop_payment(market, order_id)),),
        ).fetchone()
    assert outcome == ("processed",)
    return market, order_id


def actions_of(admin_url: str, order_id: str) -> list[tuple[str, str]]:
    with psycopg.connect(admin_url) as conn:
        rows = conn.execute(
            "select actor::text, action from public.order_events where order_id = %s order by id",
            (order_id,),
        ).fetchall()
    return [(actor, action) for actor, action in rows]


# The pooler itself.


def test_the_test_pooler_does_not_keep_a_clients_prepared_statements(
    pooler: LocalPooler, pooled_db_url: str
) -> None:
    # What broke the worker: a statement prepared by one client is on a server connection
    # the next client's transaction lands on, under the same name.
    with (
        psycopg.connect(pooled_db_url, autocommit=True, prepare_threshold=0) as first,
        psycopg.connect(pooled_db_url, autocommit=True, prepare_threshold=0) as second,
    ):
        first.execute("select 1")
        with pytest.raises(psycopg.errors.DuplicatePreparedStatement):
            second.execute("select 2")


def test_a_stopped_pooler_refuses_connections(cluster: LocalCluster) -> None:
    with tempfile.TemporaryDirectory(prefix="gigflow-test-pooler-") as work_dir:
        pooler = LocalPooler(cluster, Path(work_dir)).start()
        pooler.stop()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(pooler.url("supabase_admin"), connect_timeout=2)


def test_a_setting_another_session_left_on_a_pooled_connection_never_names_the_caller(
    cluster: LocalCluster, database: str, admin_url: str
) -> None:
    market, _ = paid_order(admin_url)
    with tempfile.TemporaryDirectory(prefix="gigflow-test-pooler-") as work_dir:
        # One server connection: every client of the pooler gets the same one.
        pooler = LocalPooler(cluster, Path(work_dir), pool_size=1).start()
        try:
            url = pooler.url("postgres", database)
            # An operator's session sets the legacy claim the auth functions read first,
            # for the session, and goes away; transaction mode keeps it on the connection.
            with psycopg.connect(url, autocommit=True, prepare_threshold=None) as operator:
                operator.execute(
                    "select set_config('request.jwt.claim.sub', %s, false)", (market.seller_id,)
                )
            db = PostgresDatabase(url)
            try:
                # The buyer asks for their balance: they have none, and see none.
                assert db.rpc("seller_balance", {}, identity=user(market.buyer_id)) == []
                assert db.rpc("seller_balance", {}, identity=user(market.seller_id)) != []
            finally:
                db.close()
        finally:
            pooler.stop()


# The worker through it.


@pytest.fixture
def pooled_worker(pooled_db_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(pooled_db_url, log_file=tmp_path / "worker.log")
    process.start()
    yield process
    process.kill()


def test_two_hundred_deliveries_through_the_pooler_are_all_stored_and_processed_once(
    admin_url: str, pooled_worker: WorkerProcess
) -> None:
    market = factories.marketplace(admin_url)
    orders = factories.pending_orders(admin_url, market, 200)

    def deliver(order_id: str) -> int:
        event = factories.payment_event(factories.whop_payment(market, order_id))
        body, headers = signed(event, f"msg_{uuid.uuid4().hex}")
        url = f"{pooled_worker.url}/webhooks/whop"
        return httpx.post(url, content=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(deliver, orders))
    assert Counter(statuses) == {200: 200}

    def settled() -> tuple[int, int, int] | None:
        with psycopg.connect(admin_url) as conn:
            row = conn.execute(
                "select (select count(*) from public.whop_events),"
                " (select count(*) from public.whop_events where status = 'processed'),"
                " (select count(*) from public.order_events"
                "  where order_id = any(%(ids)s::uuid[]) and action = 'pay')",
                {"ids": orders},
            ).fetchone()
        return row if row is not None and row[1] == 200 else None

    assert wait_for(settled, "every delivery to be processed", 60) == (200, 200, 200)


def test_order_actions_through_the_pooler_run_as_their_caller(
    admin_url: str, pooled_db: PostgresDatabase
) -> None:
    orders = [paid_order(admin_url) for _ in range(4)]

    def go_back_and_forth(market_and_order: tuple[factories.Marketplace, str]) -> None:
        market, order_id = market_and_order
        for _ in range(ROUNDS):
            pooled_db.rpc(
                "request_cancellation",
                {"order_id": order_id, "reason": "changed my mind"},
                identity=user(market.buyer_id),
            )
            pooled_db.rpc(
                "decline_cancellation", {"order_id": order_id}, identity=user(market.seller_id)
            )

    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        list(pool.map(go_back_and_forth, orders))
    back_and_forth = [("buyer", "request_cancellation"), ("seller", "decline_cancellation")]
    for _, order_id in orders:
        assert actions_of(admin_url, order_id)[-2 * ROUNDS :] == back_and_forth * ROUNDS
        assert factories.order_status(admin_url, order_id) == "awaiting_requirements"


def test_a_refused_order_action_through_the_pooler_leaves_the_next_one_working(
    admin_url: str, pooled_db: PostgresDatabase
) -> None:
    orders = [paid_order(admin_url) for _ in range(4)]

    def refused_then_allowed(market_and_order: tuple[factories.Marketplace, str]) -> int:
        market, order_id = market_and_order
        refused = 0
        for _ in range(ROUNDS):
            try:
                # Nothing to decline: the state machine says no, inside the pipeline.
                pooled_db.rpc(
                    "decline_cancellation", {"order_id": order_id}, identity=user(market.buyer_id)
                )
            except errors.Conflict:
                refused += 1
            pooled_db.rpc(
                "request_cancellation",
                {"order_id": order_id, "reason": "changed my mind"},
                identity=user(market.buyer_id),
            )
            pooled_db.rpc(
                "decline_cancellation", {"order_id": order_id}, identity=user(market.seller_id)
            )
        return refused

    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        assert list(pool.map(refused_then_allowed, orders)) == [ROUNDS] * len(orders)


def test_due_timers_through_the_pooler_apply_once_to_each_due_order(
    admin_url: str, pooled_db: PostgresDatabase
) -> None:
    market = factories.marketplace(admin_url)
    # Checkouts Whop never opened, which expire by time.
    orders = factories.pending_orders(admin_url, market, 20, with_checkout=False)
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()

    def run_timers(_: int) -> int:
        return sum(
            pooled_db.rpc("run_due_timers", {"as_of": later, "batch_size": 3}).get(
                "expire_checkout", 0
            )
            for _ in range(ROUNDS)
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        expired = sum(pool.map(run_timers, range(4)))
    with psycopg.connect(admin_url) as conn:
        recorded = conn.execute(
            "select count(*) from public.order_events where action = 'expire_checkout'"
        ).fetchone()
    assert recorded == (expired,)
    for order_id in orders:
        assert actions_of(admin_url, order_id) == [("system", "expire_checkout")]


def test_a_payment_whose_webhook_was_lost_is_reconciled_once_through_the_pooler(
    pooled_stack: OfflineStack,
) -> None:
    shop = open_shop(pooled_stack)
    # The operator lets a buyer hold six unpaid checkouts at once.
    pooled_stack.services.db.rpc("set_max_unpaid_orders", {"max_unpaid": 6})
    created = [checkout(pooled_stack, shop) for _ in range(6)]
    for one in created:
        pooled_stack.emulator.pay(one["checkout_id"], drop_webhook=True)
    report = reconcile.reconcile_once(pooled_stack.services.db, pooled_stack.services.whop)
    assert (report.checked, report.advanced, report.errors) == (6, 6, 0)
    for one in created:
        assert order_of(pooled_stack, one["order_id"])["status"] == "awaiting_requirements"
        paid = pooled_stack.sql(
            "select count(*) as n from public.order_events where order_id = %s and action = 'pay'",
            (one["order_id"],),
        )
        assert paid[0]["n"] == 1
