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
