-- Orders: server-side pricing, the order state machine as data, requirements,
-- deliveries, messages, refunds, disputes, reviews, notifications and timers.
--
-- Clients never write an order: no INSERT/UPDATE/DELETE privilege on any order table
-- except their own messages and the read flag of their notifications. Every change goes
-- through a definer function that locks the order row, checks the actor against the
-- transition table and appends an event.

-- Types ------------------------------------------------------------------------------

-- pending_payment -> awaiting_requirements (payment verified) -> in_progress (brief
-- submitted, due date starts) -> delivered -> completed (accepted or after 3 days);
-- delivered -> revision_requested -> delivered; cancel_requested and disputed are
-- detours; cancelled and refunded are terminal. private.order_transitions has every edge.
create type public.order_status as enum (
    'pending_payment',
    'awaiting_requirements',
    'in_progress',
    'delivered',
    'revision_requested',
    'completed',
    'cancel_requested',
    'cancelled',
    'disputed',
    'refunded'
);

create type public.order_action as enum (
    'pay',
    'fail_payment',
    'expire_checkout',
    'submit_requirements',
    'start_work',
    'deliver',
    'request_revision',
    'accept_delivery',
    'auto_complete',
    'request_cancellation',
    'accept_cancellation',
    'decline_cancellation',
    'expire_cancellation_request',
    'open_dispute',
    'resolve_dispute_completed',
    'settle_dispute_refund',
    'refund_in_full'
);

create type public.order_actor as enum ('buyer', 'seller', 'admin', 'system');

create type public.requirement_kind as enum ('free_text', 'multiple_choice', 'attachment');

create type public.refund_status as enum ('requested', 'succeeded', 'failed');

-- Settings -----------------------------------------------------------------------------

-- One row; only the service role changes it (set_platform_settings). Orders copy the fee
-- at purchase time, so a change never reprices an existing order.
create table private.platform_settings (
    singleton boolean primary key default true check (singleton),
    fee_bps integer not null default 1000 check (fee_bps between 0 and 5000),
    checkout_expires_after interval not null default interval '1 hour',
    auto_complete_after interval not null default interval '3 days',
    cancellation_request_expires_after interval not null default interval '48 hours',
    very_late_after interval not null default interval '24 hours',
    reviews_released_after interval not null default interval '10 days',
    clearance_period interval not null default interval '14 days'
);
insert into private.platform_settings default values;
revoke all on private.platform_settings from public, anon, authenticated;

-- Transitions as data: adding a rule means adding a row. to_status null means "back to
-- where the order was before the cancellation request".
create table private.order_transitions (
    from_status public.order_status not null,
    action public.order_action not null,
    actor public.order_actor not null,
    to_status public.order_status,
    primary key (from_status, action, actor)
);
revoke all on private.order_transitions from public, anon, authenticated;

insert into private.order_transitions (from_status, action, actor, to_status)
select
    from_status::public.order_status,
    action::public.order_action,
    actor::public.order_actor,
    to_status::public.order_status
