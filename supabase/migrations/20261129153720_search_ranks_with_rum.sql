-- Search ranks from the RUM index: a unique rank key (quality, then the row) carried by
-- RUM indexes on both text vectors, so a text query's matches come back in rank order
-- without reading the table, and a walk of the rank key for common words. Why and the
-- measurements: supabase/schemas/search.sql, functions/search.sql.
--
-- squawk (README, "Changing the schema"), rule by rule:
-- * require-concurrent-index-deletion, require-concurrent-index-creation: the search
--   table's indexes are replaced. On a large catalog build the new ones first by hand,
--   outside a transaction (create index concurrently <the name below> ...), and drop the
--   old ones concurrently; the migration then finds them (if not exists / if exists).
-- * adding-field-with-default: the two new columns rewrite the search table once; it
--   holds only published gigs' narrow rows.
-- squawk-ignore-file require-concurrent-index-deletion, require-concurrent-index-creation
-- squawk-ignore-file adding-field-with-default

set local lock_timeout = '5s';
set local statement_timeout = '5min';

drop index if exists private.gig_search_category_quality_idx;
drop index if exists private.gig_search_quality_idx;
drop index if exists private.gig_search_seller_idx;
drop index if exists private.gig_search_title_vector_idx;
drop index if exists private.gig_search_vector_idx;

-- Existing rows get their numbers in the rewrite; new ones as they are published.
alter table private.gig_search
add column search_id bigint generated always as identity;

alter table private.gig_search
add column rank_key bigint generated always as (
    (quality_score * 10000)::bigint * 2147483648 + search_id
) stored;

create index if not exists gig_search_vector_rank_idx on private.gig_search
using rum (search_vector private.rum_tsvector_addon_ops, rank_key)
with (attach = 'rank_key', to = 'search_vector');
create index if not exists gig_search_title_vector_rank_idx on private.gig_search
using rum (title_vector private.rum_tsvector_addon_ops, rank_key)
with (attach = 'rank_key', to = 'title_vector');
create index if not exists gig_search_rank_idx on private.gig_search (
    rank_key, starting_price_cents, fastest_delivery_days, rating_avg
);
create index if not exists gig_search_category_rank_idx on private.gig_search (category_id, rank_key);
create index if not exists gig_search_seller_idx on private.gig_search (seller_id, rank_key);

