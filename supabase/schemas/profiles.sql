-- Who a user is (profiles, created by a trigger on auth.users: functions/profiles.sql),
-- whether they may sell (seller accounts), and the public face of a seller (seller_stats
-- and the seller_profiles view). Policies: policies/profiles.sql.
--
-- What is public lives in tables everyone may read (profiles, seller_stats); what is
-- private (KYC, Whop company, payouts) in seller_accounts, readable by its owner and
-- admins only. A column cannot be public on some rows and private on others, so a fact
-- that is both (a seller's headline, whether they are verified) is copied by a trigger
-- into the public table rather than exposed from the private one.

-- unstarted -> pending (Whop verification under way) -> verified | failed.
create type public.kyc_status as enum ('unstarted', 'pending', 'verified', 'failed');

-- Nothing here is private: every column is readable by anyone (a user's e-mail stays in
-- auth.users, whether they are an admin in their app_metadata).
create table public.profiles (
    id uuid primary key references auth.users (id) on delete cascade,
    username text not null unique check (username ~ '^[a-z0-9_]{3,30}$'),
    display_name text not null check (char_length(display_name) between 1 and 80),
    -- Null, or an https:// URL (a frontend puts it in src and href: never javascript: or
    -- data:), with a host and no whitespace or control characters, at most 2048 characters.
    avatar_url text constraint profiles_avatar_url_is_https check (
        char_length(avatar_url) <= 2048
        and avatar_url ~ '^https://[^[:space:][:cntrl:]/?#]+([/?#][^[:space:][:cntrl:]]*)?$'
    ),
    bio text not null default '' check (char_length(bio) <= 2000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- The country the user chooses to show (ISO 3166-1 alpha-2), or none.
    country text check (country ~ '^[A-Z]{2}$'),
    -- Languages the user speaks (BCP 47 tags such as en, pt-BR).
    languages text[] not null default '{}' check (
        cardinality(languages) <= 10
        and array_to_string(languages, ',') ~ '^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*(,|$))*$'
    )
);
comment on table public.profiles is
'Public identity of every user, created by a trigger on auth.users. Every column is public.';

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
    -- Set by an operator (suspend_seller, functions/admin_tools.sql), cleared by
    -- reinstate_seller: while set, the seller's gigs are out of search and cannot be
    -- bought, and withdrawals are held; open orders continue.
    suspended_at timestamptz,
    suspension_reason text check (char_length(suspension_reason) between 1 and 500),
    constraint payouts_need_verified_connected_company check (
        not payout_enabled or (kyc_status = 'verified' and whop_company_id is not null)
    ),
    constraint suspensions_have_a_reason check ((suspended_at is null) = (suspension_reason is null))
);
comment on table public.seller_accounts is
'One per seller, readable by the seller and admins. KYC, Whop company and payout state change only '
'through server functions.';

-- The public facts about a seller, kept by triggers on seller_accounts and orders
-- (functions/profiles.sql); nobody writes them directly.
create table public.seller_stats (
    user_id uuid primary key references public.seller_accounts (user_id) on delete cascade,
    headline text not null default '',
    verified boolean not null default false,
    rating_avg numeric(3, 2) not null default 0,
    rating_count integer not null default 0,
    completed_orders integer not null default 0 check (completed_orders >= 0),
    member_since timestamptz not null default now(),
    -- Whether an operator suspended the seller (never why): their gigs cannot be bought.
    suspended boolean not null default false
);
comment on table public.seller_stats is
'Public facts about each seller (headline, verified, rating, completed orders, suspended), copied by '
'triggers.';

create trigger profiles_touch_updated_at
before update on public.profiles
for each row execute function private.touch_updated_at();

create trigger seller_accounts_touch_updated_at
before update on public.seller_accounts
for each row execute function private.touch_updated_at();

alter table public.profiles enable row level security;
alter table public.seller_accounts enable row level security;
alter table public.seller_stats enable row level security;

revoke all on public.profiles, public.seller_accounts, public.seller_stats from anon, authenticated;
grant all on public.profiles, public.seller_accounts, public.seller_stats to service_role;
grant select on public.profiles, public.seller_stats to anon, authenticated;
grant select on public.seller_accounts to authenticated;
-- Users edit their own public face; KYC and payout state are the server's. A user opens
-- their own seller account (become_seller), which starts unverified and without payouts.
grant update (username, display_name, avatar_url, bio, country, languages)
on public.profiles to authenticated;
grant insert (user_id, headline) on public.seller_accounts to authenticated;
grant update (headline) on public.seller_accounts to authenticated;

-- A seller's public page: who they are and how they have done. Invoker rights: it shows
-- exactly what the reader may read in the two public tables.
create view public.seller_profiles with (security_invoker = true) as
select
    p.id as seller_id,
    p.username,
    p.display_name,
    p.avatar_url,
    p.bio,
    p.languages,
    p.country,
    s.member_since,
    s.headline,
    s.verified,
    s.rating_avg,
    s.rating_count,
    s.completed_orders,
    s.suspended
from public.seller_stats as s
inner join public.profiles as p on s.user_id = p.id;
comment on view public.seller_profiles is
'A seller''s public page: identity, headline, whether their identity is verified, rating and completed '
'orders. Anyone may read it; it never shows e-mail, Whop ids, KYC details or balances.';
comment on column public.seller_profiles.seller_id is
'The seller''s user id (gigs.seller_id).';
comment on column public.seller_profiles.username is
'Unique handle, lowercase.';
comment on column public.seller_profiles.display_name is
'Name shown on the page.';
comment on column public.seller_profiles.avatar_url is
'Public URL of the avatar (avatars bucket), or null.';
comment on column public.seller_profiles.bio is
'About the seller, plain text.';
comment on column public.seller_profiles.languages is
'Languages spoken, BCP 47 tags.';
comment on column public.seller_profiles.country is
'Country the seller chose to show (ISO 3166-1 alpha-2), or null.';
comment on column public.seller_profiles.member_since is
'When the seller account was opened.';
comment on column public.seller_profiles.headline is
'One-line pitch, at most 120 characters.';
comment on column public.seller_profiles.verified is
'Whether the seller has passed identity verification (KYC).';
comment on column public.seller_profiles.rating_avg is
'Average of released buyer reviews, 0 to 5.';
comment on column public.seller_profiles.rating_count is
'Number of released buyer reviews.';
comment on column public.seller_profiles.completed_orders is
'Orders the seller has completed.';
comment on column public.seller_profiles.suspended is
'Whether the platform suspended the seller: their gigs are out of search and cannot be ordered.';

revoke all on public.seller_profiles from anon, authenticated;
grant select on public.seller_profiles to anon, authenticated, service_role;
