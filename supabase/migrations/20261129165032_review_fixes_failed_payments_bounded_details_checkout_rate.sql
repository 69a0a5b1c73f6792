-- Fixes from an outsider's review of money and identity:
-- * apply_whop_payment: a failed payment is applied only when it names the order's own
--   checkout and the seller's company; before, anyone who could make Whop send a failed
--   payment carrying another order's id in its metadata could fail that order.
-- * checked_action_details: a user's action keeps only the details its edge builds
--   (message, reason, answers, files, amounts); free-form keys from a browser no longer
--   reach order_events, which both parties read.
-- * quote: an unpublished gig is "does not exist" to everybody but its seller, on every
--   path, including the server's checkout (which sees every gig), so a draft or taken-down
--   gig cannot be bought by id.
-- * create_pending_order: at most max_checkouts_per_hour (new setting, default 20,
--   set_max_checkouts_per_hour for operators) orders a buyer may open per hour, refused
--   with 53400, so a script cannot fill the orders table or hammer Whop's checkout API.
-- The settings row gets the default from the new column; no other data changes.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- private.platform_settings:
--   only in migrations: ('(t,1000,01:00:00,"14 days",platform,3)',)
--   only in sources: ('(t,1000,01:00:00,"14 days",platform,3,20)',)

set local check_function_bodies = off;

