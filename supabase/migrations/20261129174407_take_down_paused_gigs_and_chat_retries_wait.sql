-- Found by an outsider's attack on the operators' tools:
-- * A seller who saw a take-down coming paused the gig (take_down accepted only published
--   gigs) and unpaused it later. The gig machine gets the edge paused -take_down->
--   taken_down (admin); restore still leads to published.
-- * Every chat token request for an order whose DM channel Whop had failed to make asked
--   Whop again at once, ignoring the backoff and the lease: one participant could spend
--   the platform's API key at will. A token request now tries only when the chat is due,
--   and asking again no longer resets the backoff (linking Whop again still does).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- private.gig_transitions:
--   only in sources: ('(paused,take_down,admin,taken_down)',)

set local check_function_bodies = off;

create or replace function private.apply_admin_action()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    caller uuid := auth.uid();
    tool text := pg_catalog.replace(new.action::text, '_', ' ');
    why text := nullif(pg_catalog.btrim(new.reason), '');
    request jsonb := coalesce(new.details, '{}'::jsonb);
    account public.seller_accounts;
    gig public.gigs;
    category public.categories;
    moved public.gig_events;
    wanted_name text;
    wanted_parent bigint;
    wanted_position integer;
begin
    if not private.is_admin() then
        raise exception using errcode = '42501', message = format('only an admin may %s', tool);
    end if;
    if pg_catalog.char_length(why) > 500 or (new.reason is not null and why is null) then
        raise exception using errcode = '22023', message = 'a reason must be 1 to 500 characters';
    end if;
    if why is null
        and new.action in ('suspend_seller', 'reinstate_seller', 'take_down_gig', 'restore_gig') then
        raise exception using
            errcode = '22023', message = format('to %s, give a reason of 1 to 500 characters', tool);
    end if;
    if pg_catalog.jsonb_typeof(request) <> 'object' then
        raise exception using errcode = '22023', message = 'details must be a JSON object';
    end if;

    new.admin_id := caller;
    new.reason := why;
    new.created_at := pg_catalog.now();

    if new.action in ('suspend_seller', 'reinstate_seller') then
        if new.seller_id is null then
            raise exception using errcode = '22004', message = 'seller_id must not be null';
        end if;
        if new.gig_id is not null or new.category_id is not null then
            raise exception using errcode = '22023', message = format('%s names a seller only', tool);
        end if;
        select a.* into account from public.seller_accounts as a where a.user_id = new.seller_id for update;
        if account.user_id is null then
            raise exception using
                errcode = 'P0002', message = format('seller %s does not exist', new.seller_id);
        end if;
        if new.action = 'suspend_seller' then
            if account.suspended_at is not null then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'seller %s is already suspended (since %s)', account.user_id, account.suspended_at
                    );
            end if;
            -- The triggers on seller_accounts take the gigs out of search and mark the
            -- public seller_stats; quotes and withdrawals read those.
            update public.seller_accounts as a
            set suspended_at = new.created_at, suspension_reason = why
            where a.user_id = account.user_id;
            new.details := pg_catalog.jsonb_build_object(
                'published_gigs', (
                    select pg_catalog.count(*) from public.gigs as g
                    where g.seller_id = account.user_id and g.status = 'published'
                ),
                'unpaid_orders_given_up', private.give_up_unpaid_orders(account.user_id, null, why)
            );
            perform private.notify(
                array[account.user_id], null, 'seller_suspended',
                format(
                    'Your seller account is suspended: %s. Your gigs are out of search and cannot be '
                    'ordered, and withdrawals are on hold; your open orders continue.',
                    why
                )
            );
        else
            if account.suspended_at is null then
                raise exception using
                    errcode = '55000', message = format('seller %s is not suspended', account.user_id);
            end if;
            update public.seller_accounts as a
            set suspended_at = null, suspension_reason = null
            where a.user_id = account.user_id;
            new.details := pg_catalog.jsonb_build_object(
                'suspended_at', account.suspended_at, 'suspension_reason', account.suspension_reason
            );
            perform private.notify(
                array[account.user_id], null, 'seller_reinstated',
                format(
                    'Your seller account is reinstated: %s. Your gigs can be found and ordered again, '
                    'and withdrawals are open.',
                    why
                )
            );
        end if;

    elsif new.action in ('take_down_gig', 'restore_gig') then
        if new.gig_id is null then
            raise exception using errcode = '22004', message = 'gig_id must not be null';
        end if;
        if new.category_id is not null then
            raise exception using errcode = '22023', message = format('%s names a gig only', tool);
        end if;
        select g.* into gig from public.gigs as g where g.id = new.gig_id;
        if gig.id is null then
            raise exception using errcode = 'P0002', message = format('gig %s not found', new.gig_id);
        end if;
        new.seller_id := gig.seller_id;
        -- The gig machine checks the edge (published or paused -> taken_down -> published) and
        -- moves the gig; naming the actor marks this as the operators' path.
        insert into public.gig_events (gig_id, action, actor, reason)
        values (
            gig.id,
            case when new.action = 'take_down_gig' then 'take_down' else 'restore' end::public.gig_action,
            'admin',
            why
        )
        returning * into moved;
        new.details := pg_catalog.jsonb_build_object(
            'gig_event_id', moved.id,
            'from_status', moved.from_status,
            'to_status', moved.to_status,
            'content_version', moved.content_version,
            'unpaid_orders_given_up', case when new.action = 'take_down_gig'
                then private.give_up_unpaid_orders(null, gig.id, why) else 0 end
        );
        perform private.notify(
            array[gig.seller_id], null,
            case when new.action = 'take_down_gig' then 'gig_taken_down' else 'gig_restored' end,
            case
                when new.action = 'take_down_gig'
                    then format('Your gig "%s" was taken down: %s', gig.title, why)
                else format('Your gig "%s" is live again: %s', gig.title, why)
            end
        );

    else
        if new.seller_id is not null or new.gig_id is not null then
            raise exception using errcode = '22023', message = format('%s names a category only', tool);
        end if;

        if new.action = 'create_category' then
            if new.category_id is not null then
                raise exception using
                    errcode = '22023', message = 'a new category''s id is assigned: name no category_id';
            end if;
            if coalesce(request ->> 'slug', '') !~ '^[a-z0-9]+(-[a-z0-9]+)*$'
                or pg_catalog.char_length(request ->> 'slug') > 60 then
                raise exception using
                    errcode = '22023',
                    message = 'slug must be 1 to 60 lowercase letters and digits, in words joined by "-"';
            end if;
            wanted_name := pg_catalog.btrim(request ->> 'name');
            if pg_catalog.char_length(coalesce(wanted_name, '')) not between 1 and 80 then
                raise exception using errcode = '22023', message = 'name must be 1 to 80 characters';
            end if;
            if exists (select 1 from public.categories as c where c.slug = request ->> 'slug') then
                raise exception using
                    errcode = '23505', message = format('a category with slug %s exists', request ->> 'slug');
            end if;
            wanted_parent := private.parent_for_admin(request);
            wanted_position := coalesce(private.admin_detail_integer(request, 'position', 0, 10000), 0);
            insert into public.categories (slug, name, parent_id, position)
            values (request ->> 'slug', wanted_name, wanted_parent, wanted_position)
            returning * into category;
            new.category_id := category.id;
            new.details := pg_catalog.jsonb_build_object(
                'slug', category.slug, 'name', category.name, 'parent_id', category.parent_id,
                'position', category.position, 'listed', category.listed
            );
            return new;
        end if;

        category := private.category_for_admin(new.category_id);
        case new.action
            when 'rename_category' then
                wanted_name := pg_catalog.btrim(request ->> 'name');
                if pg_catalog.char_length(coalesce(wanted_name, '')) not between 1 and 80 then
                    raise exception using errcode = '22023', message = 'name must be 1 to 80 characters';
                end if;
                update public.categories as c set name = wanted_name where c.id = category.id;
                new.details := pg_catalog.jsonb_build_object(
                    'name', pg_catalog.jsonb_build_object('from', category.name, 'to', wanted_name)
                );
            when 'move_category' then
                wanted_parent := private.parent_for_admin(request);
                -- prepare_category (functions/categories.sql) refuses a loop.
                update public.categories as c set parent_id = wanted_parent where c.id = category.id;
                new.details := pg_catalog.jsonb_build_object(
                    'parent_id',
                    pg_catalog.jsonb_build_object('from', category.parent_id, 'to', wanted_parent),
                    'listed', (select c.listed from public.categories as c where c.id = category.id)
                );
            when 'reorder_category' then
                wanted_position := private.admin_detail_integer(request, 'position', 0, 10000);
                if wanted_position is null then
                    raise exception using errcode = '22004', message = 'position must not be null';
                end if;
                update public.categories as c set position = wanted_position where c.id = category.id;
                new.details := pg_catalog.jsonb_build_object(
                    'position',
                    pg_catalog.jsonb_build_object('from', category.position, 'to', wanted_position)
                );
            when 'deactivate_category', 'reactivate_category' then
                if category.active = (new.action = 'reactivate_category') then
                    raise exception using
                        errcode = '55000',
                        message = format(
                            'category %s is already %s', category.slug,
                            case when category.active then 'active' else 'inactive' end
                        );
                end if;
                update public.categories as c
                set active = new.action = 'reactivate_category'
                where c.id = category.id;
                new.details := pg_catalog.jsonb_build_object(
                    'listed', (select c.listed from public.categories as c where c.id = category.id)
                );
        end case;
    end if;
    return new;
