-- Refunds go out through Whop. A refund is asked for by an order action (an admin's
-- request_refund or resolve_dispute_refund, or a paid order ending cancelled), sent to
-- Whop once by the worker, and settled only when Whop confirms it (its refund object,
-- through apply_whop_refund). Sending is claimed and stamped before the call, so a refund
-- is never sent twice, even when a worker dies mid-call.

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
declare
    candidate record;
begin
    for candidate in
        select q.id, o as target
        from public.refunds as q
        join public.orders as o on o.id = q.order_id
        where q.status = 'requested' and q.submitted_at is null and o.whop_payment_id is not null
            and (only_refund is null or q.id = only_refund)
        order by q.created_at
        limit least(greatest(max_refunds, 1), 100)
        for update of q skip locked
    loop
        perform private.write_refund(candidate.target, 'submit', request_id => candidate.id);
        refund_id := candidate.id;
        order_id := (candidate.target).id;
        whop_payment_id := (candidate.target).whop_payment_id;
        select r.amount_cents into amount_cents from public.refunds as r where r.id = candidate.id;
        full_refund := amount_cents = (candidate.target).subtotal_cents - (candidate.target).refunded_cents;
        return next;
    end loop;
end;
$$;

-- Worker: Whop refused a refund it was asked for: the request is closed (an order
-- action, so both parties and the log know) and the amount is refundable again.
create or replace function public.record_refund_failed(refund_request_id uuid, reason text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    failed public.refunds;
begin
    select r.* into failed from public.refunds as r where r.id = refund_request_id and r.status = 'requested';
    if failed.id is null then
        raise exception using errcode = 'P0002', message = format('no requested refund %s', refund_request_id);
    end if;
    perform private.record_order_action(
        failed.order_id, 'refund_failed',
        pg_catalog.jsonb_build_object('refund_id', failed.id, 'reason', pg_catalog.left(reason, 300)), 'system'
    );
    select r.* into failed from public.refunds as r where r.id = refund_request_id;
    return failed;
end;
$$;

revoke execute on function public.claim_refunds_to_submit(integer, uuid) from public, anon, authenticated;
revoke execute on function public.record_refund_failed(uuid, text) from public, anon, authenticated;
grant execute on function public.claim_refunds_to_submit(integer, uuid) to service_role;
grant execute on function public.record_refund_failed(uuid, text) to service_role;
