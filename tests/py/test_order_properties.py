"""Property test of the order state machine: random sequences of actions by random actors
(some fired concurrently from two connections) against a real database, with the
invariants checked after every step:

- status moves only along private.order_transitions, as one contiguous event chain;
- exactly one event per applied transition;
- money adds up: refunded <= paid, fee + net = subtotal, refunds split fee and net;
- an outsider sees nothing of the order.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack.localpg import LocalCluster
from tests.py.conftest import create_database, drop_database

ACTORS = ("buyer", "seller", "admin", "stranger", "system")
CLIENT_ERRORS = {"42501", "55000", "P0002", "22023", "23505", "GF001"}
# Events that record something without moving the status.
NON_TRANSITION_EVENTS = {
    "refund_recorded",
    "dispute_refund_requested",
    "mark_late",
    "mark_very_late",
}


@dataclass
class World:
    url: str
    users: dict[str, str]
    gig_id: str
    requirement_id: str
    claims: dict[str, str] = field(default_factory=dict)


def _session(conn: psycopg.Connection, world: World, actor: str) -> None:
    """Act as PostgREST would for this actor: role and claims, local to the transaction."""
    if actor == "system":
        role, claims = "service_role", {"role": "service_role"}
    else:
        app_metadata = {"user_role": "admin"} if actor == "admin" else {}
        role = "authenticated"
        claims = {"sub": world.users[actor], "role": role, "app_metadata": app_metadata}
    conn.execute("select set_config('role', %s, true)", (role,))
    conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))


SETUP = """
select tests.create_user('prop_buyer'), tests.create_user('prop_seller'),
    tests.create_user('prop_admin', '{"user_role": "admin"}'), tests.create_user('prop_stranger');
insert into public.seller_accounts (user_id, kyc_status)
values (tests.get_user_id('prop_seller'), 'verified');
insert into public.categories (slug, name) values ('prop-category', 'Property tests');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('prop_seller'),
        (select id from public.categories where slug = 'prop-category'),
        'I will build a property-tested state machine');
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days,
                                 revisions_included)