end;
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
            -- A party linking again is a reason to try a failing channel now; asking for
            -- a chat token again is not (it would let one participant make us call Whop
            -- as often as they like, whatever the backoff).
            or (d.whop_dm_channel_id is null and for_user is not null)
        returning 1
    )

    select pg_catalog.count(*)::integer into wanted from written;
    return wanted;
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
$function$;

comment on function public.take_down_gig(
    uuid, text
) is 'Take a gig off the market, with the reason its seller is told: published or paused -> taken_down
(out of search, not for sale, not editable). Its unpaid orders are given up (a payment that still
arrives is refunded in full); its paid orders continue. Logged in admin_actions and the gig''s
gig_events. Returns the gig.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 gig_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such gig
@error 55000 the gig is not published';

comment on type public.gig_status is
'draft -submit-> review -publish-> published <-pause/unpause-> paused; review -reject-> rejected '
'-submit-> review; an edit of published or paused -> review; KYC loss: published -suspend-> paused; '
'an operator: published or paused -take_down-> taken_down -restore-> published.';

-- The new edge, as supabase/schemas/catalog.sql lists it.
insert into private.gig_transitions (from_status, action, actor, to_status)
values ('paused', 'take_down', 'admin', 'taken_down')
on conflict (from_status, action, actor) do nothing;