from (
    values
    ('pending_payment', 'pay', 'system', 'awaiting_requirements'),
    ('pending_payment', 'fail_payment', 'system', 'cancelled'),
    ('pending_payment', 'expire_checkout', 'system', 'cancelled'),
    ('awaiting_requirements', 'submit_requirements', 'buyer', 'in_progress'),
    ('awaiting_requirements', 'start_work', 'seller', 'in_progress'),
    ('in_progress', 'deliver', 'seller', 'delivered'),
    ('revision_requested', 'deliver', 'seller', 'delivered'),
    ('delivered', 'request_revision', 'buyer', 'revision_requested'),
    ('delivered', 'accept_delivery', 'buyer', 'completed'),
    ('delivered', 'auto_complete', 'system', 'completed'),
    ('awaiting_requirements', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('awaiting_requirements', 'request_cancellation', 'seller', 'cancel_requested'),
    ('in_progress', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('in_progress', 'request_cancellation', 'seller', 'cancel_requested'),
    ('delivered', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('delivered', 'request_cancellation', 'seller', 'cancel_requested'),
    ('revision_requested', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('revision_requested', 'request_cancellation', 'seller', 'cancel_requested'),
    ('cancel_requested', 'accept_cancellation', 'buyer', 'cancelled'),
    ('cancel_requested', 'accept_cancellation', 'seller', 'cancelled'),
    ('cancel_requested', 'decline_cancellation', 'buyer', null),
    ('cancel_requested', 'decline_cancellation', 'seller', null),
    ('cancel_requested', 'expire_cancellation_request', 'system', 'cancelled'),
    ('in_progress', 'open_dispute', 'buyer', 'disputed'),
    ('in_progress', 'open_dispute', 'seller', 'disputed'),
    ('revision_requested', 'open_dispute', 'buyer', 'disputed'),
    ('revision_requested', 'open_dispute', 'seller', 'disputed'),
    ('delivered', 'open_dispute', 'buyer', 'disputed'),
    ('delivered', 'open_dispute', 'seller', 'disputed'),
    ('disputed', 'resolve_dispute_completed', 'admin', 'completed'),
    ('disputed', 'settle_dispute_refund', 'system', 'completed'),
    ('awaiting_requirements', 'refund_in_full', 'system', 'refunded'),
    ('in_progress', 'refund_in_full', 'system', 'refunded'),
    ('delivered', 'refund_in_full', 'system', 'refunded'),
    ('revision_requested', 'refund_in_full', 'system', 'refunded'),
    ('completed', 'refund_in_full', 'system', 'refunded'),
    ('cancel_requested', 'refund_in_full', 'system', 'refunded'),
    ('disputed', 'refund_in_full', 'system', 'refunded')
) as edges (from_status, action, actor, to_status);

-- Tables -------------------------------------------------------------------------------

create table public.gig_requirements (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    position integer not null default 0,
    question text not null check (char_length(question) between 1 and 500),
    kind public.requirement_kind not null default 'free_text',
    choices text[] not null default '{}' check (cardinality(choices) <= 20),
    required boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint choices_only_for_multiple_choice check (
        (kind = 'multiple_choice') = (cardinality(choices) >= 2)
    )
);
comment on table public.gig_requirements is
'What a seller asks the buyer after payment; the order starts once the required ones are answered.';
create index gig_requirements_gig_id_idx on public.gig_requirements (gig_id, position);

create table public.orders (
    id uuid primary key default gen_random_uuid(),
    buyer_id uuid not null references public.profiles (id) on delete restrict,
    seller_id uuid not null references public.seller_accounts (user_id) on delete restrict,
    gig_id uuid not null references public.gigs (id) on delete restrict,
    package_id uuid references public.gig_packages (id) on delete set null,
    tier public.package_tier not null,
    gig_title text not null,
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    package_price_cents integer not null check (package_price_cents > 0),
    extras_cents integer not null default 0 check (extras_cents >= 0),
    subtotal_cents integer not null,
    fee_bps integer not null check (fee_bps between 0 and 5000),
    fee_cents integer not null check (fee_cents >= 0),
    seller_net_cents integer not null check (seller_net_cents >= 0),
    refunded_cents integer not null default 0,
    fee_refunded_cents integer not null default 0 check (fee_refunded_cents >= 0),
    net_refunded_cents integer not null default 0 check (net_refunded_cents >= 0),
    delivery_days integer not null check (delivery_days > 0),
    revisions_included integer not null check (revisions_included >= 0),
    revisions_used integer not null default 0 check (revisions_used >= 0),
    status public.order_status not null default 'pending_payment',
    status_before_cancellation_request public.order_status,
    cancellation_requested_by public.order_actor,
    cancellation_requested_at timestamptz,
    dispute_opened_by public.order_actor,
    dispute_reason text check (char_length(dispute_reason) <= 2000),
    dispute_refund_cents integer check (dispute_refund_cents > 0),
    whop_checkout_id text unique,
    whop_payment_id text unique,
    checkout_expires_at timestamptz not null,
    paid_at timestamptz,
    started_at timestamptz,
    due_at timestamptz,
    late_at timestamptz,
    very_late_at timestamptz,
    delivered_at timestamptz,
    completed_at timestamptz,
    cancelled_at timestamptz,
    reviews_released_at timestamptz,
    attribution jsonb not null default '{}' check (jsonb_typeof(attribution) = 'object'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint buyer_is_not_the_seller check (buyer_id <> seller_id),
    constraint subtotal_adds_up check (subtotal_cents = package_price_cents + extras_cents),
    constraint fee_and_net_split_the_subtotal check (fee_cents + seller_net_cents = subtotal_cents),
    constraint refunds_within_payment check (
        refunded_cents between 0 and subtotal_cents
        and fee_refunded_cents <= fee_cents
        and net_refunded_cents <= seller_net_cents
        and fee_refunded_cents + net_refunded_cents = refunded_cents
    ),
    constraint revisions_within_allowance check (revisions_used <= revisions_included),
    constraint dispute_refund_within_payment check (dispute_refund_cents <= subtotal_cents)
);
comment on table public.orders is
'One purchase. Written only by definer functions; status moves only along private.order_transitions.';
create index orders_buyer_id_idx on public.orders (buyer_id, created_at desc);
create index orders_seller_id_idx on public.orders (seller_id, created_at desc);
create index orders_gig_id_idx on public.orders (gig_id);
create index orders_package_id_idx on public.orders (package_id);
-- The timers' work lists.
create index orders_awaiting_payment_idx on public.orders (checkout_expires_at)
where status = 'pending_payment';
create index orders_delivered_idx on public.orders (delivered_at)
where status = 'delivered';
create index orders_cancellation_requested_idx on public.orders (cancellation_requested_at)
where status = 'cancel_requested';
create index orders_due_idx on public.orders (due_at)
where status in ('in_progress', 'revision_requested') and very_late_at is null;
create index orders_reviews_pending_idx on public.orders (completed_at)
where status = 'completed' and reviews_released_at is null;

create table public.order_extras (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    extra_id uuid references public.gig_extras (id) on delete set null,
    title text not null,
    unit_price_cents integer not null check (unit_price_cents > 0),
    quantity integer not null check (quantity between 1 and 10),
    line_total_cents integer not null,
    extra_delivery_days integer not null check (extra_delivery_days >= 0),
    constraint line_total_adds_up check (line_total_cents = unit_price_cents * quantity)
);
create index order_extras_order_id_idx on public.order_extras (order_id);
create index order_extras_extra_id_idx on public.order_extras (extra_id);

create table public.order_requirement_answers (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    requirement_id uuid references public.gig_requirements (id) on delete set null,
    question text not null,
    kind public.requirement_kind not null,
    answer text not null check (char_length(answer) between 1 and 5000),
    answered_at timestamptz not null default now()
);
create index order_requirement_answers_order_id_idx on public.order_requirement_answers (order_id);
create index order_requirement_answers_requirement_id_idx
on public.order_requirement_answers (requirement_id);

create table public.order_deliveries (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    message text not null check (char_length(message) between 1 and 5000),
    files jsonb not null default '[]' check (
        jsonb_typeof(files) = 'array' and jsonb_array_length(files) <= 20
    ),
    delivered_by uuid not null references public.profiles (id) on delete restrict,
    created_at timestamptz not null default now()
);
create index order_deliveries_order_id_idx on public.order_deliveries (order_id, created_at);
create index order_deliveries_delivered_by_idx on public.order_deliveries (delivered_by);

create table public.order_messages (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    sender_id uuid not null default auth.uid() references public.profiles (id) on delete restrict,
    body text not null check (char_length(btrim(body)) between 1 and 5000),
    created_at timestamptz not null default now()
);
create index order_messages_order_id_idx on public.order_messages (order_id, created_at);
create index order_messages_sender_id_idx on public.order_messages (sender_id);

-- Append-only: one row per applied transition (and per late mark), never changed.
create table public.order_events (
    id bigint generated always as identity primary key,
    order_id uuid not null references public.orders (id) on delete cascade,
    actor public.order_actor not null,
    -- No foreign key: the log keeps who acted even after that account is gone (and an
    -- ON DELETE action would have to update an append-only row).
    actor_id uuid,
    action text not null,
    from_status public.order_status not null,
    to_status public.order_status not null,
    details jsonb not null default '{}',
    created_at timestamptz not null default now()
);
create index order_events_order_id_idx on public.order_events (order_id, id);

create table public.notifications (
    id bigint generated always as identity primary key,
    user_id uuid not null references public.profiles (id) on delete cascade,
    order_id uuid references public.orders (id) on delete cascade,
    kind text not null,
    body text not null,
    read_at timestamptz,
    created_at timestamptz not null default now()
);
create index notifications_user_id_idx on public.notifications (user_id, id desc);
create index notifications_order_id_idx on public.notifications (order_id);

-- Refund requests and Whop-confirmed refunds. Only succeeded rows move money; the order
-- keeps running totals that constraints hold within what was paid.
create table public.refunds (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete restrict,
    amount_cents integer not null check (amount_cents > 0),
    fee_refund_cents integer check (fee_refund_cents >= 0),
    net_refund_cents integer check (net_refund_cents >= 0),
    status public.refund_status not null default 'requested',
    reason text not null check (char_length(reason) between 1 and 500),
    whop_refund_id text unique,
    requested_by uuid references public.profiles (id) on delete set null,
    created_at timestamptz not null default now(),
    settled_at timestamptz,
    constraint succeeded_refunds_are_split check (
        status <> 'succeeded'
        or (fee_refund_cents + net_refund_cents = amount_cents and settled_at is not null)
    )
);
create index refunds_order_id_idx on public.refunds (order_id);
create index refunds_requested_by_idx on public.refunds (requested_by);
create index refunds_requested_idx on public.refunds (created_at) where status = 'requested';

create table public.reviews (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    reviewer_id uuid not null references public.profiles (id) on delete cascade,
    reviewee_id uuid not null references public.profiles (id) on delete cascade,
    reviewer_role public.order_actor not null check (reviewer_role in ('buyer', 'seller')),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    rating integer not null check (rating between 1 and 5),
    body text not null default '' check (char_length(body) <= 2000),
    created_at timestamptz not null default now(),
    released_at timestamptz,
    constraint one_review_per_side unique (order_id, reviewer_role)
);
comment on table public.reviews is
'Hidden until both sides reviewed or the release period passed; then public.';
create index reviews_reviewer_id_idx on public.reviews (reviewer_id);
create index reviews_reviewee_id_idx on public.reviews (reviewee_id);
create index reviews_gig_id_idx on public.reviews (gig_id);

-- Functions --------------------------------------------------------------------------

-- snapshot: functions/orders.sql
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

-- Policy helper: is the signed-in user the buyer or seller of this order (or an admin)?
-- Definer so that policies on tables hanging off orders stay one line and cheap.
create or replace function private.can_see_order(target_order_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1 from public.orders as o
        where o.id = target_order_id
            and (o.buyer_id = (select auth.uid()) or o.seller_id = (select auth.uid()))
    ) or (select private.is_admin())
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

-- The price breakdown a checkout shows. `extras` is a JSON array of
-- {"extra_id": uuid, "quantity": n}. Refuses (with the reason) a gig that is not for
-- sale, a seller who is not verified, a buyer who is the seller, unknown or repeated
-- extras, and quantities outside 1..max_quantity.
create or replace function private.quote(
    buyer_id uuid,
    target_gig_id uuid,
    target_tier public.package_tier,
    extras jsonb
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    gig public.gigs;
    package public.gig_packages;
    requested_extras jsonb := coalesce(extras, '[]'::jsonb);
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
    if gig.id is null then
        raise exception using errcode = 'P0002', message = format('gig %s does not exist', target_gig_id);
    end if;
    if gig.status <> 'published' then
        raise exception using
            errcode = '55000',
            message = format('gig %s is %s and cannot be bought', target_gig_id, gig.status);
    end if;
    if not exists (
        select 1 from public.seller_accounts as s
        where s.user_id = gig.seller_id and s.kyc_status = 'verified'
    ) then
        raise exception using
            errcode = 'GF001',
            message = format('the seller of gig %s has not passed identity verification', target_gig_id);
    end if;
    if buyer_id = gig.seller_id then
        raise exception using errcode = '22023', message = 'sellers cannot buy their own gig';
    end if;

    select p.* into package from public.gig_packages as p
    where p.gig_id = target_gig_id and p.tier = target_tier;
    if package.id is null then
        raise exception using
            errcode = 'P0002',
            message = format('gig %s has no %s package', target_gig_id, target_tier);
    end if;

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

    subtotal := package.price_cents + extras_total;
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

revoke execute on function private.quote(uuid, uuid, public.package_tier, jsonb)
from public, anon, authenticated;

-- The checkout's price breakdown for the signed-in buyer (or a visitor, who cannot be
-- the seller). The buyer pays total_cents; the platform keeps platform_fee_cents.
create or replace function public.quote_order(
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'
)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
    select private.quote((select auth.uid()), gig_id, tier, extras)
$$;

revoke execute on function public.quote_order(uuid, public.package_tier, jsonb)
from public, anon, authenticated;
grant execute on function public.quote_order(uuid, public.package_tier, jsonb)
to anon, authenticated, service_role;

-- Server only (the worker, when it creates the Whop checkout for a signed-in buyer):
-- the order is priced by private.quote and starts in pending_payment; only a verified
-- payment moves it on.
create or replace function public.create_pending_order(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]',
    attribution jsonb default '{}'
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
begin
    if buyer_id is null or not exists (select 1 from public.profiles as p where p.id = buyer_id) then
        raise exception using errcode = 'P0002', message = format('buyer %s does not exist', buyer_id);
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
        seller_net_cents, delivery_days, revisions_included, checkout_expires_at, attribution
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
        pg_catalog.now() + expires_after,
        coalesce(attribution, '{}'::jsonb)
    )
    returning * into created;

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

    return created;
end;
$$;

revoke execute on function public.create_pending_order(uuid, uuid, public.package_tier, jsonb, jsonb)
from public, anon, authenticated;
grant execute on function public.create_pending_order(uuid, uuid, public.package_tier, jsonb, jsonb)
to service_role;

-- Server only: remember the Whop checkout created for a pending order.
create or replace function public.attach_checkout(target_order_id uuid, whop_checkout_id text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    updated public.orders;
begin
    perform private.require_text(whop_checkout_id, 'whop_checkout_id', 100);
    update public.orders as o
    set whop_checkout_id = attach_checkout.whop_checkout_id
    where o.id = target_order_id
        and o.status = 'pending_payment'
        and (o.whop_checkout_id is null or o.whop_checkout_id = attach_checkout.whop_checkout_id)
    returning * into updated;
    if updated.id is null then
        raise exception using
            errcode = '55000',
            message = format('order %s is not a pending order without a checkout', target_order_id);
    end if;
    return updated;
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
-- end snapshot: functions/orders.sql

-- snapshot: functions/order_actions.sql
-- The order state machine. One function applies every action: it locks the order row,
-- finds the edge (from status, action, actor) in private.order_transitions, moves the
-- order, appends an event and notifies the other party. The RPCs below only work out who
-- is acting and validate their payload.

create or replace function private.notify(
    recipient_id uuid,
    about_order_id uuid,
    kind text,
    body text
)
returns void
language sql
security definer
set search_path = ''
as $$
    insert into public.notifications (user_id, order_id, kind, body)
    values (recipient_id, about_order_id, kind, body)
$$;

revoke execute on function private.notify(uuid, uuid, text, text) from public, anon, authenticated;

-- Who the signed-in user is on this order. Strangers get "not found", never a hint that
-- the order exists.
create or replace function private.order_actor(target_order_id uuid)
returns public.order_actor
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    user_id uuid := private.require_user();
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o where o.id = target_order_id;
    if found_order.buyer_id = user_id then
        return 'buyer'::public.order_actor;
    elsif found_order.seller_id = user_id then
        return 'seller'::public.order_actor;
    elsif found_order.id is not null and private.is_admin() then
        return 'admin'::public.order_actor;
    end if;
    raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
end;
$$;

revoke execute on function private.order_actor(uuid) from public, anon, authenticated;

-- Lock an order for a change, or say it does not exist.
create or replace function private.lock_order(target_order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    locked public.orders;
begin
    select o.* into locked from public.orders as o where o.id = target_order_id for update;
    if locked.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return locked;
end;
$$;

revoke execute on function private.lock_order(uuid) from public, anon, authenticated;

create or replace function private.apply_order_action(
    target_order_id uuid,
    requested_action public.order_action,
    acting_as public.order_actor,
    details jsonb default '{}'
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    before public.orders;
    after public.orders;
    edge private.order_transitions;
    next_status public.order_status;
    other_actors text;
    unrefunded integer;
begin
    before := private.lock_order(target_order_id);

    select t.* into edge
    from private.order_transitions as t
    where t.from_status = before.status and t.action = requested_action and t.actor = acting_as;

    if edge.action is null then
        select pg_catalog.string_agg(t.actor::text, ' or ' order by t.actor) into other_actors
        from private.order_transitions as t
        where t.from_status = before.status and t.action = requested_action;
        if other_actors is not null then
            raise exception using
                errcode = '42501',
                message = format(
                    'only the %s may %s order %s', other_actors,
                    pg_catalog.replace(requested_action::text, '_', ' '), target_order_id
                );
        end if;
        raise exception using
            errcode = '55000',
            message = format(
                'cannot %s order %s: it is %s',
                pg_catalog.replace(requested_action::text, '_', ' '), target_order_id, before.status
            );
    end if;

    if requested_action in ('accept_cancellation', 'decline_cancellation')
        and acting_as = before.cancellation_requested_by then
        raise exception using
            errcode = '55000',
            message = format(
                'order %s: the cancellation request must be answered by the other party',
                target_order_id
            );
    end if;
    if requested_action = 'request_revision' and before.revisions_used >= before.revisions_included then
        raise exception using
            errcode = '55000',
            message = format(
                'order %s has used all %s revisions of its package',
                target_order_id, before.revisions_included
            );
    end if;

    next_status := coalesce(edge.to_status, before.status_before_cancellation_request);

    update public.orders as o
    set status = next_status,
        paid_at = case when requested_action = 'pay' then pg_catalog.now() else o.paid_at end,
        started_at = case
            when next_status = 'in_progress' and o.started_at is null then pg_catalog.now()
            else o.started_at
        end,
        due_at = case
            when next_status = 'in_progress' and o.started_at is null
                then pg_catalog.now() + pg_catalog.make_interval(days => o.delivery_days)
            else o.due_at
        end,
        delivered_at = case when requested_action = 'deliver' then pg_catalog.now() else o.delivered_at end,
        revisions_used = o.revisions_used + (requested_action = 'request_revision')::integer,
        completed_at = case when next_status = 'completed' then pg_catalog.now() else o.completed_at end,
        cancelled_at = case when next_status = 'cancelled' then pg_catalog.now() else o.cancelled_at end,
        status_before_cancellation_request = case
            when requested_action = 'request_cancellation' then o.status
            when o.status = 'cancel_requested' then null
            else o.status_before_cancellation_request
        end,
        cancellation_requested_by = case
            when requested_action = 'request_cancellation' then acting_as
            when o.status = 'cancel_requested' then null
            else o.cancellation_requested_by
        end,
        cancellation_requested_at = case
            when requested_action = 'request_cancellation' then pg_catalog.now()
            when o.status = 'cancel_requested' then null
            else o.cancellation_requested_at
        end,
        dispute_opened_by = case when requested_action = 'open_dispute' then acting_as else o.dispute_opened_by end,
        dispute_reason = case
            when requested_action = 'open_dispute' then details ->> 'reason' else o.dispute_reason
        end
    where o.id = target_order_id
    returning * into after;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded; the worker
    -- carries out requested refunds through Whop and records the result.
    if next_status = 'cancelled' and before.paid_at is not null then
        select after.subtotal_cents - after.refunded_cents - coalesce(pg_catalog.sum(r.amount_cents), 0)
        into unrefunded
        from public.refunds as r
        where r.order_id = target_order_id and r.status = 'requested';
        if unrefunded > 0 then
            insert into public.refunds (order_id, amount_cents, reason, requested_by)
            values (target_order_id, unrefunded, 'order cancelled', auth.uid());
        end if;
    end if;

    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target_order_id, acting_as, auth.uid(), requested_action::text, before.status, next_status,
        coalesce(details, '{}'::jsonb)
    );

    if acting_as <> 'buyer' then
        perform private.notify(
            after.buyer_id, target_order_id, requested_action::text,
            format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
        );
    end if;
    if acting_as <> 'seller' then
        perform private.notify(
            after.seller_id, target_order_id, requested_action::text,
            format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
        );
    end if;

    return after;
end;
$$;

revoke execute on function private.apply_order_action(uuid, public.order_action, public.order_actor, jsonb)
from public, anon, authenticated;

-- Text a participant writes (messages, reasons): trimmed, 1..max characters.
create or replace function private.require_text(value text, field text, max_length integer)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
    if pg_catalog.char_length(pg_catalog.btrim(coalesce(value, ''))) not between 1 and max_length then
        raise exception using
            errcode = '22023',
            message = format('%s must be 1 to %s characters', field, max_length);
    end if;
    return pg_catalog.btrim(value);
end;
$$;

revoke execute on function private.require_text(text, text, integer) from public, anon, authenticated;

-- Buyer: answer the gig's questions. `answers` is a JSON array of
-- {"requirement_id": uuid, "answer": text}; every required question needs a non-empty
-- answer, a multiple-choice answer must be one of the choices. Answers are stored with
-- the question text as it was, and the order starts (due date set) in the same step.
create or replace function public.submit_requirements(order_id uuid, answers jsonb)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    target public.orders;
    missing text;
    bad_answer text;
begin
    select o.* into target from public.orders as o where o.id = submit_requirements.order_id for update;
    if acting_as <> 'buyer' then
        raise exception using errcode = '42501', message = 'only the buyer submits requirements';
    end if;
    if pg_catalog.jsonb_typeof(answers) is distinct from 'array'
        or pg_catalog.jsonb_array_length(answers) > 50
        or exists (
            select 1 from pg_catalog.jsonb_array_elements(answers) as item
            where pg_catalog.jsonb_typeof(item) <> 'object'
                or pg_catalog.jsonb_typeof(item -> 'answer') <> 'string'
                or (item ->> 'requirement_id') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        ) then
        raise exception using
            errcode = '22023',
            message = 'answers must be an array of {"requirement_id": uuid, "answer": string}';
    end if;

    select pg_catalog.string_agg(item ->> 'requirement_id', ', ') into bad_answer
    from pg_catalog.jsonb_array_elements(answers) as item
    left join public.gig_requirements as q
        on q.id = (item ->> 'requirement_id')::uuid and q.gig_id = target.gig_id
    where q.id is null
        or pg_catalog.char_length(item ->> 'answer') > 5000
        or (q.kind = 'multiple_choice' and not (item ->> 'answer') = any(q.choices));
    if bad_answer is not null then
        raise exception using
            errcode = '22023',
            message = format('answers to requirements %s are not valid for this gig', bad_answer);
    end if;
    if exists (
        select 1 from pg_catalog.jsonb_array_elements(answers) as item
        group by item ->> 'requirement_id' having pg_catalog.count(*) > 1
    ) then
        raise exception using errcode = '22023', message = 'each requirement may be answered once';
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_literal(q.question), ', ') into missing
    from public.gig_requirements as q
    where q.gig_id = target.gig_id
        and q.required
        and not exists (
            select 1 from pg_catalog.jsonb_array_elements(answers) as item
            where (item ->> 'requirement_id')::uuid = q.id
                and pg_catalog.btrim(item ->> 'answer') <> ''
        );
    if missing is not null then
        raise exception using errcode = '22023', message = format('required questions unanswered: %s', missing);
    end if;

    insert into public.order_requirement_answers (order_id, requirement_id, question, kind, answer)
    select target.id, q.id, q.question, q.kind, pg_catalog.btrim(item ->> 'answer')
    from pg_catalog.jsonb_array_elements(answers) as item
    join public.gig_requirements as q on q.id = (item ->> 'requirement_id')::uuid
    where pg_catalog.btrim(item ->> 'answer') <> '';

    return private.apply_order_action(target.id, 'submit_requirements', acting_as);
end;
$$;

-- Seller: start without waiting for the brief (the due date starts now).
create or replace function public.start_order(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'start_work', private.order_actor(order_id))
$$;

-- Seller: deliver. `files` are references to uploaded files (at most 20).
create or replace function public.deliver_order(order_id uuid, message text, files jsonb default '[]')
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    delivered public.orders;
    delivery_message text := private.require_text(message, 'message', 5000);
begin
    if pg_catalog.jsonb_typeof(coalesce(files, '[]'::jsonb)) <> 'array'
        or pg_catalog.jsonb_array_length(coalesce(files, '[]'::jsonb)) > 20 then
        raise exception using errcode = '22023', message = 'files must be an array of at most 20 references';
    end if;
    delivered := private.apply_order_action(
        order_id, 'deliver', acting_as, pg_catalog.jsonb_build_object('message', delivery_message)
    );
    insert into public.order_deliveries (order_id, message, files, delivered_by)
    values (delivered.id, delivery_message, coalesce(files, '[]'::jsonb), auth.uid());
    return delivered;
end;
$$;

-- Buyer: ask for changes, within the package's revision allowance.
create or replace function public.request_revision(order_id uuid, message text)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(
        order_id, 'request_revision', private.order_actor(order_id),
        pg_catalog.jsonb_build_object('message', private.require_text(message, 'message', 5000))
    )
$$;

create or replace function public.accept_delivery(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'accept_delivery', private.order_actor(order_id))
$$;

create or replace function public.request_cancellation(order_id uuid, reason text)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(
        order_id, 'request_cancellation', private.order_actor(order_id),
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    )
$$;

create or replace function public.accept_cancellation(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'accept_cancellation', private.order_actor(order_id))
$$;

create or replace function public.decline_cancellation(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'decline_cancellation', private.order_actor(order_id))
$$;

create or replace function public.open_dispute(order_id uuid, reason text)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(
        order_id, 'open_dispute', private.order_actor(order_id),
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    )
$$;

revoke execute on function public.submit_requirements(uuid, jsonb) from public, anon, authenticated;
revoke execute on function public.start_order(uuid) from public, anon, authenticated;
revoke execute on function public.deliver_order(uuid, text, jsonb) from public, anon, authenticated;
revoke execute on function public.request_revision(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_delivery(uuid) from public, anon, authenticated;
revoke execute on function public.request_cancellation(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.decline_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.open_dispute(uuid, text) from public, anon, authenticated;
grant execute on function public.submit_requirements(uuid, jsonb) to authenticated;
grant execute on function public.start_order(uuid) to authenticated;
grant execute on function public.deliver_order(uuid, text, jsonb) to authenticated;
grant execute on function public.request_revision(uuid, text) to authenticated;
grant execute on function public.accept_delivery(uuid) to authenticated;
grant execute on function public.request_cancellation(uuid, text) to authenticated;
grant execute on function public.accept_cancellation(uuid) to authenticated;
grant execute on function public.decline_cancellation(uuid) to authenticated;
grant execute on function public.open_dispute(uuid, text) to authenticated;

-- A message from one participant tells the other.
create or replace function private.notify_order_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = new.order_id;
    if new.sender_id <> target.buyer_id then
        perform private.notify(target.buyer_id, target.id, 'message', format('New message about %s', target.gig_title));
    end if;
    if new.sender_id <> target.seller_id then
        perform private.notify(target.seller_id, target.id, 'message', format('New message about %s', target.gig_title));
    end if;
    return null;
end;
$$;

revoke execute on function private.notify_order_message() from public, anon, authenticated;
-- end snapshot: functions/order_actions.sql

-- snapshot: functions/order_money.sql
-- Money after the quote: payments, refunds, dispute settlements, seller balances.
-- The system functions are for the worker (service role), which calls them with facts
-- Whop reported; each is idempotent on the Whop id, so a replayed webhook changes nothing.

-- A verified Whop payment: pending_payment -> awaiting_requirements. The amount must be
-- the order's total in its currency, or nothing is recorded.
create or replace function public.record_payment(
    target_order_id uuid,
    whop_payment_id text,
    amount_cents integer,
    currency text
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

    update public.orders as o set whop_payment_id = record_payment.whop_payment_id where o.id = target.id;
    return private.apply_order_action(
        target.id, 'pay', 'system', pg_catalog.jsonb_build_object('whop_payment_id', whop_payment_id)
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

-- A seller's money, derived from orders and refunds: pending (paid, not completed, or
-- completed within the clearance period) and available (completed and cleared), both net
-- of the platform fee and of refunds.
create or replace function public.seller_balance(seller_id uuid default null)
returns table (currency text, pending_cents bigint, available_cents bigint, refunded_cents bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    target_seller uuid := coalesce(seller_id, auth.uid());
    clearance interval;
begin
    if target_seller is distinct from auth.uid() and not private.is_admin() then
        raise exception using errcode = '42501', message = 'sellers see only their own balance';
    end if;
    select s.clearance_period into clearance from private.platform_settings as s;
    return query
    select
        o.currency,
        coalesce(pg_catalog.sum(o.seller_net_cents - o.net_refunded_cents) filter (
            where o.status not in ('completed', 'cancelled', 'refunded')
                or o.completed_at > pg_catalog.now() - clearance
        ), 0)::bigint,
        coalesce(pg_catalog.sum(o.seller_net_cents - o.net_refunded_cents) filter (
            where o.status = 'completed' and o.completed_at <= pg_catalog.now() - clearance
        ), 0)::bigint,
        coalesce(pg_catalog.sum(o.net_refunded_cents), 0)::bigint
    from public.orders as o
    where o.seller_id = target_seller and o.paid_at is not null
    group by o.currency;
end;
$$;

revoke execute on function public.record_payment(uuid, text, integer, text) from public, anon, authenticated;
revoke execute on function public.record_payment_failed(uuid, text) from public, anon, authenticated;
revoke execute on function private.refundable_cents(public.orders) from public, anon, authenticated;
revoke execute on function public.record_refund(uuid, text, integer, uuid) from public, anon, authenticated;
revoke execute on function public.record_refund_failed(uuid, text) from public, anon, authenticated;
revoke execute on function public.resolve_dispute(uuid, text, integer, text) from public, anon, authenticated;
revoke execute on function public.seller_balance(uuid) from public, anon, authenticated;
grant execute on function public.record_payment(uuid, text, integer, text) to service_role;
grant execute on function public.record_payment_failed(uuid, text) to service_role;
grant execute on function public.record_refund(uuid, text, integer, uuid) to service_role;
grant execute on function public.record_refund_failed(uuid, text) to service_role;
grant execute on function public.resolve_dispute(uuid, text, integer, text) to authenticated;
grant execute on function public.seller_balance(uuid) to authenticated, service_role;
-- end snapshot: functions/order_money.sql

-- snapshot: functions/reviews.sql
-- Reviews: one per side per completed order, hidden until both sides have reviewed or
-- the release period has passed, so neither side can retaliate. Released buyer reviews
-- feed the gig's and the seller's rating, which search ranks by.

create or replace function private.refresh_ratings(target_gig_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
    update public.gigs as g
    set rating_avg = coalesce(stats.average, 0), rating_count = stats.reviews
    from (
        select pg_catalog.round(pg_catalog.avg(r.rating), 2) as average, pg_catalog.count(*)::integer as reviews
        from public.reviews as r
        where r.gig_id = target_gig_id and r.reviewer_role = 'buyer' and r.released_at is not null
    ) as stats
    where g.id = target_gig_id;

    update public.seller_accounts as s
    set rating_avg = coalesce(stats.average, 0), rating_count = stats.reviews
    from (
        select pg_catalog.round(pg_catalog.avg(r.rating), 2) as average, pg_catalog.count(*)::integer as reviews
        from public.reviews as r
        where r.reviewee_id = (select g.seller_id from public.gigs as g where g.id = target_gig_id)
            and r.reviewer_role = 'buyer' and r.released_at is not null
    ) as stats
    where s.user_id = (select g.seller_id from public.gigs as g where g.id = target_gig_id);
$$;

revoke execute on function private.refresh_ratings(uuid) from public, anon, authenticated;

-- Publish an order's reviews (both, or the one that exists) and refresh the ratings.
create or replace function private.release_reviews(target_order_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
    released_gig_id uuid;
begin
    update public.orders as o
    set reviews_released_at = pg_catalog.now()
    where o.id = target_order_id and o.reviews_released_at is null
    returning o.gig_id into released_gig_id;
    if released_gig_id is null then
        return;
    end if;
    update public.reviews as r
    set released_at = pg_catalog.now()
    where r.order_id = target_order_id and r.released_at is null;
    perform private.refresh_ratings(released_gig_id);
end;
$$;

revoke execute on function private.release_reviews(uuid) from public, anon, authenticated;

create or replace function public.submit_review(order_id uuid, rating integer, body text default '')
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    target public.orders;
    written public.reviews;
begin
    if acting_as not in ('buyer', 'seller') then
        raise exception using errcode = '42501', message = 'only the buyer and the seller review an order';
    end if;
    if rating is null or rating not between 1 and 5 then
        raise exception using errcode = '22023', message = 'rating must be 1 to 5 stars';
    end if;
    if pg_catalog.char_length(coalesce(body, '')) > 2000 then
        raise exception using errcode = '22023', message = 'a review is at most 2000 characters';
    end if;

    select o.* into target from public.orders as o where o.id = submit_review.order_id for update;
    if target.status <> 'completed' or target.reviews_released_at is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s cannot be reviewed: it is %s%s', order_id, target.status,
                case when target.reviews_released_at is not null then ' and its review period is over' else '' end);
    end if;

    insert into public.reviews (order_id, reviewer_id, reviewee_id, reviewer_role, gig_id, rating, body)
    values (
        target.id,
        auth.uid(),
        case when acting_as = 'buyer' then target.seller_id else target.buyer_id end,
        acting_as,
        target.gig_id,
        rating,
        coalesce(pg_catalog.btrim(body), '')
    )
    on conflict on constraint one_review_per_side do nothing
    returning * into written;
    if written.id is null then
        raise exception using
            errcode = '23505',
            message = format('the %s has already reviewed order %s', acting_as, order_id);
    end if;

    if (select pg_catalog.count(*) from public.reviews as r where r.order_id = target.id) = 2 then
        perform private.release_reviews(target.id);
        select r.* into written from public.reviews as r where r.id = written.id;
    end if;
    perform private.notify(
        case when acting_as = 'buyer' then target.seller_id else target.buyer_id end,
        target.id, 'review', format('%s: the %s left a review', target.gig_title, acting_as)
    );
    return written;
end;
$$;

revoke execute on function public.submit_review(uuid, integer, text) from public, anon, authenticated;
grant execute on function public.submit_review(uuid, integer, text) to authenticated;
-- end snapshot: functions/reviews.sql

-- snapshot: functions/order_timers.sql
-- Timers: everything that happens because time passed. One function, called by the worker
-- on a schedule (or by pg_cron). Each step claims its rows with FOR UPDATE SKIP LOCKED,
-- so concurrent runs split the work instead of doing it twice, and each step's condition
-- is the state itself, so running again does nothing new. `as_of` lets tests move time.

create or replace function public.run_due_timers(
    as_of timestamptz default now(), batch_size integer default 500
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    settings private.platform_settings;
    due_order record;
    checkouts_expired integer := 0;
    auto_completed integer := 0;
    cancellations_applied integer := 0;
    marked_late integer := 0;
    marked_very_late integer := 0;
    reviews_released integer := 0;
begin
    if batch_size is null or batch_size not between 1 and 10000 then
        raise exception using errcode = '22023', message = 'batch_size must be between 1 and 10000';
    end if;
    select s.* into settings from private.platform_settings as s;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'pending_payment' and o.checkout_expires_at <= as_of
        order by o.checkout_expires_at limit batch_size
        for update skip locked
    loop
        perform private.apply_order_action(due_order.id, 'expire_checkout', 'system');
        checkouts_expired := checkouts_expired + 1;
    end loop;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'delivered' and o.delivered_at <= as_of - settings.auto_complete_after
        order by o.delivered_at limit batch_size
        for update skip locked
    loop
        perform private.apply_order_action(due_order.id, 'auto_complete', 'system');
        auto_completed := auto_completed + 1;
    end loop;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'cancel_requested'
            and o.cancellation_requested_at <= as_of - settings.cancellation_request_expires_after
        order by o.cancellation_requested_at limit batch_size
        for update skip locked
    loop
        perform private.apply_order_action(due_order.id, 'expire_cancellation_request', 'system');
        cancellations_applied := cancellations_applied + 1;
    end loop;

    for due_order in
        select o.id, o.buyer_id, o.seller_id, o.gig_title, o.status,
            o.due_at <= as_of - settings.very_late_after as very_late
        from public.orders as o
        where o.status in ('in_progress', 'revision_requested')
            and o.very_late_at is null
            and o.due_at <= as_of
            and (o.late_at is null or o.due_at <= as_of - settings.very_late_after)
        order by o.due_at limit batch_size
        for update skip locked
    loop
        update public.orders as o
        set late_at = coalesce(o.late_at, pg_catalog.now()),
            very_late_at = case when due_order.very_late then pg_catalog.now() end
        where o.id = due_order.id;
        insert into public.order_events (order_id, actor, action, from_status, to_status)
        values (
            due_order.id, 'system', case when due_order.very_late then 'mark_very_late' else 'mark_late' end,
            due_order.status, due_order.status
        );
        perform private.notify(due_order.buyer_id, due_order.id, 'late',
            format('%s is past its due date', due_order.gig_title));
        perform private.notify(due_order.seller_id, due_order.id, 'late',
            format('%s is past its due date: deliver as soon as you can', due_order.gig_title));
        if due_order.very_late then
            marked_very_late := marked_very_late + 1;
        else
            marked_late := marked_late + 1;
        end if;
    end loop;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'completed' and o.reviews_released_at is null
            and o.completed_at <= as_of - settings.reviews_released_after
        order by o.completed_at limit batch_size
        for update skip locked
    loop
        perform private.release_reviews(due_order.id);
        reviews_released := reviews_released + 1;
    end loop;

    return pg_catalog.jsonb_build_object(
        'checkouts_expired', checkouts_expired,
        'auto_completed', auto_completed,
        'cancellation_requests_applied', cancellations_applied,
        'marked_late', marked_late,
        'marked_very_late', marked_very_late,
        'reviews_released', reviews_released
    );
end;
$$;

revoke execute on function public.run_due_timers(timestamptz, integer) from public, anon, authenticated;
grant execute on function public.run_due_timers(timestamptz, integer) to service_role;
-- end snapshot: functions/order_timers.sql

-- Triggers -----------------------------------------------------------------------------

create trigger orders_touch_updated_at
before update on public.orders
for each row execute function private.touch_updated_at();

create trigger gig_requirements_touch_updated_at
before update on public.gig_requirements
for each row execute function private.touch_updated_at();

create trigger order_messages_notify
after insert on public.order_messages
for each row execute function private.notify_order_message();

create trigger order_events_are_append_only
before update or delete on public.order_events
for each row execute function private.refuse_change();

-- Row level security and grants --------------------------------------------------------

alter table public.gig_requirements enable row level security;
alter table public.orders enable row level security;
alter table public.order_extras enable row level security;
alter table public.order_requirement_answers enable row level security;
alter table public.order_deliveries enable row level security;
alter table public.order_messages enable row level security;
alter table public.order_events enable row level security;
alter table public.notifications enable row level security;
alter table public.refunds enable row level security;
alter table public.reviews enable row level security;

revoke all on public.gig_requirements, public.orders, public.order_extras,
public.order_requirement_answers, public.order_deliveries, public.order_messages,
public.order_events, public.notifications, public.refunds, public.reviews
from anon, authenticated;
grant all on public.gig_requirements, public.orders, public.order_extras,
public.order_requirement_answers, public.order_deliveries, public.order_messages,
public.order_events, public.notifications, public.refunds, public.reviews
to service_role;

grant select on public.gig_requirements, public.reviews to anon, authenticated;
grant select on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds to authenticated;
grant insert (gig_id, position, question, kind, choices, required)
on public.gig_requirements to authenticated;
grant update (position, question, kind, choices, required) on public.gig_requirements
to authenticated;
grant delete on public.gig_requirements to authenticated;
grant insert (order_id, body) on public.order_messages to authenticated;
grant update (read_at) on public.notifications to authenticated;

-- Participants get live updates; Realtime applies the same RLS before sending a change.
alter publication supabase_realtime add table public.orders, public.order_messages,
public.notifications;

-- snapshot: policies/orders.sql
-- Orders and everything hanging off them: the buyer, the seller and admins see them;
-- nobody else does, and nobody writes them directly: the order functions do.

create policy "participants read their orders"
on public.orders
for select
to authenticated
using (
    buyer_id = (select auth.uid())
    or seller_id = (select auth.uid())
    or (select private.is_admin())
);

create policy "participants read their order extras"
on public.order_extras
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their requirement answers"
on public.order_requirement_answers
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their deliveries"
on public.order_deliveries
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their order events"
on public.order_events
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their refunds"
on public.refunds
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their order messages"
on public.order_messages
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants send messages on their orders"
on public.order_messages
for insert
to authenticated
with check (sender_id = (select auth.uid()) and private.can_see_order(order_id));

create policy "users read their notifications"
on public.notifications
for select
to authenticated
using (user_id = (select auth.uid()));

create policy "users mark their notifications read"
on public.notifications
for update
to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- Questions are public with their gig; a buyer keeps seeing them for gigs they ordered.
create policy "requirements are visible with their gig"
on public.gig_requirements
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_requirements.gig_id
));

create policy "buyers read the requirements of gigs they ordered"
on public.gig_requirements
for select
to authenticated
using (
    exists (
        select 1 from public.orders as o
        where o.gig_id = gig_requirements.gig_id and o.buyer_id = (select auth.uid())
    )
);

create policy "sellers add requirements to their gigs"
on public.gig_requirements
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit requirements of their gigs"
on public.gig_requirements
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete requirements of their gigs"
on public.gig_requirements
for delete
to authenticated
using (private.sells_gig(gig_id));

-- Released reviews are public; before release only their author sees them.
create policy "anyone reads released reviews"
on public.reviews
for select
to anon, authenticated
using (released_at is not null);

create policy "reviewers read their own reviews"
on public.reviews
for select
to authenticated
using (reviewer_id = (select auth.uid()));
-- end snapshot: policies/orders.sql