select id, 'basic', 'Basic', 12345, 'USD', 3, 2 from public.gigs
where title = 'I will build a property-tested state machine';
insert into public.gig_requirements (gig_id, question)
select id, 'What should it do?' from public.gigs
where title = 'I will build a property-tested state machine';
update public.gigs set status = 'published'
where title = 'I will build a property-tested state machine';
"""


@pytest.fixture(scope="module")
def world(cluster: LocalCluster, template_db: str) -> Iterator[World]:
    name = f"props_{uuid.uuid4().hex[:8]}"
    create_database(cluster, name, template_db)
    admin_url = cluster.url("supabase_admin", name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(SETUP)
        users = {
            actor: str(
                conn.execute("select tests.get_user_id(%s)", (f"prop_{actor}",)).fetchone()[0]
            )
            for actor in ("buyer", "seller", "admin", "stranger")
        }
        gig_id, requirement_id = conn.execute(
            "select g.id::text, q.id::text from public.gigs as g"
            " join public.gig_requirements as q on q.gig_id = g.id"
            " where g.title = 'I will build a property-tested state machine'"
        ).fetchone()
    try:
        yield World(cluster.url("postgres", name), users, gig_id, requirement_id)
    finally:
        drop_database(cluster, name)


@dataclass(frozen=True)
class Step:
    action: str
    actor: str
    amount: int = 0


def _call(conn: psycopg.Connection, world: World, order_id: str, step: Step) -> None:
    calls = {
        "submit_requirements": (
            "select public.submit_requirements(%s, %s)",
            (order_id, json.dumps([{"requirement_id": world.requirement_id, "answer": "Things"}])),
        ),
        "start_order": ("select public.start_order(%s)", (order_id,)),
        "deliver_order": ("select public.deliver_order(%s, 'Here it is')", (order_id,)),
        "request_revision": ("select public.request_revision(%s, 'Again')", (order_id,)),
        "accept_delivery": ("select public.accept_delivery(%s)", (order_id,)),
        "request_cancellation": ("select public.request_cancellation(%s, 'Stop')", (order_id,)),
        "accept_cancellation": ("select public.accept_cancellation(%s)", (order_id,)),
        "decline_cancellation": ("select public.decline_cancellation(%s)", (order_id,)),
        "open_dispute": ("select public.open_dispute(%s, 'Unhappy')", (order_id,)),
        "resolve_complete": ("select public.resolve_dispute(%s, 'complete')", (order_id,)),
        "resolve_refund": (
            "select public.resolve_dispute(%s, 'refund', %s)",
            (order_id, step.amount),
        ),
        "record_refund": (
            "select public.record_refund(%s, %s, %s)",
            (order_id, f"rf_{uuid.uuid4().hex}", step.amount),
        ),
        "settle_requested_refunds": (
            "select public.record_refund(r.order_id, 'rf_' || r.id, r.amount_cents, r.id)"
            " from public.refunds as r where r.order_id = %s and r.status = 'requested'",
            (order_id,),
        ),
        "run_due_timers": ("select public.run_due_timers(now() + interval '30 days')", ()),
        "fail_payment": ("select public.record_payment_failed(%s)", (order_id,)),
    }
    query, params = calls[step.action]
    conn.execute(query, params)


def attempt(world: World, order_id: str, step: Step) -> bool:
    """Run one step in its own transaction; True when it was applied."""
    with psycopg.connect(world.url) as conn:
        try:
            with conn.transaction():
                _session(conn, world, step.actor)
                _call(conn, world, order_id, step)
        except psycopg.Error as error:
            refusal = error
        else:
            print("APPLIED", step.action, step.actor)
            return True
    # A refusal must be one of the named, client-facing errors, never a crash.
    assert refusal.sqlstate in CLIENT_ERRORS, refusal
    print("REFUSED", step.action, step.actor, refusal.sqlstate)
    return False


def attempt_concurrently(world: World, order_id: str, steps: tuple[Step, Step]) -> list[bool]:
    results: list[bool] = [False, False]
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = attempt(world, order_id, steps[index])
        except BaseException as failure:  # re-raised in the test's thread below
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


def check_invariants(world: World, order_id: str) -> list[tuple]:
    with psycopg.connect(world.url) as conn:
        order = conn.execute(
            "select status, subtotal_cents, fee_cents, seller_net_cents, refunded_cents,"
            " fee_refunded_cents, net_refunded_cents from public.orders where id = %s",
            (order_id,),
        ).fetchone()
        status, subtotal, fee, net, refunded, fee_refunded, net_refunded = order
        assert fee + net == subtotal
        assert 0 <= refunded <= subtotal
        assert fee_refunded + net_refunded == refunded
        assert 0 <= fee_refunded <= fee
        assert 0 <= net_refunded <= net
        settled = conn.execute(
            "select coalesce(sum(amount_cents), 0), coalesce(sum(fee_refund_cents), 0)"
            " from public.refunds where order_id = %s and status = 'succeeded'",
            (order_id,),
        ).fetchone()
        assert settled == (refunded, fee_refunded)
        # The fee refunded is always the half-up share of what was refunded.
        assert fee_refunded == (refunded * fee * 2 + subtotal) // (2 * subtotal)

        events = conn.execute(
            "select e.actor::text, e.action, e.from_status::text, e.to_status::text,"
            " exists (select 1 from private.order_transitions as t"
            "         where t.from_status = e.from_status and t.action::text = e.action"
            "           and t.actor = e.actor"
            "           and (t.to_status = e.to_status or t.to_status is null))"
            " from public.order_events as e where e.order_id = %s order by e.id",
            (order_id,),
        ).fetchall()
        transitions = [event for event in events if event[1] not in NON_TRANSITION_EVENTS]
        for actor, action, from_status, to_status, allowed in transitions:
            assert allowed, f"{actor} {action} {from_status}->{to_status} is not in the table"
        chain = ["pending_payment"] + [event[3] for event in transitions]
        assert [event[2] for event in transitions] == chain[:-1], "event chain is broken"
        assert chain[-1] == status

        with conn.transaction():
            _session(conn, world, "stranger")
            seen = conn.execute(
                "select (select count(*) from public.orders where id = %(id)s)"
                " + (select count(*) from public.order_events where order_id = %(id)s)"
                " + (select count(*) from public.refunds where order_id = %(id)s)"
                " + (select count(*) from public.notifications where order_id = %(id)s)",
                {"id": order_id},
            ).fetchone()[0]
        assert seen == 0, "a stranger can see the order"
    return transitions


def new_paid_order(world: World) -> str:
    with psycopg.connect(world.url) as conn, conn.transaction():
        _session(conn, world, "system")
        order_id = conn.execute(
            "select id::text from public.create_pending_order(%s, %s, 'basic')",
            (world.users["buyer"], world.gig_id),
        ).fetchone()[0]
        conn.execute(
            "select public.record_payment(%s, %s, 12345, 'usd')", (order_id, f"pay_{order_id}")
        )
    return order_id


ACTIONS = {
    "submit_requirements": ("buyer", "seller", "stranger"),
    "start_order": ("seller", "buyer"),
    "deliver_order": ("seller", "buyer"),
    "request_revision": ("buyer", "seller"),
    "accept_delivery": ("buyer", "seller", "stranger"),
    "request_cancellation": ("buyer", "seller"),
    "accept_cancellation": ("buyer", "seller"),
    "decline_cancellation": ("buyer", "seller"),
    "open_dispute": ("buyer", "seller"),
    "resolve_complete": ("admin", "buyer"),
    "resolve_refund": ("admin",),
    "record_refund": ("system",),
    "settle_requested_refunds": ("system",),
    "run_due_timers": ("system",),
    "fail_payment": ("system",),
}

steps = st.sampled_from(sorted(ACTIONS)).flatmap(
    lambda action: st.builds(
        Step,
        action=st.just(action),
        actor=st.sampled_from(ACTIONS[action]),
        amount=st.integers(min_value=1, max_value=12345),
    )
)
HAPPY_PATH = (
    Step("submit_requirements", "buyer"),
    Step("deliver_order", "seller"),
    Step("request_revision", "buyer"),
    Step("deliver_order", "seller"),
    Step("accept_delivery", "buyer"),
)
moves = st.one_of(steps.map(lambda step: (step,)), st.tuples(steps, steps))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    progress=st.integers(min_value=0, max_value=len(HAPPY_PATH)),
    script=st.lists(moves, min_size=1, max_size=12),
)
def test_random_actions_keep_every_order_invariant(
    world: World, progress: int, script: list[tuple[Step, ...]]
) -> None:
    order_id = new_paid_order(world)
    # Start from a random point of a normal order's life, so that random actions reach
    # deliveries, revisions and disputes instead of bouncing off an unstarted order.
    for step in HAPPY_PATH[:progress]:
        assert attempt(world, order_id, step)
    for move in script:
        before = len(check_invariants(world, order_id))
        results = (
            [attempt(world, order_id, move[0])]
            if len(move) == 1
            else attempt_concurrently(world, order_id, (move[0], move[1]))
        )
        after = len(check_invariants(world, order_id))
        applied = [step for step, ok in zip(move, results, strict=True) if ok]
        # Every applied user action is exactly one transition; refunds and timers apply
        # zero or more (a settled refund can complete and then refund an order).
        moving = [step for step in applied if step.action not in MAY_NOT_MOVE]
        others = len(applied) - len(moving)
        assert len(moving) <= after - before <= len(moving) + 2 * others


# Steps whose success does not by itself mean a status change.
MAY_NOT_MOVE = {"record_refund", "settle_requested_refunds", "run_due_timers", "resolve_refund"}
