-- Money after the quote: payments, refunds, dispute settlements, seller balances.
-- The system functions are for the worker (service role), which calls them with facts
-- Whop reported; each is idempotent on the Whop id, so a replayed webhook changes nothing.

-- A verified Whop payment: pending_payment -> awaiting_requirements, or, for an order
-- cancelled before it was paid, cancelled -> cancelled with the payment refunded (the
-- state machine's rule for paid orders that end cancelled). The amount must be the
-- order's total in its currency, or nothing is recorded.
create or replace function public.record_payment(
    target_order_id uuid,
    whop_payment_id text,
    amount_cents integer,
    currency text,
    attribution jsonb default '{}'
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    perform private.require_text(whop_payment_id, 'whop_payment_id', 100);
    target := private.lock_order(target_order_id);
    if target.whop_payment_id = record_payment.whop_payment_id then
        return target;
    end if;
    if target.whop_payment_id is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s was already paid by payment %s', target_order_id, target.whop_payment_id);
    end if;
    if amount_cents is distinct from target.subtotal_cents
        or pg_catalog.upper(currency) is distinct from target.currency then
        raise exception using
            errcode = '22023',
            message = format(
                'payment %s of %s %s does not match order %s total of %s %s',
                whop_payment_id, amount_cents, pg_catalog.upper(currency), target_order_id,
                target.subtotal_cents, target.currency
            );
    end if;
    if pg_catalog.jsonb_typeof(coalesce(attribution, '{}'::jsonb)) <> 'object' then
        raise exception using errcode = '22023', message = 'attribution must be a JSON object';
    end if;

    -- The payment id and attribution are written by the transition's own update.
    return private.apply_order_action(
        target.id, 'pay', 'system',
        pg_catalog.jsonb_build_object(
            'whop_payment_id', whop_payment_id, 'attribution', coalesce(attribution, '{}'::jsonb)
        )
    );
end;
$$;

create or replace function public.record_payment_failed(target_order_id uuid, reason text default null)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = target_order_id for update;
    if target.status = 'cancelled' and target.paid_at is null then
        return target;
    end if;
    return private.apply_order_action(
        target_order_id, 'fail_payment', 'system',
        pg_catalog.jsonb_build_object('reason', pg_catalog.left(reason, 500))
    );
end;
$$;

-- What can still be asked back from an order: paid, minus refunded, minus requested.
create or replace function private.refundable_cents(target public.orders)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
    select target.subtotal_cents - target.refunded_cents - coalesce((
        select pg_catalog.sum(r.amount_cents)::integer from public.refunds as r
        where r.order_id = target.id and r.status = 'requested'
    ), 0)
$$;

-- Whop confirmed a refund. Splits it between platform fee and seller net so that the
-- cumulative fee refunded is always round-half-up(refunded x fee / subtotal): partial
-- refunds are proportional and the last one leaves exactly nothing. A full refund ends
-- the order in `refunded` (a cancelled order stays cancelled); a partial one that
-- settles an admin's dispute decision completes it.
create or replace function public.record_refund(
    target_order_id uuid,
    whop_refund_id text,
    amount_cents integer,
    refund_request_id uuid default null
)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
    settled public.refunds;
    refunded_after integer;
    fee_refunded_after integer;
    fee_share integer;
begin
    perform private.require_text(whop_refund_id, 'whop_refund_id', 100);
    target := private.lock_order(target_order_id);

    select r.* into settled from public.refunds as r
    where r.whop_refund_id = record_refund.whop_refund_id and r.status = 'succeeded';
    if settled.id is not null then
        if settled.order_id <> target.id or settled.amount_cents <> record_refund.amount_cents then
            raise exception using
                errcode = '22023',
                message = format('refund %s was recorded with another order or amount', whop_refund_id);
        end if;
        return settled;
    end if;

    if target.paid_at is null then
        raise exception using errcode = '55000', message = format('order %s was never paid', target.id);
    end if;
    if amount_cents is null or amount_cents <= 0
        or amount_cents > target.subtotal_cents - target.refunded_cents then
        raise exception using
            errcode = '22023',
            message = format(
                'refund of %s exceeds the %s left on order %s',
                amount_cents, target.subtotal_cents - target.refunded_cents, target.id
            );
    end if;

    refunded_after := target.refunded_cents + amount_cents;
    fee_refunded_after := (
        (refunded_after::bigint * target.fee_cents * 2 + target.subtotal_cents) / (2 * target.subtotal_cents)
    )::integer;
    fee_share := fee_refunded_after - target.fee_refunded_cents;

    if refund_request_id is not null then
        update public.refunds as r
        set status = 'succeeded',
            whop_refund_id = record_refund.whop_refund_id,
            amount_cents = record_refund.amount_cents,
            fee_refund_cents = fee_share,
            net_refund_cents = record_refund.amount_cents - fee_share,
            settled_at = pg_catalog.now()
        where r.id = refund_request_id and r.order_id = target.id and r.status = 'requested'
            and (r.whop_refund_id is null or r.whop_refund_id = record_refund.whop_refund_id)
        returning r.* into settled;
        if settled.id is null then
            raise exception using
                errcode = 'P0002',
                message = format('no requested refund %s on order %s', refund_request_id, target.id);
        end if;
    else
        insert into public.refunds (
            order_id, amount_cents, fee_refund_cents, net_refund_cents, status, reason,
            whop_refund_id, settled_at
        )
        values (
            target.id, amount_cents, fee_share, amount_cents - fee_share, 'succeeded',
            'refunded through Whop', whop_refund_id, pg_catalog.now()
        )
        returning * into settled;
    end if;

    update public.orders as o
    set refunded_cents = refunded_after,
        fee_refunded_cents = fee_refunded_after,
        net_refunded_cents = o.net_refunded_cents + (amount_cents - fee_share)
    where o.id = target.id;

    insert into public.order_events (order_id, actor, action, from_status, to_status, details)
    values (
        target.id, 'system', 'refund_recorded', target.status, target.status,
        pg_catalog.jsonb_build_object('refund_id', settled.id, 'amount_cents', amount_cents)
    );

    if refunded_after = target.subtotal_cents and target.status not in ('cancelled', 'refunded') then
        perform private.apply_order_action(target.id, 'refund_in_full', 'system');
    elsif target.status = 'disputed' and target.dispute_refund_cents is not null
        and refunded_after >= target.dispute_refund_cents then
        perform private.apply_order_action(target.id, 'settle_dispute_refund', 'system');
    end if;
    return settled;
end;
$$;

-- Whop refused a requested refund: the request is closed and the amount is refundable again.
create or replace function public.record_refund_failed(refund_request_id uuid, reason text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    failed public.refunds;
begin
    update public.refunds as r
    set status = 'failed', settled_at = pg_catalog.now(),
        reason = pg_catalog.left(r.reason || coalesce(' / failed: ' || record_refund_failed.reason, ''), 500)
    where r.id = refund_request_id and r.status = 'requested'
    returning r.* into failed;
    if failed.id is null then
        raise exception using
            errcode = 'P0002', message = format('no requested refund %s', refund_request_id);
    end if;
    return failed;
end;
$$;

-- Admin: settle a dispute. 'complete' ends it now; 'refund' requests a refund of
-- refund_cents (the worker executes it through Whop) and the order settles when Whop
-- confirms it: refunded if in full, completed otherwise.
create or replace function public.resolve_dispute(
    order_id uuid,
    outcome text,
    refund_cents integer default null,
    note text default null
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    target public.orders;
begin
    if acting_as <> 'admin' then
        raise exception using errcode = '42501', message = 'only an admin may resolve a dispute';
    end if;
    if outcome = 'complete' then
        return private.apply_order_action(
            order_id, 'resolve_dispute_completed', 'admin',
            pg_catalog.jsonb_build_object('note', pg_catalog.left(note, 2000))
        );
    elsif outcome is distinct from 'refund' then
        raise exception using errcode = '22023', message = 'outcome must be complete or refund';
    end if;

    select o.* into target from public.orders as o where o.id = resolve_dispute.order_id for update;
    if target.status <> 'disputed' or target.dispute_refund_cents is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s is %s, not an unresolved dispute', order_id, target.status);
    end if;
    if refund_cents is null or refund_cents <= 0 or refund_cents > private.refundable_cents(target) then
        raise exception using
            errcode = '22023',
            message = format('refund_cents must be between 1 and %s', private.refundable_cents(target));
    end if;

    insert into public.refunds (order_id, amount_cents, reason, requested_by)
    values (target.id, refund_cents, coalesce(pg_catalog.left(note, 500), 'dispute resolved with a refund'), auth.uid());
    update public.orders as o
    set dispute_refund_cents = target.refunded_cents + refund_cents
    where o.id = target.id
    returning o.* into target;
    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target.id, 'admin', auth.uid(), 'dispute_refund_requested', target.status, target.status,
        pg_catalog.jsonb_build_object('refund_cents', refund_cents, 'note', pg_catalog.left(note, 2000))
    );
    perform private.notify(target.buyer_id, target.id, 'dispute_refund_requested',
        format('%s: a refund of %s is on its way', target.gig_title, refund_cents));
    perform private.notify(target.seller_id, target.id, 'dispute_refund_requested',
        format('%s: the dispute is resolved with a refund of %s', target.gig_title, refund_cents));
    return target;
end;
$$;

revoke execute on function public.record_payment(uuid, text, integer, text, jsonb)
from public, anon, authenticated;
revoke execute on function public.record_payment_failed(uuid, text) from public, anon, authenticated;
revoke execute on function private.refundable_cents(public.orders) from public, anon, authenticated;
revoke execute on function public.record_refund(uuid, text, integer, uuid) from public, anon, authenticated;
revoke execute on function public.record_refund_failed(uuid, text) from public, anon, authenticated;
revoke execute on function public.resolve_dispute(uuid, text, integer, text) from public, anon, authenticated;
grant execute on function public.record_payment(uuid, text, integer, text, jsonb) to service_role;
grant execute on function public.record_payment_failed(uuid, text) to service_role;
grant execute on function public.record_refund(uuid, text, integer, uuid) to service_role;
grant execute on function public.record_refund_failed(uuid, text) to service_role;
grant execute on function public.resolve_dispute(uuid, text, integer, text) to authenticated;
