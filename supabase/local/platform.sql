-- Local stand-in for the pieces a hosted Supabase project already has.
--
-- NOT a migration: `supabase/migrations/` must apply unchanged to a real project, which
-- has all of this already. The build tool applies this file (as a superuser) only when
-- the database has no `auth` schema. It reproduces the platform facts our migrations
-- must survive, the dangerous ones included: `postgres` is not a superuser, and default
-- privileges hand ALL on new objects in `public` to the API roles.

-- Roles ------------------------------------------------------------------------------
do $$
declare
    role_name text;
begin
    foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
        if not exists (select 1 from pg_roles where rolname = role_name) then
            execute format('create role %I nologin noinherit', role_name);
        end if;
    end loop;
    if not exists (select 1 from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
        create role supabase_auth_admin login noinherit createrole;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'postgres') then
        create role postgres login;
    end if;
end
$$;

alter role service_role bypassrls;
alter role postgres createrole createdb bypassrls login;
-- On a hosted project postgres is not a superuser; demote it unless it is the very role
-- applying this file (a plain PostgreSQL whose only superuser is postgres).
do $$
begin
    if current_user <> 'postgres' then
        alter role postgres nosuperuser;
    end if;
    execute format('grant create on database %I to postgres', current_database());
end
$$;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;
-- As on a hosted project, extensions resolve without a schema for postgres (the Supabase
-- CLI's `db lint` calls plpgsql_check's functions that way).
alter role postgres set search_path = "$user", public, extensions;

-- Role memberships (in a DO block only because sqlfluff cannot parse GRANT role TO role).
do $$
begin
    execute 'grant anon, authenticated, service_role to authenticator';
    execute 'grant anon, authenticated, service_role to postgres';
end
$$;

-- public: usable by the API roles; new objects made by postgres default to ALL for them.
grant usage on schema public to anon, authenticated, service_role;
grant all on schema public to postgres;
alter default privileges for role postgres in schema public
grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on functions to anon, authenticated, service_role;

create schema extensions authorization postgres;
grant usage on schema extensions to anon, authenticated, service_role;

-- auth ---------------------------------------------------------------------------------
create schema auth authorization supabase_auth_admin;
comment on schema auth is 'gigflow local stand-in for the Supabase auth schema';
grant usage on schema auth to anon, authenticated, service_role, postgres;

create table auth.users (
    instance_id uuid,
    id uuid primary key,
    aud varchar(255),
    role varchar(255),
    email varchar(255),
    encrypted_password varchar(255),
    email_confirmed_at timestamptz,
    invited_at timestamptz,
    confirmation_token varchar(255),
    confirmation_sent_at timestamptz,
    recovery_token varchar(255),
    recovery_sent_at timestamptz,
    email_change_token_new varchar(255),
    email_change varchar(255),
    email_change_sent_at timestamptz,
    last_sign_in_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    created_at timestamptz,
    updated_at timestamptz,
    phone text unique,
    phone_confirmed_at timestamptz,
    phone_change text default '',
    phone_change_token varchar(255) default '',
    phone_change_sent_at timestamptz,
    confirmed_at timestamptz generated always as (
        least(email_confirmed_at, phone_confirmed_at)
    ) stored,
    email_change_token_current varchar(255) default '',
    email_change_confirm_status smallint default 0,
    banned_until timestamptz,
    reauthentication_token varchar(255) default '',
    reauthentication_sent_at timestamptz,
    is_sso_user boolean not null default false,
    deleted_at timestamptz,
    is_anonymous boolean not null default false
);
alter table auth.users owner to supabase_auth_admin;
create unique index users_email_partial_key on auth.users (email) where is_sso_user = false;
grant select, insert, update, delete, references, trigger, truncate on auth.users to postgres;
grant all on auth.users to service_role;

-- The claim readers, as Supabase defines them: PostgREST puts the verified JWT in
-- request.jwt.claims (older versions: one request.jwt.claim.* setting per claim).
create function auth.uid() returns uuid
language sql stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

create function auth.role() returns text
language sql stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

create function auth.email() returns text
language sql stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

create function auth.jwt() returns jsonb
language sql stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
to anon, authenticated, service_role, postgres;

-- Realtime -----------------------------------------------------------------------------
create publication supabase_realtime;
alter publication supabase_realtime owner to postgres;
