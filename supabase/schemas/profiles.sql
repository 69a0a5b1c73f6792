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
