-- Orders: pricing and creation. Prices come only from the stored packages and extras;
-- nothing a client sends about money is read.

create or replace function private.refuse_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    raise exception using
        errcode = '42501',
        message = format('%s rows are append-only', tg_table_name);
end;
$$;

revoke execute on function private.refuse_change() from public, anon, authenticated;

create trigger order_events_are_append_only
before update or delete on public.order_events
for each row execute function private.refuse_change();

-- Policy helper: may the signed-in user see this order (buyer, seller, admin)? It reads
-- orders under the caller's own policy on orders, so it knows exactly that.
create or replace function private.can_see_order(target_order_id uuid)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
    return exists (select 1 from public.orders as o where o.id = target_order_id);
end;
$$;

revoke execute on function private.can_see_order(uuid) from public, anon, authenticated;
grant execute on function private.can_see_order(uuid) to authenticated, service_role;

-- Fee = subtotal x bps / 10000, rounded half up to the cent, in integer arithmetic.
create or replace function private.fee_cents(subtotal_cents bigint, fee_bps integer)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
    select ((subtotal_cents * fee_bps + 5000) / 10000)::integer
$$;

revoke execute on function private.fee_cents(bigint, integer) from public, anon, authenticated;
-- Quotes run as their caller.
grant execute on function private.fee_cents(bigint, integer) to anon, authenticated, service_role;

-- The price breakdown a checkout shows: `order_quantity` of the package (unit price x
-- quantity) plus extras, a JSON array of {"extra_id": uuid, "quantity": n}; the fee is
-- taken half up on that total. Refuses (with the reason) a gig that is not for sale, a
-- suspended seller's gig (GF003), a buyer who is the seller, a package quantity outside
-- 1..the package's max_quantity, unknown or repeated extras, and extra quantities outside
-- 1..max_quantity. It reads the catalog as its caller: a gig the caller may not see is
-- one that does not exist. (A published gig's seller is verified: the KYC gate.)
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
set search_path = ''
as $$
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
    group by (item ->> 'extra_id')::uuid having pg_catalog.count(*) > 1;
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
$$;

revoke execute on function private.quote(uuid, uuid, public.package_tier, jsonb, integer)
from public, anon, authenticated;
grant execute on function private.quote(uuid, uuid, public.package_tier, jsonb, integer)
to anon, authenticated, service_role;

-- The checkout's price breakdown for the signed-in buyer (or a visitor, who cannot be
-- the seller). The buyer pays total_cents; the platform keeps platform_fee_cents.
create or replace function public.quote_order(
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]',
    quantity integer default 1
)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
    return private.quote(auth.uid(), gig_id, tier, extras, quantity);
end;
$$;

revoke execute on function public.quote_order(uuid, public.package_tier, jsonb, integer)
from public, anon, authenticated;
grant execute on function public.quote_order(uuid, public.package_tier, jsonb, integer)
to anon, authenticated, service_role;

-- Server only (the worker, when it creates the Whop checkout for a signed-in buyer):
-- the order is priced by private.quote (quantity included) and starts in
-- pending_payment; only a verified payment moves it on.
create or replace function public.create_pending_order(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]',
    attribution jsonb default '{}',
    quantity integer default 1
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function public.create_pending_order(uuid, uuid, public.package_tier, jsonb, jsonb, integer)
from public, anon, authenticated;
grant execute on function public.create_pending_order(uuid, uuid, public.package_tier, jsonb, jsonb, integer)
to service_role;

-- Server only: remember the Whop checkout created for a pending order (an order action:
-- from now on only Whop's word, through reconciliation, expires it).
create or replace function public.attach_checkout(target_order_id uuid, whop_checkout_id text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    attached public.orders;
begin
    select o.* into attached from public.orders as o where o.id = target_order_id;
    if attached.whop_checkout_id is distinct from attach_checkout.whop_checkout_id then
        perform private.record_order_action(
            target_order_id, 'attach_checkout',
            pg_catalog.jsonb_build_object('whop_checkout_id', whop_checkout_id), 'system'
        );
        select o.* into attached from public.orders as o where o.id = target_order_id;
    end if;
    return attached;
end;
$$;

revoke execute on function public.attach_checkout(uuid, text) from public, anon, authenticated;
grant execute on function public.attach_checkout(uuid, text) to service_role;

-- Server only: the platform fee for future orders (basis points, 0..5000).
create or replace function public.set_platform_fee_bps(fee_bps integer)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
    if fee_bps is null or fee_bps not between 0 and 5000 then
        raise exception using errcode = '22023', message = 'fee_bps must be between 0 and 5000';
    end if;
    update private.platform_settings as s set fee_bps = set_platform_fee_bps.fee_bps;
    return fee_bps;
end;
$$;

revoke execute on function public.set_platform_fee_bps(integer) from public, anon, authenticated;
grant execute on function public.set_platform_fee_bps(integer) to service_role;

-- Server only: who bears the platform's fee when a chargeback is lost ('platform' gives it
-- back; 'seller' charges it to the seller's balance).
create or replace function public.set_chargeback_fee_policy(borne_by text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
    if borne_by is null or borne_by not in ('platform', 'seller') then
        raise exception using errcode = '22023', message = 'borne_by must be platform or seller';
    end if;
    update private.platform_settings as s set chargeback_fee_borne_by = borne_by;
    return borne_by;
end;
$$;

-- Operator: how many unpaid orders one buyer may have open at once.
create or replace function public.set_max_unpaid_orders(max_unpaid integer)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
    if max_unpaid is null or max_unpaid not between 1 and 50 then
        raise exception using errcode = '22023', message = 'max_unpaid must be between 1 and 50';
    end if;
    update private.platform_settings as s set max_unpaid_orders = max_unpaid;
    return max_unpaid;
end;
$$;

revoke execute on function public.set_chargeback_fee_policy(text) from public, anon, authenticated;
grant execute on function public.set_chargeback_fee_policy(text) to service_role;
-- Operator: how many checkouts one buyer may open in an hour.
create or replace function public.set_max_checkouts_per_hour(max_checkouts integer)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
    if max_checkouts is null or max_checkouts not between 1 and 1000 then
        raise exception using errcode = '22023', message = 'max_checkouts must be between 1 and 1000';
    end if;
    update private.platform_settings as s set max_checkouts_per_hour = max_checkouts;
    return max_checkouts;
end;
$$;

revoke execute on function public.set_max_checkouts_per_hour(integer) from public, anon, authenticated;
grant execute on function public.set_max_checkouts_per_hour(integer) to service_role;
revoke execute on function public.set_max_unpaid_orders(integer) from public, anon, authenticated;
grant execute on function public.set_max_unpaid_orders(integer) to service_role;

comment on function public.quote_order(uuid, public.package_tier, jsonb, integer) is
$$The checkout breakdown of `quantity` (default 1) of a published gig's package and its extras
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
@error 22023 the caller sells the gig, quantity is outside 1..the package's max_quantity, an extra's
  quantity is outside 1..its max_quantity, or an extra is named twice
@error 55000 the gig's seller asks about their gig that is not published
@error GF003 the gig's seller is suspended: nothing of theirs can be bought$$;
