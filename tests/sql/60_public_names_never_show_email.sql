-- Outsider finding: a seller's public page must never show their e-mail or Whop ids
-- (README, docs/api.md: seller_profiles "never e-mail, Whop ids"). private.handle_new_user
-- falls back to the local part of the account's e-mail for display_name when sign-up
-- gave none: a magic-link or plain e-mail sign-up (no user_metadata) publishes the
-- e-mail's local part, and a "Sign in with Whop" account whose Whop profile has no name
-- (its address is the placeholder <whop user id>@users.whop.invalid) publishes its Whop
-- user id, in profiles and seller_profiles, readable by anon.
begin;
select plan(2);

-- As GoTrue inserts them: an e-mail sign-up without metadata, and the worker's Whop
-- sign-in (worker/whop_sign_in.py) for a Whop profile without preferred_username or name.
insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
values
    ('6e000001-0000-4000-8000-000000000001', 'authenticated', 'authenticated',
     'jane.q.doe1987@mail.example', '{}', '{"provider": "email"}', now(), now()),
    ('6e000002-0000-4000-8000-000000000002', 'authenticated', 'authenticated',
     'user_abc123xyz@users.whop.invalid', '{"username": "", "display_name": ""}',
     '{"provider": "email"}', now(), now());

select set_config('role', 'authenticated', true);
select set_config('request.jwt.claims', '{"sub": "6e000001-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select public.become_seller('Logos');
select set_config('request.jwt.claims', '{"sub": "6e000002-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select public.become_seller('Copy');

select tests.authenticate_as_anon();
select is_empty(
    $$ select display_name from public.seller_profiles
       where seller_id = '6e000001-0000-4000-8000-000000000001'
         and display_name ilike '%jane.q.doe1987%' $$,
    'a visitor does not read the local part of a seller''s e-mail as their display name'
);
select is_empty(
    $$ select display_name from public.seller_profiles
       where seller_id = '6e000002-0000-4000-8000-000000000002'
         and display_name ilike '%user_abc123xyz%' $$,
    'a visitor does not read a Whop-signed-in seller''s Whop user id as their display name'
);

select * from finish();
rollback;
