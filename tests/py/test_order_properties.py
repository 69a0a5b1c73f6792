"""Property test of the order state machine: random sequences of actions by random actors
(some fired concurrently from two connections) against a real database, with the
invariants checked after every step:

- every change of an order is an event whose edge is in private.order_transitions, and
  the events form one contiguous chain ending in the order's status;
- an applied user action is exactly one event, a refused one none;
- money adds up: refunded <= paid, fee + net = subtotal, refunds split fee and net, and
  what is refunded plus what is asked for never exceeds what was paid;
- an outsider sees nothing of the order.

Whop's side (payments, refunds, chargebacks) arrives through the SQL entry points the
webhooks and reconciliation use, with objects in Whop's shape.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack.localpg import LocalCluster
from tests.py.conftest import create_database, drop_database

ACTORS = ("buyer", "seller", "admin", "stranger", "system")
CLIENT_ERRORS = {"42501", "55000", "P0002", "22023", "23505", "GF001"}
SELLER_COMPANY = "biz_prop_seller"
# The basic package and its platform fee (10%, half up): what Whop's payment carries.
PRICE_CENTS = 12345
FEE_CENTS = 1235


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
-- Examples open hundreds of one buyer's orders in an hour; that cap is test_checkout_limits'.
alter table private.platform_settings
    drop constraint platform_settings_max_checkouts_per_hour_check;
update private.platform_settings set max_checkouts_per_hour = 1000000;
select tests.create_user('prop_buyer'), tests.create_user('prop_seller'),
    tests.create_user('prop_admin', '{"user_role": "admin"}'), tests.create_user('prop_stranger');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('prop_seller'), 'verified', 'biz_prop_seller');
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


@contextmanager
def built_world(cluster: LocalCluster, template_db: str) -> Iterator[World]:
    """A database of its own with a buyer, a verified seller with a Whop company and a
    published gig with one question, an admin and a stranger."""
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


@pytest.fixture(scope="module")
def world(cluster: LocalCluster, template_db: str) -> Iterator[World]:
    with built_world(cluster, template_db) as built:
        yield built


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
        "request_refund": (
            "select public.request_refund(%s, %s, 'Goodwill')",
            (order_id, step.amount),
        ),
        # Whop refunded part of the payment (an operator in Whop's dashboard).
        "whop_refund": (
            "select public.apply_whop_refund(jsonb_build_object("
            " 'id', %s::text, 'status', 'succeeded', 'amount', %s::numeric / 100,"
            " 'currency', 'usd', 'payment', jsonb_build_object('id', o.whop_payment_id)))"
            " from public.orders as o where o.id = %s",
            (f"rf_{uuid.uuid4().hex}", step.amount, order_id),
        ),
        # Whop carried out every refund asked of it.
        "settle_requested_refunds": (
            "select public.apply_whop_refund(jsonb_build_object("
            " 'id', 'rf_' || r.id, 'status', 'succeeded', 'amount', r.amount_cents::numeric / 100,"
            " 'currency', 'usd', 'payment', jsonb_build_object('id', o.whop_payment_id)))"
            " from public.refunds as r join public.orders as o on o.id = r.order_id"
            " where r.order_id = %s and r.status = 'requested'",
            (order_id,),
        ),
        "run_due_timers": ("select public.run_due_timers(now() + interval '30 days')", ()),
        # A late payment.failed for the order's checkout.
        "fail_payment": (
            "select public.apply_whop_payment(jsonb_build_object("
            " 'id', %s::text, 'status', 'open', 'substatus', 'failed',"
            " 'failure_message', 'Your card was declined.',"
            " 'metadata', jsonb_build_object('gigflow_order_id', %s::text)), 'payment.failed')",
            (f"pay_{uuid.uuid4().hex}", order_id),
        ),
        # The buyer's bank: a chargeback opened, then won or lost (one dispute per order).
        **{
            f"chargeback_{status}": (
                "select public.apply_whop_dispute(jsonb_build_object("
                " 'id', 'dspt_' || o.id, 'status', %s::text, 'reason', 'fraudulent',"
                " 'amount', o.subtotal_cents::numeric / 100, 'currency', 'usd',"
                " 'payment', jsonb_build_object('id', o.whop_payment_id)), 'dispute.updated')"
                " from public.orders as o where o.id = %s",
                (status, order_id),
            )
            for status in ("needs_response", "won", "lost")
        },
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


def check_invariants(world: World, order_id: str) -> int:
    """Check every invariant; the number of events the order has."""
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
        settled, settled_fee, asked = conn.execute(
            "select coalesce(sum(amount_cents) filter (where status = 'succeeded'), 0),"
            " coalesce(sum(fee_refund_cents) filter (where status = 'succeeded'), 0),"
            " coalesce(sum(amount_cents) filter (where status = 'requested'), 0)"
            " from public.refunds where order_id = %s",
            (order_id,),
        ).fetchone()
        assert (settled, settled_fee) == (refunded, fee_refunded)
        # Nothing is asked back twice: what is asked for is within what is left.
        assert refunded + asked <= subtotal
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
        for actor, action, from_status, to_status, allowed in events:
            assert allowed, f"{actor} {action} {from_status}->{to_status} is not in the table"
        chain = ["pending_payment"] + [event[3] for event in events]
        assert [event[2] for event in events] == chain[:-1], "event chain is broken"
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
    return len(events)


def new_paid_order(world: World) -> str:
    """A basic order with its Whop checkout, paid through that checkout."""
    with psycopg.connect(world.url) as conn, conn.transaction():
        _session(conn, world, "system")
        order_id = conn.execute(
            "select id::text from public.create_pending_order(%s, %s, 'basic')",
            (world.users["buyer"], world.gig_id),
        ).fetchone()[0]
        conn.execute("select public.attach_checkout(%s, %s)", (order_id, f"ch_{order_id}"))
        payment = {
            "id": f"pay_{uuid.uuid4().hex}",
            "status": "paid",
            "substatus": "succeeded",
            "total": PRICE_CENTS / 100,
            "currency": "usd",
            "application_fee": {"amount": FEE_CENTS / 100, "currency": "usd"},
            "checkout_configuration_id": f"ch_{order_id}",
            "company": {"id": SELLER_COMPANY},
            "metadata": {"gigflow_order_id": order_id},
        }
        outcome = conn.execute(
            "select public.apply_whop_payment(%s)", (json.dumps(payment),)
        ).fetchone()[0]
    assert outcome == "processed"
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
    "request_refund": ("admin", "seller"),
    "whop_refund": ("system",),
    "settle_requested_refunds": ("system",),
    "run_due_timers": ("system",),
    "fail_payment": ("system",),
    "chargeback_needs_response": ("system",),
    "chargeback_won": ("system",),
    "chargeback_lost": ("system",),
}
# What Whop and time do: any number of events (none when nothing fits). Every other
# step is a participant's action: exactly one event when applied.
SYSTEM_STEPS = {action for action, actors in ACTIONS.items() if actors == ("system",)}

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
        before = check_invariants(world, order_id)
        results = (
            [attempt(world, order_id, move[0])]
            if len(move) == 1
            else attempt_concurrently(world, order_id, (move[0], move[1]))
        )
        after = check_invariants(world, order_id)
        applied = [step for step, ok in zip(move, results, strict=True) if ok]
        by_users = [step for step in applied if step.action not in SYSTEM_STEPS]
        if len(by_users) == len(applied):
            assert after - before == len(by_users)
        else:
            assert after - before >= len(by_users)
