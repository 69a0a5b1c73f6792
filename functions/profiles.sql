-- Profiles and seller accounts: who a user is, and whether they may sell.

-- GoTrue inserts users as supabase_auth_admin, which has no rights in public, so the
-- profile is written by a definer function. A requested username that is malformed or
-- taken falls back to one derived from the id, longer until it is free: sign-up must
-- never fail on it. Without a name from sign-up, the display name is the username,
-- never anything of the e-mail address (public on a seller's page; for an account made
-- by signing in with Whop, the address holds the Whop user id).
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    requested_username text := pg_catalog.lower(new.raw_user_meta_data ->> 'username');
    id_digits text := pg_catalog.replace(new.id::text, '-', '');
    chosen_username text;
    chosen_display_name text;
begin
    if requested_username ~ '^[a-z0-9_]{3,30}$'
        and not exists (select 1 from public.profiles where username = requested_username) then
        chosen_username := requested_username;
    else
        -- 'user_' and 12 to 25 of the id's digits (usernames are at most 30 characters).
        select candidate into chosen_username
        from pg_catalog.generate_series(12, 25) as digits (n)
        cross join lateral (select 'user_' || pg_catalog.left(id_digits, digits.n) as candidate) as c
        where not exists (select 1 from public.profiles as p where p.username = c.candidate)
        order by digits.n
        limit 1;
    end if;

    chosen_display_name := pg_catalog.left(
        coalesce(
            nullif(pg_catalog.btrim(new.raw_user_meta_data ->> 'display_name'), ''),
            nullif(pg_catalog.btrim(new.raw_user_meta_data ->> 'full_name'), ''),
            chosen_username
        ),
        80
    );

    insert into public.profiles (id, username, display_name)
    values (new.id, chosen_username, chosen_display_name);
    return new;
end;
$$;

revoke execute on function private.handle_new_user() from public, anon, authenticated;

create trigger on_auth_user_created
after insert on auth.users
for each row execute function private.handle_new_user();

-- Becoming a seller opens the caller's own seller account, which always starts
-- unverified and without payouts (the columns a user may insert are user_id and
-- headline). Invoker: the insert runs under the caller's RLS and column privileges.
create or replace function public.become_seller(headline text default '')
returns public.seller_accounts
language plpgsql
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
    values (seller_id, coalesce(become_seller.headline, ''))
    on conflict (user_id) do nothing
    returning * into account;

    if account.user_id is null then
        raise exception using
            errcode = '23505',
            message = format('user %s is already a seller', seller_id);
    end if;
    return account;
end;
$$;

comment on function public.become_seller(text) is
$$Open the caller's seller account (KYC unstarted, no payouts) with an optional one-line headline.
@who signed-in users
@error 42501 not signed in
@error 22023 the headline is longer than 120 characters
@error 23505 the caller is already a seller$$;

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

    -- Through the machine (functions/gigs.sql), so each pause is an edge in gig_events.
    if new_status <> 'verified' then
        insert into public.gig_events (gig_id, action, actor, reason)
        select g.id, 'suspend', 'platform', format('identity verification is %s', new_status)
        from public.gigs as g
        where g.seller_id = set_seller_kyc_status.seller_id
            and g.status = 'published';
    end if;

    return account;
end;
$$;

revoke execute on function public.set_seller_kyc_status(uuid, public.kyc_status)
from public, anon, authenticated;
grant execute on function public.set_seller_kyc_status(uuid, public.kyc_status) to service_role;

-- The public facts about a seller (seller_stats) follow the private account: headline,
-- whether KYC passed, the rating the review functions keep, whether an operator
-- suspended them (never why). Definer: the public table is written by nobody else.
create or replace function private.sync_seller_stats()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    insert into public.seller_stats as s (
        user_id, headline, verified, rating_avg, rating_count, member_since, suspended
    )
    values (
        new.user_id, new.headline, new.kyc_status = 'verified', new.rating_avg, new.rating_count,
        new.created_at, new.suspended_at is not null
    )
    on conflict (user_id) do update
        set
            headline = excluded.headline,
            verified = excluded.verified,
            rating_avg = excluded.rating_avg,
            rating_count = excluded.rating_count,
            member_since = excluded.member_since,
            suspended = excluded.suspended;
    return null;
end;
$$;

revoke execute on function private.sync_seller_stats() from public, anon, authenticated;

create trigger sync_seller_stats
after insert or update of headline, kyc_status, rating_avg, rating_count, created_at, suspended_at
on public.seller_accounts
for each row execute function private.sync_seller_stats();

-- Completed orders on a seller's public page: counted as orders reach completed (and
-- uncounted if one leaves it, as a refund after completion does). Only those two kinds
-- of update fire it, so other order transitions pay nothing.
create or replace function private.count_completed_orders()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.seller_stats as s
    set completed_orders = s.completed_orders + case when new.status = 'completed' then 1 else -1 end
    where s.user_id = new.seller_id;
    return null;
end;
$$;

revoke execute on function private.count_completed_orders() from public, anon, authenticated;

create trigger count_completed_orders
after update of status on public.orders
for each row
when ((old.status = 'completed') is distinct from (new.status = 'completed'))
execute function private.count_completed_orders();
