-- Search kept gigs that were no longer published, with text nobody had approved. A
-- seller's edit of a live gig fires gig_listing_changed before sync_gig_search (after
-- triggers run by name): its `edit` moves the gig to review and removes the search row,
-- then sync_gig_search ran for the seller's own update with NEW still `published` and
-- wrote the unreviewed text back. The gig then stayed in search in review, and after a
-- rejection, since a move between two unpublished states never synced. Now the function
-- reads the gig as it is, the trigger syncs on every move of the status, and the rows
-- such edits left behind (any gig not published) are removed below
-- (tests/sql/14_search_sync.sql).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

drop trigger sync_gig_search on public.gigs;

create or replace function private.sync_gig_search()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    gig public.gigs;
begin
    select g.* into gig from public.gigs as g where g.id = new.id;
    if gig.id is null or gig.status <> 'published' then
        delete from private.gig_search as s where s.gig_id = new.id;
        return null;
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
    return null;
end;
$function$;

create trigger sync_gig_search
after update of status,
seller_id,
category_id,
title,
description,
tags,
starting_price_cents,
fastest_delivery_days,
rating_avg,
rating_count,
published_at on public.gigs
for each row
when (((new.status = 'published'::public.gig_status) or (old.status is distinct from new.status)))
execute function private.sync_gig_search();

-- The rows left behind: every gig in the search table that is not published now (a
-- row's gig always exists: the foreign key cascades).
delete from private.gig_search as s
using public.gigs as g
where g.id = s.gig_id and g.status <> 'published';