-- One tier of a relevance search as SQL: the gigs matching `predicate` (and the filters
-- and the cursor) in rank order, first $10, each with its sort key (tier * 2^48 + rank).
-- With `walk_rows`, walk that many rows of the rank index first and fall back to the
-- RUM index only when they hold fewer than $10 matches.
create or replace function private.search_tier_sql(
    tier integer,
    predicate text,
    conditions text,
    walk_rows integer
)
returns text
language sql
immutable
set search_path = ''
as $$
    select case
        when walk_rows is null then format(
            'select s.gig_id, %1$s::bigint * 281474976710656 + s.rank_key as sort_key'
            ' from private.gig_search as s where %2$s and %3$s'
            ' order by s.rank_key operator(private.<=|) 9223372036854775807::bigint limit $10',
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
$$;

revoke execute on function private.search_tier_sql(integer, text, text, integer)
from public, anon, authenticated;
grant execute on function private.search_tier_sql(integer, text, text, integer)
to anon, authenticated, service_role;

-- The planner's estimate of the rows a condition on the search table finds. Volatile
-- only because PostgreSQL runs EXPLAIN in no other kind of function; it reads nothing
-- but statistics.
create or replace function private.estimated_search_rows(
    conditions text,
    text_query tsquery,
    category_ids bigint[],
    min_price_cents integer,
    max_price_cents integer,
    max_delivery_days integer,
    min_rating numeric,
    seller uuid
)
returns numeric
language plpgsql
set search_path = ''
as $$
declare
    plan jsonb;
begin
    execute format('explain (format json) select 1 from private.gig_search as s where %s', conditions)
    into plan
    using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days, min_rating, seller;
    return greatest((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric, 1);
end;
$$;

revoke execute on function private.estimated_search_rows(
    text, tsquery, bigint[], integer, integer, integer, numeric, uuid
) from public, anon, authenticated;
grant execute on function private.estimated_search_rows(
    text, tsquery, bigint[], integer, integer, integer, numeric, uuid
) to anon, authenticated, service_role;

create or replace function public.search_gigs(
    search_query text default null,
    category text default null,
    min_price_cents integer default null,
    max_price_cents integer default null,
    max_delivery_days integer default null,
    min_rating numeric default null,
    seller uuid default null,
    sort public.gig_sort default 'relevance',
    after_cursor text default null,
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
    published_at timestamptz,
    cover_path text,
    relevance real,
    next_cursor text
)
language plpgsql
stable
set search_path = ''
as $$
declare
    max_page_size constant integer := 50;
    -- Microseconds per row, measured (see the header): a RUM match, a walked row.
    rum_match_cost constant numeric := 0.25;
    walked_row_cost constant numeric := 1.6;
    -- A walk reads at most this many times the rows its estimate says it needs.
    walk_margin constant integer := 4;
    tier_size constant bigint := 281474976710656;
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
    gigs_searched numeric;
    matches numeric;
    filtered_matches numeric;
    walk_rows integer;
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
        text_query := pg_catalog.websearch_to_tsquery('english'::regconfig, search_query);
        -- A query of stop words only ("the") matches nothing; treat it as browsing.
        if pg_catalog.numnode(text_query) = 0 then
            text_query := null;
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
        filters := pg_catalog.array_append(filters, 's.category_id = any($2)');
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

    if text_query is not null and sort = 'relevance' then
        -- Walk, or let RUM order the matches? Whichever the estimates say costs less.
        select c.reltuples into gigs_searched from pg_catalog.pg_class as c
        where c.oid = 'private.gig_search'::regclass;
        gigs_searched := greatest(gigs_searched, 1);
        matches := private.estimated_search_rows(
            's.search_vector @@ $1', text_query, category_ids, min_price_cents, max_price_cents,
            max_delivery_days, min_rating, seller
        );
        filtered_matches := case when filter_sql = 'true' then matches else private.estimated_search_rows(
            's.search_vector @@ $1 and ' || filter_sql, text_query, category_ids, min_price_cents,
            max_price_cents, max_delivery_days, min_rating, seller
        ) end;
        if walked_row_cost * page_size * gigs_searched / filtered_matches
            < rum_match_cost * matches + walked_row_cost * page_size * matches / filtered_matches then
            walk_rows := least(walk_margin * page_size * gigs_searched / filtered_matches, 1000000)::integer;
        end if;

        -- Tier 2 (every word in the title or tags) before tier 1; one sort key, tier *
        -- 2^48 + rank key, orders both, so one cursor resumes in either.
        if after_cursor is not null then
            cursor_tier := cursor_key::bigint / tier_size;
            cursor_rank := cursor_key::bigint % tier_size;
        end if;
        page_sql := format(
            'select p.gig_id, p.sort_key from (%s) as p order by p.sort_key desc limit $10',
            case when cursor_tier = 1 then '' else format('(%s) union all ', private.search_tier_sql(
                2, 's.search_vector @@ $1 and s.title_vector @@ $1',
                filter_sql || case when cursor_tier = 2 then ' and s.rank_key < $12' else '' end,
                walk_rows
            )) end
            || format('(%s)', private.search_tier_sql(
                1, 's.search_vector @@ $1 and not s.title_vector @@ $1',
                filter_sql || case when cursor_tier = 1 then ' and s.rank_key < $12' else '' end,
                walk_rows
            ))
        );
    else
        if text_query is not null then
            filter_sql := filter_sql || ' and s.search_vector @@ $1';
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

    -- The result columns come from dynamic SQL, which plpgsql_check cannot follow: it
    -- would report every OUT column as maybe unassigned.
    -- @plpgsql_check_options: extra_warnings = off
    return query execute format(
        'select g.id, g.slug, g.title, g.seller_id, pr.username, pr.display_name, pr.avatar_url, c.slug,'
        ' g.tags, g.currency, g.starting_price_cents, g.fastest_delivery_days, g.rating_avg,'
        ' g.rating_count, g.published_at,'
        ' (select m.path from public.gig_media as m where m.gig_id = g.id and m.is_cover),'
        ' (case when $1 is null then 0 when s.title_vector @@ $1 then 2 else 1 end'
        ' + s.quality_score / 10)::real,'
        ' private.encode_search_cursor($11, %1$s, g.id)'
        ' from (%2$s) as p'
        ' inner join private.gig_search as s on s.gig_id = p.gig_id'
        ' inner join public.gigs as g on g.id = p.gig_id'
        ' inner join public.profiles as pr on pr.id = g.seller_id'
        ' inner join public.categories as c on c.id = g.category_id'
        ' order by p.sort_key %3$s, p.gig_id %3$s',
        sort_key_text_sql,
        page_sql,
        case when descending then 'desc' else 'asc' end
    )
    using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
        min_rating, seller, cursor_key, cursor_gig_id, page_size, sort, cursor_rank;
end;
$$;
