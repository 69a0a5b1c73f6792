-- Baseline: the whole schema as of 2026-11-29, squashed from the sixteen migrations
-- before it (20261125000100 to 20261125001700), which no database outside tests had
-- applied. It is the current sources of that day in the order supabase/config.toml
-- builds them (schema_paths); each part names its source. From here on a migration
-- carries only what changed (`make migration`), and this file is never edited again.

-- source: supabase/schemas/foundation.sql -------------------------------------------------------

-- The private schema: policy helpers, trigger functions, settings and secrets. The API
-- exposes only public (config.toml, [api] schemas), so nothing here is reachable over
-- REST; the API roles hold USAGE only so that policies may call the helpers.
--
-- Grants everywhere: Supabase projects differ (older ones give the API roles ALL on
-- every new object in public, newer ones nothing), so every object starts from a revoke
-- and gets exactly the privileges each role needs.

create schema private;
comment on schema private is
'GigFlow internals: policy helpers, trigger functions. Not exposed by the API.';
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

-- source: functions/private_helpers.sql ---------------------------------------------------------

-- Helpers shared by policies, constraints and RPCs. They live in `private`, which the
-- API does not expose; policies may call them because the API roles hold USAGE on it.

-- Admins are named only by app_metadata, which users cannot edit (GoTrue writes it from
-- the service role), and the worker acts as admin when it runs as service_role.
create or replace function private.is_admin()
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce((select auth.jwt()) -> 'app_metadata' ->> 'user_role', '') = 'admin'
        or coalesce((select auth.role()), '') = 'service_role'
$$;

revoke execute on function private.is_admin() from public, anon, authenticated;
grant execute on function private.is_admin() to anon, authenticated, service_role;

-- The signed-in user, or an error a client can act on: every RPC that acts for a user
-- needs one, and a missing identity must never read as "nobody owns this".
create or replace function private.require_user()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
    user_id uuid := auth.uid();
begin
    if user_id is null then
        raise exception using
            errcode = '42501',
            message = 'sign in required',
            hint = 'Call this function with a user access token.';
    end if;
    return user_id;
end;
$$;

revoke execute on function private.require_user() from public, anon, authenticated;
grant execute on function private.require_user() to authenticated, service_role;

-- Generated columns and check constraints need immutable functions; array_to_string
-- is only stable, so the tag list gets its own immutable flattening.
create or replace function private.tags_text(tags text[])
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
    select coalesce(pg_catalog.array_to_string(tags, ' '), '')
$$;

create or replace function private.tags_are_valid(tags text[])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
    select coalesce(pg_catalog.bool_and(tag ~ '^[a-z0-9][a-z0-9 +#.-]{0,29}$'), true)
    from pg_catalog.unnest(tags) as tag
$$;

revoke execute on function private.tags_text(text[]) from public, anon, authenticated;
revoke execute on function private.tags_are_valid(text[]) from public, anon, authenticated;
grant execute on function private.tags_text(text[]) to anon, authenticated, service_role;
grant execute on function private.tags_are_valid(text[]) to anon, authenticated, service_role;

create or replace function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.updated_at := pg_catalog.now();
    return new;
end;
$$;

revoke execute on function private.touch_updated_at() from public, anon, authenticated;

-- source: supabase/schemas/profiles.sql ---------------------------------------------------------

-- Who a user is (profiles, created by a trigger on auth.users: functions/profiles.sql)
-- and whether they may sell (seller accounts). Policies: policies/profiles.sql.

-- buyer: default; seller: has a seller account; admin: named in app_metadata.
create type public.user_role as enum ('buyer', 'seller', 'admin');

-- unstarted -> pending (Whop verification under way) -> verified | failed.
create type public.kyc_status as enum ('unstarted', 'pending', 'verified', 'failed');

create table public.profiles (
    id uuid primary key references auth.users (id) on delete cascade,
    username text not null unique check (username ~ '^[a-z0-9_]{3,30}$'),
    display_name text not null check (char_length(display_name) between 1 and 80),
    avatar_url text check (char_length(avatar_url) <= 2048),
    bio text not null default '' check (char_length(bio) <= 2000),
    role public.user_role not null default 'buyer',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.profiles is
'Public identity of every user, created by a trigger on auth.users.';

create table public.seller_accounts (
    user_id uuid primary key references public.profiles (id) on delete cascade,
    headline text not null default '' check (char_length(headline) <= 120),
    kyc_status public.kyc_status not null default 'unstarted',
    kyc_updated_at timestamptz,
    whop_company_id text unique check (char_length(whop_company_id) between 1 and 64),
    payout_enabled boolean not null default false,
    rating_avg numeric(3, 2) not null default 0 check (rating_avg between 0 and 5),
    rating_count integer not null default 0 check (rating_count >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint payouts_need_verified_connected_company check (
        not payout_enabled or (kyc_status = 'verified' and whop_company_id is not null)
    )
);
comment on table public.seller_accounts is
'One per seller. KYC, Whop company and payout state change only through server functions.';

create trigger profiles_touch_updated_at
before update on public.profiles
for each row execute function private.touch_updated_at();

create trigger seller_accounts_touch_updated_at
before update on public.seller_accounts
for each row execute function private.touch_updated_at();

alter table public.profiles enable row level security;
alter table public.seller_accounts enable row level security;

revoke all on public.profiles, public.seller_accounts from anon, authenticated;
grant all on public.profiles, public.seller_accounts to service_role;
grant select on public.profiles to anon, authenticated;
grant select on public.seller_accounts to authenticated;
-- Users edit their own public face; role, KYC and payout state are the server's.
grant update (username, display_name, avatar_url, bio) on public.profiles to authenticated;
grant update (headline) on public.seller_accounts to authenticated;

-- source: supabase/schemas/catalog.sql ----------------------------------------------------------

-- The catalog: categories, gigs, their packages and extras, and the questions a seller
-- asks a buyer. Moderation, the KYC gate and the summary columns search reads are rules
-- in functions/gigs.sql; who reads and writes what is in policies/catalog.sql and
-- policies/orders.sql (requirements).

-- draft -> review (seller submits) -> published | rejected (admin);
-- published <-> paused (seller; the platform pauses on KYC loss);
-- published or paused -> review (an edit of the listing).
create type public.gig_status as enum ('draft', 'review', 'published', 'paused', 'rejected');

create type public.package_tier as enum ('basic', 'standard', 'premium');

create type public.gig_sort as enum ('relevance', 'price_low', 'price_high', 'rating', 'newest');

create type public.requirement_kind as enum ('free_text', 'multiple_choice', 'attachment');

create table public.categories (
    id bigint generated always as identity primary key,
    slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
    name text not null check (char_length(name) between 1 and 80),
    parent_id bigint references public.categories (id) on delete restrict,
    position integer not null default 0,
    constraint category_is_not_its_own_parent check (parent_id <> id)
);
create index categories_parent_id_idx on public.categories (parent_id);

create table public.gigs (
    id uuid primary key default gen_random_uuid(),
    seller_id uuid not null default auth.uid()
    references public.seller_accounts (user_id) on delete cascade,
    category_id bigint not null references public.categories (id) on delete restrict,
    title text not null check (char_length(title) between 10 and 120),
    description text not null default '' check (char_length(description) <= 10000),
    tags text[] not null default '{}' check (
        cardinality(tags) <= 10 and private.tags_are_valid(tags)
    ),
    currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    status public.gig_status not null default 'draft',
    rejection_reason text check (char_length(rejection_reason) <= 500),
    paused_by_platform boolean not null default false,
    published_at timestamptz,
    -- Kept by a trigger on gig_packages: what search filters and sorts on.
    starting_price_cents integer check (starting_price_cents > 0),
    fastest_delivery_days integer check (fastest_delivery_days > 0),
    rating_avg numeric(3, 2) not null default 0 check (rating_avg between 0 and 5),
    rating_count integer not null default 0 check (rating_count >= 0),
    -- Bayesian average (prior: 4 stars worth 5 reviews), so one 5-star review does not
    -- outrank a hundred 4.9s.
    quality_score numeric(6, 4) generated always as (
        round((rating_avg * rating_count + 20) / (rating_count + 5), 4)
    ) stored,
    search_vector tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, private.tags_text(tags)), 'B')
        || setweight(to_tsvector('english'::regconfig, description), 'C')
    ) stored,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint gigs_id_currency_key unique (id, currency),
    constraint published_gigs_have_a_price check (
        status <> 'published' or (starting_price_cents is not null and published_at is not null)
    )
);
comment on table public.gigs is
'A seller''s service. Status moves only through the moderation functions; see gig_status.';
create index gigs_seller_id_idx on public.gigs (seller_id);
create index gigs_category_id_idx on public.gigs (category_id);
create index gigs_status_idx on public.gigs (status);
-- Search: every index is partial on published gigs, the only ones search returns.
create index gigs_published_search_idx on public.gigs using gin (search_vector)
where status = 'published';
-- A common word is ranked among the best gigs by quality; price, delivery time and
-- rating ride along as trailing keys so a filter is checked in the index and only the
-- gigs that pass it are fetched to test the word (at a million gigs, a word under $100
-- fetched about 28,000 gigs without them and 2,600 with them).
create index gigs_published_quality_filters_idx on public.gigs (
    quality_score, id, starting_price_cents, fastest_delivery_days, rating_avg
)
where status = 'published';
create index gigs_published_price_idx on public.gigs (starting_price_cents, id)
where status = 'published';
create index gigs_published_rating_idx on public.gigs (rating_avg, id)
where status = 'published';
create index gigs_published_newest_idx on public.gigs (published_at, id)
where status = 'published';

create table public.gig_packages (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null,
    tier public.package_tier not null,
    title text not null check (char_length(title) between 1 and 60),
    description text not null default '' check (char_length(description) <= 1000),
    price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    delivery_days integer not null check (delivery_days between 1 and 90),
    revisions_included integer not null default 1 check (revisions_included between 0 and 20),
    features text[] not null default '{}' check (cardinality(features) <= 20),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint one_package_per_tier unique (gig_id, tier),
    -- A package is priced in its gig's currency.
    constraint gig_packages_gig_currency_fkey foreign key (gig_id, currency)
    references public.gigs (id, currency) on delete cascade
);
create index gig_packages_gig_id_currency_idx on public.gig_packages (gig_id, currency);

create table public.gig_extras (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null,
    title text not null check (char_length(title) between 1 and 80),
    description text not null default '' check (char_length(description) <= 500),
    price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    extra_delivery_days integer not null default 0 check (extra_delivery_days between 0 and 30),
    max_quantity integer not null default 1 check (max_quantity between 1 and 10),
    position integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint gig_extras_gig_currency_fkey foreign key (gig_id, currency)
    references public.gigs (id, currency) on delete cascade
);
create index gig_extras_gig_id_currency_idx on public.gig_extras (gig_id, currency);

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

create trigger gigs_touch_updated_at
before update on public.gigs
for each row execute function private.touch_updated_at();

create trigger gig_packages_touch_updated_at
before update on public.gig_packages
for each row execute function private.touch_updated_at();

create trigger gig_extras_touch_updated_at
before update on public.gig_extras
for each row execute function private.touch_updated_at();

create trigger gig_requirements_touch_updated_at
before update on public.gig_requirements
for each row execute function private.touch_updated_at();

alter table public.categories enable row level security;
alter table public.gigs enable row level security;
alter table public.gig_packages enable row level security;
alter table public.gig_extras enable row level security;
alter table public.gig_requirements enable row level security;

revoke all on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements from anon, authenticated;
grant all on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements to service_role;
grant select on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements to anon, authenticated;

-- Sellers write their listings column by column: status, prices of record, ratings and
-- the search columns are the server's.
grant insert (id, seller_id, category_id, title, description, tags, currency)
on public.gigs to authenticated;
grant update (category_id, title, description, tags) on public.gigs to authenticated;
grant delete on public.gigs to authenticated;
grant insert (
    id, gig_id, tier, title, description, price_cents, currency, delivery_days,
    revisions_included, features
) on public.gig_packages to authenticated;
grant update (title, description, price_cents, delivery_days, revisions_included, features)
on public.gig_packages to authenticated;
grant delete on public.gig_packages to authenticated;
grant insert (
    id, gig_id, title, description, price_cents, currency, extra_delivery_days,
    max_quantity, position
) on public.gig_extras to authenticated;
grant update (title, description, price_cents, extra_delivery_days, max_quantity, position)
on public.gig_extras to authenticated;
grant delete on public.gig_extras to authenticated;
grant insert (gig_id, position, question, kind, choices, required)
on public.gig_requirements to authenticated;
grant update (position, question, kind, choices, required) on public.gig_requirements
to authenticated;
grant delete on public.gig_requirements to authenticated;

-- source: supabase/schemas/settings.sql ---------------------------------------------------------

-- Platform settings: one row, changed only by service-role functions
-- (set_platform_fee_bps, set_clearance_period). Orders copy the fee at purchase time, so
-- a change never reprices an existing order.

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
revoke all on private.platform_settings from public, anon, authenticated;

-- The row must exist; its values are the operator's once set, so an existing row stays.
insert into private.platform_settings default values
on conflict (singleton) do nothing;

-- source: supabase/schemas/orders.sql -----------------------------------------------------------

-- Orders: the state machine as data, the order and everything hanging off it. Clients
-- never write an order: no INSERT/UPDATE/DELETE privilege on any order table except
-- their own messages and the read flag of their notifications. Every change goes through
-- a definer function (functions/order_actions.sql) that locks the order row, checks the
-- actor against private.order_transitions and appends an event. Who reads what:
-- policies/orders.sql.

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

create type public.refund_status as enum ('requested', 'succeeded', 'failed');

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

-- Every edge, and only these: applied to any database, this leaves exactly this list.
with edges (from_status, action, actor, to_status) as (
    values
    ('pending_payment', 'pay', 'system', 'awaiting_requirements'),
    ('pending_payment', 'fail_payment', 'system', 'cancelled'),
    ('pending_payment', 'expire_checkout', 'system', 'cancelled'),
    -- A payment that arrives after the order was cancelled unpaid is recorded (and, by
    -- the rule that a paid order ending cancelled is refunded, refunded in full).
    ('cancelled', 'pay', 'system', 'cancelled'),
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
    -- A chargeback opened at Whop freezes the order like a dispute between the parties.
    ('awaiting_requirements', 'open_dispute', 'system', 'disputed'),
    ('in_progress', 'open_dispute', 'system', 'disputed'),
    ('delivered', 'open_dispute', 'system', 'disputed'),
    ('revision_requested', 'open_dispute', 'system', 'disputed'),
    ('completed', 'open_dispute', 'system', 'disputed'),
    ('cancel_requested', 'open_dispute', 'system', 'disputed'),
    ('disputed', 'resolve_dispute_completed', 'admin', 'completed'),
    ('disputed', 'settle_dispute_refund', 'system', 'completed'),
    ('awaiting_requirements', 'refund_in_full', 'system', 'refunded'),
    ('in_progress', 'refund_in_full', 'system', 'refunded'),
    ('delivered', 'refund_in_full', 'system', 'refunded'),
    ('revision_requested', 'refund_in_full', 'system', 'refunded'),
    ('completed', 'refund_in_full', 'system', 'refunded'),
    ('cancel_requested', 'refund_in_full', 'system', 'refunded'),
    ('disputed', 'refund_in_full', 'system', 'refunded')
),

