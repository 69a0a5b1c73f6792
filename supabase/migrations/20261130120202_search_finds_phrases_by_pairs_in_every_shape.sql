-- Outside tests of phrase lookup found shapes that still read every gig holding their
-- words (times at 100k gigs, before -> after):
-- * two words with two stop words between ("care for you fast": 209 -> 3 ms): pairs
--   reached two positions only; search rows now also hold the pairs three apart;
-- * phrases joined by "or" (`"fast logo" or "unlimited android"`: 40 -> 9 ms): an "or"
--   had no lookup of its own; each phrase is now looked up by its pairs, the "or" kept;
-- * a phrase every gig holds less a word every gig holds (`"care fast" -professional`:
--   283 -> 16 ms): every row the pair found was checked; when that costs more, RUM now
--   reads the pair's and the word's entries instead;
-- * phrases under the sorts other than relevance (`"fast and unlimited"` by price:
--   143-158 -> 2.8 ms): matched as written, walking the price index; every sort now uses
--   the pairs (private.search_matches_sql, its own function so a change to it no longer
--   rewrites search_gigs);
-- * an excluded two-word phrase (`logo -"care fast"`: 50 -> 10 ms): now excluded as its
--   pair, which a gig holds exactly when it holds the phrase;
-- * a query excluding a word it needs (`branding -"on brand"` by rating: 189 -> under
--   1 ms): it matches nothing, and now returns at once.
-- The existing rows get their new pairs below, through their indexes: about 2.5 minutes
-- per 100k gigs on a small machine, so that statement may take longer than the others.

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
        < checked_row_cost * least(found_rows, page_size * found_rows / matches);
end;
$function$;

create or replace function private.phrase_index_query(
    indexable text
)
returns tsquery
language sql
immutable
strict
set search_path to ''
as $function$
    select case
        when indexable ~ $re$''|\\|':$re$ then pg_catalog.regexp_replace(indexable, ' <(-|[0-9]+)> ', ' & ', 'g')
        else (
            -- The text in pieces: a phrase (lexemes linked by distances), or anything else.
            select pg_catalog.string_agg(
                coalesce(private.phrase_run_index_query(piece.part[1]), piece.part[2]), '' order by piece.place
            )
            from pg_catalog.regexp_matches(
                indexable, $re$('[^' \\]+'(?: <(?:-|[0-9]+)> '[^' \\]+')+)|('[^' \\]+'|[^']+)$re$, 'g'
            ) with ordinality as piece (part, place)
        )
    end::tsquery
$function$;

create or replace function private.phrase_pairs(
    vector tsvector
)
returns tsvector
language sql
immutable
strict
set search_path to ''
as $function$
    with entry as (
        select word.lexeme, place.position
        from pg_catalog.unnest(vector) as word, pg_catalog.unnest(word.positions) as place (position)
    )

    select coalesce(pg_catalog.array_to_tsvector(pg_catalog.array_agg(distinct pair.lexeme)), ''::tsvector)
    from (
        select first.lexeme || ' ' || gap.size || ' ' || second.lexeme as lexeme
        from entry as first
        cross join (values (1), (2), (3)) as gap (size)
        inner join entry as second on first.position + gap.size = second.position
    ) as pair
    -- A lexeme's limit; a pair of two such long words is not worth looking up.
    where pg_catalog.octet_length(pair.lexeme) < 2046
$function$;

create or replace function private.phrase_run_index_query(
    phrase text
)
returns text
language sql
immutable
strict
set search_path to ''
as $function$
    with token as (
        -- Each lexeme in order, with the distance to the next.
        select found.part[1] as lexeme, found.part[3]::integer as gap, found.place
        from pg_catalog.regexp_matches(
            pg_catalog.replace(phrase, ' <-> ', ' <1> '), $re$'([^' \\]+)'( <([0-9]+)> )?$re$, 'g'
        ) with ordinality as found (part, place)
    ),

    link as (
        select
            token.lexeme as first_word,
            token.gap,
            pg_catalog.lead(token.lexeme) over (order by token.place) as second_word
        from token
    ),

    term as (
        select pg_catalog.quote_literal(link.first_word || ' ' || link.gap || ' ' || link.second_word) as query
        from link where link.gap between 1 and 3
        union
        select pg_catalog.quote_literal(token.lexeme) from token
        where not exists (
            select 1 from link
            where link.gap between 1 and 3 and token.lexeme in (link.first_word, link.second_word)
        )
    )

    select '( ' || pg_catalog.string_agg(term.query, ' & ' order by term.query) || ' )' from term
