-- Operators' tools: suspend and reinstate a seller, take down and restore a gig, and
-- manage the category tree, each one a row of the audit log public.admin_actions
-- (supabase/schemas/admin_actions.sql).
--
-- The RPCs run with their caller's rights (security invoker): each checks the caller is
-- an admin and inserts the request columns of an admin_actions row (RLS lets only admins
-- insert). The definer trigger on that row, private.apply_admin_action, checks again,
-- validates the request, does the privileged work and completes the row: who acted,
-- when, and what changed. Where the work is another machine's (a gig's move is an edge
-- of private.gig_transitions), the trigger asks that machine; where it has effects
-- beyond its row (search, seller_stats, the category tree), the triggers on the row it
-- writes apply them (functions/search.sql, functions/profiles.sql,
-- functions/categories.sql), whoever writes it.

-- The log is append-only, whoever asks (the owner too).
create trigger admin_actions_are_append_only
before update or delete on public.admin_actions
for each row execute function private.refuse_change();

create trigger admin_actions_are_never_truncated
before truncate on public.admin_actions
for each statement execute function private.refuse_change();

-- A category tool's integer argument from the request's details, or an error naming it.
create or replace function private.admin_detail_integer(
    details jsonb,
    key text,
    low integer,
    high integer
)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
    if details -> key is null or pg_catalog.jsonb_typeof(details -> key) = 'null' then
        return null;
    end if;
    if pg_catalog.jsonb_typeof(details -> key) <> 'number' or (details ->> key) !~ '^-?[0-9]{1,9}$'
        or (details ->> key)::integer not between low and high then
        raise exception using
            errcode = '22023',
            message = format('%s must be an integer between %s and %s', key, low, high);
    end if;
    return (details ->> key)::integer;
end;
$$;

revoke execute on function private.admin_detail_integer(jsonb, text, integer, integer)
from public, anon, authenticated;

-- A category tool's target, locked, or P0002.
create or replace function private.category_for_admin(target_category_id bigint)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    found_category public.categories;
begin
    if target_category_id is null then
        raise exception using errcode = '22004', message = 'category_id must not be null';
    end if;
    select c.* into found_category from public.categories as c where c.id = target_category_id for update;
    if found_category.id is null then
        raise exception using
            errcode = 'P0002', message = format('category %s does not exist', target_category_id);
    end if;
    return found_category;
end;
$$;

revoke execute on function private.category_for_admin(bigint) from public, anon, authenticated;

-- A parent named in a category tool's request: null (the top level) or an existing
-- category.
create or replace function private.parent_for_admin(details jsonb)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    parent bigint;
begin
    if details -> 'parent_id' is not null and pg_catalog.jsonb_typeof(details -> 'parent_id') <> 'null'
        and (
            pg_catalog.jsonb_typeof(details -> 'parent_id') <> 'number'
            or (details ->> 'parent_id') !~ '^-?[0-9]{1,18}$'
        ) then
        raise exception using errcode = '22023', message = 'parent_id must be a category id or null';
    end if;
    parent := (details ->> 'parent_id')::bigint;
    if parent is not null and not exists (select 1 from public.categories as c where c.id = parent) then
        raise exception using
            errcode = 'P0002', message = format('parent category %s does not exist', parent);
    end if;
    return parent;
end;
$$;

revoke execute on function private.parent_for_admin(jsonb) from public, anon, authenticated;

-- The unpaid orders of a seller (or of one gig) given up, as Whop's refusal of a checkout
-- is: the buyers' checkout pages stay open at Whop, and a payment that still arrives for
-- a given-up order is refunded in full. Without this, a checkout opened before a
-- suspension or take-down and paid after it became a working order. Returns how many.
create or replace function private.give_up_unpaid_orders(of_seller uuid, of_gig uuid, why text)
returns integer
language plpgsql
set search_path = ''
as $$
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
$$;

revoke execute on function private.give_up_unpaid_orders(uuid, uuid, text) from public, anon, authenticated;

-- Applies an operator's request and completes its log row. Definer: it writes seller
-- accounts, categories and (through the gig machine) gigs, which admins may not write
-- directly, and notifications.
create or replace function private.apply_admin_action()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function private.apply_admin_action() from public, anon, authenticated;

create trigger apply_admin_action
before insert on public.admin_actions
for each row execute function private.apply_admin_action();

-- The RPCs' one path: an admin's request, as the caller (RLS and column privileges hold
-- it to the request columns), returning the completed log row.
create or replace function private.request_admin_action(
    requested public.admin_action,
    target_seller_id uuid,
    target_gig_id uuid,
    target_category_id bigint,
    reason text,
    details jsonb
)
returns public.admin_actions
language plpgsql
set search_path = ''
as $$
declare
    recorded public.admin_actions;
