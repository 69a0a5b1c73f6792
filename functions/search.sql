-- Gig search.
--
-- search_gigs runs with the caller's rights over private.gig_search (supabase/schemas/
-- search.sql): one narrow row per published gig with only public fields, kept here by a
-- definer trigger on gigs. It needs no RLS, so its text indexes serve anon like anyone;
-- the page's display columns are then read from gigs, profiles and gig_media under the
-- caller's RLS.
--
-- Relevance is exact, not a guess among candidates: a text query's matches are ranked
-- by tier (2: every word is in the title or tags; 1: found only with the description),
-- then by the stored quality score (a Bayesian rating), then by the row (rank_key holds
-- both). Each tier is a "matches in rank order, first N" query, answered one of two
-- ways, whichever the planner's match estimate says is cheaper:
-- * the RUM index returns the matches in rank order without reading the table; its cost
--   grows with the entries it reads for the query's words (about 0.25 us each), however
--   few gigs hold them all;
-- * a walk of the rank index tests each row until N match; its cost grows with how rare
--   a match is (about 1.6 us a row). A walk is bounded: when the estimate was wrong
--   (phrases and word pairs are guessed as if independent) and it runs out of rows, the
--   RUM index answers instead.
-- Other sorts walk their btree or sort the matches, as the planner prefers. Keyset
-- cursors make page N cost what page 1 costs.

-- The pairs of words a text holds one to three positions apart (up to two stop words
-- between), each as one lexeme: "fast and unlimited" holds 'fast 2 unlimit', "care for
-- you fast" 'care 3 fast'. A phrase is looked up by its pairs (private.phrase_index_query).
-- The parser never makes a lexeme with a space, so no query a user types matches one; and
-- they carry no position, so no phrase spans them.
create or replace function private.phrase_pairs(vector tsvector)
returns tsvector
language sql
immutable
strict
set search_path = ''
as $$
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
$$;

revoke execute on function private.phrase_pairs(tsvector) from public, anon, authenticated;

-- A gig is in the search table while it is published, its seller is not suspended and
-- its category is listed; otherwise it is not. So search_gigs filters nothing for
-- these rules: the rows are simply not there. Invoker: only the definer triggers below
-- call it, so it runs with their rights.
create or replace function private.put_gig_search(gig public.gigs)
returns void
language plpgsql
set search_path = ''
as $$
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
$$;

revoke execute on function private.put_gig_search(public.gigs) from public, anon, authenticated;

-- The title words of a search row follow it: written with it, moved when its title,
-- tags or rank change, gone with it (a cascade from gigs included). Invoker: only the
-- definer functions that write the search table write here.
create or replace function private.sync_gig_title_words()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from private.gig_title_words as w
        where w.lexeme = any(pg_catalog.tsvector_to_array(old.title_vector)) and w.rank_key = old.rank_key;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        -- A row left from a write that bypassed this trigger (replication role, a
        -- restore) must not stop a gig from being published.
        insert into private.gig_title_words (lexeme, rank_key)
        select word.lexeme, new.rank_key
        from pg_catalog.unnest(pg_catalog.tsvector_to_array(new.title_vector)) as word (lexeme)
        on conflict do nothing;
    end if;
    return null;
end;
$$;

revoke execute on function private.sync_gig_title_words() from public, anon, authenticated;

create trigger sync_gig_title_words
after insert or delete on private.gig_search
for each row
execute function private.sync_gig_title_words();

-- put_gig_search rewrites the whole row on every sync; only a new title, tags or rank
-- move its words.
create trigger sync_gig_title_words_on_update
after update on private.gig_search
for each row
when (old.title_vector is distinct from new.title_vector or old.rank_key is distinct from new.rank_key)
execute function private.sync_gig_title_words();

-- Every published gig of a seller, or in some categories, put right again (after a
-- suspension, a reinstatement, a category leaving or joining the listing).
create or replace function private.resync_gig_search(of_seller uuid, in_categories bigint[])
returns void
language plpgsql
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    for gig in
        select g.* from public.gigs as g
        where g.status = 'published'
            and (of_seller is null or g.seller_id = of_seller)
            and (in_categories is null or g.category_id = any(in_categories))
    loop
        perform private.put_gig_search(gig);
    end loop;
