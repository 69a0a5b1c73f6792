-- Whop OAuth flows are bound to the browser and the user that started them, and paid
-- orders get a real chat: a Whop DM channel between the parties' Whop accounts.
--
-- Until now a state alone completed a link, so an attacker could start linking, send the
-- authorize URL to a victim and have the victim's Whop account linked to the attacker.
-- A state now carries the hash of a nonce kept in the starting browser's cookie, and
-- what it is for: linking (with the user who links) or signing in with Whop (no user).
-- consume_whop_oauth_state uses a state up on the first attempt and lets the flow go on
-- only for the browser that started it, or for a link, the user who started it (their
-- token); whop_sign_in_user finds the user a Whop account signs in as, by the link only.
--
-- Order chat: orders.whop_dm_channel_id, readable by the order's parties under the
-- orders policies; private.order_dm_channels records which orders want a channel (paid
-- before any cancellation, both parties linked Whop: on payment and on linking), between
-- which Whop accounts, and the worker's attempts (claim_whop_dm_channels leases them).
-- order_chat decides who gets a chat token (GF002 for a party without a linked Whop
-- account).
--
-- Data carried by hand: flows in progress are dropped (they have no browser binding and
-- could never complete under the new rule; their users start again).

-- The worker no longer asks SQL for the OAuth token of a user (chat tokens are minted
-- for the user's Whop id) nor for the order's participant (order_chat replaces it):
-- order_participant, whop_account_link and store_refreshed_whop_tokens go.

-- squawk: begin_whop_oauth and consume_whop_oauth_state are replaced below with their new
-- signatures; the three others have no caller left. Only the worker (service_role) called
-- any of them, and it changes with this migration.
-- squawk-ignore-file ban-drop-function

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

drop function public.begin_whop_oauth(uuid, text, text, integer);

drop function public.consume_whop_oauth_state(text);

drop function public.order_participant(uuid, uuid);

drop function public.store_refreshed_whop_tokens(uuid, text, text, timestamp with time zone);

drop function public.whop_account_link(uuid);

create table private.order_dm_channels (
    order_id uuid not null,
    buyer_whop_user_id text not null,
    seller_whop_user_id text not null,
    whop_dm_channel_id text,
    wanted_at timestamp with time zone not null default now(),
    opened_at timestamp with time zone,
    attempts integer not null default 0,
    last_error text,
    retry_at timestamp with time zone not null default now(),
    constraint order_dm_channels_attempts_check check ((attempts >= 0)),
    constraint order_dm_channels_buyer_whop_user_id_check check (
        ((char_length(buyer_whop_user_id) >= 1) and (char_length(buyer_whop_user_id) <= 100))
    ),
    constraint order_dm_channels_last_error_check check ((char_length(last_error) <= 500)),
    constraint order_dm_channels_pkey primary key (order_id),
    constraint order_dm_channels_seller_whop_user_id_check check (
        ((char_length(seller_whop_user_id) >= 1) and (char_length(seller_whop_user_id) <= 100))
    ),
    constraint order_dm_channels_whop_dm_channel_id_check check (
        ((char_length(whop_dm_channel_id) >= 1) and (char_length(whop_dm_channel_id) <= 100))
    )
);

-- Flows in progress have no browser binding: they could never complete now.
delete from private.whop_oauth_states;

-- The table was just emptied: a required column needs no default.
alter table private.whop_oauth_states
-- squawk-ignore adding-required-field
add column purpose text not null;

alter table private.whop_oauth_states
-- squawk-ignore adding-required-field
add column browser_binding_hash text not null;

alter table public.orders
add column whop_dm_channel_id text;

-- Signing in with Whop starts with no user; only the worker writes or reads this table.
alter table private.whop_oauth_states
-- squawk-ignore ban-drop-not-null
alter column user_id drop not null;

create or replace function private.apply_order_effects(
    before public.orders,
    after public.orders,
    requested public.order_action,
    details jsonb,
    at timestamp with time zone
)
returns jsonb
language plpgsql
security definer
set search_path to ''
as $function$
declare
    written public.refunds;
    delivery_id uuid;
    unrefunded integer;
    policy text;
    fee_part integer;
begin
    case requested
        when 'submit_requirements' then
            perform private.record_requirement_answers(after, details -> 'answers');
            perform private.attach_order_files(after.id, 'requirements', coalesce(details -> 'files', '[]'::jsonb));
            details := pg_catalog.jsonb_build_object(
                'answers', pg_catalog.jsonb_array_length(coalesce(details -> 'answers', '[]'::jsonb))
            );
        when 'deliver' then
            insert into public.order_deliveries (order_id, message, delivered_by, created_at)
            -- The seller delivers (a server path acting for them has no signed-in user).
            values (after.id, details ->> 'message', coalesce(auth.uid(), after.seller_id), at)
            returning id into delivery_id;
            update public.order_deliveries as d
            set files = private.attach_order_files(
                after.id, 'deliveries', coalesce(details -> 'files', '[]'::jsonb), delivery_id
            )
            where d.id = delivery_id;
            details := pg_catalog.jsonb_build_object('message', details ->> 'message', 'delivery_id', delivery_id);
        when 'request_refund', 'resolve_dispute_refund' then
            written := private.write_refund(
                before, 'request', (details ->> 'amount_cents')::integer,
                coalesce(details ->> 'reason', details ->> 'note', 'dispute resolved with a refund'), at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'refund_partially', 'refund_in_full', 'settle_dispute_refund' then
            written := private.write_refund(
                before, 'settle', (details ->> 'amount_cents')::integer,
                whop_refund_id => details ->> 'whop_refund_id',
                request_id => (details ->> 'refund_id')::uuid, at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'refund_failed' then
            written := private.write_refund(
                before, 'fail', reason => details ->> 'reason', whop_refund_id => details ->> 'whop_refund_id',
                request_id => (details ->> 'refund_id')::uuid, at => at
            );
            if written.id is null then
                raise exception using
                    errcode = 'P0002', message = format('no requested refund to fail on order %s', before.id);
            end if;
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'chargeback_lost' then
            -- Refunds still asked for are moot: the chargeback took the money back.
            loop
                written := private.write_refund(
                    before, 'fail', reason => 'superseded by a lost chargeback', request_id => (
                        select r.id from public.refunds as r
                        where r.order_id = after.id and r.status = 'requested' limit 1
                    ), at => at
                );
                exit when written.id is null;
            end loop;
            if (details ->> 'amount_cents')::integer > 0 then
                written := private.write_refund(
                    before, 'settle', (details ->> 'amount_cents')::integer, 'chargeback lost at Whop',
                    details ->> 'whop_dispute_id', at => at
                );
                select s.chargeback_fee_borne_by into policy from private.platform_settings as s;
                fee_part := written.fee_refund_cents;
                if policy = 'seller' and fee_part > 0 then
                    insert into public.seller_adjustments (seller_id, order_id, currency, amount_cents, reason, created_at)
                    values (after.seller_id, after.id, after.currency, -fee_part, 'platform fee of a lost chargeback', at);
                end if;
            end if;
        when 'release_reviews' then
            update public.reviews as r set released_at = at
            where r.order_id = after.id and r.released_at is null;
            perform private.refresh_ratings(after.gig_id);
        when 'pay' then
            if coalesce(details -> 'attribution', '{}'::jsonb) <> '{}'::jsonb then
                insert into public.order_attributions as a (order_id, attribution)
                values (after.id, details -> 'attribution')
                on conflict (order_id) do update
                    set attribution = a.attribution || excluded.attribution, updated_at = at;
            end if;
            details := details - 'attribution';
            -- The order's chat, between the parties' Whop accounts (functions/order_chat.sql).
            perform private.want_whop_dm_channels(for_order => after.id);
        else
            null;
    end case;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded (a payment
    -- that arrives after the order was cancelled unpaid included); the worker carries out
    -- requested refunds through Whop and records the result.
    if after.status = 'cancelled' and after.paid_at is not null
        and (before.status <> 'cancelled' or requested = 'pay') then
        unrefunded := private.refundable_cents(after);
        if unrefunded > 0 then
            written := private.write_refund(
                after, 'request', unrefunded,
                case when requested = 'pay' then 'paid after the order was cancelled' else 'order cancelled' end,
                at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        end if;
    end if;
    return details;
end;
$function$;

create or replace function private.order_chat_is_open(
    target public.orders
)
returns boolean
language sql
stable
set search_path to ''
as $function$
    select target.paid_at is not null
        and (target.cancelled_at is null or target.cancelled_at > target.paid_at)
$function$;

create or replace function private.want_whop_dm_channels(
    for_order uuid default null::uuid,
    for_user uuid default null::uuid
)
returns integer
language plpgsql
set search_path to ''
as $function$
declare
    wanted integer;
begin
    with candidates as (
        select o.id, b.whop_user_id as buyer_whop_user_id, s.whop_user_id as seller_whop_user_id
        from public.orders as o
        join private.whop_oauth_links as b on b.user_id = o.buyer_id
        join private.whop_oauth_links as s on s.user_id = o.seller_id
        where (o.id = for_order or o.buyer_id = for_user or o.seller_id = for_user)
            and private.order_chat_is_open(o)
    ),

    stale as (
        update public.orders as o
        set whop_dm_channel_id = null
        from candidates as c
        join private.order_dm_channels as d on d.order_id = c.id
        where o.id = c.id
            and (d.buyer_whop_user_id, d.seller_whop_user_id) <> (c.buyer_whop_user_id, c.seller_whop_user_id)
            and o.whop_dm_channel_id is not null
    ),

    written as (
        insert into private.order_dm_channels as d (order_id, buyer_whop_user_id, seller_whop_user_id)
        select c.id, c.buyer_whop_user_id, c.seller_whop_user_id from candidates as c
        on conflict (order_id) do update
        set buyer_whop_user_id = excluded.buyer_whop_user_id,
            seller_whop_user_id = excluded.seller_whop_user_id,
            whop_dm_channel_id = null,
            wanted_at = pg_catalog.now(),
            opened_at = null,
            attempts = 0,
            last_error = null,
            retry_at = pg_catalog.now()
        where (d.buyer_whop_user_id, d.seller_whop_user_id)
            <> (excluded.buyer_whop_user_id, excluded.seller_whop_user_id)
            -- A party linking again is a reason to try a failing channel now.
            or d.whop_dm_channel_id is null
        returning 1
    )

    select pg_catalog.count(*)::integer into wanted from written;
    return wanted;
end;
$function$;

create or replace function public.attach_whop_dm_channel(
    target_order_id uuid,
    whop_dm_channel_id text,
    buyer_whop_user_id text,
    seller_whop_user_id text
)
returns text
language plpgsql
security definer
set search_path to ''
as $function$
declare
    attached text;
begin
    if pg_catalog.char_length(coalesce(whop_dm_channel_id, '')) not between 1 and 100 then
        raise exception using errcode = '22023', message = 'whop_dm_channel_id must be 1 to 100 characters';
    end if;
    update private.order_dm_channels as d
    set whop_dm_channel_id = coalesce(d.whop_dm_channel_id, attach_whop_dm_channel.whop_dm_channel_id),
        opened_at = coalesce(d.opened_at, pg_catalog.now()),
        last_error = null
    where d.order_id = target_order_id
        and d.buyer_whop_user_id = attach_whop_dm_channel.buyer_whop_user_id
        and d.seller_whop_user_id = attach_whop_dm_channel.seller_whop_user_id
    returning d.whop_dm_channel_id into attached;
    if attached is not null then
        update public.orders as o set whop_dm_channel_id = attached
        where o.id = target_order_id and o.whop_dm_channel_id is distinct from attached;
    end if;
    return attached;
end;
$function$;

create or replace function public.begin_whop_oauth(
    purpose text,
    user_id uuid,
    state_hash text,
    browser_binding_hash text,
    code_verifier_ciphertext text,
    lifetime_seconds integer default 600
)
returns timestamp with time zone
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

create or replace function public.claim_whop_dm_channels(
    max_orders integer default 20,
    only_order uuid default null::uuid
)
returns table (
    order_id uuid,
    buyer_whop_user_id text,
    seller_whop_user_id text,
    channel_name text
)
language plpgsql
security definer
set search_path to ''
as $function$
begin
    if only_order is not null then
        perform private.want_whop_dm_channels(for_order => only_order);
    end if;
    return query
    with claimed as (
        select d.order_id from private.order_dm_channels as d
        where d.whop_dm_channel_id is null
            and (d.order_id = only_order or (only_order is null and d.retry_at <= pg_catalog.now()))
        order by d.retry_at
        limit least(greatest(coalesce(max_orders, 20), 1), 100)
        for update skip locked
    ),

    leased as (
        update private.order_dm_channels as d
        set retry_at = pg_catalog.now() + interval '2 minutes'
        from claimed as c
        where d.order_id = c.order_id
        returning d.order_id, d.buyer_whop_user_id, d.seller_whop_user_id
    )

    select
        l.order_id,
        l.buyer_whop_user_id,
        l.seller_whop_user_id,
        pg_catalog.left(format('GigFlow order %s: %s', pg_catalog.left(o.id::text, 8), o.gig_title), 100)
    from leased as l
    join public.orders as o on o.id = l.order_id;
end;
$function$;

create or replace function public.consume_whop_oauth_state(
    state_hash text,
    browser_binding_hash text default null::text,
    completing_user_id uuid default null::uuid
)
returns table (
    purpose text,
    user_id uuid,
    code_verifier_ciphertext text,
    refusal text
)
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

create or replace function public.link_whop_account(
    user_id uuid,
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamp with time zone,
    scope text default null::text
)
returns timestamp with time zone
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

create or replace function public.order_chat(
    target_order_id uuid,
    user_id uuid
)
returns table (
    role text,
    whop_user_id text,
    whop_dm_channel_id text
)
language plpgsql
stable
security definer
set search_path to ''
as $function$
declare
    found_order public.orders;
    caller_whop_user_id text;
begin
    select o.* into found_order from public.orders as o where o.id = target_order_id;
    if found_order.id is null or order_chat.user_id is null
        or order_chat.user_id not in (found_order.buyer_id, found_order.seller_id) then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    if not private.order_chat_is_open(found_order) then
        raise exception using
            errcode = '55000',
            message = format(
                'order %s has no chat: it is %s and was never paid; the chat opens once it is paid',
                target_order_id, pg_catalog.replace(found_order.status::text, '_', ' ')
            );
    end if;
    select l.whop_user_id into caller_whop_user_id
    from private.whop_oauth_links as l where l.user_id = order_chat.user_id;
    if caller_whop_user_id is null then
        raise exception using
            errcode = 'GF002',
            message = 'link your Whop account to chat: the chat token is your own Whop identity''s';
    end if;
    return query select
        case when found_order.buyer_id = order_chat.user_id then 'buyer' else 'seller' end,
        caller_whop_user_id,
        (
            select d.whop_dm_channel_id from private.order_dm_channels as d
            where d.order_id = found_order.id
                and caller_whop_user_id in (d.buyer_whop_user_id, d.seller_whop_user_id)
        );
end;
$function$;

create or replace function public.record_whop_dm_channel_failure(
    target_order_id uuid,
    error text
)
returns timestamp with time zone
language sql
security definer
set search_path to ''
as $function$
    update private.order_dm_channels as d
    set attempts = d.attempts + 1,
        last_error = pg_catalog.left(coalesce(error, 'unknown error'), 500),
        retry_at = pg_catalog.now() + least(
            pg_catalog.make_interval(mins => (2 ^ least(d.attempts, 10))::integer), interval '6 hours'
        )
    where d.order_id = target_order_id and d.whop_dm_channel_id is null
    returning d.retry_at
$function$;

create or replace function public.whop_sign_in_user(
    whop_user_id text
)
returns uuid
language sql
stable
security definer
set search_path to ''
as $function$
    select l.user_id from private.whop_oauth_links as l
    where l.whop_user_id = whop_sign_in_user.whop_user_id
$function$;

alter table private.order_dm_channels
add constraint order_dm_channels_order_id_fkey foreign key (order_id) references public.orders (
    id
) on delete cascade;

-- The table was emptied above: the check's scan is instant.
alter table private.whop_oauth_states
-- squawk-ignore constraint-missing-not-valid
add constraint a_link_names_its_user check (((purpose = 'link'::text) = (user_id is not null)));

-- The table was emptied above: the check's scan is instant.
alter table private.whop_oauth_states
-- squawk-ignore constraint-missing-not-valid
add constraint whop_oauth_states_browser_binding_hash_check check (
    (char_length(browser_binding_hash) = 64)
);

-- The table was emptied above: the check's scan is instant.
alter table private.whop_oauth_states
-- squawk-ignore constraint-missing-not-valid
add constraint whop_oauth_states_purpose_check check (
    (purpose = any(array['link'::text, 'sign_in'::text]))
);

create index order_dm_channels_to_open_idx on private.order_dm_channels using btree (retry_at)
where (whop_dm_channel_id is null);

comment on table private.order_dm_channels is
'The Whop DM channel of each paid order whose two parties linked Whop, and the worker''s attempts at it.';

revoke all on function private.order_chat_is_open(public.orders) from public;

grant execute on function private.order_chat_is_open(public.orders) to postgres;

revoke all on function private.want_whop_dm_channels(uuid, uuid) from public;

grant execute on function private.want_whop_dm_channels(uuid, uuid) to postgres;

revoke all on function public.attach_whop_dm_channel(uuid, text, text, text) from public;

grant execute on function public.attach_whop_dm_channel(uuid, text, text, text) to postgres,
service_role;

revoke all on function public.begin_whop_oauth(text, uuid, text, text, text, integer) from public;

grant execute on function public.begin_whop_oauth(text, uuid, text, text, text, integer) to postgres,
service_role;

revoke all on function public.claim_whop_dm_channels(integer, uuid) from public;

grant execute on function public.claim_whop_dm_channels(integer, uuid) to postgres, service_role;

revoke all on function public.consume_whop_oauth_state(text, text, uuid) from public;

grant execute on function public.consume_whop_oauth_state(text, text, uuid) to postgres, service_role;

revoke all on function public.order_chat(uuid, uuid) from public;

grant execute on function public.order_chat(uuid, uuid) to postgres, service_role;

revoke all on function public.record_whop_dm_channel_failure(uuid, text) from public;

grant execute on function public.record_whop_dm_channel_failure(uuid, text) to postgres, service_role;

revoke all on function public.whop_sign_in_user(text) from public;

grant execute on function public.whop_sign_in_user(text) to postgres, service_role;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table private.order_dm_channels to postgres;

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.attach_whop_dm_channel(uuid, text, text, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.attach_whop_dm_channel(uuid, text, text, text) to service_role;
revoke all on function public.begin_whop_oauth(text, uuid, text, text, text, integer) from public,
anon,
authenticated,
service_role;
grant execute on function public.begin_whop_oauth(text, uuid, text, text, text, integer) to service_role;
revoke all on function public.claim_whop_dm_channels(integer, uuid) from public,
anon,
authenticated,
service_role;
grant execute on function public.claim_whop_dm_channels(integer, uuid) to service_role;
revoke all on function public.consume_whop_oauth_state(text, text, uuid) from public,
anon,
authenticated,
service_role;
grant execute on function public.consume_whop_oauth_state(text, text, uuid) to service_role;
revoke all on function public.order_chat(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.order_chat(uuid, uuid) to service_role;
revoke all on function public.record_whop_dm_channel_failure(uuid, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.record_whop_dm_channel_failure(uuid, text) to service_role;
revoke all on function public.whop_sign_in_user(text) from public, anon, authenticated, service_role;
grant execute on function public.whop_sign_in_user(text) to service_role;
