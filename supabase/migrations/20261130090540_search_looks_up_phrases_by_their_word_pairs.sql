-- An outside test found the slowest searches: a phrase of two words every gig holds but
-- few hold side by side. A phrase was looked up as the "and" of its words, and every gig
-- found was read to check their positions: at 1M gigs "fast and unlimited" took 3 s and
-- "mastering unlimited" 0.2 s, for anyone who types them. Search rows now also hold
-- each pair of words one or two positions apart as one lexeme, and a phrase is looked up
-- by its pairs: few gigs hold them, or none ("fast and unlimited" at 100k gigs: 120 ms
-- before, 1.4 ms after).
-- The existing rows get their pairs below, through their indexes: about 2 minutes per
-- 100k gigs on a small machine, so that statement may take longer than the others.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.phrase_index_query(
    indexable text
)
returns tsquery
language sql
immutable
strict
set search_path to ''
as $function$
    with token as (
        -- Each lexeme in order, with the distance to the next when a phrase links them.
        select found.part[1] as lexeme, found.part[3]::integer as gap, found.place
        from pg_catalog.regexp_matches(
            pg_catalog.replace(indexable, ' <-> ', ' <1> '), $re$'([^' \\]+)'( <([0-9]+)> )?$re$, 'g'
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
        from link where link.gap in (1, 2)
        union
        select pg_catalog.quote_literal(token.lexeme) from token
        where not exists (
            select 1 from link
            where link.gap in (1, 2) and token.lexeme in (link.first_word, link.second_word)
        )
    )

    select case
        when indexable ~ $re$''|\\|':$re$ then pg_catalog.regexp_replace(indexable, ' <(-|[0-9]+)> ', ' & ', 'g')
        else (select pg_catalog.string_agg(term.query, ' & ' order by term.query) from term)
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
        cross join (values (1), (2)) as gap (size)
        inner join entry as second on first.position + gap.size = second.position
    ) as pair
    -- A lexeme's limit; a pair of two such long words is not worth looking up.
    where pg_catalog.octet_length(pair.lexeme) < 2046
$function$;

create or replace function private.put_gig_search(
    gig public.gigs
)
returns void
language plpgsql
set search_path to ''
as $function$
declare
    seller_suspended boolean;
    category_listed boolean;
    title_words tsvector;
    all_words tsvector;
begin
    if gig.status = 'published' then
        -- Read in share mode: a suspension or an unlisting committing meanwhile waits for
        -- this gig's move, or this move for it, so neither misses the other.
        select a.suspended_at is not null into seller_suspended
        from public.seller_accounts as a where a.user_id = gig.seller_id
        for share;
        select c.listed into category_listed
        from public.categories as c where c.id = gig.category_id
        for share;
    end if;
    if gig.status <> 'published' or coalesce(seller_suspended, true)
        or not coalesce(category_listed, false) then
        delete from private.gig_search as s where s.gig_id = gig.id;
        return;
    end if;
    title_words := pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, gig.title), 'A')
        || pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, private.tags_text(gig.tags)), 'B');
    all_words := title_words
        || pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, gig.description), 'C');
    insert into private.gig_search as s (
        gig_id, seller_id, category_id, search_vector, title_vector, quality_score,
        starting_price_cents, fastest_delivery_days, rating_avg, published_at
    )
    values (
        gig.id,
        gig.seller_id,
        gig.category_id,
        all_words || private.phrase_pairs(all_words),
        title_words || private.phrase_pairs(title_words),
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
end;
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
    -- Operators print between spaces, and a lexeme holds none: only operators change.
    select case
        when q.indexable ~ '[|]' or q.indexable = 'T' then null
        when q.indexable ~ ' <(-|[0-9]+)> ' then private.phrase_index_query(q.indexable)
        when text_query::text ~ '!' then null
        else text_query
    end
    from (select pg_catalog.querytree(text_query) as indexable) as q
$function$;

revoke all on function private.phrase_index_query(text) from public, anon, authenticated;

grant execute on function private.phrase_index_query(text) to anon,
authenticated,
postgres,
service_role;

revoke all on function private.phrase_pairs(tsvector) from public, anon, authenticated;

grant execute on function private.phrase_pairs(tsvector) to postgres;

-- Rows written before this migration get their pairs. Pairs carry no position, so a row
-- that already has them gets no others.
set local statement_timeout = '60min';

update private.gig_search as s
set
    search_vector = s.search_vector || private.phrase_pairs(s.search_vector),
    title_vector = s.title_vector || private.phrase_pairs(s.title_vector);

analyze private.gig_search;
analyze private.gig_title_words;
