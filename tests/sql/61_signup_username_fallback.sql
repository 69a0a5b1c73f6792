-- Outsider finding: "sign-up must never fail on it" (functions/profiles.sql,
-- private.handle_new_user). The fallback username is 'user_' || the first 12 hex digits
-- of the new id, inserted without checking it is free: it collides with an existing
-- username of that shape (a user may request or rename to any ^[a-z0-9_]{3,30}$ name,
-- user_<12 hex> included), or with another id sharing those 48 bits, and then GoTrue's
-- insert into auth.users fails with 23505: the person cannot sign up at all.
begin;
select plan(2);

-- Someone holds a name of the fallback's shape (requested at sign-up, or renamed to).
insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
values ('61000000-0000-4000-8000-0000000000aa', 'authenticated', 'authenticated',
        'first@mail.example', '{"username": "user_6100000100ab"}', '{"provider": "email"}', now(), now());

-- A later sign-up without a usable username whose id starts with those 12 hex digits.
select lives_ok(
    $$ insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
       values ('61000001-00ab-4000-8000-000000000001', 'authenticated', 'authenticated',
               'second@mail.example', '{}', '{"provider": "email"}', now(), now()) $$,
    'a sign-up whose fallback username is taken still succeeds'
);
-- Two sign-ups whose ids share their first 12 hex digits, neither asking for a name.
select lives_ok(
    $$ insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
       values ('61000002-0000-4000-8000-000000000001', 'authenticated', 'authenticated',
               'third@mail.example', '{}', '{"provider": "email"}', now(), now()),
              ('61000002-0000-4000-8000-000000000002', 'authenticated', 'authenticated',
               'fourth@mail.example', '{}', '{"provider": "email"}', now(), now()) $$,
    'two sign-ups whose ids share 48 bits both succeed'
);

select * from finish();
rollback;
