-- Issue 16 #6: what one buyer's checkouts can cost. A buyer has at most
-- max_unpaid_orders (a setting, default 3) unpaid orders open at once, each holding a
-- Whop checkout; they may give one up (abandon_checkout), and when Whop refuses to open
-- the checkout of an order just created the worker gives it up in the same request
-- (checkout_refused), so a refused checkout leaves no unpaid order behind.
-- Issue 21: which attribution keys are kept is decided once, in SQL (attribution_of),
-- also at checkout; prepare_checkout returns the metadata the worker sends to Whop. How
-- many events process_whop_events takes per call is asked of SQL (whop_events_per_call).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

alter table private.platform_settings
add column max_unpaid_orders integer not null default 3;

create or replace function private.checked_action_details(
    before public.orders,
    requested public.order_action,
    acting_as public.order_actor,
    details jsonb
)
returns jsonb
language plpgsql
stable
set search_path to ''
as $function$
declare
    refundable integer := private.refundable_cents(before);
    remaining integer := before.subtotal_cents - before.refunded_cents;
    amount integer;
begin
    case requested
        when 'accept_cancellation', 'decline_cancellation' then
            if acting_as = before.cancellation_requested_by then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'order %s: the cancellation request must be answered by the other party', before.id
                    );
            end if;
        when 'request_revision' then
            if before.revisions_used >= before.revisions_included then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'order %s has used all %s revisions of its package', before.id, before.revisions_included
                    );
            end if;
            return pg_catalog.jsonb_build_object('message', private.require_text(details ->> 'message', 'message', 5000));
        when 'request_cancellation', 'open_dispute' then
            if acting_as <> 'system' then
                return pg_catalog.jsonb_build_object('reason', private.require_text(details ->> 'reason', 'reason', 2000));
            end if;
        when 'deliver' then
            return details || pg_catalog.jsonb_build_object(
                'message', private.require_text(details ->> 'message', 'message', 5000)
            );
        when 'pay' then
            perform private.require_text(details ->> 'whop_payment_id', 'whop_payment_id', 100);
            if pg_catalog.jsonb_typeof(coalesce(details -> 'attribution', '{}'::jsonb)) <> 'object' then
                raise exception using errcode = '22023', message = 'attribution must be a JSON object';
            end if;
        when 'abandon_checkout' then
            return case when acting_as = 'system'
                then pg_catalog.jsonb_build_object('reason', pg_catalog.left(details ->> 'reason', 500))
                else '{}'::jsonb
            end;
        when 'attach_checkout' then
            perform private.require_text(details ->> 'whop_checkout_id', 'whop_checkout_id', 100);
            if before.whop_checkout_id is not null then
                raise exception using
                    errcode = '55000',
                    message = format('order %s already has checkout %s', before.id, before.whop_checkout_id);
            end if;
        when 'request_refund' then
            amount := coalesce(private.detail_cents(details, 'amount_cents'), refundable);
            if amount not between 1 and refundable then
                raise exception using
                    errcode = '22023',
                    message = format(
                        'refund of %s is not between 1 and the %s left to refund on order %s',
                        amount, refundable, before.id
                    );
            end if;
            return pg_catalog.jsonb_build_object(
                'amount_cents', amount,
                'reason', coalesce(pg_catalog.left(pg_catalog.btrim(details ->> 'reason'), 500), 'refunded by an operator')
            );
        when 'resolve_dispute_refund' then
            amount := private.detail_cents(details, 'refund_cents');
            if before.dispute_refund_cents is not null then
                raise exception using
                    errcode = '55000', message = format('the dispute on order %s is already being refunded', before.id);
            end if;
            if amount is null or amount not between 1 and refundable then
                raise exception using errcode = '22023', message = format('refund_cents must be between 1 and %s', refundable);
            end if;
            return pg_catalog.jsonb_build_object(
                'amount_cents', amount, 'note', pg_catalog.left(details ->> 'note', 2000)
            );
        when 'resolve_dispute_completed' then
            return pg_catalog.jsonb_build_object('note', pg_catalog.left(details ->> 'note', 2000));
        when 'refund_partially', 'refund_in_full', 'settle_dispute_refund' then
            perform private.require_text(details ->> 'whop_refund_id', 'whop_refund_id', 100);
            amount := private.detail_cents(details, 'amount_cents');
            if amount is null or amount not between 1 and remaining then
                raise exception using
                    errcode = '22023',
                    message = format('refund of %s exceeds the %s left on order %s', amount, remaining, before.id);
            end if;
            if (requested = 'refund_in_full') <> (amount = remaining) then
                raise exception using
                    errcode = '22023',
                    message = format(
                        '%s of %s on order %s, which has %s left', requested, amount, before.id, remaining
                    );
            end if;
            if requested = 'settle_dispute_refund'
                and before.refunded_cents + amount < coalesce(before.dispute_refund_cents, 0) then
                raise exception using
                    errcode = '55000',
                    message = format('order %s: the dispute refund is not settled by %s', before.id, amount);
            end if;
        when 'chargeback_lost' then
            return details || pg_catalog.jsonb_build_object('amount_cents', remaining);
        else
            null;
    end case;
    return coalesce(details, '{}'::jsonb);
