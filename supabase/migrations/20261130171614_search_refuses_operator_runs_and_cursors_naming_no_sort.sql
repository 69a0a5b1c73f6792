-- Bad search input got internal or muddled errors (an outside test at 100k gigs):
-- * a run of 33 or more operators (`---...-logo`, dashes spaced or not) made
--   PostgreSQL's websearch_to_tsquery fail with XX000 "tsquery stack too small"; the
--   parse now turns that into 22023, naming the input.
-- * a cursor whose "s" (sort) field was removed said "made for sort , not relevance";
--   it is now "not a valid cursor", as any other malformed cursor.
-- Replaced in place; grants restated as every migration does.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.decode_search_cursor(
    cursor text,
    expected_sort public.gig_sort,
    out sort_key text,
    out gig_id uuid
)
returns record
language plpgsql
immutable
set search_path to ''
as $function$
declare
    padded text := pg_catalog.translate(cursor, '-_', '+/');
    decoded jsonb;
begin
    padded := padded || pg_catalog.repeat('=', (4 - pg_catalog.length(padded) % 4) % 4);
    begin
        decoded := pg_catalog.convert_from(pg_catalog.decode(padded, 'base64'), 'UTF8')::jsonb;
        sort_key := decoded ->> 'k';
        gig_id := (decoded ->> 'i')::uuid;
    exception when others then
        decoded := null;
    end;
    if decoded is null or sort_key is null or gig_id is null or decoded ->> 's' is null then
        raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
    end if;
    if decoded ->> 's' is distinct from expected_sort::text then
        raise exception using
            errcode = '22023',
            message = format('after_cursor was made for sort %s, not %s', decoded ->> 's', expected_sort);
    end if;
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
        -- PostgreSQL's parser gives up, as an internal error, on a run of 33 or more
        -- operators (`---...-logo`, dashes spaced or not): that is the caller's input.
        begin
            text_query := private.search_excluded_pairs(
                pg_catalog.websearch_to_tsquery('english'::regconfig, search_query)
            );
        exception when internal_error then
            raise exception using
                errcode = '22023',
                message = 'search_query could not be read: it holds too many operators in a row',
                detail = sqlerrm;
        end;
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

revoke execute on function private.decode_search_cursor(text, public.gig_sort)
from public, anon, authenticated;
grant execute on function private.decode_search_cursor(text, public.gig_sort)
to anon, authenticated, service_role;

revoke execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) from public, anon, authenticated;
grant execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) to anon, authenticated, service_role;
