"""Several `gigflow serve` processes on one database, directly or through the pooler, as
an operator scales the worker out: they share the webhook intake, the inbox, the timers
and reconciliation, and nothing happens twice."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from devstack.offline import OfflineStack, wait_for
from tests.py import factories
from tests.py.marketplace_flow import checkout, open_shop
from tests.py.worker_process import WorkerProcess, signed, start_all

StartWorkers = Callable[[int, Mapping[str, str]], list[WorkerProcess]]

SHAPES = [
    pytest.param(2, "db_url", id="2-direct"),
    pytest.param(2, "pooled_db_url", id="2-pooled"),
    pytest.param(4, "db_url", id="4-direct"),
    pytest.param(4, "pooled_db_url", id="4-pooled"),
]


@pytest.fixture
def start_workers(
    request: pytest.FixtureRequest, tmp_path: Path, transport: str
) -> Iterator[StartWorkers]:
    """Starts worker processes together on the test's database, reached as `transport`
    says (the name of the fixture giving the URL)."""
    url = request.getfixturevalue(transport)
    started: list[WorkerProcess] = []

    def start(count: int, environment: Mapping[str, str]) -> list[WorkerProcess]:
        processes = [
            WorkerProcess(
                url, log_file=tmp_path / f"worker-{len(started) + i}.log", environment=environment
            )
            for i in range(count)
        ]
        started.extend(processes)
        start_all(processes)
        return processes

    yield start
    for process in started:
        process.kill()


def logged_total(processes: list[WorkerProcess], message: str, field: str) -> int:
    return sum(
        int(entry.get(field, 0)) for process in processes for entry in process.log_entries(message)
    )


def attempts_by_status(admin_url: str) -> dict[tuple[str, int], int]:
    """How many inbox events ended in each (status, number of attempts at them)."""
    with psycopg.connect(admin_url) as conn:
        rows = conn.execute(
            "select status::text, attempts, count(*) from public.whop_events group by 1, 2"
        ).fetchall()
    return {(status, attempts): events for status, attempts, events in rows}


def action_counts(admin_url: str, orders: list[str], action: str) -> dict[str, int]:
    with psycopg.connect(admin_url) as conn:
        rows = conn.execute(
            "select o.id::text, count(e.id) from public.orders as o"
            " left join public.order_events as e on e.order_id = o.id and e.action = %s"
            " where o.id = any(%s::uuid[]) group by o.id",
            (action, orders),
        ).fetchall()
    return dict(rows)


@pytest.mark.parametrize(("count", "transport"), SHAPES)
def test_deliveries_spread_over_processes_with_duplicates_are_processed_once(
    admin_url: str, start_workers: StartWorkers, count: int
) -> None:
    market = factories.marketplace(admin_url)
    orders = factories.pending_orders(admin_url, market, 60)
    workers = start_workers(count, {})
    deliveries = []
    for index, order_id in enumerate(orders):
        body, headers = signed(
            factories.payment_event(factories.whop_payment(market, order_id)),
            f"msg_{uuid.uuid4().hex}",
        )
        # Whop retrying a delivery it thinks was lost: the copy lands on another process.
        deliveries += [
            (workers[index % count], body, headers),
            (workers[(index + 1) % count], body, headers),
        ]

    def deliver(delivery: tuple[WorkerProcess, bytes, dict[str, str]]) -> int:
        worker, body, headers = delivery
        url = f"{worker.url}/webhooks/whop"
        return httpx.post(url, content=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        assert set(pool.map(deliver, deliveries)) == {200}
    wait_for(
        lambda: set(action_counts(admin_url, orders, "pay").values()) == {1},
        "every order to be paid",
        60,
    )
    with psycopg.connect(admin_url) as conn:
        stored = conn.execute(
            "select count(*), count(*) filter (where status = 'processed') from public.whop_events"
        ).fetchone()
    assert stored == (60, 60)
    assert action_counts(admin_url, orders, "pay") == dict.fromkeys(orders, 1)


@pytest.mark.parametrize(("count", "transport"), SHAPES)
def test_stored_events_are_processed_once_by_the_inbox_loops_of_all_processes(
    admin_url: str, start_workers: StartWorkers, count: int
) -> None:
    market = factories.marketplace(admin_url)
    orders = factories.pending_orders(admin_url, market, 120)
    # Stored while no worker ran (they all crashed right after answering Whop).
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for order_id in orders:
            conn.execute(
                "select public.ingest_whop_event(%s, %s)",
                (
                    f"msg_{uuid.uuid4().hex}",
                    json.dumps(factories.payment_event(factories.whop_payment(market, order_id))),
                ),
            )
    start_workers(count, {"GIGFLOW_INBOX_POLL_SECONDS": "0.1"})
    wait_for(
        lambda: set(action_counts(admin_url, orders, "pay").values()) == {1},
        "every stored event to be processed",
        60,
    )
    assert attempts_by_status(admin_url) == {("processed", 1): len(orders)}
    assert action_counts(admin_url, orders, "pay") == dict.fromkeys(orders, 1)


@pytest.mark.parametrize(("count", "transport"), SHAPES)
def test_due_timers_run_once_per_due_order_across_processes(
    admin_url: str, start_workers: StartWorkers, count: int
) -> None:
    market = factories.marketplace(admin_url)
    # Checkouts Whop never opened: only those expire by time.
    orders = factories.pending_orders(admin_url, market, 40, with_checkout=False)
    workers = start_workers(count, {"GIGFLOW_TIMERS_INTERVAL_SECONDS": "0.1"})
    # Every checkout runs out at once, while every process's timers are running.
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "update public.orders set checkout_expires_at = now() - interval '1 second'"
            " where id = any(%s::uuid[])",
            (orders,),
        )
        conn.execute(
            "select private.arm_order_timers(o) from public.orders as o"
            " where o.id = any(%s::uuid[])",
            (orders,),
        )
    wait_for(
        lambda: set(action_counts(admin_url, orders, "expire_checkout").values()) == {1},
        "every checkout to expire",
        60,
    )
    # A process logs what it applied just after committing it.
    wait_for(
        lambda: logged_total(workers, "timers applied", "expire_checkout") >= len(orders),
        "every expiry to be logged",
        10,
    )
    assert action_counts(admin_url, orders, "expire_checkout") == dict.fromkeys(orders, 1)
    assert logged_total(workers, "timers applied", "expire_checkout") == len(orders)


@pytest.mark.parametrize(("count", "transport"), SHAPES)
def test_reconciliation_across_processes_asks_whop_about_each_payment_once(
    stack: OfflineStack, admin_url: str, start_workers: StartWorkers, count: int
) -> None:
    shop = open_shop(stack)
    # The operator lets a buyer hold twelve unpaid checkouts at once.
    stack.services.db.rpc("set_max_unpaid_orders", {"max_unpaid": 12})
    orders = []
    for _ in range(12):
        created = checkout(stack, shop)
        stack.emulator.pay(created["checkout_id"], drop_webhook=True)
        orders.append(created["order_id"])
    # Every process reconciles as it starts: all at once, against the same Whop.
    workers = start_workers(
        count,
        {
            "GIGFLOW_WHOP_API_BASE_URL": f"{stack.emulator.public_url}/api/v1",
            "GIGFLOW_WHOP_API_KEY": stack.emulator.api_key,
            "GIGFLOW_WHOP_PLATFORM_COMPANY_ID": stack.emulator.platform_company_id,
            "GIGFLOW_WHOP_WEBHOOK_SECRET": stack.emulator.webhook_secret,
        },
    )
    wait_for(
        lambda: all(w.log_entries("reconciliation finished") for w in workers),
        "every process to finish its first reconciliation",
        60,
    )
    assert logged_total(workers, "reconciliation finished", "checked") == len(orders)
    assert logged_total(workers, "reconciliation finished", "advanced") == len(orders)
    assert action_counts(admin_url, orders, "pay") == dict.fromkeys(orders, 1)