end;
$function$;

create or replace function public.abandon_checkout(
    order_id uuid
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'abandon_checkout');
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.checkout_refused(
    target_order_id uuid,
    reason text
)
returns public.orders
language plpgsql
security definer
set search_path to ''
as $function$
declare
    given_up public.orders;
begin
    perform private.record_order_action(
        target_order_id, 'abandon_checkout', pg_catalog.jsonb_build_object('reason', reason), 'system'
    );
    select o.* into given_up from public.orders as o where o.id = target_order_id;
    return given_up;
end;
$function$;

create or replace function public.create_pending_order(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'::jsonb,
    attribution jsonb default '{}'::jsonb
)
returns public.orders
language plpgsql
security definer
set search_path to ''
as $function$
declare
    priced jsonb;
    created public.orders;
    expires_after interval;
    unpaid_cap integer;
    unpaid integer;
begin
    -- The buyer's row, locked: two checkouts at once count each other's unpaid orders.
    perform 1 from public.profiles as p where p.id = buyer_id for no key update;
    if buyer_id is null or not found then
        raise exception using errcode = 'P0002', message = format('buyer %s does not exist', buyer_id);
    end if;
    select s.max_unpaid_orders into unpaid_cap from private.platform_settings as s;
    select pg_catalog.count(*) into unpaid
    from public.orders as o
    where o.buyer_id = create_pending_order.buyer_id and o.status = 'pending_payment';
    if unpaid >= unpaid_cap then
        raise exception using
            errcode = '55000',
            message = format('you already have %s unpaid orders: pay or abandon one first', unpaid),
            hint = 'abandon_checkout(order_id) gives one up';
    end if;
    if pg_catalog.jsonb_typeof(coalesce(attribution, '{}'::jsonb)) <> 'object'
        or pg_catalog.length(attribution::text) > 2000 then
        raise exception using errcode = '22023', message = 'attribution must be a small JSON object';
    end if;

    priced := private.quote(buyer_id, gig_id, tier, extras);
    select s.checkout_expires_after into expires_after from private.platform_settings as s;

    insert into public.orders (
        buyer_id, seller_id, gig_id, package_id, tier, gig_title, currency,
        package_price_cents, extras_cents, subtotal_cents, fee_bps, fee_cents,
        seller_net_cents, delivery_days, revisions_included, checkout_expires_at
    )
    values (
        buyer_id,
        (priced ->> 'seller_id')::uuid,
        gig_id,
        (priced ->> 'package_id')::uuid,
        tier,
        priced ->> 'gig_title',
        priced ->> 'currency',
        (priced ->> 'package_price_cents')::integer,
        (priced ->> 'extras_cents')::integer,
        (priced ->> 'subtotal_cents')::integer,
        (priced ->> 'fee_bps')::integer,
        (priced ->> 'platform_fee_cents')::integer,
        (priced ->> 'seller_net_cents')::integer,
        (priced ->> 'delivery_days')::integer,
        (priced ->> 'revisions_included')::integer,
        pg_catalog.now() + expires_after
    )
    returning * into created;
    -- Only the keys attribution_of knows are kept (and sent to Whop with the checkout).
    if private.attribution_of(attribution) <> '{}'::jsonb then
        insert into public.order_attributions (order_id, attribution)
        values (created.id, private.attribution_of(attribution));
    end if;

    insert into public.order_extras (
        order_id, extra_id, title, unit_price_cents, quantity, line_total_cents, extra_delivery_days
    )
    select
        created.id,
        (line ->> 'extra_id')::uuid,
        line ->> 'title',
        (line ->> 'unit_price_cents')::integer,
        (line ->> 'quantity')::integer,
        (line ->> 'line_total_cents')::integer,
        (line ->> 'extra_delivery_days')::integer
    from pg_catalog.jsonb_array_elements(priced -> 'extras') as line;

    perform private.arm_order_timers(created);
    return created;
