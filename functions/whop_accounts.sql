-- Secrets the platform keeps for Whop: OAuth sign-in state (PKCE), linked Whop accounts
-- with their tokens, and the signing secrets of the webhooks the platform created. They
-- live in `private` (never exposed by the API) and only as ciphertext: the key is in
-- the worker's settings, never in the database. Service role only, except that a user
-- may see whether their own Whop account is linked.

-- Start a Whop OAuth sign-in: remember the state (by its hash) and the PKCE verifier.
create or replace function public.begin_whop_oauth(
    user_id uuid, state_hash text, code_verifier_ciphertext text, lifetime_seconds integer default 600
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
    if pg_catalog.char_length(coalesce(state_hash, '')) <> 64 then
        raise exception using errcode = '22023', message = 'state_hash must be a hex SHA-256';
    end if;
    delete from private.whop_oauth_states as s where s.expires_at < pg_catalog.now() - interval '1 day';
    insert into private.whop_oauth_states (state_hash, user_id, code_verifier_ciphertext, expires_at)
    values (state_hash, user_id, code_verifier_ciphertext, expires);
    return expires;
end;
$$;

-- Finish it: the state is good once, before it expires.
create or replace function public.consume_whop_oauth_state(state_hash text)
returns table (user_id uuid, code_verifier_ciphertext text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    update private.whop_oauth_states as s
    set used_at = pg_catalog.now()
    where s.state_hash = consume_whop_oauth_state.state_hash
        and s.used_at is null and s.expires_at > pg_catalog.now()
    returning s.user_id, s.code_verifier_ciphertext;
    if not found then
        raise exception using errcode = '42501', message = 'unknown, expired or already used OAuth state';
    end if;
end;
$$;

-- Link (or re-link) a user's Whop account by the Whop user id Whop vouched for. One Whop
-- account belongs to one user.
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
    return pg_catalog.now();
end;
$$;

-- A user's link, tokens as ciphertext (none when not linked).
create or replace function public.whop_account_link(user_id uuid)
returns table (
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
    select l.whop_user_id, l.access_token_ciphertext, l.refresh_token_ciphertext, l.access_expires_at
    from private.whop_oauth_links as l
    where l.user_id = whop_account_link.user_id
$$;

-- After a refresh: the new tokens, unless the link was removed meanwhile.
create or replace function public.store_refreshed_whop_tokens(
    user_id uuid,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    update private.whop_oauth_links as l
    set access_token_ciphertext = store_refreshed_whop_tokens.access_token_ciphertext,
        refresh_token_ciphertext = coalesce(
            store_refreshed_whop_tokens.refresh_token_ciphertext, l.refresh_token_ciphertext
        ),
        access_expires_at = store_refreshed_whop_tokens.access_expires_at,
        refreshed_at = pg_catalog.now()
    where l.user_id = store_refreshed_whop_tokens.user_id;
    return found;
end;
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

revoke execute on function public.begin_whop_oauth(uuid, text, text, integer)
from public, anon, authenticated;
revoke execute on function public.consume_whop_oauth_state(text) from public, anon, authenticated;
revoke execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text)
from public, anon, authenticated;
revoke execute on function public.whop_account_link(uuid) from public, anon, authenticated;
revoke execute on function public.store_refreshed_whop_tokens(uuid, text, text, timestamptz)
from public, anon, authenticated;
revoke execute on function public.unlink_whop_account(uuid) from public, anon, authenticated;
revoke execute on function public.my_whop_link() from public, anon, authenticated;
revoke execute on function public.save_whop_webhook_endpoint(text, text, text[], text)
from public, anon, authenticated;
revoke execute on function public.whop_webhook_endpoints() from public, anon, authenticated;
revoke execute on function public.forget_whop_webhook_endpoint(text) from public, anon, authenticated;
revoke execute on function public.stored_ciphertexts() from public, anon, authenticated;
revoke execute on function public.replace_ciphertext(text, text, text, text) from public, anon, authenticated;
grant execute on function public.begin_whop_oauth(uuid, text, text, integer) to service_role;
grant execute on function public.consume_whop_oauth_state(text) to service_role;
grant execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text) to service_role;
grant execute on function public.whop_account_link(uuid) to service_role;
grant execute on function public.store_refreshed_whop_tokens(uuid, text, text, timestamptz) to service_role;
grant execute on function public.unlink_whop_account(uuid) to service_role;
grant execute on function public.my_whop_link() to authenticated;
grant execute on function public.save_whop_webhook_endpoint(text, text, text[], text) to service_role;
grant execute on function public.whop_webhook_endpoints() to service_role;
grant execute on function public.forget_whop_webhook_endpoint(text) to service_role;
grant execute on function public.stored_ciphertexts() to service_role;
grant execute on function public.replace_ciphertext(text, text, text, text) to service_role;
