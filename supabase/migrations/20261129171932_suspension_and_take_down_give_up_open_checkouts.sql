-- Found by an outsider's attack on the operators' tools:
-- * A checkout opened before a seller's suspension (or a gig's take-down) and paid after
--   it became a paid, working order: "cannot be bought" did not hold. suspend_seller and
--   take_down_gig now give up the seller's (the gig's) unpaid orders as a refused
--   checkout is given up, so a payment that still arrives is refunded in full; the audit
--   row says how many (private.give_up_unpaid_orders).
-- * quote compared extra ids as text: the same extra named twice, once in upper case,
--   passed the "each extra once" check and its max_quantity. Ids are compared as uuids.
-- No data changes: orders left unpaid by earlier suspensions expire as any unpaid order.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

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
        -- The gig machine checks the edge (published -> taken_down -> published) and
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

create or replace function private.give_up_unpaid_orders(
    of_seller uuid,
    of_gig uuid,
    why text
)
returns integer
language plpgsql
set search_path to ''
as $function$
declare
    unpaid uuid;
    given_up integer := 0;
begin
    for unpaid in
        select o.id from public.orders as o
        where o.status = 'pending_payment'
            and (of_seller is null or o.seller_id = of_seller)
            and (of_gig is null or o.gig_id = of_gig)
        order by o.id
    loop
        perform private.record_order_action(
            unpaid, 'abandon_checkout',
            pg_catalog.jsonb_build_object('reason', format('not for sale any more: %s', why)), 'system'
        );
        given_up := given_up + 1;
    end loop;
    return given_up;
end;
$function$;

create or replace function private.quote(
    buyer_id uuid,
    target_gig_id uuid,
    target_tier public.package_tier,
    extras jsonb,
    order_quantity integer
)
returns jsonb
language plpgsql
stable
set search_path to ''
as $function$
declare
    gig public.gigs;
    package public.gig_packages;
    requested_extras jsonb := coalesce(extras, '[]'::jsonb);
    package_total bigint;
    extra_lines jsonb;
    extras_total bigint;
    extra_days integer;
    subtotal bigint;
    platform_fee_bps integer;
    platform_fee integer;
