-- Refunds go out through Whop. A refund is requested here (an admin's decision, a paid
-- order cancelled, a dispute resolved with a refund), submitted to Whop once by the
-- worker, and settled only when Whop confirms it (webhook or reconciliation, through
-- record_refund). Submission is claimed and stamped before the call, so a refund is
-- never sent twice, even when a worker dies mid-call.

-- Admin: refund an order fully (amount_cents null) or partly.
create or replace function public.request_refund(
    order_id uuid, amount_cents integer default null, reason text default null
)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
    amount integer;
    requested public.refunds;
begin
    if not private.is_admin() then
        raise exception using errcode = '42501', message = 'only an admin refunds an order';
    end if;
    target := private.lock_order(order_id);
    if target.paid_at is null then
        raise exception using errcode = '55000', message = format('order %s was never paid', target.id);
    end if;
    amount := coalesce(amount_cents, private.refundable_cents(target));
    if amount <= 0 or amount > private.refundable_cents(target) then
        raise exception using
            errcode = '22023',
            message = format(
                'refund of %s is not between 1 and the %s left to refund on order %s',
                amount, private.refundable_cents(target), target.id
            );
    end if;
    insert into public.refunds (order_id, amount_cents, reason, requested_by)
    values (
        target.id, amount,
        coalesce(pg_catalog.left(pg_catalog.btrim(reason), 500), 'refunded by an operator'),
        auth.uid()
    )
    returning * into requested;
    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target.id, 'admin', auth.uid(), 'refund_requested', target.status, target.status,
        pg_catalog.jsonb_build_object('refund_id', requested.id, 'amount_cents', amount)
    );
    return requested;
end;
$$;

-- Worker: the requested refunds to send to Whop now, each handed out once. `only_refund`
-- claims one named refund (an operator's, sent at once).
create or replace function public.claim_refunds_to_submit(
    max_refunds integer default 20, only_refund uuid default null
)
returns table (
    refund_id uuid, order_id uuid, whop_payment_id text, amount_cents integer, full_refund boolean
)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    with claimed as (
        update public.refunds as r
        set submitted_at = pg_catalog.now()
        where r.id in (
            select q.id from public.refunds as q
            join public.orders as o on o.id = q.order_id
            where q.status = 'requested' and q.submitted_at is null and o.whop_payment_id is not null
                and (only_refund is null or q.id = only_refund)
            order by q.created_at
            limit least(greatest(max_refunds, 1), 100)
            for update of q skip locked
        )
        returning r.id, r.order_id, r.amount_cents
    )
    select c.id, c.order_id, o.whop_payment_id, c.amount_cents,
        c.amount_cents = o.subtotal_cents - o.refunded_cents
    from claimed as c
    join public.orders as o on o.id = c.order_id;
end;
$$;

revoke execute on function public.request_refund(uuid, integer, text) from public, anon, authenticated;
revoke execute on function public.claim_refunds_to_submit(integer, uuid) from public, anon, authenticated;
grant execute on function public.request_refund(uuid, integer, text) to authenticated, service_role;
grant execute on function public.claim_refunds_to_submit(integer, uuid) to service_role;
