-- Search's slowest class at 1M gigs was a common word and a rare one ("deliver zq7f19":
-- 261 ms p50). Guessed independent, their conjunction looked rare, so the description
-- tier walked the rank index until it gave up, and then RUM read the common word's
-- million entries in rank order. A third way for a tier: take every match through the
-- RUM index's bitmap, whose "and" reads no further than the rarest word's entries, and
-- sort them (measured: 6 ms for that query, 10 ms for "care zq684b", was 215 ms). It is
-- chosen when its cost, bounded by the rarest word's entries, beats the walk and RUM;
-- not for phrases (RUM's bitmap checks their positions slowly) nor "or".

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.search_tier_sql(
    tier integer,
    predicate text,
    conditions text,
    walk_rows integer
)
returns text
language sql
immutable
set search_path to ''
as $function$
    select case
        -- Every match, found through the index's bitmap (an "and" reads only as far as its
        -- rarest word), then sorted: for a tier whose rarest word is rare.
        when walk_rows = 0 then format(
            'with matched as materialized ('
            ' select s.gig_id, s.rank_key from private.gig_search as s where %2$s and %3$s)'
            ' select m.gig_id, %1$s::bigint * 281474976710656 + m.rank_key as sort_key'
            ' from matched as m order by m.rank_key desc limit $10',
            tier, predicate, conditions
        )
        when walk_rows is null then format(
            'select s.gig_id, %1$s::bigint * 281474976710656 + s.rank_key as sort_key'
            ' from private.gig_search as s where %2$s and %3$s'
            ' order by s.rank_key operator(private.<=|) 9007199254740991::bigint limit $10',
            tier, predicate, conditions
        )
        else format(
            'with walk as materialized ('
            ' select s.gig_id, %1$s::bigint * 281474976710656 + s.rank_key as sort_key from ('
            ' select s.gig_id, s.rank_key, s.search_vector, s.title_vector from private.gig_search as s'
            ' where %3$s order by s.rank_key desc limit %4$s) as s where %2$s limit $10)'
            ' select walk.gig_id, walk.sort_key from walk where (select pg_catalog.count(*) from walk) >= $10'
            ' union all'
            ' select r.gig_id, r.sort_key from (%5$s) as r where (select pg_catalog.count(*) from walk) < $10',
            tier, predicate, conditions, walk_rows,
            private.search_tier_sql(tier, predicate, conditions, null)
        )
    end
$function$;

create or replace function private.search_walk_rows(
    vector text,
    filter_sql text,
    page_size integer,
    text_query tsquery,
    category_ids bigint[],
    min_price_cents integer,
    max_price_cents integer,
    max_delivery_days integer,
    min_rating numeric,
    seller uuid
)
returns integer
language plpgsql
set search_path to ''
as $function$
declare
    -- Microseconds, measured at 1M gigs: a RUM entry read (in rank order, or skipped
    -- through by a bitmap's "and"), a walked row, a match the bitmap fetches and sorts.
    rum_entry_cost constant numeric := 0.25;
    walked_row_cost constant numeric := 1.6;
    bitmap_match_cost constant numeric := 6;
    bitmap_worth_from constant numeric := 5000;
    walk_margin constant integer := 4;
    indexable text := pg_catalog.querytree(text_query);
    gigs_searched numeric;
    matches numeric;
    filtered_matches numeric;
    word_entries numeric;
    rarest_word_entries numeric;
    walk_cost numeric;
    rum_cost numeric;
begin
    select greatest(c.reltuples, 1) into gigs_searched from pg_catalog.pg_class as c
    where c.oid = 'private.gig_search'::regclass;
    matches := private.estimated_search_rows(
        format('s.%I @@ $1', vector), text_query, category_ids, min_price_cents, max_price_cents,
        max_delivery_days, min_rating, seller
    );
    filtered_matches := case when filter_sql = 'true' then matches else private.estimated_search_rows(
        format('s.%I @@ $1 and %s', vector, filter_sql), text_query, category_ids, min_price_cents,
        max_price_cents, max_delivery_days, min_rating, seller
    ) end;
    word_entries := case when indexable = 'T' then gigs_searched else private.estimated_search_rows(
        format('s.%I @@ $1', vector), pg_catalog.regexp_replace(indexable, '<[0-9]+>|&', '|', 'g')::tsquery,
        category_ids, min_price_cents, max_price_cents, max_delivery_days, min_rating, seller
    ) end;
    walk_cost := walked_row_cost * page_size * gigs_searched / filtered_matches;
    rum_cost := rum_entry_cost * word_entries + walked_row_cost * page_size * matches / filtered_matches;
    -- The rarest of the words every match must hold, when the other ways look slow (each
    -- word is one more estimate; any word bounds the matches, so four are enough): only
    -- for words joined by "and" (an "or" has no such word; RUM's bitmap of a phrase
    -- checks positions entry by entry, measured far slower than the bound).
    if least(walk_cost, rum_cost) > bitmap_worth_from and indexable !~ '[|!<]' and indexable <> 'T' then
        select pg_catalog.min(private.estimated_search_rows(
            format('s.%I @@ $1', vector), word.lexeme[1]::tsquery, category_ids, min_price_cents,
            max_price_cents, max_delivery_days, min_rating, seller
        )) into rarest_word_entries
        from (
            select found.lexeme
            from pg_catalog.regexp_matches(indexable, '(''(?:[^'']|'''')*'')', 'g') as found (lexeme)
            limit 4
        ) as word;
        if rum_entry_cost * rarest_word_entries + bitmap_match_cost * least(matches, rarest_word_entries)
            < least(walk_cost, rum_cost) then
            return 0;
        end if;
    end if;
    if walk_cost < rum_cost then
        return least(walk_margin * page_size * gigs_searched / filtered_matches, 1000000)::integer;
    end if;
    return null;
end;
$function$;