typed_edges as (
    select
        from_status::public.order_status as from_status,
        action::public.order_action as action,
        actor::public.order_actor as actor,
        to_status::public.order_status as to_status
    from edges
),

removed as (
    delete from private.order_transitions as t
    where not exists (
            select 1 from typed_edges as e
            where (e.from_status, e.action, e.actor) = (t.from_status, t.action, t.actor)
        )
)

insert into private.order_transitions (from_status, action, actor, to_status)
select
    from_status,
    action,
    actor,
    to_status
from typed_edges
on conflict (from_status, action, actor) do update set to_status = excluded.to_status;

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
    -- When the worker finished removing the files of an order cancelled before delivery.
    files_removed_at timestamptz,
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
-- The worker's pass over files to remove: the orders still to clear.
create index orders_files_to_remove_idx on public.orders (cancelled_at)
where status = 'cancelled' and delivered_at is null and files_removed_at is null;

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
    -- When the worker sent a requested refund to Whop (it is sent once, never again).
    submitted_at timestamptz,
    constraint succeeded_refunds_are_split check (
        status <> 'succeeded'
        or (fee_refund_cents + net_refund_cents = amount_cents and settled_at is not null)
    )
);
create index refunds_order_id_idx on public.refunds (order_id);
create index refunds_requested_by_idx on public.refunds (requested_by);
create index refunds_requested_idx on public.refunds (created_at) where status = 'requested';
create index refunds_to_submit_idx on public.refunds (created_at)
where status = 'requested' and submitted_at is null;

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

create trigger orders_touch_updated_at
before update on public.orders
for each row execute function private.touch_updated_at();

alter table public.orders enable row level security;
alter table public.order_extras enable row level security;
alter table public.order_requirement_answers enable row level security;
alter table public.order_deliveries enable row level security;
alter table public.order_messages enable row level security;
alter table public.order_events enable row level security;
alter table public.notifications enable row level security;
alter table public.refunds enable row level security;
alter table public.reviews enable row level security;

revoke all on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.reviews
from anon, authenticated;
grant all on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.reviews
to service_role;

grant select on public.reviews to anon, authenticated;
grant select on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds to authenticated;
grant insert (order_id, body) on public.order_messages to authenticated;
grant update (read_at) on public.notifications to authenticated;

-- Participants get live updates; Realtime applies the same RLS before sending a change.
alter publication supabase_realtime add table public.orders, public.order_messages,
public.notifications;

-- source: supabase/schemas/webhooks.sql ---------------------------------------------------------

-- The Whop webhook inbox and reconciliation's watermark. The worker verifies a
-- delivery's signature, stores it here (unique by webhook id) and only then answers 2xx;
-- processing happens from the inbox (functions/webhooks.sql), each event in its own
-- subtransaction, retried with backoff until it succeeds. Reconciliation
-- (functions/reconciliation.sql) asks Whop about what webhooks may have missed.

-- received -> processed | ignored (not ours / nothing to do) | unsupported (a payload
-- shape we do not read) | waiting (depends on an event not yet seen) | failed (handler
-- error, retried with backoff); waiting and failed go back through processing.
create type public.whop_event_status as enum (
    'received', 'processed', 'ignored', 'unsupported', 'waiting', 'failed'
);

create table public.whop_events (
    id bigint generated always as identity primary key,
    webhook_id text not null unique check (char_length(webhook_id) between 1 and 200),
    event_type text not null check (char_length(event_type) between 1 and 100),
    payload jsonb not null check (jsonb_typeof(payload) = 'object'),
    status public.whop_event_status not null default 'received',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    received_at timestamptz not null default now(),
    processed_at timestamptz
);
comment on table public.whop_events is
'Every verified Whop webhook delivery, kept at least 30 days for dedup; admin-only.';
create index whop_events_due_idx on public.whop_events (next_attempt_at)
where status in ('received', 'waiting', 'failed');
-- What a waiting refund or dispute waits for: its payment.
create index whop_events_waiting_payment_idx
on public.whop_events ((payload -> 'data' -> 'payment' ->> 'id'))
where status = 'waiting';

alter table public.whop_events enable row level security;
revoke all on public.whop_events from anon, authenticated;
grant all on public.whop_events to service_role;
grant select on public.whop_events to authenticated;

-- When reconciliation last asked Whop about each open item: several workers share the
-- work (claim_reconciliation_work) and nothing is asked about twice in one interval.
create table private.whop_checks (
    kind text not null check (kind in ('payment', 'refund', 'kyc', 'withdrawal')),
    subject text not null check (char_length(subject) between 1 and 100),
    checked_at timestamptz not null default now(),
    constraint whop_checks_pkey primary key (kind, subject)
);
comment on table private.whop_checks is
'When reconciliation last asked Whop about an open payment, refund or KYC check.';
revoke all on private.whop_checks from public, anon, authenticated;

-- source: supabase/schemas/files.sql ------------------------------------------------------------

-- Order files in Supabase Storage. Buckets and which objects a brief or a delivery
-- cites; who may upload and read what is in policies/storage.sql, the checks and the
-- evidence rule in functions/files.sql.