end;
$function$;

create or replace function public.prepare_checkout(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'::jsonb,
    attribution jsonb default '{}'::jsonb
)
returns jsonb
language plpgsql
security definer
set search_path to ''
as $function$
declare
    company_id text;
    created public.orders;
begin
    select s.whop_company_id into company_id
    from public.gigs as g
    join public.seller_accounts as s on s.user_id = g.seller_id
    where g.id = prepare_checkout.gig_id;
    if company_id is null and exists (select 1 from public.gigs as g where g.id = prepare_checkout.gig_id) then
        raise exception using
            errcode = '55000',
            message = format('the seller of gig %s cannot take payments yet', prepare_checkout.gig_id);
    end if;
    created := public.create_pending_order(buyer_id, gig_id, tier, extras, attribution);
    -- What travels in the checkout's metadata: our order id and the attribution kept.
    return pg_catalog.jsonb_build_object(
        'order', pg_catalog.to_jsonb(created),
        'whop_company_id', company_id,
        'metadata', pg_catalog.jsonb_build_object('gigflow_order_id', created.id) || coalesce((
            select a.attribution from public.order_attributions as a where a.order_id = created.id
        ), '{}'::jsonb)
    );
end;
$function$;

create or replace function public.process_whop_events(
    event_ids bigint[]
)
returns table (
    event_id bigint,
    status public.whop_event_status
)
language plpgsql
security definer
set search_path to ''
as $function$
declare
    claimed public.whop_events;
begin
    if pg_catalog.cardinality(event_ids) > public.whop_events_per_call() then
        raise exception using
            errcode = '22023', message = format('at most %s events per call', public.whop_events_per_call());
    end if;
    for claimed in
        select e.* from public.whop_events as e
        join pg_catalog.unnest(event_ids) with ordinality as wanted (id, position) on wanted.id = e.id
        order by wanted.position
        for update of e skip locked
    loop
        event_id := claimed.id;
        status := private.process_locked_whop_event(claimed);
        return next;
    end loop;
end;
$function$;

create or replace function public.set_max_unpaid_orders(
    max_unpaid integer
)
returns integer
language plpgsql
security definer
set search_path to ''
as $function$
begin
    if max_unpaid is null or max_unpaid not between 1 and 50 then
        raise exception using errcode = '22023', message = 'max_unpaid must be between 1 and 50';
    end if;
    update private.platform_settings as s set max_unpaid_orders = max_unpaid;
    return max_unpaid;
end;
$function$;

create or replace function public.whop_events_per_call()
returns integer
language sql
immutable
set search_path to ''
as $function$
    select 50
$function$;

-- One row: the scan is instant.
alter table private.platform_settings
-- squawk-ignore constraint-missing-not-valid
add constraint platform_settings_max_unpaid_orders_check check (
    ((max_unpaid_orders >= 1) and (max_unpaid_orders <= 50))
);

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.abandon_checkout(uuid) from public, anon, authenticated, service_role;
grant execute on function public.abandon_checkout(uuid) to authenticated;
grant execute on function public.abandon_checkout(uuid) to service_role;
revoke all on function public.checkout_refused(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.checkout_refused(uuid, text) to service_role;
revoke all on function public.set_max_unpaid_orders(integer) from public, anon, authenticated, service_role;
grant execute on function public.set_max_unpaid_orders(integer) to service_role;
revoke all on function public.whop_events_per_call() from public, anon, authenticated, service_role;
grant execute on function public.whop_events_per_call() to service_role;

-- The new edges (the platform_settings row gets the column's default).
insert into private.order_transitions (
    from_status, action, actor, to_status, notifies, timer_from, timer_delay, timer_unless, timer_runner
)
values
('pending_payment', 'abandon_checkout', 'buyer', 'cancelled', false, null, null, '{}', null),
('pending_payment', 'abandon_checkout', 'system', 'cancelled', false, null, null, '{}', null);