begin
    if not private.is_admin() then
        raise exception using
            errcode = '42501',
            message = format('only an admin may %s', pg_catalog.replace(requested::text, '_', ' '));
    end if;
    insert into public.admin_actions as a (action, seller_id, gig_id, category_id, reason, details)
    values (requested, target_seller_id, target_gig_id, target_category_id, reason, coalesce(details, '{}'))
    returning a.* into recorded;
    return recorded;
end;
$$;

revoke execute on function private.request_admin_action(
    public.admin_action, uuid, uuid, bigint, text, jsonb
) from public, anon, authenticated;
grant execute on function private.request_admin_action(
    public.admin_action, uuid, uuid, bigint, text, jsonb
) to authenticated, service_role;

create or replace function public.suspend_seller(seller_id uuid, reason text)
returns public.seller_accounts
language plpgsql
set search_path = ''
as $$
declare
    account public.seller_accounts;
begin
    perform private.request_admin_action('suspend_seller', seller_id, null, null, reason, null);
    select a.* into account from public.seller_accounts as a where a.user_id = suspend_seller.seller_id;
    return account;
end;
$$;

create or replace function public.reinstate_seller(seller_id uuid, reason text)
returns public.seller_accounts
language plpgsql
set search_path = ''
as $$
declare
    account public.seller_accounts;
begin
    perform private.request_admin_action('reinstate_seller', seller_id, null, null, reason, null);
    select a.* into account from public.seller_accounts as a where a.user_id = reinstate_seller.seller_id;
    return account;
end;
$$;

create or replace function public.take_down_gig(gig_id uuid, reason text)
returns public.gigs
language plpgsql
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    perform private.request_admin_action('take_down_gig', null, gig_id, null, reason, null);
    select g.* into gig from public.gigs as g where g.id = take_down_gig.gig_id;
    return gig;
end;
$$;

create or replace function public.restore_gig(gig_id uuid, reason text)
returns public.gigs
language plpgsql
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    perform private.request_admin_action('restore_gig', null, gig_id, null, reason, null);
    select g.* into gig from public.gigs as g where g.id = restore_gig.gig_id;
    return gig;
end;
$$;

create or replace function public.create_category(
    slug text,
    name text,
    parent_id bigint default null,
    at_position integer default 0,
    reason text default null
)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    recorded public.admin_actions;
    category public.categories;
begin
    recorded := private.request_admin_action(
        'create_category', null, null, null, reason,
        pg_catalog.jsonb_build_object(
            'slug', slug, 'name', name, 'parent_id', parent_id, 'position', at_position
        )
    );
    select c.* into category from public.categories as c where c.id = recorded.category_id;
    return category;
end;
$$;

create or replace function public.rename_category(category_id bigint, name text, reason text default null)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    category public.categories;
begin
    perform private.request_admin_action(
        'rename_category', null, null, category_id, reason, pg_catalog.jsonb_build_object('name', name)
    );
    select c.* into category from public.categories as c where c.id = rename_category.category_id;
    return category;
end;
$$;

create or replace function public.move_category(
    category_id bigint,
    parent_id bigint default null,
    reason text default null
)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    category public.categories;
begin
    perform private.request_admin_action(
        'move_category', null, null, category_id, reason,
        pg_catalog.jsonb_build_object('parent_id', parent_id)
    );
    select c.* into category from public.categories as c where c.id = move_category.category_id;
    return category;
end;
$$;

create or replace function public.reorder_category(
    category_id bigint,
    at_position integer,
    reason text default null
)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    category public.categories;
begin
    perform private.request_admin_action(
        'reorder_category', null, null, category_id, reason,
        pg_catalog.jsonb_build_object('position', at_position)
    );
    select c.* into category from public.categories as c where c.id = reorder_category.category_id;
    return category;
end;
$$;

create or replace function public.deactivate_category(category_id bigint, reason text default null)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    category public.categories;
begin
    perform private.request_admin_action('deactivate_category', null, null, category_id, reason, null);
    select c.* into category from public.categories as c where c.id = deactivate_category.category_id;
    return category;
end;
$$;

create or replace function public.reactivate_category(category_id bigint, reason text default null)
returns public.categories
language plpgsql
set search_path = ''
as $$
declare
    category public.categories;
begin
    perform private.request_admin_action('reactivate_category', null, null, category_id, reason, null);
    select c.* into category from public.categories as c where c.id = reactivate_category.category_id;
    return category;
end;
$$;