begin
    if target_gig_id is null or target_tier is null then
        raise exception using errcode = '22004', message = 'gig_id and tier are required';
    end if;

    select g.* into gig from public.gigs as g where g.id = target_gig_id;
    -- An unpublished gig is a missing one to everybody but its seller, on every path
    -- (the checkout runs as the server, which sees every gig).
    if gig.id is null or (gig.status <> 'published' and buyer_id is distinct from gig.seller_id) then
        raise exception using errcode = 'P0002', message = format('gig %s does not exist', target_gig_id);
    end if;
    if gig.status <> 'published' then
        raise exception using
            errcode = '55000',
            message = format('gig %s is %s and cannot be bought', target_gig_id, gig.status);
    end if;
    if buyer_id = gig.seller_id then
        raise exception using errcode = '22023', message = 'sellers cannot buy their own gig';
    end if;
    -- Public (seller_stats), so a visitor's quote sees it too.
    if exists (select 1 from public.seller_stats as s where s.user_id = gig.seller_id and s.suspended) then
        raise exception using
            errcode = 'GF003',
            message = format('gig %s cannot be bought: its seller is suspended', target_gig_id),
            hint = 'No new orders until the platform reinstates the seller.';
    end if;

    select p.* into package from public.gig_packages as p
    where p.gig_id = target_gig_id and p.tier = target_tier;
    if package.id is null then
        raise exception using
            errcode = 'P0002',
            message = format('gig %s has no %s package', target_gig_id, target_tier);
    end if;
    if order_quantity is null then
        raise exception using errcode = '22004', message = 'quantity must not be null';
    end if;
    if order_quantity not between 1 and package.max_quantity then
        raise exception using
            errcode = '22023',
            message = format(
                'quantity %s is outside 1..%s, what one order may buy of the %s package',
                order_quantity, package.max_quantity, package.tier
            );
    end if;
    package_total := package.price_cents::bigint * order_quantity;

    if pg_catalog.jsonb_typeof(requested_extras) <> 'array'
        or pg_catalog.jsonb_array_length(requested_extras) > 20
        or exists (
            select 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
            where pg_catalog.jsonb_typeof(item) <> 'object'
                or pg_catalog.jsonb_typeof(item -> 'quantity') <> 'number'
                or (item ->> 'extra_id') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
                or (item ->> 'quantity') !~ '^[0-9]{1,3}$'
        ) then
        raise exception using
            errcode = '22023',
            message = 'extras must be an array of at most 20 {"extra_id": uuid, "quantity": integer}';
    end if;

    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    left join public.gig_extras as e
        on e.id = (item ->> 'extra_id')::uuid and e.gig_id = target_gig_id
    where e.id is null;
    if found then
        raise exception using
            errcode = 'P0002',
            message = format('an extra does not belong to gig %s', target_gig_id);
    end if;
    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    group by (item ->> 'extra_id')::uuid having pg_catalog.count(*) > 1;
    if found then
        raise exception using errcode = '22023', message = 'each extra may appear only once';
    end if;
    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    join public.gig_extras as e on e.id = (item ->> 'extra_id')::uuid
    where (item ->> 'quantity')::integer not between 1 and e.max_quantity;
    if found then
        raise exception using
            errcode = '22023',
            message = 'an extra''s quantity is outside 1..its max_quantity';
    end if;

    select
        pg_catalog.jsonb_agg(
            pg_catalog.jsonb_build_object(
                'extra_id', e.id,
                'title', e.title,
                'unit_price_cents', e.price_cents,
                'quantity', (item ->> 'quantity')::integer,
                'line_total_cents', e.price_cents * (item ->> 'quantity')::integer,
                'extra_delivery_days', e.extra_delivery_days
            )
            order by e.position, e.title
        ),
        coalesce(pg_catalog.sum(e.price_cents::bigint * (item ->> 'quantity')::integer), 0),
        coalesce(pg_catalog.sum(e.extra_delivery_days), 0)
    into extra_lines, extras_total, extra_days
    from pg_catalog.jsonb_array_elements(requested_extras) as item
    join public.gig_extras as e on e.id = (item ->> 'extra_id')::uuid;

    subtotal := package_total + extras_total;
    if subtotal > 100000000 then
        raise exception using errcode = '22023', message = 'an order may not exceed 1,000,000.00';
    end if;
    select s.fee_bps into platform_fee_bps from private.platform_settings as s;
    platform_fee := private.fee_cents(subtotal, platform_fee_bps);

    return pg_catalog.jsonb_build_object(
        'gig_id', gig.id,
        'gig_title', gig.title,
        'seller_id', gig.seller_id,
        'package_id', package.id,
        'tier', package.tier,
        'currency', package.currency,
        'package_price_cents', package.price_cents,
        'quantity', order_quantity,
        'max_quantity', package.max_quantity,
        'package_total_cents', package_total,
        'extras', coalesce(extra_lines, '[]'::jsonb),
        'extras_cents', extras_total,
        'subtotal_cents', subtotal,
        'fee_bps', platform_fee_bps,
        'platform_fee_cents', platform_fee,
        'seller_net_cents', subtotal - platform_fee,
        'total_cents', subtotal,
        'delivery_days', package.delivery_days + extra_days,
        'revisions_included', package.revisions_included
    );
end;
$function$;

comment on function public.suspend_seller(
    uuid, text
) is 'Suspend a seller, with the reason they are told: their gigs leave search and cannot be bought (quotes
and checkouts refuse with GF003), nobody can order from them, and withdrawals are held; their
unpaid orders are given up (a payment that still arrives is refunded in full) and their paid orders
continue. Logged in admin_actions. Returns the seller''s account.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 seller_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such seller
@error 55000 the seller is already suspended';

comment on function public.take_down_gig(
    uuid, text
) is 'Take a live gig off the market, with the reason its seller is told: published -> taken_down (out of
search, not for sale, not editable). Its unpaid orders are given up (a payment that still arrives is
refunded in full); its paid orders continue. Logged in admin_actions and the gig''s gig_events.
Returns the gig.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 gig_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such gig
@error 55000 the gig is not published';

revoke all on function private.give_up_unpaid_orders(uuid, uuid, text) from public;

grant execute on function private.give_up_unpaid_orders(uuid, uuid, text) to postgres;
