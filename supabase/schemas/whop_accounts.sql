-- Secrets the platform keeps for users and for itself: Whop OAuth flows in progress,
-- linked Whop accounts and the platform's webhook endpoints. Private schema only, and the
-- secrets are ciphertext: the worker encrypts them with keys the database never holds.

-- A flow is bound to the browser that started it (the hash of a nonce kept in an
-- HttpOnly cookie) and, when it links an account, to the user who started it: whoever
-- else completes it (another browser, another signed-in user) links nothing. Signing in
-- with Whop starts with no user: the browser binding is all it has.
create table private.whop_oauth_states (
    state_hash text primary key check (char_length(state_hash) = 64),
    user_id uuid references public.profiles (id) on delete cascade,
    code_verifier_ciphertext text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    purpose text not null check (purpose in ('link', 'sign_in')),
    browser_binding_hash text not null check (char_length(browser_binding_hash) = 64),
    constraint a_link_names_its_user check ((purpose = 'link') = (user_id is not null))
);
create index whop_oauth_states_user_id_idx on private.whop_oauth_states (user_id);
revoke all on private.whop_oauth_states from public, anon, authenticated;

create table private.whop_oauth_links (
    user_id uuid primary key references public.profiles (id) on delete cascade,
    whop_user_id text not null unique check (char_length(whop_user_id) between 1 and 100),
    access_token_ciphertext text not null,
    refresh_token_ciphertext text,
    access_expires_at timestamptz not null,
    scope text,
    linked_at timestamptz not null default now(),
    refreshed_at timestamptz
);
revoke all on private.whop_oauth_links from public, anon, authenticated;
-- A user may see that (and to whom) they are linked; the tokens are the worker's.
alter table private.whop_oauth_links enable row level security;
grant select (user_id, whop_user_id, linked_at) on private.whop_oauth_links to authenticated;

create table private.whop_webhook_endpoints (
    whop_webhook_id text primary key,
    url text not null,
    events text[] not null,
    secret_ciphertext text not null,
    created_at timestamptz not null default now()
);
revoke all on private.whop_webhook_endpoints from public, anon, authenticated;
