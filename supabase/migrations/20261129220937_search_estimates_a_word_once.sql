-- search_walk_rows asks the planner once, not twice, for a query that is its own words
-- (one word, or an "or" of words): its words' entries are its matches. Each estimate is
-- an EXPLAIN of about 0.5 ms, and most searches are one word. On the bench's generated
-- workload at 1M gigs (scratch cluster, two alternating rounds of 8 runs each) p50
-- 5.4/5.9 -> 4.9/4.6 ms, one word p50 4.5/4.7 -> 3.9/4.0 ms.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

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
    word_query tsquery;
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
    -- A phrase ("<->") stays a phrase here, counted at its own estimate: counted as the
    -- "or" of its words, RUM looked dear, the walk was chosen and ran out (phrases of
    -- common words 75-135 ms at 1M gigs, against 23-40 ms).
    -- Each estimate is an EXPLAIN (about 0.5 ms): a query that is its own words (one
    -- word, or an "or" of words) is not asked for twice.
    word_query := case when indexable <> 'T' then
        pg_catalog.regexp_replace(indexable, '<[0-9]+>|&', '|', 'g')::tsquery
    end;
    word_entries := case
        when indexable = 'T' then gigs_searched
        when word_query = text_query then matches
        else private.estimated_search_rows(
            format('s.%I @@ $1', vector), word_query, category_ids, min_price_cents, max_price_cents,
            max_delivery_days, min_rating, seller
        )
    end;
    walk_cost := walked_row_cost * page_size * gigs_searched / filtered_matches;
    rum_cost := rum_entry_cost * word_entries + walked_row_cost * page_size * matches / filtered_matches;
    -- The rarest of the words every match must hold, when the other ways look slow (each
    -- word is one more estimate; any word bounds the matches, so four are enough): not
    -- for an "or", which has no such word, nor for exclusions read by RUM; a phrase is
    -- looked up as the "and" of its words (private.search_index_query).
    if least(walk_cost, rum_cost) > bitmap_worth_from and private.search_index_query(text_query) is not null then
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