end;
$$;

revoke execute on function private.resync_gig_search(uuid, bigint[]) from public, anon, authenticated;

-- Definer: the seller's own edits and the machine's moves keep the table current
-- whoever writes gigs.
--
-- The row is read from gigs, never taken from NEW. Triggers nest: a seller's edit of a
-- live gig fires gig_listing_changed (functions/gigs.sql) first, whose `edit` moves the
-- gig to review (this function runs for that move and removes the row), and only then
-- this function for the seller's own update, whose NEW still says `published` and holds
-- the unreviewed text. Taken from NEW, that text went back into search, and the gig
-- stayed there in review, rejected or deleted. Search shows only what a moderator
-- approved: while a gig is in review (an edit of a live gig included) it is not there.
create or replace function private.sync_gig_search()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    select g.* into gig from public.gigs as g where g.id = new.id;
    if gig.id is null then
        delete from private.gig_search as s where s.gig_id = new.id;
    else
        perform private.put_gig_search(gig);
    end if;
    return null;
end;
$$;

revoke execute on function private.sync_gig_search() from public, anon, authenticated;

create trigger sync_gig_search_on_insert
after insert on public.gigs
for each row when (new.status = 'published')
execute function private.sync_gig_search();

-- Any move of the status syncs, not only one to or from published: a move between two
-- other states removes whatever row is left there.
create trigger sync_gig_search
after update of status, seller_id, category_id, title, description, tags, starting_price_cents,
fastest_delivery_days, rating_avg, rating_count, published_at on public.gigs
for each row when (new.status = 'published' or old.status is distinct from new.status)
execute function private.sync_gig_search();

-- A seller suspended or reinstated: their published gigs leave search or come back.
create or replace function private.seller_suspension_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.resync_gig_search(new.user_id, null);
    return null;
end;
$$;

revoke execute on function private.seller_suspension_changed() from public, anon, authenticated;

create trigger seller_suspension_changed
after update of suspended_at on public.seller_accounts
for each row
when ((old.suspended_at is null) is distinct from (new.suspended_at is null))
execute function private.seller_suspension_changed();

-- A category left or joined the listing (functions/categories.sql passes it down the
-- tree, row by row): its published gigs leave search or come back.
create or replace function private.category_listing_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.resync_gig_search(null, array[new.id]);
    return null;
end;
$$;

revoke execute on function private.category_listing_changed() from public, anon, authenticated;

create trigger category_listing_changed
after update of active, parent_id, listed on public.categories
for each row
when (old.listed is distinct from new.listed)
execute function private.category_listing_changed();

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
    if decoded is null or sort_key is null or gig_id is null or decoded ->> 's' is null then
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

grant execute on function private.encode_search_cursor(public.gig_sort, text, uuid)
to anon, authenticated, service_role;
grant execute on function private.decode_search_cursor(text, public.gig_sort)
to anon, authenticated, service_role;

-- search_gigs's condition for several categories (a category and those under it). The
-- walk reads it as one walk of the category index per category, merged in rank order
-- (private.search_tier_sql), and counts it so (private.search_walk_rows).
create or replace function private.several_categories_sql()
returns text
language sql
immutable
set search_path = ''
as $$
    select 's.category_id = any($2)'
$$;

revoke execute on function private.several_categories_sql() from public, anon, authenticated;
grant execute on function private.several_categories_sql() to anon, authenticated, service_role;

-- search_gigs's condition for resuming a tier after its cursor's rank key. Read through
-- RUM in rank order it is checked on each row, never given to the index: a RUM index
-- given only this condition (the planner's choice for a description-tier page, whose
-- text conditions the title index cannot take) returned rows out of rank order, and the
-- page's cursor then skipped every gig between them (`react -pattern` at 30k gigs lost
-- 742 of 1,782 matches paged 7 at a time).
create or replace function private.search_cursor_sql()
returns text
language sql
immutable
set search_path = ''
as $$
    select 's.rank_key < $12'
