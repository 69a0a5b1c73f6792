-- Gig search.
--
-- A definer function rather than a query on `gigs` under RLS: `@@` is not LEAKPROOF, so
-- under RLS PostgreSQL will not use the GIN index and every search becomes a sequential
-- scan. The function applies the visibility rule itself (published gigs only; the KYC
-- gate and set_seller_kyc_status keep every published gig's seller verified) and returns
-- only public columns.
--
-- The work per call is bounded whatever the query: a text search ranks at most the best
-- `candidate_cap` matches by stored quality score (the planner picks the GIN index for
-- rare terms and the quality index for common ones from its own match estimate), and
-- browsing walks a btree in the sort order. Keyset cursors make page N cost page 1.

-- Cursors are opaque to clients: base64url of the sort, the last row's sort key and id.
create or replace function private.encode_search_cursor(
    sort public.gig_sort,
    sort_key text,
    gig_id uuid
)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.translate(
        pg_catalog.encode(
            pg_catalog.convert_to(
                pg_catalog.jsonb_build_object('s', sort, 'k', sort_key, 'i', gig_id)::text, 'UTF8'
            ),
            'base64'
        ),
        E'+/=\n',
        '-_'
    )
$$;

create or replace function private.decode_search_cursor(
    cursor text,
    expected_sort public.gig_sort,
    out sort_key text,
    out gig_id uuid
)
language plpgsql
immutable
set search_path = ''
as $$
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
    if decoded is null or sort_key is null or gig_id is null then
        raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
    end if;
    if decoded ->> 's' is distinct from expected_sort::text then
        raise exception using
            errcode = '22023',
            message = format('after_cursor was made for sort %s, not %s', decoded ->> 's', expected_sort);
    end if;
end;
$$;

revoke execute on function private.encode_search_cursor(public.gig_sort, text, uuid)
from public, anon, authenticated;
revoke execute on function private.decode_search_cursor(text, public.gig_sort)
from public, anon, authenticated;

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
    title text,
    seller_id uuid,
    seller_username text,
    seller_display_name text,
    category_slug text,
    tags text[],
    currency text,
    starting_price_cents integer,
    fastest_delivery_days integer,
    rating_avg numeric,
    rating_count integer,
    published_at timestamptz,
    relevance real,
    next_cursor text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    candidate_cap constant integer := 300;
    max_page_size constant integer := 50;
    text_query tsquery;
    category_ids bigint [];
    filters text [] := array['g.status = ''published'''];
    source_sql text;
    sort_key_sql text;
    sort_key_type text;
    sort_key_text_sql text;
    descending boolean := true;
    cursor_key text;
    cursor_gig_id uuid;
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
            select child.id from public.categories as child join tree on child.parent_id = tree.id
        )
        select pg_catalog.array_agg(tree.id) into category_ids from tree;
        if category_ids is null then
            raise exception using errcode = 'P0002', message = format('category %s does not exist', category);
        end if;
    end if;

    if text_query is not null then
        filters := pg_catalog.array_append(filters, 'g.search_vector @@ $1');
    end if;
    if category_ids is not null then
        filters := pg_catalog.array_append(filters, 'g.category_id = any($2)');
    end if;
    if min_price_cents is not null then
        filters := pg_catalog.array_append(filters, 'g.starting_price_cents >= $3');
    end if;
    if max_price_cents is not null then
        filters := pg_catalog.array_append(filters, 'g.starting_price_cents <= $4');
    end if;
    if max_delivery_days is not null then
        filters := pg_catalog.array_append(filters, 'g.fastest_delivery_days <= $5');
    end if;
    if min_rating is not null then
        filters := pg_catalog.array_append(filters, 'g.rating_avg >= $6');
    end if;
    if seller is not null then
        filters := pg_catalog.array_append(filters, 'g.seller_id = $7');
    end if;

    case sort
        when 'relevance' then
            if text_query is null then
                sort_key_sql := 'g.quality_score';
                sort_key_type := 'numeric';
            else
                sort_key_sql := 'g.rank_key';
                sort_key_type := 'bigint';
            end if;
        when 'price_low' then
            sort_key_sql := 'g.starting_price_cents';
            sort_key_type := 'integer';
            descending := false;
        when 'price_high' then
            sort_key_sql := 'g.starting_price_cents';
            sort_key_type := 'integer';
        when 'rating' then
            sort_key_sql := 'g.rating_avg';
            sort_key_type := 'numeric';
        when 'newest' then
            sort_key_sql := 'g.published_at';
            sort_key_type := 'timestamptz';
    end case;

    -- Timestamps travel as UTC ISO text so a client's DateStyle or TimeZone cannot change them.
    if sort_key_type = 'timestamptz' then
        sort_key_text_sql := format(
            'pg_catalog.to_char(%s at time zone ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"'')', sort_key_sql
        );
    else
        sort_key_text_sql := sort_key_sql || '::text';
    end if;

    if text_query is null then
        source_sql := format(
            '(select g.*, null::bigint as rank_key from public.gigs as g where %s) as g',
            pg_catalog.array_to_string(filters, ' and ')
        );
    else
        source_sql := format(
            '(select g.*, pg_catalog.round(pg_catalog.ts_rank(g.search_vector, $1, 1)'
            ' * (0.5 + g.quality_score / 10) * 1000000000)::bigint as rank_key'
            ' from public.gigs as g where %s'
            ' order by g.quality_score desc, g.id desc limit $11) as g',
            pg_catalog.array_to_string(filters, ' and ')
        );
    end if;

    if after_cursor is not null then
        select decoded.sort_key, decoded.gig_id into cursor_key, cursor_gig_id
        from private.decode_search_cursor(after_cursor, sort) as decoded;
        begin
            execute format('select %L::%s', cursor_key, sort_key_type);
        exception when others then
            raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
        end;
    end if;

    -- The result columns come from dynamic SQL, which plpgsql_check cannot follow: it
    -- would report every OUT column as maybe unassigned.
    -- @plpgsql_check_options: extra_warnings = off
    return query execute format(
        'select g.id, g.title, g.seller_id, p.username, p.display_name, c.slug, g.tags,'
        ' g.currency, g.starting_price_cents, g.fastest_delivery_days, g.rating_avg,'
        ' g.rating_count, g.published_at, (g.rank_key / 1000000000.0)::real,'
        ' private.encode_search_cursor($12, %1$s, g.id)'
        ' from (select g.* from %2$s where %3$s order by %4$s limit $10) as g'
        ' join public.profiles as p on p.id = g.seller_id'
        ' join public.categories as c on c.id = g.category_id'
        ' order by %4$s',
        sort_key_text_sql,
        source_sql,
        case
            when after_cursor is null then 'true'
            when descending then format('(%s, g.id) < ($8::%s, $9)', sort_key_sql, sort_key_type)
            else format('(%s, g.id) > ($8::%s, $9)', sort_key_sql, sort_key_type)
        end,
        case when descending
            then format('%s desc, g.id desc', sort_key_sql)
            else format('%s, g.id', sort_key_sql)
        end
    )
    using text_query, category_ids, min_price_cents, max_price_cents, max_delivery_days,
        min_rating, seller, cursor_key, cursor_gig_id, page_size, candidate_cap, sort;
end;
$$;

revoke execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) from public, anon, authenticated;
grant execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) to anon, authenticated, service_role;
