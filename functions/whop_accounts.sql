-- Secrets the platform keeps for Whop: OAuth sign-in state (PKCE), linked Whop accounts
-- with their tokens, and the signing secrets of the webhooks the platform created. They
-- live in `private` (never exposed by the API) and only as ciphertext: the key is in
-- the worker's settings, never in the database. Service role only, except that a user
-- may see whether their own Whop account is linked.

-- Start a Whop OAuth flow: remember the state (by its hash), the browser it is bound to
-- (the hash of the nonce in the browser's cookie), the user who links (none to sign in)
-- and the PKCE verifier.
create or replace function public.begin_whop_oauth(
    purpose text,
    user_id uuid,
    state_hash text,
    browser_binding_hash text,
    code_verifier_ciphertext text,
    lifetime_seconds integer default 600
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
    expires timestamptz := pg_catalog.now() + pg_catalog.make_interval(secs => lifetime_seconds);
begin
    if lifetime_seconds is null or lifetime_seconds not between 60 and 3600 then
        raise exception using errcode = '22023', message = 'lifetime_seconds must be between 60 and 3600';
    end if;
    if pg_catalog.char_length(coalesce(state_hash, '')) <> 64
        or pg_catalog.char_length(coalesce(browser_binding_hash, '')) <> 64 then
        raise exception using
            errcode = '22023', message = 'state_hash and browser_binding_hash must be hex SHA-256';
    end if;
    if purpose is null or purpose not in ('link', 'sign_in') then
        raise exception using errcode = '22023', message = 'purpose must be link or sign_in';
    end if;
    if (purpose = 'link') <> (begin_whop_oauth.user_id is not null) then
        raise exception using
            errcode = '22023', message = 'linking names the user who links; signing in names none';
    end if;
    delete from private.whop_oauth_states as s where s.expires_at < pg_catalog.now() - interval '1 day';
    insert into private.whop_oauth_states (
        state_hash, purpose, user_id, browser_binding_hash, code_verifier_ciphertext, expires_at
    )
    values (state_hash, purpose, user_id, browser_binding_hash, code_verifier_ciphertext, expires);
    return expires;
end;
$$;

-- Finish it: a live state is used up by the first attempt, whoever makes it, so a code
-- that leaks with a state can never be tried again. The flow goes on only for the user
-- who started it (a link completed with that user's token) or, without a user's token,
-- for the browser that started it (its cookie); `refusal` says why not:
--   user_mismatch     another signed-in user completed someone else's link;
--   browser_mismatch  the browser completing it is not the one that started it.
-- An unknown, expired or used state is refused outright (42501).
create or replace function public.consume_whop_oauth_state(
    state_hash text, browser_binding_hash text default null, completing_user_id uuid default null
)
returns table (purpose text, user_id uuid, code_verifier_ciphertext text, refusal text)
language plpgsql
security definer
set search_path = ''
as $$
declare
    started private.whop_oauth_states;
    why text;
begin
    update private.whop_oauth_states as s
    set used_at = pg_catalog.now()
    where s.state_hash = consume_whop_oauth_state.state_hash
        and s.used_at is null and s.expires_at > pg_catalog.now()
    returning s.* into started;
    if started.state_hash is null then
        raise exception using errcode = '42501', message = 'unknown, expired or already used OAuth state';
    end if;
    why := case
        when started.purpose = 'link' and completing_user_id is not null
            then case when completing_user_id = started.user_id then null else 'user_mismatch' end
        when browser_binding_hash is not distinct from started.browser_binding_hash then null
        else 'browser_mismatch'
    end;
    return query select
        started.purpose,
        started.user_id,
        case when why is null then started.code_verifier_ciphertext end,
        why;
end;
$$;

-- Link (or re-link) a user's Whop account by the Whop user id Whop vouched for. One Whop
-- account belongs to one user: linking one that another user holds is refused (23505),
-- never moved. The user's paid orders then want their chat channels (a new Whop account
-- gets new channels: functions/order_chat.sql).
create or replace function public.link_whop_account(
    user_id uuid,
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz,
    scope text default null
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
begin
    if exists (
        select 1 from private.whop_oauth_links as l
        where l.whop_user_id = link_whop_account.whop_user_id and l.user_id <> link_whop_account.user_id
    ) then
        raise exception using
            errcode = '23505', message = 'this Whop account is already linked to another user';
    end if;
    insert into private.whop_oauth_links as l (
        user_id, whop_user_id, access_token_ciphertext, refresh_token_ciphertext, access_expires_at, scope
    )
    values (
        link_whop_account.user_id, whop_user_id, access_token_ciphertext, refresh_token_ciphertext,
        access_expires_at, scope
    )
    on conflict on constraint whop_oauth_links_pkey do update
    set whop_user_id = excluded.whop_user_id,
        access_token_ciphertext = excluded.access_token_ciphertext,
        refresh_token_ciphertext = excluded.refresh_token_ciphertext,
        access_expires_at = excluded.access_expires_at,
        scope = excluded.scope,
        linked_at = pg_catalog.now(),
        refreshed_at = null;
    perform private.want_whop_dm_channels(for_user => link_whop_account.user_id);
    return pg_catalog.now();
end;
$$;

-- Signing in with Whop: the GigFlow user the Whop account is linked to, if any. Only the
-- link counts: an e-mail address never makes an account anyone's.
create or replace function public.whop_sign_in_user(whop_user_id text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
    select l.user_id from private.whop_oauth_links as l
    where l.whop_user_id = whop_sign_in_user.whop_user_id
$$;

-- Unlink: the link goes, and its tokens are returned once so the worker can revoke them.
create or replace function public.unlink_whop_account(user_id uuid)
returns table (whop_user_id text, access_token_ciphertext text, refresh_token_ciphertext text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    delete from private.whop_oauth_links as l
    where l.user_id = unlink_whop_account.user_id
    returning l.whop_user_id, l.access_token_ciphertext, l.refresh_token_ciphertext;
    if not found then
        raise exception using errcode = 'P0002', message = 'no Whop account is linked';
    end if;
end;
$$;

-- The signed-in user's own link, without its tokens (which the user may not read: column
-- privileges and a policy on the link table).
create or replace function public.my_whop_link()
returns table (whop_user_id text, linked_at timestamptz)
language sql
stable
set search_path = ''
as $$
    select l.whop_user_id, l.linked_at from private.whop_oauth_links as l
    where l.user_id = (select auth.uid())
$$;

-- Webhooks the platform created at Whop, with their signing secrets (shown by Whop once).
create or replace function public.save_whop_webhook_endpoint(
    whop_webhook_id text, url text, events text[], secret_ciphertext text
)
returns void
language sql
security definer
set search_path = ''
as $$
    insert into private.whop_webhook_endpoints as e (whop_webhook_id, url, events, secret_ciphertext)
    values (whop_webhook_id, url, events, secret_ciphertext)
    on conflict on constraint whop_webhook_endpoints_pkey do update
    set url = excluded.url, events = excluded.events, secret_ciphertext = excluded.secret_ciphertext
$$;

create or replace function public.whop_webhook_endpoints()
returns table (whop_webhook_id text, url text, events text[], secret_ciphertext text)
language sql
stable
security definer
set search_path = ''
as $$
    select e.whop_webhook_id, e.url, e.events, e.secret_ciphertext
    from private.whop_webhook_endpoints as e
    order by e.created_at
$$;

create or replace function public.forget_whop_webhook_endpoint(whop_webhook_id text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    delete from private.whop_webhook_endpoints as e
    where e.whop_webhook_id = forget_whop_webhook_endpoint.whop_webhook_id;
    return found;
end;
$$;

-- Key rotation: every stored ciphertext, and a compare-and-swap to replace one with the
-- same secret under the new key.
create or replace function public.stored_ciphertexts()
returns table (kind text, id text, ciphertext text)
language sql
stable
security definer
set search_path = ''
as $$
    select 'oauth_access', l.user_id::text, l.access_token_ciphertext from private.whop_oauth_links as l
    union all
    select 'oauth_refresh', l.user_id::text, l.refresh_token_ciphertext from private.whop_oauth_links as l
    where l.refresh_token_ciphertext is not null
    union all
    select 'oauth_verifier', s.state_hash, s.code_verifier_ciphertext from private.whop_oauth_states as s
    where s.used_at is null and s.expires_at > pg_catalog.now()
    union all
    select 'webhook_secret', e.whop_webhook_id, e.secret_ciphertext from private.whop_webhook_endpoints as e
$$;

create or replace function public.replace_ciphertext(
    kind text, id text, old_ciphertext text, new_ciphertext text
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    case kind
        when 'oauth_access' then
            update private.whop_oauth_links as l set access_token_ciphertext = new_ciphertext
            where l.user_id::text = id and l.access_token_ciphertext = old_ciphertext;
        when 'oauth_refresh' then
            update private.whop_oauth_links as l set refresh_token_ciphertext = new_ciphertext
            where l.user_id::text = id and l.refresh_token_ciphertext = old_ciphertext;
        when 'oauth_verifier' then
            update private.whop_oauth_states as s set code_verifier_ciphertext = new_ciphertext
            where s.state_hash = id and s.code_verifier_ciphertext = old_ciphertext;
        when 'webhook_secret' then
            update private.whop_webhook_endpoints as e set secret_ciphertext = new_ciphertext
            where e.whop_webhook_id = id and e.secret_ciphertext = old_ciphertext;
        else
            raise exception using errcode = '22023', message = format('unknown ciphertext kind %s', kind);
    end case;
    return found;
end;
$$;

revoke execute on function public.begin_whop_oauth(text, uuid, text, text, text, integer)
from public, anon, authenticated;
revoke execute on function public.consume_whop_oauth_state(text, text, uuid) from public, anon, authenticated;
revoke execute on function public.whop_sign_in_user(text) from public, anon, authenticated;
revoke execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text)
from public, anon, authenticated;
revoke execute on function public.unlink_whop_account(uuid) from public, anon, authenticated;
revoke execute on function public.my_whop_link() from public, anon, authenticated;
revoke execute on function public.save_whop_webhook_endpoint(text, text, text[], text)
from public, anon, authenticated;
revoke execute on function public.whop_webhook_endpoints() from public, anon, authenticated;
revoke execute on function public.forget_whop_webhook_endpoint(text) from public, anon, authenticated;
revoke execute on function public.stored_ciphertexts() from public, anon, authenticated;
revoke execute on function public.replace_ciphertext(text, text, text, text) from public, anon, authenticated;
grant execute on function public.begin_whop_oauth(text, uuid, text, text, text, integer) to service_role;
grant execute on function public.consume_whop_oauth_state(text, text, uuid) to service_role;
grant execute on function public.whop_sign_in_user(text) to service_role;
grant execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text) to service_role;
grant execute on function public.unlink_whop_account(uuid) to service_role;
grant execute on function public.my_whop_link() to authenticated;
grant execute on function public.save_whop_webhook_endpoint(text, text, text[], text) to service_role;
grant execute on function public.whop_webhook_endpoints() to service_role;
grant execute on function public.forget_whop_webhook_endpoint(text) to service_role;
grant execute on function public.stored_ciphertexts() to service_role;
grant execute on function public.replace_ciphertext(text, text, text, text) to service_role;

comment on function public.my_whop_link() is
$$The caller's linked Whop account: one row {whop_user_id (Whop's OAuth sub), linked_at}, or none.
Never the tokens. Link with the worker's POST /oauth/whop/start, unlink with DELETE /oauth/whop/link.
@who signed-in users (their own link)$$;