comment on function public.suspend_seller(uuid, text) is
$$Suspend a seller, with the reason they are told: their gigs leave search and cannot be bought (quotes
and checkouts refuse with GF003), nobody can order from them, and withdrawals are held; their
unpaid orders are given up (a payment that still arrives is refunded in full) and their paid orders
continue. Logged in admin_actions. Returns the seller's account.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 seller_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such seller
@error 55000 the seller is already suspended$$;
comment on function public.reinstate_seller(uuid, text) is
$$Lift a seller's suspension, with a reason they are told: their published gigs are back in search and
can be bought, and withdrawals are open again. Logged in admin_actions. Returns the seller's account.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 seller_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such seller
@error 55000 the seller is not suspended$$;
comment on function public.take_down_gig(uuid, text) is
$$Take a gig off the market, with the reason its seller is told: published or paused -> taken_down
(out of search, not for sale, not editable). Its unpaid orders are given up (a payment that still
arrives is refunded in full); its paid orders continue. Logged in admin_actions and the gig's
gig_events. Returns the gig.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 gig_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such gig
@error 55000 the gig is not published$$;
comment on function public.restore_gig(uuid, text) is
$$Put a taken-down gig back on the market as it was, with the reason its seller is told: taken_down ->
published (needs a verified seller). Logged in admin_actions and the gig's gig_events. Returns the
gig.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 gig_id is missing
@error 22023 the reason is missing, empty or longer than 500 characters
@error P0002 no such gig
@error 55000 the gig is not taken down
@error GF001 the seller has not passed identity verification$$;
comment on function public.create_category(text, text, bigint, integer, text) is
$$Create a category: slug (lowercase words joined by "-", at most 60 characters, never changed), name
(1 to 80 characters), parent_id (null: top level), at_position (0 to 10000, its position among its
siblings), an optional reason. Logged in admin_actions. Returns the category.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22023 the slug, name, at_position or reason is malformed
@error 23505 a category has this slug
@error P0002 no such parent category$$;
comment on function public.rename_category(bigint, text, text) is
$$Rename a category (its name, 1 to 80 characters; the slug stays, so links keep working), with an
optional reason. Logged in admin_actions. Returns the category.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 category_id is missing
@error 22023 the name or reason is malformed
@error P0002 no such category$$;
comment on function public.move_category(bigint, bigint, text) is
$$Move a category, with its subcategories, under another one (parent_id; null or left out: to the top
level), with an optional reason. A category under an inactive one is unlisted. Logged in admin_actions. Returns
the category.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 category_id is missing
@error 22023 the new parent is the category itself or one below it, or the reason is malformed
@error P0002 no such category or parent$$;
comment on function public.reorder_category(bigint, integer, text) is
$$Set a category's position among its siblings (at_position, 0 to 10000; lower comes first), with an
optional reason. Logged in admin_actions. Returns the category.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 category_id or at_position is missing
@error 22023 at_position or the reason is malformed
@error P0002 no such category$$;
comment on function public.deactivate_category(bigint, text) is
$$Deactivate a category, with an optional reason: it and the categories under it are unlisted
(visitors no longer see them) and their gigs leave search and browsing, but the gigs stay published
and keep their pages. Logged in admin_actions. Returns the category.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 category_id is missing
@error 22023 the reason is malformed
@error P0002 no such category
@error 55000 the category is already inactive$$;
comment on function public.reactivate_category(bigint, text) is
$$Reactivate a category, with an optional reason: it is listed again (unless a category above it is
inactive), and so are its gigs in search. Logged in admin_actions. Returns the category.
@who admins (and the service role)
@error 42501 not signed in, or not an admin
@error 22004 category_id is missing
@error 22023 the reason is malformed
@error P0002 no such category
@error 55000 the category is already active$$;

revoke execute on function public.suspend_seller(uuid, text) from public, anon, authenticated;
revoke execute on function public.reinstate_seller(uuid, text) from public, anon, authenticated;
revoke execute on function public.take_down_gig(uuid, text) from public, anon, authenticated;
revoke execute on function public.restore_gig(uuid, text) from public, anon, authenticated;
revoke execute on function public.create_category(text, text, bigint, integer, text)
from public, anon, authenticated;
revoke execute on function public.rename_category(bigint, text, text) from public, anon, authenticated;
revoke execute on function public.move_category(bigint, bigint, text) from public, anon, authenticated;
revoke execute on function public.reorder_category(bigint, integer, text) from public, anon, authenticated;
revoke execute on function public.deactivate_category(bigint, text) from public, anon, authenticated;
revoke execute on function public.reactivate_category(bigint, text) from public, anon, authenticated;
grant execute on function public.suspend_seller(uuid, text) to authenticated, service_role;
grant execute on function public.reinstate_seller(uuid, text) to authenticated, service_role;
grant execute on function public.take_down_gig(uuid, text) to authenticated, service_role;
grant execute on function public.restore_gig(uuid, text) to authenticated, service_role;
grant execute on function public.create_category(text, text, bigint, integer, text)
to authenticated, service_role;
grant execute on function public.rename_category(bigint, text, text) to authenticated, service_role;
grant execute on function public.move_category(bigint, bigint, text) to authenticated, service_role;
grant execute on function public.reorder_category(bigint, integer, text) to authenticated, service_role;
grant execute on function public.deactivate_category(bigint, text) to authenticated, service_role;
grant execute on function public.reactivate_category(bigint, text) to authenticated, service_role;