$$;

revoke execute on function private.search_cursor_sql() from public, anon, authenticated;
grant execute on function private.search_cursor_sql() to anon, authenticated, service_role;

-- One tier of a relevance search as SQL: the gigs matching `predicate` (and the filters
-- and the cursor) in rank order, first $10, each with its sort key (tier * 2^48 + rank).
-- With `walk_rows`, walk that many rows in rank order first (of the rank index, or the
-- category index for each of `category_count` categories, merged) and fall back to the
-- RUM index only when they hold fewer than $10 matches.
--
-- RUM orders by a float8 distance, `rank_key <=| anchor` = anchor - rank_key. A float8
-- holds integers exactly only up to 2^53, so the anchor is 2^53 - 1: from 2^63 (the old
-- anchor) every rank key within ~1,000 of another (every gig of the same quality: the
-- row ids differ by little) had the same distance, RUM returned them in any order, and
-- a page's cursor (its last rank key) skipped the tied gigs it had not returned. Rank
-- keys stay far below 2^53 (quality below 2^20 * 2^31, plus the row), so every distance
-- is exact and unique, and RUM's order is the rank order exactly.
create or replace function private.search_tier_sql(
    tier integer,
    predicate text,
    conditions text,
    walk_rows integer,
    category_count integer
)
returns text
language sql
immutable
set search_path = ''
as $$
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
            tier, predicate,
            pg_catalog.replace(
                conditions, private.search_cursor_sql(), format('(%s) is true', private.search_cursor_sql())
            )
        )
        else format(
            'with walk as materialized ('
            ' select s.gig_id, %1$s::bigint * 281474976710656 + s.rank_key as sort_key from ('
            ' select s.gig_id, s.rank_key, s.search_vector, s.title_vector from %3$s'
            ' order by s.rank_key desc limit %4$s) as s where %2$s limit $10)'
            ' select walk.gig_id, walk.sort_key from walk where (select pg_catalog.count(*) from walk) >= $10'
            ' union all'
            ' select r.gig_id, r.sort_key from (%5$s) as r where (select pg_catalog.count(*) from walk) < $10',
            tier, predicate,
            -- Several categories: each category's walk of the category index in rank
            -- order, merged. Walked as one, the rank index has no category and every row
            -- was read to check it (`ecommerce` under a top category at 1M gigs: 13 ms
            -- through RUM, against 1-2 ms merged); `= any` on the category index loses
            -- the rank order in PostgreSQL 15.
            case
                when category_count > 1 and pg_catalog.strpos(conditions, private.several_categories_sql()) > 0
                    then '(' || (
                        select pg_catalog.string_agg(format(
                            '(select s.gig_id, s.rank_key, s.search_vector, s.title_vector'
                            ' from private.gig_search as s where %s order by s.rank_key desc limit %s)',
                            pg_catalog.replace(
                                conditions, private.several_categories_sql(), format('s.category_id = $2[%s]', category)
                            ),
                            walk_rows
                        ), ' union all ')
                        from pg_catalog.generate_series(1, category_count) as category
                    ) || ') as s'
                else format('private.gig_search as s where %s', conditions)
            end,
            walk_rows,
            private.search_tier_sql(tier, predicate, conditions, null, category_count)
        )
    end
$$;

revoke execute on function private.search_tier_sql(integer, text, text, integer, integer)
from public, anon, authenticated;
grant execute on function private.search_tier_sql(integer, text, text, integer, integer)
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

-- What the text indexes look up for one phrase: each two of its words one to three apart
-- as their pair (private.phrase_pairs), every other word as itself, all "and"ed.
-- Looked up as its words, a phrase of two words every gig holds read every gig to check
-- their positions (`"fast and unlimited"`: 3 s at 1M gigs); few gigs hold the pair.
-- PL/pgSQL, whose plans last the session: a search asks for a phrase's lookup about
-- nine times, and as SQL each call was planned anew (0.4 ms each).
create or replace function private.phrase_run_index_query(phrase text)
returns text
language plpgsql
immutable
strict
set search_path = ''
as $$
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
$$;

