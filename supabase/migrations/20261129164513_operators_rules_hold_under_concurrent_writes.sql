-- Issue 22: the operators' rules hold when an operator and a user write at the same
-- moment, each in their own transaction.
-- * A gig going live reads its seller's suspension and its category's listing in share
--   mode (private.put_gig_search): a suspension or an unlisting that commits meanwhile
--   waits for it, or it for them, so no suspended seller's or unlisted category's gig is
--   left in the search table.
-- * Changes of the category tree take one advisory lock (private.prepare_category): two
--   moves that each find no loop can no longer make one together, and a category written
--   under a parent being deactivated sees it.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.prepare_category()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

create or replace function private.put_gig_search(
    gig public.gigs
)
returns void
language plpgsql
set search_path to ''
as $function$
declare
    seller_suspended boolean;
    category_listed boolean;
begin
    if gig.status = 'published' then
        -- Read in share mode: a suspension or an unlisting committing meanwhile waits for
        -- this gig's move, or this move for it, so neither misses the other.
        select a.suspended_at is not null into seller_suspended
        from public.seller_accounts as a where a.user_id = gig.seller_id
        for share;
        select c.listed into category_listed
        from public.categories as c where c.id = gig.category_id
        for share;
    end if;
    if gig.status <> 'published' or coalesce(seller_suspended, true)
        or not coalesce(category_listed, false) then
        delete from private.gig_search as s where s.gig_id = gig.id;
        return;
    end if;
    insert into private.gig_search as s (
        gig_id, seller_id, category_id, search_vector, title_vector, quality_score,
        starting_price_cents, fastest_delivery_days, rating_avg, published_at
    )
    values (
        gig.id,
        gig.seller_id,
        gig.category_id,
        pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, gig.title), 'A')
        || pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, private.tags_text(gig.tags)), 'B')
        || pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, gig.description), 'C'),
        pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, gig.title), 'A')
        || pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, private.tags_text(gig.tags)), 'B'),
        gig.quality_score,
        gig.starting_price_cents,
        gig.fastest_delivery_days,
        gig.rating_avg,
        gig.published_at
    )
    on conflict (gig_id) do update
        set
            seller_id = excluded.seller_id,
            category_id = excluded.category_id,
            search_vector = excluded.search_vector,
            title_vector = excluded.title_vector,
            quality_score = excluded.quality_score,
            starting_price_cents = excluded.starting_price_cents,
            fastest_delivery_days = excluded.fastest_delivery_days,
            rating_avg = excluded.rating_avg,
            published_at = excluded.published_at;
end;
$function$;