$function$;

create or replace function private.search_excluded_pairs(
    text_query tsquery
)
returns tsquery
language sql
immutable
strict
set search_path to ''
as $function$
    select case
        when pg_catalog.octet_length(text_query::text) < 2046 then pg_catalog.regexp_replace(
            pg_catalog.replace(text_query::text, ' <-> ', ' <1> '),
            $re$!\( '([^' \\]+)' <([1-3])> '([^' \\]+)' \)$re$, $re$!'\1 \2 \3'$re$, 'g'
        )::tsquery
        else text_query
    end
$function$;

create or replace function private.search_excluded_words(
    text_query tsquery
)
returns tsquery
language sql
immutable
strict
set search_path to ''
as $function$
    select pg_catalog.string_agg(found.word[1], ' | ')::tsquery
    from pg_catalog.regexp_matches(text_query::text, $re$(?:^|[ (])!('[^'\\]+')$re$, 'g') as found (word)
    where text_query::text !~ $re$[|]|''|\\|':$re$
$function$;

create or replace function private.search_index_query(
    text_query tsquery
)
returns tsquery
language sql
immutable
strict
set search_path to ''
as $function$
    -- Operators print between spaces, and a lexeme holds no space, so a phrase is found
    -- exactly; a lexeme holding "|" or "!" (a URL's path can) only reads it as it is.
    select case
        when q.indexable = 'T' then null
        when q.indexable ~ ' <(-|[0-9]+)> ' then private.phrase_index_query(q.indexable)
        when q.indexable ~ '[|]' or text_query::text ~ '!' then null
        else text_query
    end
    from (select pg_catalog.querytree(text_query) as indexable) as q
$function$;

create or replace function private.search_matches_nothing(
    text_query tsquery
)
returns boolean
language sql
immutable
strict
set search_path to ''
as $function$
    select exists (
        select 1
        from pg_catalog.regexp_matches(pg_catalog.querytree(text_query), $re$'[^'\\]+'$re$, 'g') as needed (word)
        inner join pg_catalog.regexp_matches(
            private.search_excluded_words(text_query)::text, $re$'[^'\\]+'$re$, 'g'
        ) as excluded (word) on needed.word[1] = excluded.word[1]
    )
$function$;

create or replace function private.search_matches_sql(
    text_query tsquery,
    page_size integer
)
returns text
language sql
stable
strict
set search_path to ''
as $function$
    select case
        when not coalesce(private.search_index_query(text_query) <> text_query, false) then 's.%1$I @@ $1'
        when private.search_excluded_words(text_query) is not null
            and private.exclusions_read_by_rum(text_query, page_size)
            then 's.%1$I @@ (private.search_index_query($1) && !! private.search_excluded_words($1))'
            || ' and pg_catalog.ts_match_vq(s.%1$I, $1)'
        else 's.%1$I @@ private.search_index_query($1) and pg_catalog.ts_match_vq(s.%1$I, $1)'
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
    indexable text := pg_catalog.querytree(text_query);
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
    -- for an "or", which has no such word, nor for exclusions read by RUM; a phrase is
    -- looked up as the "and" of its words (private.search_index_query).
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

create or replace function public.search_gigs(
    search_query text default null::text,
    category text default null::text,
    min_price_cents integer default null::integer,
    max_price_cents integer default null::integer,
    max_delivery_days integer default null::integer,
    min_rating numeric default null::numeric,
    seller uuid default null::uuid,
    sort public.gig_sort default 'relevance'::public.gig_sort,
    after_cursor text default null::text,
    page_size integer default 20
)
returns table (
    gig_id uuid,
    slug text,
    title text,
    seller_id uuid,
    seller_username text,
    seller_display_name text,
    seller_avatar_url text,
    category_slug text,
    tags text[],
    currency text,
    starting_price_cents integer,
    fastest_delivery_days integer,
    rating_avg numeric,
    rating_count integer,
    published_at timestamp with time zone,
    cover_path text,
    relevance real,
    next_cursor text
)
language plpgsql
stable
set search_path to ''
set jit to 'off'
as $function$
declare
    max_page_size constant integer := 50;
    tier_size constant bigint := 281474976710656;
    -- A query estimated to match at most this many pages' worth of gigs is read whole,
    -- as long as it does not match more than `few_matches_read` pages' worth.
    few_matches_per_page constant integer := 5;
    few_matches_read constant integer := 10;
    matches_read bigint;
    every_match_read boolean := false;
    text_query tsquery;
    category_ids bigint [];
    filters text [] := array['true'];
    filter_sql text;
    page_sql text;
    sort_key_sql text;
    sort_key_type text;
    sort_key_text_sql text;
    descending boolean := true;
    cursor_key text;
    cursor_gig_id uuid;
    cursor_tier bigint;
    cursor_rank bigint;
    keyset text := 'true';
    matches_sql text;
    tier_sql text;
    title_walk_rows integer;
    title_words text [];
    page_gig_ids uuid [] := '{}'::uuid [];
    page_sort_keys bigint [] := '{}'::bigint [];
    page_cursor_keys text [];
    bitmap_scans text := pg_catalog.current_setting('enable_bitmapscan');
    seq_scans text := pg_catalog.current_setting('enable_seqscan');
begin
    if page_size is null or page_size not between 1 and max_page_size then
        raise exception using
            errcode = '22023',
            message = format('page_size must be between 1 and %s', max_page_size);
    end if;
    if pg_catalog.char_length(search_query) > 200 then
        raise exception using errcode = '22023', message = 'search_query must be at most 200 characters';
    end if;
    if min_price_cents < 0 or max_price_cents < 0 or min_price_cents > max_price_cents then
        raise exception using
            errcode = '22023',
            message = 'price bounds must be non-negative and min_price_cents <= max_price_cents';
    end if;
    if max_delivery_days < 1 then
        raise exception using errcode = '22023', message = 'max_delivery_days must be at least 1';
    end if;
    if min_rating not between 0 and 5 then
        raise exception using errcode = '22023', message = 'min_rating must be between 0 and 5';
    end if;
    if sort is null then
        raise exception using errcode = '22004', message = 'sort must not be null';
    end if;

    if pg_catalog.btrim(coalesce(search_query, '')) <> '' then
        text_query := private.search_excluded_pairs(
            pg_catalog.websearch_to_tsquery('english'::regconfig, search_query)
        );
        -- A query of stop words only ("the") matches nothing; treat it as browsing.
        if pg_catalog.numnode(text_query) = 0 then
            text_query := null;
        -- A query with no word to look for (`-fast`, `logo or -fast`) matches by what gigs
        -- lack, which no index finds: every gig is read to answer it (135 ms at 30k gigs,
        -- seconds at 1M, for anyone who types a dash).
        elsif pg_catalog.querytree(text_query) = 'T' then
            raise exception using
                errcode = '22023',
                message = 'search_query needs a word to look for: a query that only excludes words'
                ' (-word, or an "or" with one) cannot be searched';
        end if;
    end if;

    if category is not null then
        with recursive tree as (
            select c.id from public.categories as c where c.slug = category
            union all
            select child.id from public.categories as child inner join tree on child.parent_id = tree.id
        )

        select pg_catalog.array_agg(tree.id) into category_ids from tree;
        if category_ids is null then
            raise exception using errcode = 'P0002', message = format('category %s does not exist', category);
        end if;
    end if;

    -- A single category is an equality, so its (category_id, rank_key) index walks in order.
    if pg_catalog.cardinality(category_ids) = 1 then
        filters := pg_catalog.array_append(filters, 's.category_id = $2[1]');
    elsif category_ids is not null then
        filters := pg_catalog.array_append(filters, private.several_categories_sql());
    end if;
    if min_price_cents is not null then
        filters := pg_catalog.array_append(filters, 's.starting_price_cents >= $3');
    end if;
    if max_price_cents is not null then
        filters := pg_catalog.array_append(filters, 's.starting_price_cents <= $4');
    end if;
    if max_delivery_days is not null then
        filters := pg_catalog.array_append(filters, 's.fastest_delivery_days <= $5');
    end if;
    if min_rating is not null then
        filters := pg_catalog.array_append(filters, 's.rating_avg >= $6');
    end if;
    if seller is not null then
        filters := pg_catalog.array_append(filters, 's.seller_id = $7');
    end if;
    filter_sql := pg_catalog.array_to_string(filters, ' and ');

    case sort
        when 'relevance' then
            sort_key_sql := 's.rank_key';
            sort_key_type := 'bigint';
        when 'price_low' then
            sort_key_sql := 's.starting_price_cents';
            sort_key_type := 'integer';
            descending := false;
        when 'price_high' then
            sort_key_sql := 's.starting_price_cents';
            sort_key_type := 'integer';
        when 'rating' then
            sort_key_sql := 's.rating_avg';
            sort_key_type := 'numeric';
        when 'newest' then
            sort_key_sql := 's.published_at';
            sort_key_type := 'timestamptz';
    end case;

    if after_cursor is not null then
        select decoded.sort_key, decoded.gig_id into cursor_key, cursor_gig_id
        from private.decode_search_cursor(after_cursor, sort) as decoded;
        begin
            execute format('select %L::%s', cursor_key, sort_key_type);
        exception when others then
            raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
        end;
    end if;

    if private.search_matches_nothing(text_query) then
        return;
    end if;

    matches_sql := private.search_matches_sql(text_query, page_size);

    if text_query is not null and sort = 'relevance' then
        -- A relevance search reads the RUM indexes in rank order (or walks the ranks). A
        -- bitmap of a common word would fetch every row holding it, and a scan of the
        -- table (the planner's choice for a word under a large category, 34 ms on 100k
        -- gigs) reads them all, so neither is planned here.
        perform pg_catalog.set_config('enable_bitmapscan', 'off', true);
        perform pg_catalog.set_config('enable_seqscan', 'off', true);
        if after_cursor is not null then
            cursor_tier := cursor_key::bigint / tier_size;
            cursor_rank := cursor_key::bigint % tier_size;
        end if;
        -- A query with an exclusion, a phrase or an "or" that few gigs match is answered
        -- with one read of all its matches, each then placed in its tier. Tier by tier,
        -- each tier read the same index entries: an excluded word's every entry (RUM
        -- reads them to exclude), or a phrase's words' (checked row by row). `email -fast`
        -- at 1M gigs, where every gig says "fast", read 57k + 1M entries twice (45 ms) to
        -- find nothing. The read is bounded: when the estimate was wrong and it finds more
        -- than that, the tiers answer as before. A plain "and" of words gets no estimate
        -- more. (Operators print outside the quoted lexemes; a lexeme holding one of these
        -- characters only costs the estimate.)
        if after_cursor is null and text_query::text ~ '[!<|]'
            and private.estimated_search_rows(
                format(matches_sql, 'search_vector') || ' and ' || filter_sql, text_query, category_ids,
                min_price_cents, max_price_cents, max_delivery_days, min_rating, seller
            ) <= few_matches_per_page * page_size then
            execute format(
                'with matched as materialized ('
                ' select s.gig_id, s.rank_key, s.title_vector @@ $1 as in_title from private.gig_search as s'
                ' where %s and %s order by s.rank_key operator(private.<=|) 9007199254740991::bigint limit %s)'
                ' select coalesce(pg_catalog.array_agg(t.gig_id), ''{}''),'
                ' coalesce(pg_catalog.array_agg(t.sort_key), ''{}''), (select pg_catalog.count(*) from matched)'
                ' from (select m.gig_id, case when m.in_title then 2 else 1 end * %s + m.rank_key as sort_key'
                ' from matched as m order by sort_key desc limit $10) as t',
                format(matches_sql, 'search_vector'), filter_sql, few_matches_read * page_size + 1, tier_size
            )
            into page_gig_ids, page_sort_keys, matches_read
            using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
                min_rating, seller, cursor_key, cursor_gig_id, page_size;
            every_match_read := matches_read <= few_matches_read * page_size;
            if not every_match_read then
                page_gig_ids := '{}'::uuid [];
                page_sort_keys := '{}'::bigint [];
            end if;
        end if;
        -- Tier 2 (every word in the title or tags) before tier 1; one sort key, tier *
        -- 2^48 + rank key, orders both, so one cursor resumes in either. Every tier 2 match
        -- ranks above every tier 1 match, so tier 1 is looked for (and its way chosen) only
        -- when tier 2 leaves the page short: run as one union, tier 1 was read for pages
        -- that tier 2 filled (`docker kindle` at 1M gigs walked 24k rows, 45 ms, for rows
        -- the page then dropped). Each tier walks the ranks or reads RUM, whichever its
        -- estimates say is cheaper.
        -- Where RUM would read every entry of several words, or the bitmap every entry of
        -- the rarest, their title words are merged instead (private.title_words_tier_sql),
        -- unless a filter is set: the merge cannot check one before it reaches a row, so
        -- for a filter few gigs pass it read every gig holding the words.
        if cursor_tier is distinct from 1 and not every_match_read then
            title_walk_rows := private.search_walk_rows(
                'title_vector', filter_sql, page_size, text_query, category_ids, min_price_cents,
                max_price_cents, max_delivery_days, min_rating, seller
            );
            title_words := private.search_and_words(text_query);
            tier_sql := case
                when coalesce(title_walk_rows, 0) = 0 and title_words is not null and filter_sql = 'true' then private.title_words_tier_sql(
                    title_words,
                    filter_sql || case when cursor_tier = 2 then ' and ' || private.search_cursor_sql() else '' end,
                    cursor_tier is not distinct from 2
                )
                else private.search_tier_sql(
                    2, format(matches_sql, 'search_vector') || ' and ' || format(matches_sql, 'title_vector'),
                    filter_sql || case when cursor_tier = 2 then ' and ' || private.search_cursor_sql() else '' end,
                    title_walk_rows,
                    pg_catalog.cardinality(category_ids)
                )
            end;
            execute format(
                'select coalesce(pg_catalog.array_agg(t.gig_id), ''{}''),'
                ' coalesce(pg_catalog.array_agg(t.sort_key), ''{}'') from (%s) as t',
                tier_sql
            )
            into page_gig_ids, page_sort_keys
            using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
                min_rating, seller, cursor_key, cursor_gig_id, page_size, sort, cursor_rank;
        end if;
        if pg_catalog.cardinality(page_gig_ids) < page_size and not every_match_read then
            tier_sql := private.search_tier_sql(
                1, format(matches_sql, 'search_vector') || ' and not s.title_vector @@ $1',
                filter_sql || case when cursor_tier = 1 then ' and ' || private.search_cursor_sql() else '' end,
                private.search_walk_rows(
                    'search_vector', filter_sql, page_size, text_query, category_ids, min_price_cents,
                    max_price_cents, max_delivery_days, min_rating, seller
                ),
                pg_catalog.cardinality(category_ids)
            );
            execute format(
                'select $13 || coalesce(pg_catalog.array_agg(t.gig_id), ''{}''),'
                ' $14 || coalesce(pg_catalog.array_agg(t.sort_key), ''{}'') from (%s) as t',
                tier_sql
            )
            into page_gig_ids, page_sort_keys
            using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
                min_rating, seller, cursor_key, cursor_gig_id, page_size, sort, cursor_rank,
                page_gig_ids, page_sort_keys;
        end if;
        page_sql := 'select p.gig_id, p.sort_key'
            ' from rows from (pg_catalog.unnest($13), pg_catalog.unnest($14)) as p (gig_id, sort_key)'
            ' order by p.sort_key desc limit $10';
    else
        if text_query is not null then
            filter_sql := filter_sql || ' and ' || format(matches_sql, 'search_vector');
        end if;
        if after_cursor is not null then
            keyset := format(
                '(%s, s.gig_id) %s ($8::%s, $9)', sort_key_sql, case when descending then '<' else '>' end,
                sort_key_type
            );
        end if;
        page_sql := format(
            'select s.gig_id, %1$s as sort_key from private.gig_search as s where %2$s and %3$s'
            ' order by %1$s %4$s, s.gig_id %4$s limit $10',
            sort_key_sql,
            filter_sql,
            keyset,
            case when descending then 'desc' else 'asc' end
        );
    end if;

    -- Timestamps travel as UTC ISO text so a client's DateStyle or TimeZone cannot change them.
    if sort_key_type = 'timestamptz' then
        sort_key_text_sql := 'pg_catalog.to_char(p.sort_key at time zone ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"'')';
    else
        sort_key_text_sql := 'p.sort_key::text';
    end if;

    -- The page in order, each row with its cursor's sort key as text.
    execute format(
        'select coalesce(pg_catalog.array_agg(p.gig_id order by p.sort_key %1$s, p.gig_id %1$s), ''{}''),'
        ' coalesce(pg_catalog.array_agg(%2$s order by p.sort_key %1$s, p.gig_id %1$s), ''{}'')'
        ' from (%3$s) as p',
        case when descending then 'desc' else 'asc' end,
        sort_key_text_sql,
        page_sql
    )
    into page_gig_ids, page_cursor_keys
    using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
        min_rating, seller, cursor_key, cursor_gig_id, page_size, sort, cursor_rank,
        page_gig_ids, page_sort_keys;
    perform pg_catalog.set_config('enable_bitmapscan', bitmap_scans, true);
    perform pg_catalog.set_config('enable_seqscan', seq_scans, true);

    -- The page's display columns, read under the caller's RLS. Static SQL, so its plan
    -- (a five-table join, about 1 ms to plan) is cached for the session, not made anew
    -- for every search.
    return query
    select
        g.id,
        g.slug,
        g.title,
        g.seller_id,
        pr.username,
        pr.display_name,
        pr.avatar_url,
        c.slug,
        g.tags,
        g.currency,
        g.starting_price_cents,
        g.fastest_delivery_days,
        g.rating_avg,
        g.rating_count,
        g.published_at,
        (select m.path from public.gig_media as m where m.gig_id = g.id and m.is_cover),
        (
            case when text_query is null then 0 when s.title_vector @@ text_query then 2 else 1 end
            + s.quality_score / 10
        )::real,
        private.encode_search_cursor(search_gigs.sort, page.cursor_key, g.id)
    from rows from (
        pg_catalog.unnest(page_gig_ids), pg_catalog.unnest(page_cursor_keys)
    ) with ordinality as page (gig_id, cursor_key, position)
    inner join private.gig_search as s on page.gig_id = s.gig_id
    inner join public.gigs as g on page.gig_id = g.id
    inner join public.profiles as pr on g.seller_id = pr.id
    inner join public.categories as c on g.category_id = c.id
    order by page.position;
end;
$function$;

revoke all on function private.exclusions_read_by_rum(tsquery, integer) from public, anon, authenticated;

grant execute on function private.exclusions_read_by_rum(tsquery, integer) to anon,
authenticated,
postgres,
service_role;

revoke all on function private.phrase_run_index_query(text) from public, anon, authenticated;

grant execute on function private.phrase_run_index_query(text) to anon,
authenticated,
postgres,
service_role;

revoke all on function private.search_excluded_pairs(tsquery) from public, anon, authenticated;

grant execute on function private.search_excluded_pairs(tsquery) to anon,
authenticated,
postgres,
service_role;

revoke all on function private.search_excluded_words(tsquery) from public, anon, authenticated;

grant execute on function private.search_excluded_words(tsquery) to anon,
authenticated,
postgres,
service_role;

revoke all on function private.search_matches_nothing(tsquery) from public, anon, authenticated;

grant execute on function private.search_matches_nothing(tsquery) to anon,
authenticated,
postgres,
service_role;

revoke all on function private.search_matches_sql(tsquery, integer) from public, anon, authenticated;

grant execute on function private.search_matches_sql(tsquery, integer) to anon,
authenticated,
postgres,
service_role;

-- Rows written before this migration get their pairs three apart. Pairs carry no
-- position, so the pairs a row already holds make no others.
set local statement_timeout = '60min';

update private.gig_search as s
set
    search_vector = s.search_vector || private.phrase_pairs(s.search_vector),
    title_vector = s.title_vector || private.phrase_pairs(s.title_vector);

analyze private.gig_search;
analyze private.gig_title_words;
