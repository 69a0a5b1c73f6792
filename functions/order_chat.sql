-- Order chat in Whop DM channels. A paid order's buyer and seller talk in a Whop DM
-- channel between their linked Whop accounts, scoped to the platform company. SQL decides
-- which orders want a channel and between whom (the order was paid before any
-- cancellation, both parties have linked Whop), and who may have a chat token; the
-- worker only asks Whop to make the channel (POST /dm_channels, idempotent for the same
-- members) and mints the token. Service role only, except the id on the order, which the
-- order's policies let its parties read.

-- Whether an order has a conversation to hold: it was paid, and not after it had been
-- cancelled (a late payment to a cancelled order is refunded, not talked about).
create or replace function private.order_chat_is_open(target public.orders)
returns boolean
language sql
stable
set search_path = ''
as $$
    select target.paid_at is not null
        and (target.cancelled_at is null or target.cancelled_at > target.paid_at)
$$;

-- Record that orders want a chat between their parties' current Whop accounts: the
-- order paid (`for_order`), or a party linking Whop (`for_user`: every order of theirs).
-- A chat already made for other Whop accounts (a party linked another one since) is
-- made again for the current ones.
create or replace function private.want_whop_dm_channels(
    for_order uuid default null, for_user uuid default null
)
returns integer
language plpgsql
set search_path = ''
as $$
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
            -- A party linking again is a reason to try a failing channel now; asking for
            -- a chat token again is not (it would let one participant make us call Whop
            -- as often as they like, whatever the backoff).
            or (d.whop_dm_channel_id is null and for_user is not null)
        returning 1
    )

    select pg_catalog.count(*)::integer into wanted from written;
    return wanted;
end;
$$;

-- The worker's work list: chats wanted and not yet made, due now (or only the order
-- named, when it is due: a participant waiting for its chat waits out a failure's backoff
-- like everyone, so asking again cannot make us call Whop), each named after its order. Each
-- is leased to the caller for two minutes, so workers running side by side ask Whop
-- once (asking twice would be harmless: Whop answers with the same channel).
create or replace function public.claim_whop_dm_channels(
    max_orders integer default 20, only_order uuid default null
)
returns table (order_id uuid, buyer_whop_user_id text, seller_whop_user_id text, channel_name text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    if only_order is not null then
        perform private.want_whop_dm_channels(for_order => only_order);
    end if;
    return query
    with claimed as (
        select d.order_id from private.order_dm_channels as d
        where d.whop_dm_channel_id is null
            and d.retry_at <= pg_catalog.now()
            and (only_order is null or d.order_id = only_order)
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
$$;

-- Whop made the channel: it becomes the order's chat, if it is still between the Whop
-- accounts it was asked for (a party may have linked another one meanwhile). The order's
-- chat channel, or null when it was made for accounts that are no longer linked.
create or replace function public.attach_whop_dm_channel(
    target_order_id uuid, whop_dm_channel_id text, buyer_whop_user_id text, seller_whop_user_id text
)
returns text
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

-- Whop refused or failed to make the channel: try again later, waiting twice as long each
-- time (from a minute up to six hours).
create or replace function public.record_whop_dm_channel_failure(target_order_id uuid, error text)
returns timestamptz
language sql
security definer
set search_path = ''
as $$
    update private.order_dm_channels as d
    set attempts = d.attempts + 1,
        last_error = pg_catalog.left(coalesce(error, 'unknown error'), 500),
        retry_at = pg_catalog.now() + least(
            pg_catalog.make_interval(mins => (2 ^ least(d.attempts, 10))::integer), interval '6 hours'
        )
    where d.order_id = target_order_id and d.whop_dm_channel_id is null
    returning d.retry_at
$$;

-- What a chat token is issued on: the order's chat channel and the caller's Whop account,
-- for the order's buyer and seller only (anyone else learns there is no such order), once
-- the order was paid (not while it waits for payment, not when it was cancelled unpaid),
-- and only to a party who linked Whop (GF002: the token is their own Whop identity's).
-- The channel is null until both parties linked Whop and Whop made it.
create or replace function public.order_chat(target_order_id uuid, user_id uuid)
returns table (role text, whop_user_id text, whop_dm_channel_id text)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function private.order_chat_is_open(public.orders) from public, anon, authenticated;
revoke execute on function private.want_whop_dm_channels(uuid, uuid) from public, anon, authenticated;
revoke execute on function public.claim_whop_dm_channels(integer, uuid) from public, anon, authenticated;
revoke execute on function public.attach_whop_dm_channel(uuid, text, text, text) from public,
anon,
authenticated;
revoke execute on function public.record_whop_dm_channel_failure(uuid, text) from public, anon, authenticated;
revoke execute on function public.order_chat(uuid, uuid) from public, anon, authenticated;
grant execute on function public.claim_whop_dm_channels(integer, uuid) to service_role;
grant execute on function public.attach_whop_dm_channel(uuid, text, text, text) to service_role;
grant execute on function public.record_whop_dm_channel_failure(uuid, text) to service_role;
grant execute on function public.order_chat(uuid, uuid) to service_role;