revoke execute on function private.phrase_run_index_query(text) from public, anon, authenticated;
grant execute on function private.phrase_run_index_query(text) to anon, authenticated, service_role;

-- What the text indexes look up for a query with phrases: the query with each phrase
-- replaced by its lookup (private.phrase_run_index_query), its "and"s and "or"s kept, so
-- `"fast logo" or "unlimited android"` reads two pairs, not four common words (40 ms at
-- 100k gigs). Lexemes that the text form escapes (a quote or a backslash) or that carry a
-- weight or prefix mark are looked up as words.
create or replace function private.phrase_index_query(indexable text)
returns tsquery
language sql
immutable
strict
set search_path = ''
as $$
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
$$;

revoke execute on function private.phrase_index_query(text) from public, anon, authenticated;
grant execute on function private.phrase_index_query(text) to anon, authenticated, service_role;

-- What the text indexes look up for a query: the query itself when it is an "and" of
-- words; for a query with a phrase, what its matches must hold (querytree leaves out what
-- is under a "-") with each phrase looked up by its pairs (private.phrase_index_query),
-- each row found then checked against the whole query.
-- Given a phrase, RUM checks positions entry by entry and reads every entry of an
-- excluded word: 0.7 s at 1M gigs for a phrase of common words, a word and "-fast",
-- which every gig holds.
-- Null for an "or" without a phrase, for exclusions without a phrase (RUM reads those as
-- they are, faster than the rows an "and" of the other words would fetch to check), and
-- for a query of exclusions only.
create or replace function private.search_index_query(text_query tsquery)
returns tsquery
language sql
immutable
strict
set search_path = ''
as $$
    -- Operators print between spaces, and a lexeme holds no space, so a phrase is found
    -- exactly; a lexeme holding "|" or "!" (a URL's path can) only reads it as it is.
    select case
        when q.indexable = 'T' then null
        when q.indexable ~ ' <(-|[0-9]+)> ' then private.phrase_index_query(q.indexable)
        when q.indexable ~ '[|]' or text_query::text ~ '!' then null
        else text_query
    end
    from (select pg_catalog.querytree(text_query) as indexable) as q
$$;

revoke execute on function private.search_index_query(tsquery) from public, anon, authenticated;
grant execute on function private.search_index_query(tsquery) to anon, authenticated, service_role;

-- A query with each excluded phrase of two words one to three apart written as their
-- pair: `-"care fast"` as !'care 1 fast'. A gig holds the pair exactly when it holds the
-- phrase, so the query matches the same gigs, and RUM answers the exclusion from its
-- entries; as a phrase, it could not, and every gig found was read to check it (`logo
-- -"care fast"`: 50 ms at 100k gigs, where nearly every gig says "care, fast"). Longer
-- phrases stay: the "and" of their pairs is no exact stand-in. A query text too long to
-- hold only pairs that a search row could (private.phrase_pairs) stays as it is.
create or replace function private.search_excluded_pairs(text_query tsquery)
returns tsquery
language sql
immutable
strict
set search_path = ''
as $$
    select case
        when pg_catalog.octet_length(text_query::text) < 2046 then pg_catalog.regexp_replace(
            pg_catalog.replace(text_query::text, ' <-> ', ' <1> '),
            $re$!\( '([^' \\]+)' <([1-3])> '([^' \\]+)' \)$re$, $re$!'\1 \2 \3'$re$, 'g'
        )::tsquery
        else text_query
    end
$$;

revoke execute on function private.search_excluded_pairs(tsquery) from public, anon, authenticated;
grant execute on function private.search_excluded_pairs(tsquery) to anon, authenticated, service_role;

-- The words a query excludes outright ("-word", or a pair that stands for an excluded
-- phrase, private.search_excluded_pairs), "or"ed, when every part of the query is
-- "and"ed: with them, a phrase's lookup (private.search_index_query) leaves out the gigs
-- holding any of them. Null for an "or", for no such word, and for lexemes the text form
-- escapes or marks. Only an operator puts a space before "!", so " !'" or "(!'" starts an
-- exclusion.
create or replace function private.search_excluded_words(text_query tsquery)
returns tsquery
language sql
immutable
strict
set search_path = ''
as $$
    select pg_catalog.string_agg(found.word[1], ' | ')::tsquery
    from pg_catalog.regexp_matches(text_query::text, $re$(?:^|[ (])!('[^'\\]+')$re$, 'g') as found (word)
    where text_query::text !~ $re$[|]|''|\\|':$re$
$$;

revoke execute on function private.search_excluded_words(tsquery) from public, anon, authenticated;
grant execute on function private.search_excluded_words(tsquery) to anon, authenticated, service_role;

-- The words of a query's indexable "and" (private.search_index_query), when it is one of
-- two words or more, each a plain lexeme: the words tier 2 can be merged through
-- (private.title_words_tier_sql). Null otherwise: an "or", one word, or a lexeme the
-- text form escapes (a quote or a backslash), all read as before; and more than four
-- words, whose joins cost more to plan than the rarest word's bitmap takes to read. All
-- of them, so the planner (knowing each word's share) starts from the rarest: four chosen
-- by name left out the rare one, and `machine animation zq98cd pattern ebook` merged
-- four common words (12 ms against 5 through the bitmap).
create or replace function private.search_and_words(text_query tsquery)
returns text[]
language sql
immutable
strict
set search_path = ''
as $$
    select case
        when pg_catalog.array_to_string(found.quoted, ' & ') = indexable.query::text then (
            select pg_catalog.array_agg(word.lexeme order by word.lexeme)
            from (select distinct w.lexeme from pg_catalog.unnest(found.words) as w (lexeme)) as word
            having pg_catalog.count(*) between 2 and 4
        )
    end
    from (select private.search_index_query(text_query) as query) as indexable,
        lateral (
            select
                pg_catalog.array_agg(m.match[1]) as quoted,
                pg_catalog.array_agg(pg_catalog.btrim(m.match[1], '''')) as words
            from pg_catalog.regexp_matches(indexable.query::text, '(''[^''\\]*'')', 'g') as m (match)
        ) as found
$$;

revoke execute on function private.search_and_words(tsquery) from public, anon, authenticated;
grant execute on function private.search_and_words(tsquery) to anon, authenticated, service_role;

-- Tier 2 of an "and" of words through their title words: the words' entries merged in
-- rank order (or each looked up from the rarest's, as the planner prefers), each gig so
-- found read by its rank key and checked against the whole query (phrases, exclusions),
-- the filters and the cursor, until a page matches. It reads as far down the ranks as a
-- page of matches lies, not every entry of every word as RUM does.
-- ts_match_vq is the @@ that no index takes up: offered @@, the planner read every match
-- through the text indexes' bitmaps first (108 ms at 1M gigs for `voiceover video`).
create or replace function private.title_words_tier_sql(words text[], conditions text, resume boolean)
returns text
language sql
immutable
set search_path = ''
as $$
    select format(
        'select s.gig_id, 2::bigint * 281474976710656 + s.rank_key as sort_key from ('
        ' select w1.rank_key from %1$s where %2$s%3$s order by w1.rank_key desc) as w'
        ' inner join private.gig_search as s on w.rank_key = s.rank_key'
        ' where pg_catalog.ts_match_vq(s.search_vector, $1) and pg_catalog.ts_match_vq(s.title_vector, $1)'
        ' and %4$s order by w.rank_key desc limit $10',
        'private.gig_title_words as w1' || (
            select pg_catalog.string_agg(format(
                ' inner join private.gig_title_words as w%1$s on w%1$s.rank_key = w1.rank_key', word.n
            ), '' order by word.n)
            from pg_catalog.generate_series(2, pg_catalog.cardinality(words)) as word (n)
        ),
        (
            select pg_catalog.string_agg(format('w%s.lexeme = %L', word.n, words[word.n]), ' and ' order by word.n)
            from pg_catalog.generate_series(1, pg_catalog.cardinality(words)) as word (n)
        ),
        -- The cursor bounds every word's read: a bound on one is not carried across the
        -- join, and the others were read from their top on every page.
        case when resume then (
            select pg_catalog.string_agg(format(' and w%s.rank_key < $12', word.n), '' order by word.n)
            from pg_catalog.generate_series(1, pg_catalog.cardinality(words)) as word (n)
        ) else '' end,
        conditions
    )
$$;

revoke execute on function private.title_words_tier_sql(text[], text, boolean)
from public, anon, authenticated;
grant execute on function private.title_words_tier_sql(text[], text, boolean)
to anon, authenticated, service_role;

-- How to find one tier's first page: null to read the RUM index on `vector` in rank
-- order, 0 to take every match through the index's bitmap and sort them, or how many
-- rows of the rank index to walk first, whichever the planner's estimates say costs
-- less. RUM in rank order reads every entry of every word the query needs (its indexable
-- part, the words joined by "or"), however few gigs hold them all; a bitmap reads no
-- further than the rarest word's entries, and its matches are among them, so its cost
-- has a bound that no misestimate of a conjunction can break; a walk reads rows until a
-- page of them match (the filters included), so it is bounded at `walk_margin` times
-- what the estimate says it needs, and RUM answers when it runs out.
-- A query with a phrase is counted as what the indexes look up for it
-- (private.search_index_query): its pairs, which RUM reads in rank order, and which
-- bound its matches. Counted as its words, whose shares the planner multiplies,
-- `"resume in the logo"` looked like thousands of matches at 1M gigs where 160 titles
-- hold it: the walk was chosen and ran out (60 ms, against 2 through the pair).
-- A page smaller than the default (20) is planned as one of 20, here and in
-- private.exclusions_read_by_rum: the smaller the page, the more a choice rests on the
-- estimate of matches, and an exclusion every gig holds puts that at dozens where there
-- are none. Planned for 3, `care -unlimited` walked 40k rows (120 ms at 100k gigs,
-- against 13), and `"care fast" -professional` for 1 checked every row (300 ms, against
-- 13).
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
set search_path = ''
as $$
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
$$;

revoke execute on function private.search_walk_rows(
    text, text, integer, tsquery, bigint[], integer, integer, integer, numeric, uuid
) from public, anon, authenticated;
grant execute on function private.search_walk_rows(
    text, text, integer, tsquery, bigint[], integer, integer, integer, numeric, uuid
) to anon, authenticated, service_role;

-- Whether a query excludes a word it also needs (`brand -brand`, `branding -"on brand"`,
-- "on" being a stop word): it matches nothing. The planner, guessing each word's share
-- apart, expected matches, and a search by rating walked every gig looking for one (189
-- ms at 100k gigs). Only for an "and" (private.search_excluded_words).
create or replace function private.search_matches_nothing(text_query tsquery)
returns boolean
language sql
immutable
strict
set search_path = ''
as $$
    select exists (
        select 1
        from pg_catalog.regexp_matches(pg_catalog.querytree(text_query), $re$'[^'\\]+'$re$, 'g') as needed (word)
        inner join pg_catalog.regexp_matches(
            private.search_excluded_words(text_query)::text, $re$'[^'\\]+'$re$, 'g'
        ) as excluded (word) on needed.word[1] = excluded.word[1]
    )
$$;

revoke execute on function private.search_matches_nothing(tsquery) from public, anon, authenticated;
grant execute on function private.search_matches_nothing(tsquery) to anon, authenticated, service_role;

-- Whether a phrase's lookup should leave out its excluded words (private.search_gigs):
-- RUM then reads every entry of the pairs and of the excluded words instead of checking
-- the rows the pairs find until a page matches. Microseconds, measured at 100k gigs: an
-- entry read by RUM for an "and not", a row checked (its whole vector read). Estimated
-- over all gigs: the filters narrow both ways alike.
-- A page under 20 is planned as 20 (private.search_walk_rows says why).
create or replace function private.exclusions_read_by_rum(text_query tsquery, page_size integer)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
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
$$;

revoke execute on function private.exclusions_read_by_rum(tsquery, integer) from public, anon, authenticated;
grant execute on function private.exclusions_read_by_rum(tsquery, integer)
to anon, authenticated, service_role;

-- What a gig's vector (the format argument) must match for the query in $1, as SQL: the
-- query itself, or a phrase's lookup by its pairs, then checked (ts_match_vq is the @@
-- that no index takes up), whatever the sort: by price, `"fast and unlimited"` walked the
-- price index checking every gig (143-158 ms at 100k gigs). A phrase's exclusions are
-- checked row by row, or, when the pairs are common and the excluded words less so, in
-- the lookup: RUM then reads every entry of both instead of every row the pairs find
-- (`"care fast" -professional` at 100k gigs, where every gig holds both: 19 ms against
-- 283). Its own function, so a change to the lookup does not rewrite search_gigs.
-- With an exclusion, the check is `(... @@ $1) is true`: as unindexable as ts_match_vq,
-- but the planner estimates it as the query (a word every gig holds excluded: next to
-- none), not as a third of the rows found. A third looked like plenty for a page of one
-- to three, so `-unlimited "podcast with care fast"` by price walked the price index
-- through every gig to find none (220-570 ms at 100k gigs, against 5).
create or replace function private.search_matches_sql(text_query tsquery, page_size integer)
returns text
language sql
stable
strict
set search_path = ''
as $$
    select case
        when not coalesce(private.search_index_query(text_query) <> text_query, false) then 's.%1$I @@ $1'
        when private.search_excluded_words(text_query) is not null
            and private.exclusions_read_by_rum(text_query, page_size)
            then 's.%1$I @@ (private.search_index_query($1) && !! private.search_excluded_words($1))'
            || ' and pg_catalog.ts_match_vq(s.%1$I, $1)'
        when pg_catalog.strpos(text_query::text, '!') > 0
            then 's.%1$I @@ private.search_index_query($1) and (s.%1$I @@ $1) is true'
        else 's.%1$I @@ private.search_index_query($1) and pg_catalog.ts_match_vq(s.%1$I, $1)'
    end
$$;

revoke execute on function private.search_matches_sql(tsquery, integer) from public, anon, authenticated;
grant execute on function private.search_matches_sql(tsquery, integer) to anon, authenticated, service_role;

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
-- RUM's cost estimates put search's plans and estimates past jit_above_cost, yet they
-- run in milliseconds: compiling them cost more than it saved, and the first search of
-- every connection loaded LLVM (about 35 ms).
set jit = off
as $$
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
$$;

comment on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) is
$$Search published gigs. search_query takes web-search syntax ("exact phrase", -exclude, or); a query
of stop words only browses, one that only excludes words is refused. category is a category slug
and includes its subcategories. sort: relevance (text: gigs with every word in the title or tags
first, then matches found only with the description, each by quality score; browsing: by quality
score), price_low, price_high, rating, newest. Pass a row's next_cursor as after_cursor (with the same arguments) for the next page;
page_size is 1 to 50. relevance is 2 + quality/10 for a title or tag match, 1 + quality/10 for a
description match, quality/10 when browsing.
@who anyone (anon and signed-in users)
@error 22023 page_size, a price bound, max_delivery_days, min_rating, a query over 200 characters, a
  query with no word to look for (only exclusions), a query holding a run of 33 or more operators,
  or after_cursor is invalid
@error 22004 sort is null
@error 22P02 sort is not one of relevance, price_low, price_high, rating, newest
@error P0002 the category does not exist$$;

revoke execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) from public, anon, authenticated;
grant execute on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) to anon, authenticated, service_role;
