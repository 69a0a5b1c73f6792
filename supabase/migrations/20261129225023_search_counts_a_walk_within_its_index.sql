-- search_walk_rows counts what a walk really reads. It counted every gig as walked
-- rows, but a walk with filters walks the category index (one category) or the rank
-- index and checks price, delivery and rating on the entries, reading only the rows
-- that pass: a word in a leaf category of 5,555 gigs at 1M looked like 160k rows
-- (256 ms), RUM was read instead (about 10 ms), and the walk takes about 1 ms. Entries
-- passed over cost 0.05 us each (1M entries of the rank index in 51 ms). A walk whose
-- bound reaches past every filtered row takes every match at once instead: it would
-- read them all anyway, and with under a page of matches RUM read them again.
-- The bench's filtered searches at 1M gigs (scratch cluster, two alternating rounds):
-- 121.7 -> 100.7 ms summed over 32 searches; a word in a leaf category or under a
-- delivery cap 8.6-9.4 -> 3.4-4.0 ms; none slower by more than 0.5 ms.

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
    -- through by a bitmap's "and"), a walked row, an entry of the rank or category index
    -- a walk passes over (its filters checked on the entry), a match the bitmap fetches
    -- and sorts.
    rum_entry_cost constant numeric := 0.25;
    walked_row_cost constant numeric := 1.6;
    walked_entry_cost constant numeric := 0.05;
    bitmap_match_cost constant numeric := 6;
    bitmap_worth_from constant numeric := 5000;
    walk_margin constant integer := 4;
    indexable text := pg_catalog.querytree(text_query);
    gigs_searched numeric;
    matches numeric;
    filtered_matches numeric;
    filtered_rows numeric;
    fetched_rows numeric;
    scanned_entries numeric;
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
    -- What a walk reads until a page matches: the entries of the index it walks (the
    -- category's when there is one category, all gigs' otherwise), and the rows whose
    -- entries pass the filters both indexes carry (price, delivery, rating), each then
    -- checked for the text. Several categories are checked on the rows (the rank index
    -- has no category); a seller's gigs are counted as all gigs, as before. Counted as
    -- all gigs, a word in a leaf category of 5,555 gigs at 1M looked like a walk of 160k
    -- rows (256 ms), RUM was read instead (11 ms), and the walk takes about 1 ms.
    if filter_sql = 'true' or seller is not null then
        filtered_rows := gigs_searched;
        fetched_rows := gigs_searched;
        scanned_entries := gigs_searched;
    else
        filtered_rows := private.estimated_search_rows(
            filter_sql, text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
            min_rating, seller
        );
        -- search_gigs's condition for several categories.
        fetched_rows := case when pg_catalog.cardinality(category_ids) > 1 then
            private.estimated_search_rows(
                pg_catalog.replace(filter_sql, 's.category_id = any($2)', 'true'), text_query, category_ids,
                min_price_cents, max_price_cents, max_delivery_days, min_rating, seller
            )
        else filtered_rows end;
        scanned_entries := case when pg_catalog.cardinality(category_ids) = 1 then
            private.estimated_search_rows(
                's.category_id = $2[1]', text_query, category_ids, min_price_cents, max_price_cents,
                max_delivery_days, min_rating, seller
            )
        else gigs_searched end;
    end if;
    walk_cost := page_size * (walked_row_cost * fetched_rows + walked_entry_cost * scanned_entries)
        / filtered_matches;
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
        -- A walk bounded past every row the filters pass reads them all, and when they
        -- hold under a page of matches RUM then reads again: every match at once instead
        -- (the planner picks the index that finds them).
        if walk_margin * page_size >= filtered_matches then
            return 0;
        end if;
        return least(walk_margin * page_size * filtered_rows / filtered_matches, 1000000)::integer;
    end if;
    return null;
end;
$function$;