alter table private.platform_settings
add column max_checkouts_per_hour integer not null default 20;

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
    refundable integer;
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
            return pg_catalog.jsonb_build_object(
                'message', private.require_text(details ->> 'message', 'message', 5000),
                'files', coalesce(details -> 'files', '[]'::jsonb)
            );
        when 'submit_requirements' then
            -- Checked and stored by record_requirement_answers and record_order_files.
            return pg_catalog.jsonb_build_object(
                'answers', coalesce(details -> 'answers', '[]'::jsonb),
                'files', coalesce(details -> 'files', '[]'::jsonb)
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
            refundable := private.refundable_cents(before);
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
            refundable := private.refundable_cents(before);
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
    -- The log is append-only and shown to both parties: a person's action keeps only what
    -- the branches above built from it (nothing, here); the server's, what it sent.
    if acting_as <> 'system' then
        return '{}'::jsonb;
    end if;
    return coalesce(details, '{}'::jsonb);
end;
$function$;

create or replace function private.quote(
    buyer_id uuid,
    target_gig_id uuid,
    target_tier public.package_tier,
    extras jsonb,
    order_quantity integer
)
returns jsonb
language plpgsql
stable
set search_path to ''
as $function$
declare
    gig public.gigs;
    package public.gig_packages;
    requested_extras jsonb := coalesce(extras, '[]'::jsonb);
    package_total bigint;
    extra_lines jsonb;
    extras_total bigint;
    extra_days integer;
    subtotal bigint;
    platform_fee_bps integer;
    platform_fee integer;
begin
    if target_gig_id is null or target_tier is null then
        raise exception using errcode = '22004', message = 'gig_id and tier are required';
    end if;

    select g.* into gig from public.gigs as g where g.id = target_gig_id;
    -- An unpublished gig is a missing one to everybody but its seller, on every path
    -- (the checkout runs as the server, which sees every gig).
    if gig.id is null or (gig.status <> 'published' and buyer_id is distinct from gig.seller_id) then
        raise exception using errcode = 'P0002', message = format('gig %s does not exist', target_gig_id);
    end if;
    if gig.status <> 'published' then
        raise exception using
            errcode = '55000',
            message = format('gig %s is %s and cannot be bought', target_gig_id, gig.status);
    end if;
    if buyer_id = gig.seller_id then
        raise exception using errcode = '22023', message = 'sellers cannot buy their own gig';
    end if;
    -- Public (seller_stats), so a visitor's quote sees it too.
    if exists (select 1 from public.seller_stats as s where s.user_id = gig.seller_id and s.suspended) then
        raise exception using
            errcode = 'GF003',
            message = format('gig %s cannot be bought: its seller is suspended', target_gig_id),
            hint = 'No new orders until the platform reinstates the seller.';
    end if;

    select p.* into package from public.gig_packages as p
    where p.gig_id = target_gig_id and p.tier = target_tier;
    if package.id is null then
        raise exception using
            errcode = 'P0002',
            message = format('gig %s has no %s package', target_gig_id, target_tier);
    end if;
    if order_quantity is null then
        raise exception using errcode = '22004', message = 'quantity must not be null';
    end if;
    if order_quantity not between 1 and package.max_quantity then
        raise exception using
            errcode = '22023',
            message = format(
                'quantity %s is outside 1..%s, what one order may buy of the %s package',
                order_quantity, package.max_quantity, package.tier
            );
    end if;
    package_total := package.price_cents::bigint * order_quantity;

    if pg_catalog.jsonb_typeof(requested_extras) <> 'array'
        or pg_catalog.jsonb_array_length(requested_extras) > 20
        or exists (
            select 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
            where pg_catalog.jsonb_typeof(item) <> 'object'
                or pg_catalog.jsonb_typeof(item -> 'quantity') <> 'number'
                or (item ->> 'extra_id') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
                or (item ->> 'quantity') !~ '^[0-9]{1,3}$'
        ) then
        raise exception using
            errcode = '22023',
            message = 'extras must be an array of at most 20 {"extra_id": uuid, "quantity": integer}';
    end if;

    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    left join public.gig_extras as e
        on e.id = (item ->> 'extra_id')::uuid and e.gig_id = target_gig_id
    where e.id is null;
    if found then
        raise exception using
            errcode = 'P0002',
            message = format('an extra does not belong to gig %s', target_gig_id);
    end if;
    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    group by item ->> 'extra_id' having pg_catalog.count(*) > 1;
    if found then
        raise exception using errcode = '22023', message = 'each extra may appear only once';
    end if;
    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    join public.gig_extras as e on e.id = (item ->> 'extra_id')::uuid
    where (item ->> 'quantity')::integer not between 1 and e.max_quantity;
    if found then
        raise exception using
            errcode = '22023',
            message = 'an extra''s quantity is outside 1..its max_quantity';
    end if;

    select
        pg_catalog.jsonb_agg(
            pg_catalog.jsonb_build_object(
                'extra_id', e.id,
                'title', e.title,
                'unit_price_cents', e.price_cents,
                'quantity', (item ->> 'quantity')::integer,
                'line_total_cents', e.price_cents * (item ->> 'quantity')::integer,
                'extra_delivery_days', e.extra_delivery_days
            )
            order by e.position, e.title
        ),
        coalesce(pg_catalog.sum(e.price_cents::bigint * (item ->> 'quantity')::integer), 0),
        coalesce(pg_catalog.sum(e.extra_delivery_days), 0)
    into extra_lines, extras_total, extra_days
    from pg_catalog.jsonb_array_elements(requested_extras) as item
    join public.gig_extras as e on e.id = (item ->> 'extra_id')::uuid;

    subtotal := package_total + extras_total;
    if subtotal > 100000000 then
        raise exception using errcode = '22023', message = 'an order may not exceed 1,000,000.00';
    end if;
    select s.fee_bps into platform_fee_bps from private.platform_settings as s;
    platform_fee := private.fee_cents(subtotal, platform_fee_bps);

    return pg_catalog.jsonb_build_object(
        'gig_id', gig.id,
        'gig_title', gig.title,
        'seller_id', gig.seller_id,
        'package_id', package.id,
        'tier', package.tier,
        'currency', package.currency,
        'package_price_cents', package.price_cents,
        'quantity', order_quantity,
        'max_quantity', package.max_quantity,
        'package_total_cents', package_total,
        'extras', coalesce(extra_lines, '[]'::jsonb),
        'extras_cents', extras_total,
        'subtotal_cents', subtotal,
        'fee_bps', platform_fee_bps,
        'platform_fee_cents', platform_fee,
        'seller_net_cents', subtotal - platform_fee,
        'total_cents', subtotal,
        'delivery_days', package.delivery_days + extra_days,
        'revisions_included', package.revisions_included
    );
end;
$function$;

create or replace function public.apply_whop_payment(
    payment jsonb,
    event_type text default null::text
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    payment_id text := private.whop_id(payment, 'payment');
    target public.orders;
    reasons text [];
    outcome text := case
        when payment ->> 'substatus' = 'failed' or payment ->> 'status' in ('uncollectible', 'void')
            or (payment ->> 'status' is null and event_type = 'payment.failed') then 'failed'
        when payment ->> 'status' = 'paid' or payment ->> 'substatus' = 'succeeded'
            or (payment ->> 'status' is null and event_type = 'payment.succeeded') then 'paid'
        else 'open'
    end;
begin
    if exists (select 1 from public.orders as o where o.whop_payment_id = payment_id)
        or exists (select 1 from public.quarantined_payments as q where q.whop_payment_id = payment_id) then
        -- Known already: a repeat (or its failure reported late) changes nothing.
        return case when exists (select 1 from public.quarantined_payments as q where q.whop_payment_id = payment_id)
            then 'quarantined' else 'ignored' end::public.whop_event_status;
    end if;
    select o.* into target from public.orders as o
    where o.id = private.uuid_or_null(payment -> 'metadata' ->> 'gigflow_order_id')
    for update;
    if target.id is null then
        return 'ignored'::public.whop_event_status;
    end if;

    if outcome = 'failed' then
        -- Only the order's own checkout failing gives it up: a failed payment that names
        -- the order from anyone else's checkout or company says nothing about it.
        if target.status <> 'pending_payment'
            or target.whop_checkout_id is null
            or payment ->> 'checkout_configuration_id' is distinct from target.whop_checkout_id
            or payment -> 'company' ->> 'id' is distinct from (
                select s.whop_company_id from public.seller_accounts as s where s.user_id = target.seller_id
            ) then
            return 'ignored'::public.whop_event_status;
        end if;
        perform private.record_order_action(
            target.id, 'fail_payment',
            pg_catalog.jsonb_build_object('reason', pg_catalog.left(payment ->> 'failure_message', 500)), 'system'
        );
        return 'processed'::public.whop_event_status;
    elsif outcome = 'open' then
        return 'ignored'::public.whop_event_status;
    end if;

    -- Whop's own examples leave amounts null at times: a payment whose total is unknown
    -- cannot be judged, so it waits; reconciliation asks Whop's API, which knows it.
    if pg_catalog.jsonb_typeof(payment -> 'total') is distinct from 'number'
        and pg_catalog.jsonb_typeof(payment -> 'total') is distinct from 'string' then
        return 'waiting'::public.whop_event_status;
    end if;
    reasons := private.payment_mismatches(target, payment);
    if pg_catalog.cardinality(reasons) > 0 then
        insert into public.quarantined_payments (whop_payment_id, order_id, reasons, amount_cents, currency, payment)
        values (
            payment_id, target.id, reasons, private.whop_cents(payment -> 'total'),
            case when pg_catalog.upper(payment ->> 'currency') ~ '^[A-Z]{3}$' then pg_catalog.upper(payment ->> 'currency') end,
            payment
        )
        on conflict (whop_payment_id) do nothing;
        return 'quarantined'::public.whop_event_status;
    end if;

    perform private.record_order_action(
        target.id, 'pay',
        pg_catalog.jsonb_build_object(
            'whop_payment_id', payment_id, 'attribution', private.attribution_of(payment -> 'metadata')
        ),
        'system'
    );
    -- A refund or dispute delivered before this payment waits with backoff; it can apply
    -- now. One another worker holds is being tried right now: skipping it keeps two
    -- batches from waiting on each other (whop_events_waiting_payment_idx finds them).
    update public.whop_events as e
    set next_attempt_at = pg_catalog.now()
    where e.id in (
        select w.id from public.whop_events as w
        where w.status = 'waiting' and w.payload -> 'data' -> 'payment' ->> 'id' = payment_id
        for update skip locked
    );
    return 'processed'::public.whop_event_status;
end;
$function$;

create or replace function public.create_pending_order(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'::jsonb,
    attribution jsonb default '{}'::jsonb,
    quantity integer default 1
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
    hourly_cap integer;
    this_hour integer;
begin
    -- The buyer's row, locked: two checkouts at once count each other's unpaid orders.
    perform 1 from public.profiles as p where p.id = buyer_id for no key update;
    if buyer_id is null or not found then
        raise exception using errcode = 'P0002', message = format('buyer %s does not exist', buyer_id);
    end if;
    select s.max_unpaid_orders, s.max_checkouts_per_hour into unpaid_cap, hourly_cap
    from private.platform_settings as s;
    select pg_catalog.count(*) into this_hour
    from public.orders as o
    where o.buyer_id = create_pending_order.buyer_id and o.created_at > pg_catalog.now() - interval '1 hour';
    if this_hour >= hourly_cap then
        raise exception using
            errcode = '53400',
            message = format('you opened %s checkouts in the last hour: try again later', this_hour);
    end if;
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

    priced := private.quote(buyer_id, gig_id, tier, extras, quantity);
    select s.checkout_expires_after into expires_after from private.platform_settings as s;

    insert into public.orders (
        buyer_id, seller_id, gig_id, package_id, tier, gig_title, currency,
        package_price_cents, quantity, extras_cents, subtotal_cents, fee_bps, fee_cents,
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
        (priced ->> 'quantity')::integer,
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

create or replace function public.set_max_checkouts_per_hour(
    max_checkouts integer
)
returns integer
language plpgsql
security definer
set search_path to ''
as $function$
begin
    if max_checkouts is null or max_checkouts not between 1 and 1000 then
        raise exception using errcode = '22023', message = 'max_checkouts must be between 1 and 1000';
    end if;
    update private.platform_settings as s set max_checkouts_per_hour = max_checkouts;
    return max_checkouts;
end;
$function$;

alter table private.platform_settings
-- squawk-ignore constraint-missing-not-valid
add constraint platform_settings_max_checkouts_per_hour_check check (
    ((max_checkouts_per_hour >= 1) and (max_checkouts_per_hour <= 1000))
);

comment on function public.quote_order(
    uuid, public.package_tier, jsonb, integer
) is 'The checkout breakdown of `quantity` (default 1) of a published gig''s package and its extras
[{"extra_id", "quantity"}], priced from the stored offer only: {gig_id, gig_title, seller_id,
package_id, tier, currency, package_price_cents (the unit price), quantity, max_quantity (the most
of this package one order may buy), package_total_cents (unit price x quantity), extras: [{extra_id,
title, unit_price_cents, quantity, line_total_cents, extra_delivery_days}], extras_cents,
subtotal_cents (package_total_cents + extras_cents), fee_bps, platform_fee_cents (subtotal x fee_bps
/ 10000, half up), seller_net_cents, total_cents, delivery_days, revisions_included}.
@who anyone
@error 22004 gig_id, tier or quantity is missing
@error P0002 no such published gig (an unpublished one looks missing to all but its seller),
  package or extra
@error 22023 the caller sells the gig, quantity is outside 1..the package''s max_quantity, an extra''s
  quantity is outside 1..its max_quantity, or an extra is named twice
@error 55000 the gig''s seller asks about their gig that is not published
@error GF003 the gig''s seller is suspended: nothing of theirs can be bought';

revoke all on function public.set_max_checkouts_per_hour(integer) from public;

grant execute on function public.set_max_checkouts_per_hour(integer) to postgres, service_role;

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.set_max_checkouts_per_hour(integer) from public,
anon,
authenticated,
service_role;
grant execute on function public.set_max_checkouts_per_hour(integer) to service_role;
