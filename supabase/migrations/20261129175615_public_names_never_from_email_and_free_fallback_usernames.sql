-- Found by an outsider reading the public seller page:
-- * Without a name from sign-up, the display name fell back to the e-mail's local part
--   (public on seller_profiles), and for an account made by signing in with Whop, whose
--   address is <whop user id>@users.whop.invalid, to the Whop user id. It now falls back
--   to the username.
-- * The fallback username 'user_' || 12 of the id's digits was not checked to be free; a
--   taken one made the sign-up itself fail. It grows to 25 digits until it is free.
-- Data: profiles whose display name is still that fallback (no name given at sign-up)
-- get their username instead.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

update public.profiles as p
set display_name = p.username
from auth.users as u
where u.id = p.id
    and p.display_name = pg_catalog.left(pg_catalog.split_part(coalesce(u.email, ''), '@', 1), 80)
    and nullif(pg_catalog.btrim(u.raw_user_meta_data ->> 'display_name'), '') is null
    and nullif(pg_catalog.btrim(u.raw_user_meta_data ->> 'full_name'), '') is null;
