-- An outside test found searches with an exclusion every gig holds taking 100-340 ms at
-- 100k gigs with a page of one to three, and 13-20 ms with a page of 20: `care
-- -unlimited` (page of 3) walked 40k rows of the ranks, `"care fast" -professional`
-- (page of 1) checked every row its pair found. The planner puts such a query's matches
-- at dozens where there are none, and the smaller the page, the more of the choice
-- rests on that estimate. search_walk_rows and exclusions_read_by_rum now plan a page
-- under 20 (search_gigs' default, and what the bench measures every way at) as one of
-- 20; pages of 20 or more are planned as before. Same queries, page of 1 to 3: 13-21 ms.
-- Replaced in place; grants restated.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.exclusions_read_by_rum(
    text_query tsquery,
    page_size integer
)
returns boolean
language plpgsql
stable
set search_path to ''
as $function$
declare
    rum_entry_cost constant numeric := 0.1;
    checked_row_cost constant numeric := 5;
    planned_page constant integer := greatest(page_size, 20);
    found_rows numeric := private.estimated_search_rows(
        's.search_vector @@ private.search_index_query($1)', text_query, null, null, null, null, null, null
    );
    excluded_entries numeric := private.estimated_search_rows(
        's.search_vector @@ private.search_excluded_words($1)', text_query, null, null, null, null, null, null
    );
    matches numeric := private.estimated_search_rows(
        's.search_vector @@ $1', text_query, null, null, null, null, null, null
    );
begin
    return rum_entry_cost * (found_rows + excluded_entries)
        < checked_row_cost * least(found_rows, planned_page * found_rows / matches);
end;
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
    -- through by a bitmap's "and"), a walked row, an entry of the rank or category index
    -- a walk passes over (its filters checked on the entry), a match the bitmap fetches
    -- and sorts.
    rum_entry_cost constant numeric := 0.25;
    walked_row_cost constant numeric := 1.6;
    walked_entry_cost constant numeric := 0.05;
    walked_category_cost constant numeric := 100;
    bitmap_match_cost constant numeric := 6;
    bitmap_worth_from constant numeric := 5000;
    walk_margin constant integer := 4;
    planned_page constant integer := greatest(page_size, 20);
    counted_query tsquery := coalesce(private.search_index_query(text_query), text_query);
    indexable text := pg_catalog.querytree(counted_query);
    gigs_searched numeric;
    matches numeric;
    filtered_matches numeric;
    filtered_rows numeric;
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
        format('s.%I @@ $1', vector), counted_query, category_ids, min_price_cents, max_price_cents,
        max_delivery_days, min_rating, seller
    );
    filtered_matches := case when filter_sql = 'true' then matches else private.estimated_search_rows(
        format('s.%I @@ $1 and %s', vector, filter_sql), counted_query, category_ids, min_price_cents,
        max_price_cents, max_delivery_days, min_rating, seller
    ) end;
    -- RUM in rank order reads every entry of every word the lookup holds (a phrase's
    -- pairs among them, never its words apart), as their "or" counts.
    -- Each estimate is an EXPLAIN (about 0.5 ms): a query that is its own words (one
    -- word, or an "or" of words) is not asked for twice.
    word_query := case when indexable <> 'T' then
        pg_catalog.regexp_replace(indexable, '&', '|', 'g')::tsquery
    end;
    word_entries := case
        when indexable = 'T' then gigs_searched
        when word_query = counted_query then matches
        else private.estimated_search_rows(
            format('s.%I @@ $1', vector), word_query, category_ids, min_price_cents, max_price_cents,
            max_delivery_days, min_rating, seller
        )
    end;
    -- What a walk reads until a page matches: the entries of the index it walks (the
    -- categories' when there are any, all gigs' otherwise), and the rows whose entries
    -- pass the filters both indexes carry (price, delivery, rating), each then checked
    -- for the text; several categories are walked one by one and merged, each walk
    -- planned apart (about 100 us each). A seller's gigs are counted as all gigs, as
    -- before. Counted as all gigs, a word in a leaf category of 5,555 gigs at 1M looked
    -- like a walk of 160k rows (256 ms), RUM was read instead (11 ms), and the walk takes
    -- about 1 ms.
    if filter_sql = 'true' or seller is not null then
        filtered_rows := gigs_searched;
        scanned_entries := gigs_searched;
    else
        filtered_rows := private.estimated_search_rows(
            filter_sql, text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
            min_rating, seller
        );
        scanned_entries := case when category_ids is null then gigs_searched else
            private.estimated_search_rows(
                case when pg_catalog.cardinality(category_ids) = 1 then 's.category_id = $2[1]'
                    else private.several_categories_sql() end,
                text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
                min_rating, seller
            )
        end;
    end if;
    walk_cost := planned_page * (walked_row_cost * filtered_rows + walked_entry_cost * scanned_entries)
        / filtered_matches
        + walked_category_cost * coalesce(pg_catalog.cardinality(category_ids), 0);
    rum_cost := rum_entry_cost * word_entries + walked_row_cost * planned_page * matches / filtered_matches;
    -- The rarest of the words every match must hold, when the other ways look slow (each
    -- word is one more estimate; any word bounds the matches, so four are enough): not
    -- for an "or", which has no such word, nor for exclusions read by RUM; a phrase's
    -- pairs are words here, as its lookup holds them.
    if least(walk_cost, rum_cost) > bitmap_worth_from and indexable !~ '[|]'
        and private.search_index_query(text_query) is not null then
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
        if walk_margin * planned_page >= filtered_matches then
            return 0;
        end if;
        return least(walk_margin * planned_page * filtered_rows / filtered_matches, 1000000)::integer;
    end if;
    return null;
end;
$function$;

revoke execute on function private.exclusions_read_by_rum(tsquery, integer) from public, anon, authenticated;
grant execute on function private.exclusions_read_by_rum(tsquery, integer)
to anon, authenticated, service_role;

revoke execute on function private.search_walk_rows(
    text, text, integer, tsquery, bigint[], integer, integer, integer, numeric, uuid
) from public, anon, authenticated;
grant execute on function private.search_walk_rows(
    text, text, integer, tsquery, bigint[], integer, integer, integer, numeric, uuid
) to anon, authenticated, service_role;