-- Buckets: size limits and MIME types that fit each use. Idempotent, so it also settles
-- buckets made by hand in the dashboard.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
(
    'order-files', 'order-files', false, 52428800,
    array[
        'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml',
        'application/pdf', 'application/zip', 'text/plain', 'text/csv', 'video/mp4',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation'
    ]
),
(
    'gig-media', 'gig-media', true, 10485760,
    array['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4']
),
('avatars', 'avatars', true, 2097152, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update
    set
        name = excluded.name,
        public = excluded.public,
        file_size_limit = excluded.file_size_limit,
        allowed_mime_types = excluded.allowed_mime_types;

-- Which Storage objects a brief or a delivery refers to: the evidence in a dispute.
create table public.order_files (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    storage_object_id uuid not null,
    folder text not null check (folder in ('requirements', 'deliveries')),
    delivery_id uuid references public.order_deliveries (id) on delete cascade,
    name text not null,
    size_bytes bigint,
    mime_type text,
    uploaded_by uuid not null references public.profiles (id) on delete restrict,
    attached_at timestamptz not null default now(),
    constraint order_files_storage_object_id_key unique (storage_object_id),
    constraint deliveries_name_their_delivery check ((folder = 'deliveries') = (delivery_id is not null))
);
comment on table public.order_files is
'Files a brief or a delivery refers to, as Storage recorded them; they can no longer be replaced or removed.';
create index order_files_order_id_idx on public.order_files (order_id);
create index order_files_delivery_id_idx on public.order_files (delivery_id);
create index order_files_uploaded_by_idx on public.order_files (uploaded_by);
alter table public.order_files enable row level security;
revoke all on public.order_files from anon, authenticated;
grant select on public.order_files to authenticated;
grant all on public.order_files to service_role;

-- source: supabase/schemas/payouts.sql ----------------------------------------------------------

-- Seller money after the sale: withdrawals of the available balance through Whop. The
-- balance and the withdrawal rules are in functions/payouts.sql.

-- Whop's own withdrawal states (whop-api.md); record_withdrawal maps Whop's words here.
create type public.withdrawal_status as enum (
    'requested', 'awaiting_payment', 'in_transit', 'completed', 'failed', 'canceled', 'denied'
);

create table public.withdrawals (
    id uuid primary key default gen_random_uuid(),
    seller_id uuid not null references public.seller_accounts (user_id) on delete restrict,
    amount_cents integer not null check (amount_cents > 0),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    status public.withdrawal_status not null default 'requested',
    whop_withdrawal_id text unique check (char_length(whop_withdrawal_id) between 1 and 100),
    failure_reason text check (char_length(failure_reason) <= 500),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    settled_at timestamptz
);
comment on table public.withdrawals is
'Payouts of a seller''s available balance through Whop; written only by server functions.';
create index withdrawals_seller_id_idx on public.withdrawals (seller_id, currency);
create index withdrawals_in_flight_idx on public.withdrawals (created_at)
where status in ('requested', 'awaiting_payment', 'in_transit');
alter table public.withdrawals enable row level security;
revoke all on public.withdrawals from anon, authenticated;
grant select on public.withdrawals to authenticated;
grant all on public.withdrawals to service_role;

-- source: supabase/schemas/whop_accounts.sql ----------------------------------------------------

-- Secrets the platform keeps for users and for itself: Whop OAuth flows in progress,
-- linked Whop accounts and the platform's webhook endpoints. Private schema only, and the
-- secrets are ciphertext: the worker encrypts them with keys the database never holds.

create table private.whop_oauth_states (
    state_hash text primary key check (char_length(state_hash) = 64),
    user_id uuid not null references public.profiles (id) on delete cascade,
    code_verifier_ciphertext text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
);
create index whop_oauth_states_user_id_idx on private.whop_oauth_states (user_id);
revoke all on private.whop_oauth_states from public, anon, authenticated;

create table private.whop_oauth_links (
    user_id uuid primary key references public.profiles (id) on delete cascade,
    whop_user_id text not null unique check (char_length(whop_user_id) between 1 and 100),
    access_token_ciphertext text not null,
    refresh_token_ciphertext text,
    access_expires_at timestamptz not null,
    scope text,
    linked_at timestamptz not null default now(),
    refreshed_at timestamptz
);
revoke all on private.whop_oauth_links from public, anon, authenticated;

create table private.whop_webhook_endpoints (
    whop_webhook_id text primary key,
    url text not null,
    events text[] not null,
    secret_ciphertext text not null,
    created_at timestamptz not null default now()
);
revoke all on private.whop_webhook_endpoints from public, anon, authenticated;

-- source: supabase/schemas/admin_views.sql ------------------------------------------------------

-- What operators read: revenue, open disputes, webhook failures, sellers awaiting KYC,
-- refunds in flight. Each view is security_invoker (the reader's own RLS applies
-- underneath) and shows nothing unless the reader is an admin (or the service role).

-- Platform revenue per day: fees on payments that day, minus fees refunded that day.
create view public.admin_platform_revenue with (security_invoker = true) as
with movements as (
    select
        o.currency,
        (o.paid_at at time zone 'UTC')::date as day,
        count(*) as orders_paid,
        sum(o.subtotal_cents) as gross_cents,
        sum(o.fee_cents) as fee_cents,
        0 as fee_refunded_cents
    from public.orders as o
    where o.paid_at is not null
    group by o.currency, (o.paid_at at time zone 'UTC')::date
    union all
    select
        o.currency,
        (r.settled_at at time zone 'UTC')::date as day,
        0 as orders_paid,
        0 as gross_cents,
        0 as fee_cents,
        sum(r.fee_refund_cents) as fee_refunded_cents
    from public.refunds as r
    inner join public.orders as o on r.order_id = o.id
    where r.status = 'succeeded'
    group by o.currency, (r.settled_at at time zone 'UTC')::date
)

select
    m.day,
    m.currency,
    sum(m.orders_paid)::bigint as orders_paid,
    sum(m.gross_cents)::bigint as gross_cents,
    sum(m.fee_cents)::bigint as fee_cents,
    sum(m.fee_refunded_cents)::bigint as fee_refunded_cents,
    (sum(m.fee_cents) - sum(m.fee_refunded_cents))::bigint as revenue_cents
from movements as m
where (select private.is_admin())
group by m.day, m.currency;

-- Revenue per source: the attribution that travelled with each payment.
create view public.admin_revenue_by_source with (security_invoker = true) as
select
    o.currency,
    coalesce(o.attribution ->> 'utm_source', '(direct)') as utm_source,
    coalesce(o.attribution ->> 'utm_medium', '') as utm_medium,
    coalesce(o.attribution ->> 'utm_campaign', '') as utm_campaign,
    count(*)::bigint as orders_paid,
    sum(o.subtotal_cents - o.refunded_cents)::bigint as net_sales_cents,
    sum(o.fee_cents - o.fee_refunded_cents)::bigint as revenue_cents
from public.orders as o
where o.paid_at is not null and (select private.is_admin())
group by
    o.currency,
    coalesce(o.attribution ->> 'utm_source', '(direct)'),
    coalesce(o.attribution ->> 'utm_medium', ''),
    coalesce(o.attribution ->> 'utm_campaign', '');

create view public.admin_open_disputes with (security_invoker = true) as
select
    o.id as order_id,
    o.gig_title,
    o.buyer_id,
    o.seller_id,
    o.dispute_opened_by,
    o.dispute_reason,
    o.subtotal_cents,
    o.refunded_cents,
    o.currency,
    o.updated_at
from public.orders as o
where o.status = 'disputed' and (select private.is_admin());

create view public.admin_failed_webhooks with (security_invoker = true) as
select
    e.id,
    e.webhook_id,
    e.event_type,
    e.status,
    e.attempts,
    e.last_error,
    e.received_at,
    e.next_attempt_at
from public.whop_events as e
where e.status in ('failed', 'waiting', 'unsupported') and (select private.is_admin());

create view public.admin_sellers_awaiting_kyc with (security_invoker = true) as
select
    s.user_id as seller_id,
    p.username,
    s.kyc_status,
    s.whop_company_id,
    s.kyc_updated_at
from public.seller_accounts as s
inner join public.profiles as p on s.user_id = p.id
where s.kyc_status in ('unstarted', 'pending', 'failed') and (select private.is_admin());

-- Refunds asked of Whop and not yet confirmed (an unconfirmed submission needs a look).
create view public.admin_refunds_in_flight with (security_invoker = true) as
select
    r.id as refund_id,
    r.order_id,
    r.amount_cents,
    o.currency,
    r.reason,
    r.created_at,
    r.submitted_at
from public.refunds as r
inner join public.orders as o on r.order_id = o.id
where r.status = 'requested' and (select private.is_admin());

revoke all on public.admin_platform_revenue, public.admin_revenue_by_source,
public.admin_open_disputes, public.admin_failed_webhooks, public.admin_sellers_awaiting_kyc,
public.admin_refunds_in_flight from anon, authenticated;
grant select on public.admin_platform_revenue, public.admin_revenue_by_source,
public.admin_open_disputes, public.admin_failed_webhooks, public.admin_sellers_awaiting_kyc,
public.admin_refunds_in_flight to authenticated, service_role;

-- source: functions/profiles.sql ----------------------------------------------------------------

-- Profiles and seller accounts: who a user is, and whether they may sell.

-- GoTrue inserts users as supabase_auth_admin, which has no rights in public, so the
-- profile is written by a definer function. A requested username that is malformed or
-- taken falls back to one derived from the id: sign-up must never fail on it.
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    requested_username text := pg_catalog.lower(new.raw_user_meta_data ->> 'username');
    chosen_username text;
    chosen_display_name text;
begin
    if requested_username ~ '^[a-z0-9_]{3,30}$'
        and not exists (select 1 from public.profiles where username = requested_username) then
        chosen_username := requested_username;
    else
        chosen_username := 'user_' || pg_catalog.left(pg_catalog.replace(new.id::text, '-', ''), 12);
    end if;

    chosen_display_name := pg_catalog.left(
        coalesce(
            nullif(pg_catalog.btrim(new.raw_user_meta_data ->> 'display_name'), ''),
            nullif(pg_catalog.btrim(new.raw_user_meta_data ->> 'full_name'), ''),
            nullif(pg_catalog.split_part(coalesce(new.email, ''), '@', 1), ''),
            chosen_username
        ),
        80
    );

    insert into public.profiles (id, username, display_name, role)
    values (
        new.id,
        chosen_username,
        chosen_display_name,
        case when new.raw_app_meta_data ->> 'user_role' = 'admin'
            then 'admin'::public.user_role else 'buyer'::public.user_role end
    );
    return new;
end;
$$;

revoke execute on function private.handle_new_user() from public, anon, authenticated;

create trigger on_auth_user_created
after insert on auth.users
for each row execute function private.handle_new_user();

-- Becoming a seller is a one-time act with side effects on the profile's role, which the
-- user cannot write; the new account always starts unverified and without payouts.
create or replace function public.become_seller(headline text default '')
returns public.seller_accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
    seller_id uuid := private.require_user();
    account public.seller_accounts;
begin
    if pg_catalog.char_length(coalesce(headline, '')) > 120 then
        raise exception using
            errcode = '22023',
            message = 'headline must be at most 120 characters';
    end if;

    insert into public.seller_accounts (user_id, headline)
    values (seller_id, coalesce(headline, ''))
    on conflict (user_id) do nothing
    returning * into account;

    if account.user_id is null then
        raise exception using
            errcode = '23505',
            message = format('user %s is already a seller', seller_id);
    end if;

    update public.profiles
    set role = 'seller'
    where id = seller_id and role = 'buyer';

    return account;
end;
$$;

revoke execute on function public.become_seller(text) from public, anon, authenticated;
grant execute on function public.become_seller(text) to authenticated;

-- The only writer of kyc_status (the worker, after Whop reports a verification result).
-- Any status other than verified takes the seller's gigs off the market and stops
-- payouts: published gigs must always belong to verified sellers.
create or replace function public.set_seller_kyc_status(
    seller_id uuid,
    new_status public.kyc_status
)
returns public.seller_accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
    account public.seller_accounts;
begin
    if new_status is null then
        raise exception using errcode = '22004', message = 'new_status must not be null';
    end if;

    update public.seller_accounts as s
    set kyc_status = new_status,
        kyc_updated_at = pg_catalog.now(),
        payout_enabled = s.payout_enabled and new_status = 'verified'
    where s.user_id = set_seller_kyc_status.seller_id
    returning * into account;

    if account.user_id is null then
        raise exception using
            errcode = 'P0002',
            message = format('seller %s does not exist', set_seller_kyc_status.seller_id);
    end if;

    if new_status <> 'verified' then
        update public.gigs as g
        set status = 'paused',
            paused_by_platform = true
        where g.seller_id = set_seller_kyc_status.seller_id
            and g.status = 'published';
    end if;

    return account;
end;
$$;

revoke execute on function public.set_seller_kyc_status(uuid, public.kyc_status)
from public, anon, authenticated;
grant execute on function public.set_seller_kyc_status(uuid, public.kyc_status) to service_role;

-- source: functions/gigs.sql --------------------------------------------------------------------

-- Gigs: the KYC publish gate, moderation, and the summary columns search reads.

-- The KYC gate. It runs on every insert and update, whoever writes (seller, admin,
-- service role, a future migration), so no path can leave a published gig whose seller
-- is not verified. Custom SQLSTATE GF001 lets clients tell it apart from other refusals.
create or replace function private.gig_publish_requires_verified_seller()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    if new.status = 'published' and not exists (
        select 1
        from public.seller_accounts as s
        where s.user_id = new.seller_id and s.kyc_status = 'verified'
    ) then
        raise exception using
            errcode = 'GF001',
            message = format(
                'gig %s cannot be published: its seller has not passed identity verification',
                new.id
            ),
            hint = 'The seller must complete KYC before any gig goes live.';
    end if;
    return new;
end;
$$;

revoke execute on function private.gig_publish_requires_verified_seller()
from public, anon, authenticated;

create trigger gig_publish_requires_verified_seller
before insert or update on public.gigs
for each row execute function private.gig_publish_requires_verified_seller();

-- What a buyer sees must have been reviewed: editing the listing of a live (or paused)
-- gig sends it back to review, unless the same write also moves the status itself
-- (a moderator acting on it). Also stamps when a gig goes live.
create or replace function private.gig_edit_returns_to_review()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'UPDATE'
        and old.status in ('published', 'paused')
        and new.status = old.status
        and (new.title, new.description, new.tags, new.category_id)
        is distinct from (old.title, old.description, old.tags, old.category_id) then
        new.status := 'review';
    end if;

    if tg_op = 'INSERT' and new.status = 'published' then
        new.published_at := coalesce(new.published_at, pg_catalog.now());
    elsif new.status = 'published' and old.status <> 'published' then
        new.published_at := pg_catalog.now();
        new.rejection_reason := null;
        new.paused_by_platform := false;
    end if;
    return new;
end;
$$;

revoke execute on function private.gig_edit_returns_to_review() from public, anon, authenticated;

-- Before-triggers fire in name order: this edit rule decides the status, then the KYC
-- gate (gig_publish_requires_verified_seller) judges it.
create trigger gig_edit_returns_to_review
before insert or update on public.gigs
for each row execute function private.gig_edit_returns_to_review();

-- Packages and extras are part of the listing (prices!): changing them on a live gig
-- sends it back to review. Also keeps the starting price and fastest delivery that
-- search filters and sorts on. Definer: the seller may not write gigs.status.
create or replace function private.gig_offer_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    changed_gig_id uuid;
begin
    if tg_op = 'DELETE' then
        changed_gig_id := old.gig_id;
    else
        changed_gig_id := new.gig_id;
    end if;

    update public.gigs as g
    set starting_price_cents = summary.min_price_cents,
        fastest_delivery_days = summary.min_delivery_days,
        status = case when g.status in ('published', 'paused')
            then 'review'::public.gig_status else g.status end
    from (
        select
            pg_catalog.min(p.price_cents) as min_price_cents,
            pg_catalog.min(p.delivery_days) as min_delivery_days
        from public.gig_packages as p
        where p.gig_id = changed_gig_id
    ) as summary
    where g.id = changed_gig_id;
    return null;
end;
$$;

revoke execute on function private.gig_offer_changed() from public, anon, authenticated;

create trigger gig_packages_changed
after insert or update or delete on public.gig_packages
for each row execute function private.gig_offer_changed();

create trigger gig_extras_changed
after insert or update or delete on public.gig_extras
for each row execute function private.gig_offer_changed();

-- One place that moves a gig between moderation states: locks the row so concurrent
-- moderation cannot interleave, checks the actor and the current state, and names the
-- gig and its state in every refusal.
create or replace function private.move_gig(
    target_gig_id uuid,
    actor text,
    allowed_from public.gig_status[],
    new_status public.gig_status,
    reason text default null
)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    select * into gig from public.gigs where id = target_gig_id for update;

    if gig.id is null or (actor = 'seller' and gig.seller_id is distinct from auth.uid()) then
        raise exception using
            errcode = 'P0002',
            message = format('gig %s not found', target_gig_id);
    end if;

    if actor = 'admin' and not private.is_admin() then
        raise exception using
            errcode = '42501',
            message = 'only an admin may moderate gigs';
    end if;

    if not gig.status = any(allowed_from) then
        raise exception using
            errcode = '55000',
            message = format(
                'gig %s is %s; this action needs it to be %s',
                target_gig_id, gig.status, pg_catalog.array_to_string(allowed_from, ' or ')
            );
    end if;

    update public.gigs
    set status = new_status,
        rejection_reason = reason,
        paused_by_platform = false
    where id = target_gig_id
    returning * into gig;
    return gig;
end;
$$;

revoke execute on function private.move_gig(uuid, text, public.gig_status[], public.gig_status, text)
from public, anon, authenticated;

-- A seller asks for their draft (or a rejected gig, once fixed) to be reviewed. A gig
-- without a basic package cannot be bought, so it cannot be submitted either.
create or replace function public.submit_gig_for_review(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.require_user();
    if exists (select 1 from public.gigs as g where g.id = submit_gig_for_review.gig_id)
        and not exists (
            select 1 from public.gig_packages as p
            where p.gig_id = submit_gig_for_review.gig_id and p.tier = 'basic'
        ) then
        raise exception using
            errcode = '55000',
            message = format('gig %s needs a basic package before review', gig_id);
    end if;
    return private.move_gig(gig_id, 'seller', array['draft', 'rejected']::public.gig_status [], 'review');
end;
$$;

create or replace function public.pause_gig(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.move_gig(gig_id, 'seller', array['published']::public.gig_status [], 'paused');
end;
$$;

-- Unpausing goes straight back live (the listing was reviewed and has not changed since:
-- an edit would have moved it to review); the KYC gate still has the last word.
create or replace function public.unpause_gig(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.move_gig(gig_id, 'seller', array['paused']::public.gig_status [], 'published');
end;
$$;

create or replace function public.publish_gig(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.move_gig(gig_id, 'admin', array['review']::public.gig_status [], 'published');
end;
$$;

create or replace function public.reject_gig(gig_id uuid, reason text)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    if pg_catalog.char_length(pg_catalog.btrim(coalesce(reason, ''))) not between 1 and 500 then
        raise exception using
            errcode = '22023',
            message = 'a rejection needs a reason of 1 to 500 characters';
    end if;
    return private.move_gig(
        gig_id, 'admin', array['review']::public.gig_status [], 'rejected', pg_catalog.btrim(reason)
    );
end;
$$;

revoke execute on function public.submit_gig_for_review(uuid) from public, anon, authenticated;
revoke execute on function public.pause_gig(uuid) from public, anon, authenticated;
revoke execute on function public.unpause_gig(uuid) from public, anon, authenticated;
revoke execute on function public.publish_gig(uuid) from public, anon, authenticated;
revoke execute on function public.reject_gig(uuid, text) from public, anon, authenticated;
grant execute on function public.submit_gig_for_review(uuid) to authenticated;
grant execute on function public.pause_gig(uuid) to authenticated;
grant execute on function public.unpause_gig(uuid) to authenticated;
grant execute on function public.publish_gig(uuid) to authenticated, service_role;
grant execute on function public.reject_gig(uuid, text) to authenticated, service_role;

-- Policy helper: is the signed-in user the seller of this gig? Definer, so the answer
-- does not depend on which gigs the caller may read.
create or replace function private.sells_gig(target_gig_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1 from public.gigs as g
        where g.id = target_gig_id and g.seller_id = (select auth.uid())
    )
$$;

revoke execute on function private.sells_gig(uuid) from public, anon, authenticated;
grant execute on function private.sells_gig(uuid) to authenticated, service_role;

-- source: functions/search.sql ------------------------------------------------------------------

-- Gig search.
--
-- A definer function rather than a query on `gigs` under RLS: `@@` is not LEAKPROOF, so
-- under RLS PostgreSQL will not use the GIN index and every search becomes a sequential
-- scan. The function applies the visibility rule itself (published gigs only; the KYC
-- gate and set_seller_kyc_status keep every published gig's seller verified) and returns
-- only public columns.
--
-- The work per call is bounded whatever the query: a text search ranks at most the best
-- `candidate_cap` matches by stored quality score (the planner picks the GIN index for
-- rare terms and the quality index for common ones from its own match estimate), and
-- browsing walks a btree in the sort order. Keyset cursors make page N cost page 1.

-- Cursors are opaque to clients: base64url of the sort, the last row's sort key and id.
create or replace function private.encode_search_cursor(
    sort public.gig_sort,
    sort_key text,
    gig_id uuid
)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.translate(
        pg_catalog.encode(
            pg_catalog.convert_to(
                pg_catalog.jsonb_build_object('s', sort, 'k', sort_key, 'i', gig_id)::text, 'UTF8'
            ),
            'base64'
        ),
        E'+/=\n',
        '-_'
    )
$$;

create or replace function private.decode_search_cursor(
    cursor text,
    expected_sort public.gig_sort,
    out sort_key text,
    out gig_id uuid
)
language plpgsql
immutable
set search_path = ''
as $$
declare
    padded text := pg_catalog.translate(cursor, '-_', '+/');
    decoded jsonb;
begin
    padded := padded || pg_catalog.repeat('=', (4 - pg_catalog.length(padded) % 4) % 4);
    begin
        decoded := pg_catalog.convert_from(pg_catalog.decode(padded, 'base64'), 'UTF8')::jsonb;
        sort_key := decoded ->> 'k';
        gig_id := (decoded ->> 'i')::uuid;
    exception when others then
        decoded := null;
    end;
    if decoded is null or sort_key is null or gig_id is null then
        raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
    end if;
    if decoded ->> 's' is distinct from expected_sort::text then
        raise exception using
            errcode = '22023',
            message = format('after_cursor was made for sort %s, not %s', decoded ->> 's', expected_sort);
    end if;
end;
$$;

revoke execute on function private.encode_search_cursor(public.gig_sort, text, uuid)
from public, anon, authenticated;
revoke execute on function private.decode_search_cursor(text, public.gig_sort)
from public, anon, authenticated;

create or replace function public.search_gigs(
    search_query text default null,
    category text default null,
    min_price_cents integer default null,
    max_price_cents integer default null,
    max_delivery_days integer default null,
    min_rating numeric default null,
    seller uuid default null,
    sort public.gig_sort default 'relevance',
    after_cursor text default null,
    page_size integer default 20
)
returns table (
    gig_id uuid,
    title text,
    seller_id uuid,
    seller_username text,
    seller_display_name text,
    category_slug text,
    tags text[],
    currency text,
    starting_price_cents integer,
    fastest_delivery_days integer,
    rating_avg numeric,
    rating_count integer,
    published_at timestamptz,
    relevance real,
    next_cursor text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    candidate_cap constant integer := 300;
    max_page_size constant integer := 50;
    text_query tsquery;
    category_ids bigint [];
    filters text [] := array['g.status = ''published'''];
    source_sql text;
    sort_key_sql text;
    sort_key_type text;
    sort_key_text_sql text;
    descending boolean := true;
    cursor_key text;
    cursor_gig_id uuid;
begin
    if page_size is null or page_size not between 1 and max_page_size then
        raise exception using
            errcode = '22023',
            message = format('page_size must be between 1 and %s', max_page_size);
    end if;
    if pg_catalog.char_length(search_query) > 200 then
        raise exception using errcode = '22023', message = 'search_query must be at most 200 characters';
    end if;
    if min_price_cents < 0 or max_price_cents < 0 or min_price_cents > max_price_cents then
        raise exception using
            errcode = '22023',
            message = 'price bounds must be non-negative and min_price_cents <= max_price_cents';
    end if;
    if max_delivery_days < 1 then
        raise exception using errcode = '22023', message = 'max_delivery_days must be at least 1';
    end if;
    if min_rating not between 0 and 5 then
        raise exception using errcode = '22023', message = 'min_rating must be between 0 and 5';
    end if;
    if sort is null then
        raise exception using errcode = '22004', message = 'sort must not be null';
    end if;

    if pg_catalog.btrim(coalesce(search_query, '')) <> '' then
        text_query := pg_catalog.websearch_to_tsquery('english'::regconfig, search_query);
        -- A query of stop words only ("the") matches nothing; treat it as browsing.
        if pg_catalog.numnode(text_query) = 0 then
            text_query := null;
        end if;
    end if;

    if category is not null then
        with recursive tree as (
            select c.id from public.categories as c where c.slug = category
            union all
            select child.id from public.categories as child join tree on child.parent_id = tree.id
        )
        select pg_catalog.array_agg(tree.id) into category_ids from tree;
        if category_ids is null then
            raise exception using errcode = 'P0002', message = format('category %s does not exist', category);
        end if;
    end if;

    if text_query is not null then
        filters := pg_catalog.array_append(filters, 'g.search_vector @@ $1');
    end if;
    if category_ids is not null then
        filters := pg_catalog.array_append(filters, 'g.category_id = any($2)');
    end if;
    if min_price_cents is not null then
        filters := pg_catalog.array_append(filters, 'g.starting_price_cents >= $3');
    end if;
    if max_price_cents is not null then
        filters := pg_catalog.array_append(filters, 'g.starting_price_cents <= $4');
    end if;
    if max_delivery_days is not null then
        filters := pg_catalog.array_append(filters, 'g.fastest_delivery_days <= $5');
    end if;
    if min_rating is not null then
        filters := pg_catalog.array_append(filters, 'g.rating_avg >= $6');
    end if;
    if seller is not null then
        filters := pg_catalog.array_append(filters, 'g.seller_id = $7');
    end if;

    case sort
        when 'relevance' then
            if text_query is null then
                sort_key_sql := 'g.quality_score';
                sort_key_type := 'numeric';
            else
                sort_key_sql := 'g.rank_key';
                sort_key_type := 'bigint';
            end if;
        when 'price_low' then
            sort_key_sql := 'g.starting_price_cents';
            sort_key_type := 'integer';
            descending := false;
        when 'price_high' then
            sort_key_sql := 'g.starting_price_cents';
            sort_key_type := 'integer';
        when 'rating' then
            sort_key_sql := 'g.rating_avg';
            sort_key_type := 'numeric';
        when 'newest' then
            sort_key_sql := 'g.published_at';
            sort_key_type := 'timestamptz';
    end case;

    -- Timestamps travel as UTC ISO text so a client's DateStyle or TimeZone cannot change them.
    if sort_key_type = 'timestamptz' then
        sort_key_text_sql := format(
            'pg_catalog.to_char(%s at time zone ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"'')', sort_key_sql
        );
    else
        sort_key_text_sql := sort_key_sql || '::text';
    end if;

    if text_query is null then
        source_sql := format(
            '(select g.*, null::bigint as rank_key from public.gigs as g where %s) as g',
            pg_catalog.array_to_string(filters, ' and ')
        );
    else
        source_sql := format(
            '(select g.*, pg_catalog.round(pg_catalog.ts_rank(g.search_vector, $1, 1)'
            ' * (0.5 + g.quality_score / 10) * 1000000000)::bigint as rank_key'
            ' from public.gigs as g where %s'
            ' order by g.quality_score desc, g.id desc limit $11) as g',
            pg_catalog.array_to_string(filters, ' and ')
        );
    end if;

    if after_cursor is not null then
        select decoded.sort_key, decoded.gig_id into cursor_key, cursor_gig_id
        from private.decode_search_cursor(after_cursor, sort) as decoded;
        begin
            execute format('select %L::%s', cursor_key, sort_key_type);
        exception when others then
            raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
        end;
    end if;

    -- The result columns come from dynamic SQL, which plpgsql_check cannot follow: it
    -- would report every OUT column as maybe unassigned.
    -- @plpgsql_check_options: extra_warnings = off
    return query execute format(
        'select g.id, g.title, g.seller_id, p.username, p.display_name, c.slug, g.tags,'
        ' g.currency, g.starting_price_cents, g.fastest_delivery_days, g.rating_avg,'
        ' g.rating_count, g.published_at, (g.rank_key / 1000000000.0)::real,'
        ' private.encode_search_cursor($12, %1$s, g.id)'
        ' from (select g.* from %2$s where %3$s order by %4$s limit $10) as g'
        ' join public.profiles as p on p.id = g.seller_id'
        ' join public.categories as c on c.id = g.category_id'
        ' order by %4$s',
        sort_key_text_sql,
        source_sql,
        case
            when after_cursor is null then 'true'
            when descending then format('(%s, g.id) < ($8::%s, $9)', sort_key_sql, sort_key_type)
            else format('(%s, g.id) > ($8::%s, $9)', sort_key_sql, sort_key_type)
        end,
        case when descending
            then format('%s desc, g.id desc', sort_key_sql)
            else format('%s, g.id', sort_key_sql)
        end
    )
    using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
        min_rating, seller, cursor_key, cursor_gig_id, page_size, candidate_cap, sort;
end;
$$;

revoke execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) from public, anon, authenticated;
grant execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) to anon, authenticated, service_role;

-- source: functions/orders.sql ------------------------------------------------------------------

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

-- source: functions/order_actions.sql -----------------------------------------------------------

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
language plpgsql
security definer
set search_path = ''
as $$
begin
    insert into public.notifications (user_id, order_id, kind, body)
    values (recipient_id, about_order_id, kind, body);
end;
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

-- The state machine: one action on an order the caller holds locked, if
-- private.order_transitions has the edge for this actor. Writes the order once, appends
-- the order event and notifies everyone on the order but the one acting.
create or replace function private.apply_locked_order_action(
    before public.orders,
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
    target_order_id uuid := before.id;
    after public.orders;
    edge private.order_transitions;
    next_status public.order_status;
    other_actors text;
    unrefunded integer;
begin
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
        end,
        -- A payment's own facts land in the same row version as its transition: every
        -- update of an order rewrites all its indexes (status is in their predicates).
        whop_payment_id = case
            when requested_action = 'pay' then details ->> 'whop_payment_id' else o.whop_payment_id
        end,
        attribution = case
            when requested_action = 'pay' then o.attribution || coalesce(details -> 'attribution', '{}'::jsonb)
            else o.attribution
        end
    where o.id = target_order_id
    returning * into after;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded (a payment
    -- that arrives after the order was cancelled unpaid included); the worker carries out
    -- requested refunds through Whop and records the result.
    if next_status = 'cancelled' and after.paid_at is not null then
        select after.subtotal_cents - after.refunded_cents - coalesce(pg_catalog.sum(r.amount_cents), 0)
        into unrefunded
        from public.refunds as r
        where r.order_id = target_order_id and r.status = 'requested';
        if unrefunded > 0 then
            insert into public.refunds (order_id, amount_cents, reason, requested_by)
            values (
                target_order_id,
                unrefunded,
                case when requested_action = 'pay' then 'paid after the order was cancelled' else 'order cancelled' end,
                auth.uid()
            );
        end if;
    end if;

    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target_order_id, acting_as, auth.uid(), requested_action::text, before.status, next_status,
        coalesce(details, '{}'::jsonb) - 'attribution'
    );

    -- Everyone on the order but the one acting, in one statement.
    insert into public.notifications (user_id, order_id, kind, body)
    select
        party.user_id, target_order_id, requested_action::text,
        format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
    from (values (after.buyer_id, 'buyer'::public.order_actor), (after.seller_id, 'seller')) as party (user_id, role)
    where party.role <> acting_as;

    return after;
end;
$$;

revoke execute on function private.apply_locked_order_action(
    public.orders, public.order_action, public.order_actor, jsonb
)
from public, anon, authenticated;

-- An action by the actor the caller names: the system, an admin, or a participant the
-- caller has already identified.
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
begin
    return private.apply_locked_order_action(
        private.lock_order(target_order_id), requested_action, acting_as, details
    );
end;
$$;

revoke execute on function private.apply_order_action(uuid, public.order_action, public.order_actor, jsonb)
from public, anon, authenticated;

-- An action of the signed-in user, as whoever they are on the order: the row is locked
-- and read once. Strangers get "not found" (and lock nothing).
create or replace function private.apply_caller_action(
    target_order_id uuid,
    requested_action public.order_action,
    details jsonb default '{}'
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    user_id uuid := private.require_user();
    locked public.orders;
begin
    select o.* into locked from public.orders as o
    where o.id = target_order_id and (o.buyer_id = user_id or o.seller_id = user_id or private.is_admin())
    for update;
    if locked.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return private.apply_locked_order_action(
        locked,
        requested_action,
        case
            when locked.buyer_id = user_id then 'buyer'
            when locked.seller_id = user_id then 'seller'
            else 'admin'
        end::public.order_actor,
        details
    );
end;
$$;

revoke execute on function private.apply_caller_action(uuid, public.order_action, jsonb)
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
create or replace function public.submit_requirements(order_id uuid, answers jsonb, files jsonb default '[]')
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
    perform private.attach_order_files(target.id, 'requirements', submit_requirements.files);

    return private.apply_order_action(target.id, 'submit_requirements', acting_as);
end;
$$;

-- Seller: start without waiting for the brief (the due date starts now).
create or replace function public.start_order(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'start_work');
end;
$$;

-- Seller: deliver. `files` are [{"path": …}] of files the seller uploaded to
-- order-files/<order_id>/deliveries/ (at most 20); they become evidence.
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
    delivery_id uuid;
begin
    delivered := private.apply_order_action(
        order_id, 'deliver', acting_as, pg_catalog.jsonb_build_object('message', delivery_message)
    );
    insert into public.order_deliveries (order_id, message, delivered_by)
    values (delivered.id, delivery_message, auth.uid())
    returning id into delivery_id;
    update public.order_deliveries as d
    set files = private.attach_order_files(delivered.id, 'deliveries', deliver_order.files, delivery_id)
    where d.id = delivery_id;
    return delivered;
end;
$$;

-- Buyer: ask for changes, within the package's revision allowance.
create or replace function public.request_revision(order_id uuid, message text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(
        order_id, 'request_revision',
        pg_catalog.jsonb_build_object('message', private.require_text(message, 'message', 5000))
    );
end;
$$;

create or replace function public.accept_delivery(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'accept_delivery');
end;
$$;

create or replace function public.request_cancellation(order_id uuid, reason text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(
        order_id, 'request_cancellation',
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    );
end;
$$;

create or replace function public.accept_cancellation(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'accept_cancellation');
end;
$$;

create or replace function public.decline_cancellation(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'decline_cancellation');
end;
$$;

create or replace function public.open_dispute(order_id uuid, reason text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(
        order_id, 'open_dispute',
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    );
end;
$$;

revoke execute on function public.submit_requirements(uuid, jsonb, jsonb) from public, anon, authenticated;
revoke execute on function public.start_order(uuid) from public, anon, authenticated;
revoke execute on function public.deliver_order(uuid, text, jsonb) from public, anon, authenticated;
revoke execute on function public.request_revision(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_delivery(uuid) from public, anon, authenticated;
revoke execute on function public.request_cancellation(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.decline_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.open_dispute(uuid, text) from public, anon, authenticated;
grant execute on function public.submit_requirements(uuid, jsonb, jsonb) to authenticated;
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

create trigger order_messages_notify
after insert on public.order_messages
for each row execute function private.notify_order_message();

-- source: functions/order_money.sql -------------------------------------------------------------

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

-- source: functions/reviews.sql -----------------------------------------------------------------

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

-- source: functions/order_timers.sql ------------------------------------------------------------

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

    -- Only checkouts Whop never opened: one that Whop did open may have been paid with
    -- its webhook lost, so reconciliation asks Whop before it cancels (expire_unpaid_checkout).
    for due_order in
        select o.id from public.orders as o
        where o.status = 'pending_payment' and o.checkout_expires_at <= as_of
            and o.whop_checkout_id is null
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

-- source: functions/webhooks.sql ----------------------------------------------------------------

-- The Whop webhook inbox: ingest, process, retry, replay. Payloads are Whop's legacy
-- v1 shape (see whop-api.md): money in decimal dollars, our order id in the checkout
-- metadata under gigflow_order_id.

-- Whop's decimal dollars (a JSON number or string) as integer cents, exactly: numeric is
-- a decimal type, so no binary rounding ever happens.
create or replace function private.whop_cents(amount jsonb)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
    if amount is null or pg_catalog.jsonb_typeof(amount) = 'null' then
        return null;
    end if;
    if pg_catalog.jsonb_typeof(amount) not in ('number', 'string') then
        raise exception using errcode = '22023', message = format('%s is not an amount', amount);
    end if;
    return pg_catalog.round((amount #>> '{}')::numeric * 100)::integer;
end;
$$;

revoke execute on function private.whop_cents(jsonb) from public, anon, authenticated;

create or replace function private.uuid_or_null(candidate text)
returns uuid
language sql
immutable
set search_path = ''
as $$
    select case
        when candidate ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then candidate::uuid
    end
$$;

revoke execute on function private.uuid_or_null(text) from public, anon, authenticated;

-- Store verified deliveries, many in one transaction (the worker groups the deliveries
-- that arrive together, so one commit acknowledges them all). Each element is
-- {"webhook_id": ..., "payload": {...}}; one row comes back per element, in order, with
-- the inbox id and whether that webhook-id was already stored (Standard Webhooks keeps
-- it across retries), earlier in the same batch included. Nothing is stored unless every
-- element is well formed.
create or replace function public.ingest_whop_events(deliveries jsonb)
returns table (webhook_id text, event_id bigint, duplicate boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
    malformed bigint;
    fresh text[];
begin
    if pg_catalog.jsonb_typeof(deliveries) is distinct from 'array'
        or pg_catalog.jsonb_array_length(deliveries) > 1000 then
        raise exception using errcode = '22023', message = 'deliveries must be an array of at most 1000';
    end if;
    select min(d.position) into malformed
    from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
    where pg_catalog.jsonb_typeof(d.delivery -> 'webhook_id') is distinct from 'string'
        or pg_catalog.char_length(d.delivery ->> 'webhook_id') not between 1 and 200;
    if malformed is not null then
        raise exception using
            errcode = '22023', message = format('delivery %s: webhook_id must be 1 to 200 characters', malformed);
    end if;
    select min(d.position) into malformed
    from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
    where pg_catalog.jsonb_typeof(d.delivery -> 'payload') is distinct from 'object'
        or pg_catalog.jsonb_typeof(d.delivery -> 'payload' -> 'type') is distinct from 'string'
        or pg_catalog.char_length(d.delivery -> 'payload' ->> 'type') not between 1 and 100;
    if malformed is not null then
        raise exception using
            errcode = '22023', message = format('delivery %s: payload must be a JSON object with a type', malformed);
    end if;

    -- Inserted in webhook-id order, not arrival order: two batches sharing webhook ids
    -- then wait on each other's unique-index entries in the same order, never in a cycle.
    with inserted as (
        insert into public.whop_events as e (webhook_id, event_type, payload)
        select distinct on (d.delivery ->> 'webhook_id')
            d.delivery ->> 'webhook_id', d.delivery -> 'payload' ->> 'type', d.delivery -> 'payload'
        from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
        order by d.delivery ->> 'webhook_id', d.position
        on conflict on constraint whop_events_webhook_id_key do nothing
        returning e.webhook_id
    )
    select coalesce(pg_catalog.array_agg(i.webhook_id), '{}') into fresh from inserted as i;

    -- A new statement sees what a concurrent batch committed while ours waited on it.
    return query
    select
        d.delivery ->> 'webhook_id',
        e.id,
        not (
            e.webhook_id = any(fresh)
            and d.position = min(d.position) over (partition by d.delivery ->> 'webhook_id')
        )
    from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
    join public.whop_events as e on e.webhook_id = d.delivery ->> 'webhook_id'
    order by d.position;
end;
$$;

-- One delivery: the batch of one.
create or replace function public.ingest_whop_event(webhook_id text, payload jsonb)
returns table (event_id bigint, duplicate boolean)
language sql
security definer
set search_path = ''
as $$
    select stored.event_id, stored.duplicate
    from public.ingest_whop_events(
        pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object('webhook_id', webhook_id, 'payload', payload)
        )
    ) as stored
$$;

-- The order a payment belongs to: by our metadata, else by the Whop payment id. Two
-- lookups rather than one OR, so each is a single primary or unique index probe.
create or replace function private.order_for_payment(payment jsonb)
returns public.orders
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o
    where o.id = private.uuid_or_null(payment -> 'metadata' ->> 'gigflow_order_id');
    if found_order.id is null then
        select o.* into found_order from public.orders as o where o.whop_payment_id = payment ->> 'id';
    end if;
    return found_order;
end;
$$;

revoke execute on function private.order_for_payment(jsonb) from public, anon, authenticated;

-- KYC signals from Whop, mapped to our four states (whop-api.md section 4).
create or replace function private.kyc_status_from_whop(event_type text, data jsonb)
returns public.kyc_status
language sql
immutable
set search_path = ''
as $$
    select case
        when event_type = 'verification.succeeded' then 'verified'
        when event_type = 'identity_profile.approved' then 'verified'
        when event_type = 'identity_profile.rejected' then 'failed'
        when event_type = 'identity_profile.needs_action' then 'pending'
        when event_type = 'payout_account.status_updated' then
            case data ->> 'status'
                when 'connected' then 'verified'
                when 'verification_failed' then 'failed'
                when 'disabled' then 'failed'
                when 'action_required' then 'pending'
                when 'pending_verification' then 'pending'
            end
    end::public.kyc_status
$$;

revoke execute on function private.kyc_status_from_whop(text, jsonb) from public, anon, authenticated;

-- One event's effect. Returns the inbox status it ends in; raises on failure (the caller
-- records the error and schedules a retry).
create or replace function private.handle_whop_event(event_type text, payload jsonb)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
declare
    data jsonb := payload -> 'data';
    target public.orders;
    request_id uuid;
    seller uuid;
    new_kyc public.kyc_status;
    withdrawal_id uuid;
begin
    -- Webhooks pinned to a dated API version carry another shape (money objects,
    -- account_id); we create ours unpinned, so such a delivery is a setup mistake.
    -- (An unpinned webhook may still send "api_version_date": null.)
    if pg_catalog.jsonb_typeof(payload -> 'api_version_date') = 'string'
        or coalesce(payload ->> 'account_id', '') <> '' then
        raise exception using
            errcode = 'GF002',
            message = 'dated webhook payload shape is not supported: recreate the webhook without an api version date';
    end if;

    case
        when event_type = 'payment.succeeded' then
            target := private.order_for_payment(data);
            if target.id is null then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_payment(
                target.id,
                data ->> 'id',
                coalesce(private.whop_cents(data -> 'total'), target.subtotal_cents),
                coalesce(data ->> 'currency', target.currency),
                -- Where the buyer came from, as it travelled through Whop with the payment.
                coalesce((
                    select pg_catalog.jsonb_object_agg(m.key, m.value)
                    from pg_catalog.jsonb_each(coalesce(data -> 'metadata', '{}'::jsonb)) as m
                    where m.key in ('visitor_id', 'session_id', 'utm_source', 'utm_medium', 'utm_campaign')
                        and pg_catalog.jsonb_typeof(m.value) = 'string'
                ), '{}'::jsonb)
            );
            -- A refund or dispute delivered before this payment waits with backoff; it
            -- can apply now, so it need not wait out its delay. One another worker holds
            -- is being tried right now: skipping it keeps two batches from waiting on
            -- each other. (whop_events_waiting_payment_idx finds them without reading
            -- the backlog.)
            update public.whop_events as e
            set next_attempt_at = pg_catalog.now()
            where e.id in (
                select w.id from public.whop_events as w
                where w.status = 'waiting' and w.payload -> 'data' -> 'payment' ->> 'id' = data ->> 'id'
                for update skip locked
            );
            return 'processed'::public.whop_event_status;

        when event_type = 'payment.failed' then
            target := private.order_for_payment(data);
            if target.id is null or target.status <> 'pending_payment' then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_payment_failed(target.id, data ->> 'failure_message');
            return 'processed'::public.whop_event_status;

        when event_type in ('refund.created', 'refund.updated') then
            target := private.order_for_payment(data -> 'payment');
            if data ->> 'status' in ('pending', 'requires_action') then
                return 'ignored'::public.whop_event_status;
            end if;
            -- A refund names its payment and carries the checkout metadata: with neither
            -- matching, the payment was not one of ours.
            if target.id is null
                and private.uuid_or_null(data -> 'payment' -> 'metadata' ->> 'gigflow_order_id') is null then
                return 'ignored'::public.whop_event_status;
            end if;
            if target.id is null or target.paid_at is null then
                -- The payment's own event has not been processed yet: try again later.
                return 'waiting'::public.whop_event_status;
            end if;
            select r.id into request_id from public.refunds as r
            where r.order_id = target.id and r.status = 'requested'
                and (r.whop_refund_id = data ->> 'id'
                    or (r.whop_refund_id is null and r.amount_cents = private.whop_cents(data -> 'amount')))
            order by r.whop_refund_id is null, r.created_at
            limit 1;
            if data ->> 'status' in ('failed', 'canceled') then
                if request_id is not null then
                    perform public.record_refund_failed(request_id, data ->> 'status');
                end if;
                return 'processed'::public.whop_event_status;
            end if;
            if data ->> 'status' is distinct from 'succeeded' then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_refund(
                target.id,
                data ->> 'id',
                coalesce(private.whop_cents(data -> 'amount'), target.subtotal_cents - target.refunded_cents),
                request_id
            );
            return 'processed'::public.whop_event_status;

        when event_type in ('dispute.created', 'dispute.updated') then
            target := private.order_for_payment(data -> 'payment');
            if target.id is null then
                return 'waiting'::public.whop_event_status;
            end if;
            -- Early warnings are not chargebacks; a real one freezes the order once.
            if data ->> 'status' in ('needs_response', 'under_review')
                and exists (
                    select 1 from private.order_transitions as t
                    where t.from_status = target.status and t.action = 'open_dispute' and t.actor = 'system'
                ) then
                perform private.apply_order_action(
                    target.id, 'open_dispute', 'system',
                    pg_catalog.jsonb_build_object(
                        'reason', format('chargeback: %s', coalesce(data ->> 'reason', 'unknown reason')),
                        'whop_dispute_id', data ->> 'id'
                    )
                );
                return 'processed'::public.whop_event_status;
            end if;
            return 'ignored'::public.whop_event_status;

        when event_type in (
            'verification.succeeded', 'payout_account.status_updated',
            'identity_profile.approved', 'identity_profile.rejected', 'identity_profile.needs_action'
        ) then
            new_kyc := private.kyc_status_from_whop(event_type, data);
            select s.user_id into seller from public.seller_accounts as s
            where s.whop_company_id = coalesce(payload ->> 'company_id', data ->> 'company_id')
                -- A status the seller already has changes nothing.
                and s.kyc_status is distinct from new_kyc;
            if new_kyc is null or seller is null then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.set_seller_kyc_status(seller, new_kyc);
            return 'processed'::public.whop_event_status;

        when event_type in ('withdrawal.created', 'withdrawal.updated') then
            -- Ours by Whop's id, or the request of that company and amount still waiting
            -- for the id (the webhook can beat the worker's own record of the answer).
            select w.id into withdrawal_id from public.withdrawals as w
            where w.whop_withdrawal_id = data ->> 'id';
            if withdrawal_id is null then
                select w.id into withdrawal_id
                from public.withdrawals as w
                join public.seller_accounts as s on s.user_id = w.seller_id
                where w.whop_withdrawal_id is null and w.status = 'requested'
                    and s.whop_company_id = coalesce(
                        data -> 'ledger_account' ->> 'company_id', payload ->> 'company_id'
                    )
                    and w.amount_cents = private.whop_cents(data -> 'amount')
                order by w.created_at
                limit 1;
            end if;
            if withdrawal_id is null or private.withdrawal_status_of(data ->> 'status') is null then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_withdrawal(
                withdrawal_id, data ->> 'id', data ->> 'status', data ->> 'error_message'
            );
            return 'processed'::public.whop_event_status;

        else
            return 'ignored'::public.whop_event_status;
    end case;
end;
$$;

revoke execute on function private.handle_whop_event(text, jsonb) from public, anon, authenticated;

-- Process one event the caller holds locked. Skips one already settled (so replays and
-- races are harmless). A handler error is caught in a subtransaction: its effects roll
-- back, the event is marked failed with the error and retried later with exponential
-- backoff (1 minute doubling, at most 6 h).
create or replace function private.process_locked_whop_event(event public.whop_events)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
declare
    outcome public.whop_event_status;
    failure_state text;
    failure_message text;
begin
    if event.status in ('processed', 'ignored', 'unsupported') then
        return event.status;
    end if;

    begin
        outcome := private.handle_whop_event(event.event_type, event.payload);
    exception when others then
        get stacked diagnostics failure_state = returned_sqlstate, failure_message = message_text;
        outcome := case when failure_state = 'GF002' then 'unsupported' else 'failed' end::public.whop_event_status;
    end;

    -- A dispute carries no metadata, so one for a payment that is not ours looks like one
    -- whose payment event is late; after about a day of retries it is not late.
    if outcome = 'waiting' and event.attempts + 1 >= 12 then
        outcome := 'ignored';
        failure_state := 'P0002';
        failure_message := 'no matching order after 12 attempts';
    end if;

    update public.whop_events as e
    set status = outcome,
        attempts = e.attempts + 1,
        last_error = case when failure_state is not null then failure_state || ': ' || failure_message end,
        processed_at = case when outcome in ('processed', 'ignored', 'unsupported') then pg_catalog.now() end,
        -- Losing a deadlock or a lock race to another batch says nothing about the event:
        -- it is tried again at once.
        next_attempt_at = pg_catalog.now() + case
            when failure_state in ('40P01', '40001', '55P03') then interval '0'
            else least(interval '1 minute' * pg_catalog.power(2, least(e.attempts, 9)), interval '6 hours')
        end
    where e.id = event.id;
    return outcome;
end;
$$;

revoke execute on function private.process_locked_whop_event(public.whop_events)
from public, anon, authenticated;

-- Process stored events in one transaction, in the order given, each in its own
-- subtransaction: one event's failure is recorded on it and leaves the others' effects.
-- Events another worker holds are skipped (and not returned). At most 50 per call, so
-- the subtransactions stay within what each backend caches (64) and snapshots of other
-- sessions stay cheap.
create or replace function public.process_whop_events(event_ids bigint[])
returns table (event_id bigint, status public.whop_event_status)
language plpgsql
security definer
set search_path = ''
as $$
declare
    claimed public.whop_events;
begin
    if pg_catalog.cardinality(event_ids) > 50 then
        raise exception using errcode = '22023', message = 'at most 50 events per call';
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
$$;

-- One event: null when another worker holds it.
create or replace function public.process_whop_event(event_id bigint)
returns public.whop_event_status
language sql
security definer
set search_path = ''
as $$
    select processed.status from public.process_whop_events(array[event_id]) as processed
$$;

-- Events due for (another) try, oldest first.
create or replace function public.due_whop_events(max_events integer default 100)
returns setof bigint
language sql
stable
security definer
set search_path = ''
as $$
    select e.id from public.whop_events as e
    where e.status in ('received', 'waiting', 'failed') and e.next_attempt_at <= pg_catalog.now()
    order by e.next_attempt_at, e.id
    limit least(greatest(max_events, 1), 1000)
$$;

-- Operator command: put events back in line now (by id, or every failed one).
create or replace function public.requeue_whop_events(event_ids bigint[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
    requeued integer;
begin
    update public.whop_events as e
    set status = 'received', next_attempt_at = pg_catalog.now()
    where (event_ids is null and e.status in ('failed', 'waiting'))
        or e.id = any(event_ids);
    get diagnostics requeued = row_count;
    return requeued;
end;
$$;

revoke execute on function public.ingest_whop_events(jsonb) from public, anon, authenticated;
revoke execute on function public.ingest_whop_event(text, jsonb) from public, anon, authenticated;
revoke execute on function public.process_whop_events(bigint[]) from public, anon, authenticated;
revoke execute on function public.process_whop_event(bigint) from public, anon, authenticated;
revoke execute on function public.due_whop_events(integer) from public, anon, authenticated;
revoke execute on function public.requeue_whop_events(bigint[]) from public, anon, authenticated;
grant execute on function public.ingest_whop_events(jsonb) to service_role;
grant execute on function public.ingest_whop_event(text, jsonb) to service_role;
grant execute on function public.process_whop_events(bigint[]) to service_role;
grant execute on function public.process_whop_event(bigint) to service_role;
grant execute on function public.due_whop_events(integer) to service_role;
grant execute on function public.requeue_whop_events(bigint[]) to service_role;

-- source: functions/worker_support.sql ----------------------------------------------------------

-- What the worker needs beyond the order actions: checkout preparation, seller onboarding
-- and applying what Whop's API reports through the very handlers the webhooks use. All
-- service-role only.

-- Create the pending order and say where its money goes. A seller without a Whop
-- company cannot take payments, and nothing is written then.
create or replace function public.prepare_checkout(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]',
    attribution jsonb default '{}'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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
    return pg_catalog.jsonb_build_object('order', pg_catalog.to_jsonb(created), 'whop_company_id', company_id);
end;
$$;

-- The seller account behind a user, for onboarding and KYC sync.
create or replace function public.seller_account_for(seller_id uuid)
returns public.seller_accounts
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    account public.seller_accounts;
begin
    select s.* into account from public.seller_accounts as s where s.user_id = seller_account_for.seller_id;
    if account.user_id is null then
        raise exception using
            errcode = 'P0002',
            message = format('user %s has no seller account: call become_seller first', seller_id);
    end if;
    return account;
end;
$$;

-- Remember the seller's Whop connected company, once: linking another one is refused.
create or replace function public.link_whop_company(seller_id uuid, whop_company_id text)
returns public.seller_accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
    account public.seller_accounts := public.seller_account_for(seller_id);
begin
    if pg_catalog.char_length(coalesce(whop_company_id, '')) not between 1 and 64 then
        raise exception using errcode = '22023', message = 'whop_company_id must be 1 to 64 characters';
    end if;
    if account.whop_company_id is not null and account.whop_company_id <> link_whop_company.whop_company_id then
        raise exception using
            errcode = '55000',
            message = format('seller %s is already linked to Whop company %s', seller_id, account.whop_company_id);
    end if;
    update public.seller_accounts as s
    set whop_company_id = link_whop_company.whop_company_id,
        kyc_status = case when s.kyc_status = 'unstarted' then 'pending'::public.kyc_status else s.kyc_status end,
        kyc_updated_at = pg_catalog.now()
    where s.user_id = link_whop_company.seller_id
    returning s.* into account;
    return account;
end;
$$;

-- An order, as the checkout return page may ask about it: only its buyer.
create or replace function public.order_checkout(target_order_id uuid, buyer_id uuid)
returns public.orders
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o
    where o.id = target_order_id and o.buyer_id = order_checkout.buyer_id;
    if found_order.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return found_order;
end;
$$;

-- The caller's part in an order, for its chat: buyer or seller, and nobody else (who
-- learns only that there is no such order).
create or replace function public.order_participant(target_order_id uuid, user_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o where o.id = target_order_id;
    if found_order.id is null or order_participant.user_id not in (found_order.buyer_id, found_order.seller_id) then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return case when found_order.buyer_id = order_participant.user_id then 'buyer' else 'seller' end;
end;
$$;

-- Apply a Whop object read from the API (a payment for the checkout return page, a
-- ledger account's payout status for KYC sync, anything reconciliation finds) through
-- the same handler as the webhook carrying it. Returns what the inbox would record.
create or replace function public.apply_whop_object(
    event_type text,
    data jsonb,
    company_id text default null
)
returns public.whop_event_status
language sql
security definer
set search_path = ''
as $$
    select private.handle_whop_event(
        event_type,
        pg_catalog.jsonb_build_object('type', event_type, 'company_id', company_id, 'data', data)
    )
$$;

revoke execute on function public.prepare_checkout(uuid, uuid, public.package_tier, jsonb, jsonb)
from public, anon, authenticated;
revoke execute on function public.seller_account_for(uuid) from public, anon, authenticated;
revoke execute on function public.link_whop_company(uuid, text) from public, anon, authenticated;
revoke execute on function public.order_checkout(uuid, uuid) from public, anon, authenticated;
revoke execute on function public.apply_whop_object(text, jsonb, text) from public, anon, authenticated;
revoke execute on function public.order_participant(uuid, uuid) from public, anon, authenticated;
grant execute on function public.prepare_checkout(uuid, uuid, public.package_tier, jsonb, jsonb)
to service_role;
grant execute on function public.seller_account_for(uuid) to service_role;
grant execute on function public.link_whop_company(uuid, text) to service_role;
grant execute on function public.order_checkout(uuid, uuid) to service_role;
grant execute on function public.apply_whop_object(text, jsonb, text) to service_role;
grant execute on function public.order_participant(uuid, uuid) to service_role;

-- source: functions/reconciliation.sql ----------------------------------------------------------

-- Reconciliation: webhooks are the fast path, Whop's API the source of truth. The worker
-- asks Whop about everything still waiting on it and applies the answer through the
-- webhook handlers (apply_whop_object), so the two paths cannot disagree. These
-- functions hand out what to ask about, remember when each thing was last asked about
-- (the watermark), and cancel checkouts Whop confirmed unpaid. All service-role only.

-- Claim what is waiting on Whop and was not asked about within `recheck_after`: pending
-- payments (by checkout), requested refunds (by payment), sellers whose KYC is pending (by
-- company), withdrawals in flight (by Whop's id). An expired checkout is due again after a
-- minute, since it must be settled.
-- Claiming stamps private.whop_checks (the watermark, and a lease): claims are
-- serialized, so concurrent workers never get the same item.
create or replace function public.claim_reconciliation_work(
    max_rows integer default 500,
    recheck_after interval default '5 minutes'
)
returns table (kind text, subject text, whop_id text, expired boolean)
language plpgsql
security definer
set search_path = ''
as $$
begin
    if max_rows is null or max_rows not between 1 and 5000 then
        raise exception using errcode = '22023', message = 'max_rows must be between 1 and 5000';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('gigflow.claim_reconciliation_work'));
    return query
    with candidates as (
        select
            'payment' as kind,
            o.id::text as subject,
            o.whop_checkout_id as whop_id,
            o.checkout_expires_at <= pg_catalog.now() as expired
        from public.orders as o
        where o.status = 'pending_payment' and o.whop_checkout_id is not null
        union all
        select 'refund', r.id::text, o.whop_payment_id, false
        from public.refunds as r
        join public.orders as o on o.id = r.order_id
        where r.status = 'requested' and o.whop_payment_id is not null
        union all
        select 'kyc', s.user_id::text, s.whop_company_id, false
        from public.seller_accounts as s
        where s.kyc_status = 'pending' and s.whop_company_id is not null
        union all
        select 'withdrawal', w.id::text, w.whop_withdrawal_id, false
        from public.withdrawals as w
        where w.status in ('requested', 'awaiting_payment', 'in_transit') and w.whop_withdrawal_id is not null
    ),
    due as (
        select c.kind, c.subject, c.whop_id, c.expired
        from candidates as c
        left join private.whop_checks as w on w.kind = c.kind and w.subject = c.subject
        where w.checked_at is null
            or w.checked_at <= pg_catalog.now()
            - case when c.expired then interval '1 minute' else recheck_after end
        order by w.checked_at nulls first, c.kind, c.subject
        limit max_rows
    ),
    stamped as (
        insert into private.whop_checks as w (kind, subject, checked_at)
        select d.kind, d.subject, pg_catalog.now() from due as d
        on conflict on constraint whop_checks_pkey do update set checked_at = excluded.checked_at
    )
    select d.kind, d.subject, d.whop_id, d.expired from due as d;
end;
$$;

-- Whop says this expired checkout was never paid: the order is cancelled. Anything else
-- (not pending, not expired, no checkout) is refused, so a stale answer cannot cancel a
-- paid order.
create or replace function public.expire_unpaid_checkout(target_order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders := private.lock_order(target_order_id);
begin
    if target.status <> 'pending_payment' or target.whop_checkout_id is null
        or target.checkout_expires_at > pg_catalog.now() then
        raise exception using
            errcode = '55000',
            message = format('order %s is not an expired checkout awaiting payment', target_order_id);
    end if;
    return private.apply_order_action(target.id, 'expire_checkout', 'system');
end;
$$;

revoke execute on function public.claim_reconciliation_work(integer, interval)
from public, anon, authenticated;
revoke execute on function public.expire_unpaid_checkout(uuid) from public, anon, authenticated;
grant execute on function public.claim_reconciliation_work(integer, interval) to service_role;
grant execute on function public.expire_unpaid_checkout(uuid) to service_role;

-- source: functions/files.sql -------------------------------------------------------------------

-- Files in Supabase Storage. The Storage API runs every read and write of an object as the
-- requesting user (role and JWT claims), so the policies on storage.objects are the whole
-- authorization, signed URLs included. These helpers give those policies one reading of
-- each path convention (security definer: they look at orders and gigs whatever the
-- caller may read), and record which files a delivery or a brief refers to: the evidence
-- nobody may overwrite or delete.
--
--   order-files/<order_id>/requirements/<file>   the buyer, while the brief is open
--   order-files/<order_id>/deliveries/<file>     the seller, while work is under way
--   gig-media/<seller_id>/<gig_id>/<file>        the gig's seller
--   avatars/<user_id>/<file>                     the user

-- The parts of an object name, or null unless it has exactly `depth` parts, none empty,
-- none a dot segment. Percent-encoded or doubled separators are not decoded: they make
-- the name fail the exact comparisons the callers do.
create or replace function private.path_parts(object_name text, depth integer)
returns text[]
language sql
immutable
set search_path = ''
as $$
    select case
        when object_name is null or pg_catalog.char_length(object_name) > 1024 then null
        when pg_catalog.cardinality(pg_catalog.string_to_array(object_name, '/')) <> depth then null
        when exists (
            select 1 from pg_catalog.unnest(pg_catalog.string_to_array(object_name, '/')) as part
            where part in ('', '.', '..')
        ) then null
        else pg_catalog.string_to_array(object_name, '/')
    end
$$;

-- A canonical (lowercase) uuid, or null: '<ORDER-ID>' or '<order-id>x' are not the order.
create or replace function private.canonical_uuid(candidate text)
returns uuid
language sql
immutable
set search_path = ''
as $$
    select case
        when candidate ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then candidate::uuid
    end
$$;

-- The order and folder (requirements | deliveries) an order-files name is in.
create or replace function private.order_file_folder(object_name text, out order_id uuid, out folder text)
language sql
immutable
set search_path = ''
as $$
    select private.canonical_uuid(parts[1]), parts[2]
    from (select private.path_parts(object_name, 3) as parts) as p
    where parts[2] in ('requirements', 'deliveries') and private.canonical_uuid(parts[1]) is not null
$$;

-- The order's buyer, its seller and admins read its files (admins: for disputes).
create or replace function private.can_read_order_file(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.orders as o
        where o.id = (private.order_file_folder(object_name)).order_id
            and (
                o.buyer_id = (select auth.uid())
                or o.seller_id = (select auth.uid())
                or (select private.is_admin())
            )
    )
$$;

-- The buyer uploads to requirements/ while the brief is open; the seller to deliveries/
-- while the work is in progress or a revision is asked for.
create or replace function private.can_upload_order_file(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.orders as o
        cross join private.order_file_folder(object_name) as f
        where o.id = f.order_id
            and (
                (f.folder = 'requirements' and o.buyer_id = (select auth.uid())
                    and o.status = 'awaiting_requirements')
                or (f.folder = 'deliveries' and o.seller_id = (select auth.uid())
                    and o.status in ('in_progress', 'revision_requested'))
            )
    )
$$;

-- A file a submitted brief or delivery refers to: evidence, never replaced or removed.
create or replace function private.is_order_evidence(object_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (select 1 from public.order_files as f where f.storage_object_id = object_id)
$$;

-- Media of a published gig, under its seller's folder: readable by anyone.
create or replace function private.is_published_gig_media(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.gigs as g
        cross join private.path_parts(object_name, 3) as parts
        where g.id = private.canonical_uuid(parts[2])
            and g.seller_id = private.canonical_uuid(parts[1])
            and g.status = 'published'
    )
$$;

-- The caller's own gig, under the caller's own folder.
create or replace function private.is_own_gig_media(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.gigs as g
        cross join private.path_parts(object_name, 3) as parts
        where g.id = private.canonical_uuid(parts[2])
            and g.seller_id = private.canonical_uuid(parts[1])
            and g.seller_id = (select auth.uid())
    )
$$;

-- Record the files a brief or a delivery refers to. Each reference is {"path": name in
-- order-files}; it must be an object that exists in this order's folder for `folder`,
-- uploaded by the caller. What is stored (id, name, size, MIME type) is what Storage
-- recorded, never what the client claims. Returns the stored references.
create or replace function private.attach_order_files(
    target_order_id uuid,
    folder text,
    refs jsonb,
    delivery_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    reference jsonb;
    found_object record;
    attached jsonb := '[]'::jsonb;
begin
    if pg_catalog.jsonb_typeof(coalesce(refs, '[]'::jsonb)) <> 'array'
        or pg_catalog.jsonb_array_length(coalesce(refs, '[]'::jsonb)) > 20 then
        raise exception using errcode = '22023', message = 'files must be an array of at most 20 {"path": …}';
    end if;
    for reference in select * from pg_catalog.jsonb_array_elements(coalesce(refs, '[]'::jsonb)) loop
        select o.id, o.name, o.metadata into found_object
        from storage.objects as o
        where o.bucket_id = 'order-files'
            and o.name = reference ->> 'path'
            and (private.order_file_folder(o.name)).order_id = target_order_id
            and (private.order_file_folder(o.name)).folder = attach_order_files.folder
            and o.owner_id = (select auth.uid())::text;
        if found_object.id is null then
            raise exception using
                errcode = '22023',
                message = format(
                    'file %s is not a file you uploaded to order-files/%s/%s/',
                    coalesce(reference ->> 'path', reference::text), target_order_id, folder
                );
        end if;
        insert into public.order_files (
            order_id, storage_object_id, folder, delivery_id, name, size_bytes, mime_type, uploaded_by
        )
        values (
            target_order_id, found_object.id, attach_order_files.folder, attach_order_files.delivery_id,
            found_object.name, (found_object.metadata ->> 'size')::bigint,
            found_object.metadata ->> 'mimetype', (select auth.uid())
        )
        on conflict on constraint order_files_storage_object_id_key do nothing;
        if not found then
            raise exception using
                errcode = '23505', message = format('file %s is already attached', found_object.name);
        end if;
        attached := attached || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'object_id', found_object.id,
            'path', found_object.name,
            'size', (found_object.metadata ->> 'size')::bigint,
            'mime_type', found_object.metadata ->> 'mimetype'
        ));
    end loop;
    return attached;
end;
$$;

-- Files of orders cancelled before any delivery, for the worker to remove through the
-- Storage API (direct deletes are refused). An order with nothing left is marked done.
-- An order's files are the names from '<id>/' up to '<id>0' ('0' follows '/'), compared
-- bytewise (~>=~, ~<~): the range Storage's text_pattern_ops index on name answers, in
-- any collation, where a LIKE with a computed prefix scans every file.
create or replace function public.order_files_to_remove(max_files integer default 200)
returns table (order_id uuid, path text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.orders as o
    set files_removed_at = pg_catalog.now()
    where o.status = 'cancelled' and o.delivered_at is null and o.files_removed_at is null
        and not exists (
            select 1 from storage.objects as s
            where s.bucket_id = 'order-files'
                and s.name ~>=~ (o.id::text || '/') and s.name ~<~ (o.id::text || '0')
        );
    return query
    select o.id, s.name
    from public.orders as o
    join storage.objects as s
        on s.bucket_id = 'order-files'
        and s.name ~>=~ (o.id::text || '/') and s.name ~<~ (o.id::text || '0')
    where o.status = 'cancelled' and o.delivered_at is null and o.files_removed_at is null
    order by o.cancelled_at, s.name
    limit least(greatest(max_files, 1), 1000);
end;
$$;

revoke execute on function private.path_parts(text, integer) from public, anon, authenticated;
revoke execute on function private.canonical_uuid(text) from public, anon, authenticated;
revoke execute on function private.order_file_folder(text) from public, anon, authenticated;
revoke execute on function private.can_read_order_file(text) from public, anon, authenticated;
revoke execute on function private.can_upload_order_file(text) from public, anon, authenticated;
revoke execute on function private.is_order_evidence(uuid) from public, anon, authenticated;
revoke execute on function private.is_published_gig_media(text) from public, anon, authenticated;
revoke execute on function private.is_own_gig_media(text) from public, anon, authenticated;
revoke execute on function private.attach_order_files(uuid, text, jsonb, uuid) from public,
anon,
authenticated;
revoke execute on function public.order_files_to_remove(integer) from public, anon, authenticated;
-- Policies on storage.objects run as the requesting role.
grant execute on function private.path_parts(text, integer) to authenticated, service_role;
grant execute on function private.can_read_order_file(text) to authenticated, service_role;
grant execute on function private.can_upload_order_file(text) to authenticated, service_role;
grant execute on function private.is_order_evidence(uuid) to authenticated, service_role;
grant execute on function private.is_published_gig_media(text) to anon, authenticated, service_role;
grant execute on function private.is_own_gig_media(text) to authenticated, service_role;
grant execute on function public.order_files_to_remove(integer) to service_role;

-- source: functions/channels.sql ----------------------------------------------------------------

-- Live order channels in Supabase Realtime; the policies are in policies/realtime.sql.

-- Private channels `order:<order_id>` (typing, who is online): the order's two parties.
create or replace function private.is_order_channel_participant(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1 from public.orders as o
        where topic like 'order:%'
            and o.id = private.canonical_uuid(pg_catalog.substr(topic, 7))
            and (select auth.uid()) in (o.buyer_id, o.seller_id)
    )
$$;

revoke execute on function private.is_order_channel_participant(text) from public, anon, authenticated;
grant execute on function private.is_order_channel_participant(text) to authenticated, service_role;

-- source: functions/payouts.sql -----------------------------------------------------------------

-- Seller money after the sale: balances and withdrawals. Earnings clear a configurable
-- period after completion (private.platform_settings.clearance_period); a withdrawal
-- takes from the cleared amount the moment it is requested, and gives it back if Whop
-- fails, cancels or denies it.

-- A seller's money per currency: pending (not yet cleared), available (cleared, minus
-- withdrawals not failed), withdrawing (in flight at Whop), withdrawn (paid out), and
-- refunded (their share given back to buyers).
create or replace function private.balances_of(target_seller uuid)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint
)
language sql
stable
security definer
set search_path = ''
as $$
    with settings as (
        select s.clearance_period from private.platform_settings as s
    ),
    earned as (
        select
            o.currency,
            coalesce(pg_catalog.sum(o.seller_net_cents - o.net_refunded_cents) filter (
                where o.status not in ('completed', 'cancelled', 'refunded')
                    or o.completed_at > pg_catalog.now() - (select clearance_period from settings)
            ), 0)::bigint as pending_cents,
            coalesce(pg_catalog.sum(o.seller_net_cents - o.net_refunded_cents) filter (
                where o.status = 'completed'
                    and o.completed_at <= pg_catalog.now() - (select clearance_period from settings)
            ), 0)::bigint as cleared_cents,
            coalesce(pg_catalog.sum(o.net_refunded_cents), 0)::bigint as refunded_cents
        from public.orders as o
        where o.seller_id = target_seller and o.paid_at is not null
        group by o.currency
    ),
    paid_out as (
        select
            w.currency,
            coalesce(pg_catalog.sum(w.amount_cents) filter (
                where w.status in ('requested', 'awaiting_payment', 'in_transit')
            ), 0)::bigint as withdrawing_cents,
            coalesce(pg_catalog.sum(w.amount_cents) filter (where w.status = 'completed'), 0)::bigint
                as withdrawn_cents
        from public.withdrawals as w
        where w.seller_id = target_seller
        group by w.currency
    )
    select
        coalesce(e.currency, p.currency),
        coalesce(e.pending_cents, 0),
        coalesce(e.cleared_cents, 0) - coalesce(p.withdrawing_cents, 0) - coalesce(p.withdrawn_cents, 0),
        coalesce(p.withdrawing_cents, 0),
        coalesce(p.withdrawn_cents, 0),
        coalesce(e.refunded_cents, 0)
    from earned as e
    full join paid_out as p on p.currency = e.currency
$$;

-- The caller's balance (or any seller's, for an admin).
create or replace function public.seller_balance(seller_id uuid default null)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    target_seller uuid := coalesce(seller_id, auth.uid());
begin
    if target_seller is distinct from auth.uid() and not private.is_admin() then
        raise exception using errcode = '42501', message = 'sellers see only their own balance';
    end if;
    return query select * from private.balances_of(target_seller);
end;
$$;

-- Reserve a withdrawal of at most the available balance. The seller's account row is
-- locked first, so two requests at once are decided one after the other and can never
-- overdraw. Returns the withdrawal and the Whop company that pays it.
create or replace function public.request_withdrawal(
    seller_id uuid, amount_cents integer, currency text default 'USD'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    account public.seller_accounts;
    available bigint;
    created public.withdrawals;
begin
    select s.* into account from public.seller_accounts as s
    where s.user_id = request_withdrawal.seller_id
    for update;
    if account.user_id is null then
        raise exception using errcode = 'P0002', message = format('user %s has no seller account', seller_id);
    end if;
    if account.kyc_status <> 'verified' or account.whop_company_id is null then
        raise exception using errcode = 'GF001', message = 'withdrawals need a verified Whop account';
    end if;
    if amount_cents is null or amount_cents <= 0 then
        raise exception using errcode = '22023', message = 'amount_cents must be a positive number of cents';
    end if;
    select b.available_cents into available
    from private.balances_of(account.user_id) as b
    where b.currency = pg_catalog.upper(request_withdrawal.currency);
    if coalesce(available, 0) < amount_cents then
        raise exception using
            errcode = '55000',
            message = format(
                'withdrawal of %s exceeds the available %s %s',
                amount_cents, coalesce(available, 0), pg_catalog.upper(request_withdrawal.currency)
            );
    end if;
    insert into public.withdrawals (seller_id, amount_cents, currency)
    values (account.user_id, amount_cents, pg_catalog.upper(request_withdrawal.currency))
    returning * into created;
    return pg_catalog.jsonb_build_object(
        'withdrawal', pg_catalog.to_jsonb(created), 'whop_company_id', account.whop_company_id
    );
end;
$$;

-- Whop's word for a withdrawal's state as ours, or null for one we do not know (Whop
-- may add states: such a report is kept out rather than failing).
create or replace function private.withdrawal_status_of(whop_status text)
returns public.withdrawal_status
language sql
stable
set search_path = ''
as $$
    select known from pg_catalog.unnest(pg_catalog.enum_range(null::public.withdrawal_status)) as known
    where known::text = whop_status
$$;

-- What Whop says of a withdrawal (its answer to our request, a webhook, reconciliation),
-- in Whop's words. Final states stay final; a repeated or stale report changes nothing,
-- and a state we do not know records Whop's id but leaves the state as it was.
create or replace function public.record_withdrawal(
    withdrawal_id uuid,
    whop_withdrawal_id text,
    status text,
    failure_reason text default null
)
returns public.withdrawals
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.withdrawals;
    reported public.withdrawal_status := private.withdrawal_status_of(record_withdrawal.status);
begin
    select w.* into target from public.withdrawals as w where w.id = withdrawal_id for update;
    if target.id is null then
        raise exception using errcode = 'P0002', message = format('withdrawal %s not found', withdrawal_id);
    end if;
    if target.whop_withdrawal_id is not null and whop_withdrawal_id is not null
        and target.whop_withdrawal_id <> record_withdrawal.whop_withdrawal_id then
        raise exception using
            errcode = '22023',
            message = format('withdrawal %s is Whop withdrawal %s', withdrawal_id, target.whop_withdrawal_id);
    end if;
    if target.status in ('completed', 'failed', 'canceled', 'denied') then
        return target;
    end if;
    update public.withdrawals as w
    set whop_withdrawal_id = coalesce(w.whop_withdrawal_id, record_withdrawal.whop_withdrawal_id),
        status = coalesce(reported, w.status),
        failure_reason = pg_catalog.left(record_withdrawal.failure_reason, 500),
        settled_at = case
            when reported in ('completed', 'failed', 'canceled', 'denied') then pg_catalog.now()
        end,
        updated_at = pg_catalog.now()
    where w.id = target.id
    returning w.* into target;
    return target;
end;
$$;

-- Operators: how long earnings wait after completion before they can be withdrawn (the
-- window for disputes and chargebacks).
create or replace function public.set_clearance_period(days integer)
returns interval
language plpgsql
security definer
set search_path = ''
as $$
declare
    period interval;
begin
    if days is null or days not between 0 and 180 then
        raise exception using errcode = '22023', message = 'days must be between 0 and 180';
    end if;
    update private.platform_settings as s
    set clearance_period = pg_catalog.make_interval(days => set_clearance_period.days)
    returning s.clearance_period into period;
    return period;
end;
$$;

revoke execute on function private.balances_of(uuid) from public, anon, authenticated;
revoke execute on function public.set_clearance_period(integer) from public, anon, authenticated;
grant execute on function public.set_clearance_period(integer) to service_role;
revoke execute on function public.seller_balance(uuid) from public, anon;
revoke execute on function public.request_withdrawal(uuid, integer, text) from public, anon, authenticated;
revoke execute on function private.withdrawal_status_of(text) from public, anon, authenticated;
revoke execute on function public.record_withdrawal(uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.seller_balance(uuid) to authenticated, service_role;
grant execute on function public.request_withdrawal(uuid, integer, text) to service_role;
grant execute on function public.record_withdrawal(uuid, text, text, text) to service_role;

-- source: functions/refunds.sql -----------------------------------------------------------------

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

-- source: functions/whop_accounts.sql -----------------------------------------------------------

-- Secrets the platform keeps for Whop: OAuth sign-in state (PKCE), linked Whop accounts
-- with their tokens, and the signing secrets of the webhooks the platform created. They
-- live in `private` (never exposed by the API) and only as ciphertext: the key is in
-- the worker's settings, never in the database. Service role only, except that a user
-- may see whether their own Whop account is linked.

-- Start a Whop OAuth sign-in: remember the state (by its hash) and the PKCE verifier.
create or replace function public.begin_whop_oauth(
    user_id uuid, state_hash text, code_verifier_ciphertext text, lifetime_seconds integer default 600
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
    expires timestamptz := pg_catalog.now() + pg_catalog.make_interval(secs => lifetime_seconds);
begin
    if lifetime_seconds is null or lifetime_seconds not between 60 and 3600 then
        raise exception using errcode = '22023', message = 'lifetime_seconds must be between 60 and 3600';
    end if;
    if pg_catalog.char_length(coalesce(state_hash, '')) <> 64 then
        raise exception using errcode = '22023', message = 'state_hash must be a hex SHA-256';
    end if;
    delete from private.whop_oauth_states as s where s.expires_at < pg_catalog.now() - interval '1 day';
    insert into private.whop_oauth_states (state_hash, user_id, code_verifier_ciphertext, expires_at)
    values (state_hash, user_id, code_verifier_ciphertext, expires);
    return expires;
end;
$$;

-- Finish it: the state is good once, before it expires.
create or replace function public.consume_whop_oauth_state(state_hash text)
returns table (user_id uuid, code_verifier_ciphertext text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    update private.whop_oauth_states as s
    set used_at = pg_catalog.now()
    where s.state_hash = consume_whop_oauth_state.state_hash
        and s.used_at is null and s.expires_at > pg_catalog.now()
    returning s.user_id, s.code_verifier_ciphertext;
    if not found then
        raise exception using errcode = '42501', message = 'unknown, expired or already used OAuth state';
    end if;
end;
$$;

-- Link (or re-link) a user's Whop account by the Whop user id Whop vouched for. One Whop
-- account belongs to one user.
create or replace function public.link_whop_account(
    user_id uuid,
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz,
    scope text default null
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
begin
    if exists (
        select 1 from private.whop_oauth_links as l
        where l.whop_user_id = link_whop_account.whop_user_id and l.user_id <> link_whop_account.user_id
    ) then
        raise exception using
            errcode = '23505', message = 'this Whop account is already linked to another user';
    end if;
    insert into private.whop_oauth_links as l (
        user_id, whop_user_id, access_token_ciphertext, refresh_token_ciphertext, access_expires_at, scope
    )
    values (
        link_whop_account.user_id, whop_user_id, access_token_ciphertext, refresh_token_ciphertext,
        access_expires_at, scope
    )
    on conflict on constraint whop_oauth_links_pkey do update
    set whop_user_id = excluded.whop_user_id,
        access_token_ciphertext = excluded.access_token_ciphertext,
        refresh_token_ciphertext = excluded.refresh_token_ciphertext,
        access_expires_at = excluded.access_expires_at,
        scope = excluded.scope,
        linked_at = pg_catalog.now(),
        refreshed_at = null;
    return pg_catalog.now();
end;
$$;

-- A user's link, tokens as ciphertext (none when not linked).
create or replace function public.whop_account_link(user_id uuid)
returns table (
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
    select l.whop_user_id, l.access_token_ciphertext, l.refresh_token_ciphertext, l.access_expires_at
    from private.whop_oauth_links as l
    where l.user_id = whop_account_link.user_id
$$;

-- After a refresh: the new tokens, unless the link was removed meanwhile.
create or replace function public.store_refreshed_whop_tokens(
    user_id uuid,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    update private.whop_oauth_links as l
    set access_token_ciphertext = store_refreshed_whop_tokens.access_token_ciphertext,
        refresh_token_ciphertext = coalesce(
            store_refreshed_whop_tokens.refresh_token_ciphertext, l.refresh_token_ciphertext
        ),
        access_expires_at = store_refreshed_whop_tokens.access_expires_at,
        refreshed_at = pg_catalog.now()
    where l.user_id = store_refreshed_whop_tokens.user_id;
    return found;
end;
$$;

-- Unlink: the link goes, and its tokens are returned once so the worker can revoke them.
create or replace function public.unlink_whop_account(user_id uuid)
returns table (whop_user_id text, access_token_ciphertext text, refresh_token_ciphertext text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    delete from private.whop_oauth_links as l
    where l.user_id = unlink_whop_account.user_id
    returning l.whop_user_id, l.access_token_ciphertext, l.refresh_token_ciphertext;
    if not found then
        raise exception using errcode = 'P0002', message = 'no Whop account is linked';
    end if;
end;
$$;

-- The signed-in user's own link, without its tokens.
create or replace function public.my_whop_link()
returns table (whop_user_id text, linked_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
    select l.whop_user_id, l.linked_at from private.whop_oauth_links as l
    where l.user_id = (select auth.uid())
$$;

-- Webhooks the platform created at Whop, with their signing secrets (shown by Whop once).
create or replace function public.save_whop_webhook_endpoint(
    whop_webhook_id text, url text, events text[], secret_ciphertext text
)
returns void
language sql
security definer
set search_path = ''
as $$
    insert into private.whop_webhook_endpoints as e (whop_webhook_id, url, events, secret_ciphertext)
    values (whop_webhook_id, url, events, secret_ciphertext)
    on conflict on constraint whop_webhook_endpoints_pkey do update
    set url = excluded.url, events = excluded.events, secret_ciphertext = excluded.secret_ciphertext
$$;

create or replace function public.whop_webhook_endpoints()
returns table (whop_webhook_id text, url text, events text[], secret_ciphertext text)
language sql
stable
security definer
set search_path = ''
as $$
    select e.whop_webhook_id, e.url, e.events, e.secret_ciphertext
    from private.whop_webhook_endpoints as e
    order by e.created_at
$$;

create or replace function public.forget_whop_webhook_endpoint(whop_webhook_id text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    delete from private.whop_webhook_endpoints as e
    where e.whop_webhook_id = forget_whop_webhook_endpoint.whop_webhook_id;
    return found;
end;
$$;

-- Key rotation: every stored ciphertext, and a compare-and-swap to replace one with the
-- same secret under the new key.
create or replace function public.stored_ciphertexts()
returns table (kind text, id text, ciphertext text)
language sql
stable
security definer
set search_path = ''
as $$
    select 'oauth_access', l.user_id::text, l.access_token_ciphertext from private.whop_oauth_links as l
    union all
    select 'oauth_refresh', l.user_id::text, l.refresh_token_ciphertext from private.whop_oauth_links as l
    where l.refresh_token_ciphertext is not null
    union all
    select 'oauth_verifier', s.state_hash, s.code_verifier_ciphertext from private.whop_oauth_states as s
    where s.used_at is null and s.expires_at > pg_catalog.now()
    union all
    select 'webhook_secret', e.whop_webhook_id, e.secret_ciphertext from private.whop_webhook_endpoints as e
$$;

create or replace function public.replace_ciphertext(
    kind text, id text, old_ciphertext text, new_ciphertext text
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    case kind
        when 'oauth_access' then
            update private.whop_oauth_links as l set access_token_ciphertext = new_ciphertext
            where l.user_id::text = id and l.access_token_ciphertext = old_ciphertext;
        when 'oauth_refresh' then
            update private.whop_oauth_links as l set refresh_token_ciphertext = new_ciphertext
            where l.user_id::text = id and l.refresh_token_ciphertext = old_ciphertext;
        when 'oauth_verifier' then
            update private.whop_oauth_states as s set code_verifier_ciphertext = new_ciphertext
            where s.state_hash = id and s.code_verifier_ciphertext = old_ciphertext;
        when 'webhook_secret' then
            update private.whop_webhook_endpoints as e set secret_ciphertext = new_ciphertext
            where e.whop_webhook_id = id and e.secret_ciphertext = old_ciphertext;
        else
            raise exception using errcode = '22023', message = format('unknown ciphertext kind %s', kind);
    end case;
    return found;
end;
$$;

revoke execute on function public.begin_whop_oauth(uuid, text, text, integer)
from public, anon, authenticated;
revoke execute on function public.consume_whop_oauth_state(text) from public, anon, authenticated;
revoke execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text)
from public, anon, authenticated;
revoke execute on function public.whop_account_link(uuid) from public, anon, authenticated;
revoke execute on function public.store_refreshed_whop_tokens(uuid, text, text, timestamptz)
from public, anon, authenticated;
revoke execute on function public.unlink_whop_account(uuid) from public, anon, authenticated;
revoke execute on function public.my_whop_link() from public, anon, authenticated;
revoke execute on function public.save_whop_webhook_endpoint(text, text, text[], text)
from public, anon, authenticated;
revoke execute on function public.whop_webhook_endpoints() from public, anon, authenticated;
revoke execute on function public.forget_whop_webhook_endpoint(text) from public, anon, authenticated;
revoke execute on function public.stored_ciphertexts() from public, anon, authenticated;
revoke execute on function public.replace_ciphertext(text, text, text, text) from public, anon, authenticated;
grant execute on function public.begin_whop_oauth(uuid, text, text, integer) to service_role;
grant execute on function public.consume_whop_oauth_state(text) to service_role;
grant execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text) to service_role;
grant execute on function public.whop_account_link(uuid) to service_role;
grant execute on function public.store_refreshed_whop_tokens(uuid, text, text, timestamptz) to service_role;
grant execute on function public.unlink_whop_account(uuid) to service_role;
grant execute on function public.my_whop_link() to authenticated;
grant execute on function public.save_whop_webhook_endpoint(text, text, text[], text) to service_role;
grant execute on function public.whop_webhook_endpoints() to service_role;
grant execute on function public.forget_whop_webhook_endpoint(text) to service_role;
grant execute on function public.stored_ciphertexts() to service_role;
grant execute on function public.replace_ciphertext(text, text, text, text) to service_role;

-- source: policies/catalog.sql ------------------------------------------------------------------

-- The catalog: categories are public; a gig is public once published, and always
-- visible to its seller and to admins. Packages and extras are visible exactly when
-- their gig is (the subquery on gigs runs under the gigs policies) and writable only by
-- the gig's seller. Statuses never change here: only the moderation functions move them.

create policy "anyone reads categories"
on public.categories
for select
to anon, authenticated
using (true);

create policy "anyone reads published gigs"
on public.gigs
for select
to anon, authenticated
using (status = 'published');

create policy "sellers read their own gigs"
on public.gigs
for select
to authenticated
using (seller_id = (select auth.uid()));

create policy "admins read every gig"
on public.gigs
for select
to authenticated
using ((select private.is_admin()));

create policy "sellers create draft gigs"
on public.gigs
for insert
to authenticated
with check (seller_id = (select auth.uid()) and status = 'draft');

create policy "sellers edit their own gigs"
on public.gigs
for update
to authenticated
using (seller_id = (select auth.uid()))
with check (seller_id = (select auth.uid()));

create policy "sellers delete their unpublished gigs"
on public.gigs
for delete
to authenticated
using (seller_id = (select auth.uid()) and status in ('draft', 'rejected'));

create policy "packages are visible with their gig"
on public.gig_packages
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_packages.gig_id
));

create policy "sellers add packages to their gigs"
on public.gig_packages
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit packages of their gigs"
on public.gig_packages
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete packages of their gigs"
on public.gig_packages
for delete
to authenticated
using (private.sells_gig(gig_id));

create policy "extras are visible with their gig"
on public.gig_extras
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_extras.gig_id
));

create policy "sellers add extras to their gigs"
on public.gig_extras
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit extras of their gigs"
on public.gig_extras
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete extras of their gigs"
on public.gig_extras
for delete
to authenticated
using (private.sells_gig(gig_id));

-- source: policies/orders.sql -------------------------------------------------------------------

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

-- source: policies/payouts.sql ------------------------------------------------------------------

-- Withdrawals: a seller reads their own, admins read all; only the server writes them.

create policy "sellers read their withdrawals"
on public.withdrawals
for select
to authenticated
using (seller_id = (select auth.uid()) or (select private.is_admin()));

-- source: policies/profiles.sql -----------------------------------------------------------------

-- Profiles are public identity (no e-mail or other private data lives here); each user
-- edits only their own, and only the columns granted for it (never the role).

create policy "anyone reads profiles"
on public.profiles
for select
to anon, authenticated
using (true);

create policy "users update their own profile"
on public.profiles
for update
to authenticated
using (id = (select auth.uid()))
with check (id = (select auth.uid()));

-- Seller accounts hold KYC and payout state: the owner and admins read them; the owner
-- edits only the headline (column grant); everything else changes through server
-- functions.

create policy "sellers read their own account"
on public.seller_accounts
for select
to authenticated
using (user_id = (select auth.uid()));

create policy "admins read every seller account"
on public.seller_accounts
for select
to authenticated
using ((select private.is_admin()));

create policy "sellers update their own headline"
on public.seller_accounts
for update
to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- source: policies/realtime.sql -----------------------------------------------------------------

-- Live order channels. Realtime authorizes a private channel by running, as the user with
-- their claims and with realtime.topic() set to the channel, a select on
-- realtime.messages (join and receive) and an insert (send). The topic of an order's
-- channel is `order:<order_id>`: its buyer and seller join and send, nobody else.

drop policy if exists "participants join their order channels" on realtime.messages;
create policy "participants join their order channels"
on realtime.messages
for select
to authenticated
using (
    extension in ('broadcast', 'presence')
    and private.is_order_channel_participant((select realtime.topic()))
);

drop policy if exists "participants send on their order channels" on realtime.messages;
create policy "participants send on their order channels"
on realtime.messages
for insert
to authenticated
with check (
    extension in ('broadcast', 'presence')
    and private.is_order_channel_participant((select realtime.topic()))
);

-- source: policies/storage.sql ------------------------------------------------------------------

-- Files in Supabase Storage. Every Storage API call runs as the requesting user, so these
-- policies on storage.objects are the whole authorization (a signed URL needs select).
-- Path conventions and the helpers are in functions/files.sql. Buckets without a policy
-- here are closed to the API roles. The platform owns storage.objects and a rebuild of
-- our schemas leaves its policies in place, hence drop-if-exists before each one.

-- order-files (private): the order's participants, and admins for disputes.
drop policy if exists "participants read their order files" on storage.objects;
create policy "participants read their order files"
on storage.objects
for select
to authenticated
using (bucket_id = 'order-files' and private.can_read_order_file(name));

drop policy if exists "buyers upload briefs and sellers upload deliveries" on storage.objects;
create policy "buyers upload briefs and sellers upload deliveries"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and private.can_upload_order_file(name)
);

drop policy if exists "uploaders replace their order files until submitted" on storage.objects;
create policy "uploaders replace their order files until submitted"
on storage.objects
for update
to authenticated
using (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and not private.is_order_evidence(id)
)
with check (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and private.can_upload_order_file(name)
);

drop policy if exists "uploaders remove their order files until submitted" on storage.objects;
create policy "uploaders remove their order files until submitted"
on storage.objects
for delete
to authenticated
using (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and not private.is_order_evidence(id)
);

-- gig-media (public read): anyone sees media of published gigs; the seller manages
-- their own gig's media.
drop policy if exists "anyone reads media of published gigs" on storage.objects;
create policy "anyone reads media of published gigs"
on storage.objects
for select
to anon, authenticated
using (bucket_id = 'gig-media' and private.is_published_gig_media(name));

drop policy if exists "sellers read their own gig media" on storage.objects;
create policy "sellers read their own gig media"
on storage.objects
for select
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name));

drop policy if exists "sellers upload media of their gigs" on storage.objects;
create policy "sellers upload media of their gigs"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'gig-media' and owner_id = (select auth.uid())::text and private.is_own_gig_media(name)
);

drop policy if exists "sellers replace media of their gigs" on storage.objects;
create policy "sellers replace media of their gigs"
on storage.objects
for update
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name))
with check (
    bucket_id = 'gig-media' and owner_id = (select auth.uid())::text and private.is_own_gig_media(name)
);

drop policy if exists "sellers remove media of their gigs" on storage.objects;
create policy "sellers remove media of their gigs"
on storage.objects
for delete
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name));

-- avatars (public read): everyone reads; each user manages the files in their folder.
drop policy if exists "anyone reads avatars" on storage.objects;
create policy "anyone reads avatars"
on storage.objects
for select
to anon, authenticated
using (bucket_id = 'avatars');

drop policy if exists "users upload their avatar" on storage.objects;
create policy "users upload their avatar"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'avatars'
    and owner_id = (select auth.uid())::text
    and (private.path_parts(name, 2))[1] = (select auth.uid())::text
);

drop policy if exists "users replace their avatar" on storage.objects;
create policy "users replace their avatar"
on storage.objects
for update
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text)
with check (
    bucket_id = 'avatars'
    and owner_id = (select auth.uid())::text
    and (private.path_parts(name, 2))[1] = (select auth.uid())::text
);

drop policy if exists "users remove their avatar" on storage.objects;
create policy "users remove their avatar"
on storage.objects
for delete
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text);

-- What a brief or a delivery refers to, as Storage recorded it: participants read it.
create policy "participants read their order files records"
on public.order_files
for select
to authenticated
using (private.can_see_order(order_id));

-- source: policies/webhooks.sql -----------------------------------------------------------------

-- The webhook inbox is operational data: admins read it, nobody writes it but the
-- service role.

create policy "admins read the webhook inbox"
on public.whop_events
for select
to authenticated
using ((select private.is_admin()));
