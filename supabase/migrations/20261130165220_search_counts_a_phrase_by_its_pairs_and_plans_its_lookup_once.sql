-- The bench's slowest search at 1M gigs was `"resume in the logo"` (p50 60 ms, max 328):
-- * search_walk_rows counted a phrase as its words, whose shares the planner multiplies,
--   so thousands of titles looked like matches where about 160 hold it; the walk of the
--   ranks was chosen and ran out before RUM answered through the phrase's pair. A phrase
--   is now counted as its lookup (private.search_index_query): the pairs RUM reads.
-- * every phrase search asked for its lookup about nine times, and as SQL
--   private.phrase_run_index_query was planned anew on each call (0.4 ms); it is now
--   PL/pgSQL, whose plans last the session, with the same output (checked on 44,794
--   phrases cut from gig text): `"fast landing"` 6.5 -> 5 ms at 100k gigs.
-- Replaced in place (no drop), so grants and callers stay as they are.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.phrase_run_index_query(
    phrase text
)
returns text
language plpgsql
immutable
strict
set search_path to ''
as $function$
declare
    token text[];
    lexemes text[] := '{}'::text[];
    gaps integer[] := '{}'::integer[];
    terms text[] := '{}'::text[];
    paired text[] := '{}'::text[];
begin
    for token in
        select found.part
        from pg_catalog.regexp_matches(
            pg_catalog.replace(phrase, ' <-> ', ' <1> '), $re$'([^' \\]+)'( <([0-9]+)> )?$re$, 'g'
        ) as found (part)
    loop
        lexemes := lexemes || token[1];
        gaps := gaps || token[3]::integer;
    end loop;
    for place in 1 .. pg_catalog.cardinality(lexemes) - 1 loop
        if gaps[place] between 1 and 3 then
            terms := terms || (lexemes[place] || ' ' || gaps[place] || ' ' || lexemes[place + 1]);
            paired := paired || lexemes[place] || lexemes[place + 1];
        end if;
    end loop;
    for place in 1 .. pg_catalog.cardinality(lexemes) loop
        if lexemes[place] <> all(paired) then
            terms := terms || lexemes[place];
        end if;
    end loop;
    return (
        select '( ' || pg_catalog.string_agg(term.query, ' & ' order by term.query) || ' )'
        from (
            select distinct pg_catalog.quote_literal(t.word) as query from pg_catalog.unnest(terms) as t (word)
        ) as term
    );
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
    walk_cost := page_size * (walked_row_cost * filtered_rows + walked_entry_cost * scanned_entries)
        / filtered_matches
        + walked_category_cost * coalesce(pg_catalog.cardinality(category_ids), 0);
    rum_cost := rum_entry_cost * word_entries + walked_row_cost * page_size * matches / filtered_matches;
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
        if walk_margin * page_size >= filtered_matches then
            return 0;
        end if;
        return least(walk_margin * page_size * filtered_rows / filtered_matches, 1000000)::integer;
    end if;
    return null;
end;
$function$;

revoke all on function private.phrase_run_index_query(text) from public, anon, authenticated;
grant execute on function private.phrase_run_index_query(text) to anon, authenticated, service_role;

revoke all on function private.search_walk_rows(
    text, text, integer, tsquery, bigint[], integer, integer, integer, numeric, uuid
) from public, anon, authenticated;
grant execute on function private.search_walk_rows(
    text, text, integer, tsquery, bigint[], integer, integer, integer, numeric, uuid
) to anon, authenticated, service_role;
