-- Test helpers: sign in the way PostgREST does. Loaded by the test harness only, never
-- part of supabase/migrations/.
--
-- PostgREST runs each request in one transaction: `set local role <role from JWT>`, the
-- verified claims in `request.jwt.claims`, and the role's statement_timeout. These
-- helpers do the same with `set_config(..., true)`, so they last until the test's
-- transaction ends.

create schema tests;
grant usage on schema tests to anon, authenticated, service_role;

-- A user as GoTrue creates one (the on_auth_user_created trigger makes the profile).
create function tests.create_user(
    username text,
    app_metadata jsonb default '{}'
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
    new_id uuid := gen_random_uuid();
begin
    insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
    values (
        new_id, 'authenticated', 'authenticated', username || '@example.test',
        jsonb_build_object('username', username, 'display_name', initcap(username)),
        '{"provider": "email", "providers": ["email"]}'::jsonb || app_metadata,
        now(), now()
    );
    return new_id;
end;
$$;

create function tests.get_user_id(username text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
    select p.id from public.profiles as p where p.username = get_user_id.username
$$;

-- The claims GoTrue would put in this user's access token.
create function tests.user_claims(username text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
    select jsonb_build_object(
        'sub', u.id,
        'role', 'authenticated',
        'aud', 'authenticated',
        'email', u.email,
        'app_metadata', coalesce(u.raw_app_meta_data, '{}'),
        'user_metadata', coalesce(u.raw_user_meta_data, '{}'),
        'exp', extract(epoch from now() + interval '1 hour')::bigint
    )
    from auth.users as u
    where u.id = tests.get_user_id(user_claims.username)
$$;

create function tests.authenticate_as(username text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    claims jsonb := tests.user_claims(username);
begin
    if claims is null then
        raise exception 'tests.authenticate_as: no user named %', username;
    end if;
    perform set_config('role', 'authenticated', true);
    perform set_config('statement_timeout', '8s', true);
    perform set_config('request.jwt.claims', claims::text, true);
end;
$$;

create function tests.authenticate_as_anon()
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform set_config('role', 'anon', true);
    perform set_config('statement_timeout', '3s', true);
    perform set_config('request.jwt.claims', '{"role": "anon"}', true);
end;
$$;

create function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform set_config('role', 'service_role', true);
    perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end;
$$;

create function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform set_config('role', 'none', true);
    perform set_config('request.jwt.claims', '', true);
end;
$$;

-- Act as one of: 'anon', 'service_role', or a username made by tests.create_user.
create function tests.act_as(actor text)
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform tests.clear_authentication();
    if actor = 'anon' then
        perform tests.authenticate_as_anon();
    elsif actor = 'service_role' then
        perform tests.authenticate_as_service_role();
    else
        perform tests.authenticate_as(actor);
    end if;
end;
$$;

-- What a write does, undone: 'ok', '0 rows' (filtered out), or the SQLSTATE it failed
-- with. The subtransaction is rolled back by the raise, so every call starts alike.
create function tests.write_outcome(statement text)
returns text
language plpgsql
set search_path = ''
as $$
declare
    affected integer;
    outcome text;
begin
    begin
        execute statement;
        get diagnostics affected = row_count;
        outcome := case when affected = 0 then '0 rows' else 'ok' end;
        raise exception using errcode = 'GFTST';
    exception when sqlstate 'GFTST' then
        null;
    when others then
        outcome := sqlstate;
    end;
    return outcome;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

-- Whop's word that an order was paid, as the payment entry point records it once it has
-- checked the payment is the order's (the checks have tests of their own).
create function tests.pay_order(order_id uuid, whop_payment_id text default null)
returns public.order_events
language sql
security definer
set search_path = ''
as $$
    select private.record_order_action(
        order_id, 'pay',
        pg_catalog.jsonb_build_object('whop_payment_id', coalesce(whop_payment_id, 'pay_' || order_id::text)),
        'system'
    )
$$;

-- Whop's word that a refund of `amount_cents` settled, as apply_whop_refund records it.
create function tests.settle_refund(order_id uuid, whop_refund_id text, amount_cents integer)
returns public.order_events
language sql
security definer
set search_path = ''
as $$
    select private.record_order_action(
        o.id, private.refund_action_for(o, amount_cents),
        pg_catalog.jsonb_build_object('whop_refund_id', whop_refund_id, 'amount_cents', amount_cents),
        'system'
    )
    from public.orders as o where o.id = settle_refund.order_id
$$;
