-- The category tree's own rules, whoever writes it (the operators' tools in
-- functions/admin_tools.sql, the seed, a data load): a category is listed when it and
-- every category above it are active, and the tree never loops. Search follows
-- `listed` (functions/search.sql); visitors see listed categories only
-- (policies/catalog.sql).

-- Before a category is written: refuse a parent that would make a loop, and work out
-- `listed` from its own switch and its parent's (a caller never sets it).
create or replace function private.prepare_category()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    above bigint := new.parent_id;
    parent_listed boolean;
    steps integer := 0;
begin
    -- Changes of the tree's shape or switches go one at a time: two moves at once could
    -- each find no loop and make one together, and a category written under a parent
    -- being deactivated could miss it. Each statement below then sees the other's
    -- committed change.
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('gigflow.category_tree'));
    if tg_op = 'UPDATE' and new.parent_id is distinct from old.parent_id then
        while above is not null loop
            if above = new.id then
                raise exception using
                    errcode = '22023',
                    message = format(
                        'category %s cannot move under %s: that is the category itself or one below it',
                        new.id, new.parent_id
                    );
            end if;
            steps := steps + 1;
            if steps > 100 then
                raise exception using
                    errcode = '22023', message = 'the category tree is deeper than 100 levels';
            end if;
            select c.parent_id into above from public.categories as c where c.id = above;
        end loop;
    end if;
    if new.parent_id is not null then
        select c.listed into parent_listed from public.categories as c where c.id = new.parent_id;
    end if;
    new.listed := new.active and coalesce(parent_listed, true);
    return new;
end;
$$;

revoke execute on function private.prepare_category() from public, anon, authenticated;

create trigger prepare_category
before insert or update of active, parent_id, listed on public.categories
for each row execute function private.prepare_category();

-- A category that became listed or unlisted passes it on to the categories right under
-- it, whose own trigger passes it further down.
create or replace function private.pass_listing_down()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.categories as c
    set listed = c.active and new.listed
    where c.parent_id = new.id and c.listed is distinct from (c.active and new.listed);
    return null;
end;
$$;

revoke execute on function private.pass_listing_down() from public, anon, authenticated;

-- (A column list names what the UPDATE sets, not what a trigger changed: an update of
-- active or parent_id may change listed too.)
create trigger pass_listing_down
after update of active, parent_id, listed on public.categories
for each row
when (old.listed is distinct from new.listed)
execute function private.pass_listing_down();
