-- Marketplace core: profiles, seller accounts, the catalog (categories, gigs, packages,
-- extras), the KYC publish gate, moderation and search.
--
-- Grants: Supabase projects differ (older ones give the API roles ALL on every new
-- object in public, newer ones nothing), so every object here starts from a revoke and
-- gets exactly the privileges each role needs.

-- Types ------------------------------------------------------------------------------

create schema private;
comment on schema private is
'GigFlow internals: policy helpers, trigger functions. Not exposed by the API.';
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

-- buyer: default; seller: has a seller account; admin: named in app_metadata.
create type public.user_role as enum ('buyer', 'seller', 'admin');

-- unstarted -> pending (Whop verification under way) -> verified | failed.
create type public.kyc_status as enum ('unstarted', 'pending', 'verified', 'failed');

-- draft -> review (seller submits) -> published | rejected (admin);
-- published <-> paused (seller; the platform pauses on KYC loss);
-- published or paused -> review (an edit of the listing).
create type public.gig_status as enum ('draft', 'review', 'published', 'paused', 'rejected');

create type public.package_tier as enum ('basic', 'standard', 'premium');

create type public.gig_sort as enum ('relevance', 'price_low', 'price_high', 'rating', 'newest');

-- snapshot: functions/private_helpers.sql
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
-- end snapshot: functions/private_helpers.sql

-- Tables -----------------------------------------------------------------------------

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
create index gigs_published_quality_idx on public.gigs (quality_score, id)
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

-- Functions --------------------------------------------------------------------------

-- snapshot: functions/profiles.sql
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
-- end snapshot: functions/profiles.sql

-- snapshot: functions/gigs.sql
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
-- end snapshot: functions/gigs.sql

-- snapshot: functions/search.sql
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
-- end snapshot: functions/search.sql

-- Triggers ---------------------------------------------------------------------------

create trigger on_auth_user_created
after insert on auth.users
for each row execute function private.handle_new_user();

create trigger profiles_touch_updated_at
before update on public.profiles
for each row execute function private.touch_updated_at();

create trigger seller_accounts_touch_updated_at
before update on public.seller_accounts
for each row execute function private.touch_updated_at();

create trigger gigs_touch_updated_at
before update on public.gigs
for each row execute function private.touch_updated_at();

create trigger gig_packages_touch_updated_at
before update on public.gig_packages
for each row execute function private.touch_updated_at();

create trigger gig_extras_touch_updated_at
before update on public.gig_extras
for each row execute function private.touch_updated_at();

-- Before-triggers fire in name order: the edit rule decides the status, then the gate
-- judges it.
create trigger gig_edit_returns_to_review
before insert or update on public.gigs
for each row execute function private.gig_edit_returns_to_review();

create trigger gig_publish_requires_verified_seller
before insert or update on public.gigs
for each row execute function private.gig_publish_requires_verified_seller();

create trigger gig_packages_changed
after insert or update or delete on public.gig_packages
for each row execute function private.gig_offer_changed();

create trigger gig_extras_changed
after insert or update or delete on public.gig_extras
for each row execute function private.gig_offer_changed();

-- Row level security and grants --------------------------------------------------------

alter table public.profiles enable row level security;
alter table public.seller_accounts enable row level security;
alter table public.categories enable row level security;
alter table public.gigs enable row level security;
alter table public.gig_packages enable row level security;
alter table public.gig_extras enable row level security;

revoke all on public.profiles, public.seller_accounts, public.categories, public.gigs,
public.gig_packages, public.gig_extras from anon, authenticated;
grant all on public.profiles, public.seller_accounts, public.categories, public.gigs,
public.gig_packages, public.gig_extras to service_role;

grant select on public.profiles, public.categories, public.gigs, public.gig_packages,
public.gig_extras to anon, authenticated;
grant select on public.seller_accounts to authenticated;

grant update (username, display_name, avatar_url, bio) on public.profiles to authenticated;
grant update (headline) on public.seller_accounts to authenticated;
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

-- snapshot: policies/profiles.sql
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
-- end snapshot: policies/profiles.sql

-- snapshot: policies/catalog.sql
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
-- end snapshot: policies/catalog.sql
