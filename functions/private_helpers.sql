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
