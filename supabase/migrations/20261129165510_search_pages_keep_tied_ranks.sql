-- Relevance pages lost and repeated gigs that tie in rank. RUM returns a tier's matches
-- ordered by the float8 distance `rank_key <=| anchor`; from the anchor 2^63 - 1 a
-- float8 cannot tell apart rank keys within ~1,000 of each other, so every gig of one
-- quality score tied, RUM returned a tied crowd in any order, and the next page (rank
-- key below the last one shown) skipped the ones it had not returned. From 2^53 - 1 every
-- distance is an exact integer (rank keys stay below 2^51), so RUM's order is the rank
-- order and a cursor resumes exactly where its page ended (tests/sql/15_search_paging.sql).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.search_tier_sql(
    tier integer,
    predicate text,
    conditions text,
    walk_rows integer
)
returns text
language sql
immutable
set search_path to ''
as $function$
    select case
        when walk_rows is null then format(
            'select s.gig_id, %1$s::bigint * 281474976710656 + s.rank_key as sort_key'
            ' from private.gig_search as s where %2$s and %3$s'
            ' order by s.rank_key operator(private.<=|) 9007199254740991::bigint limit $10',
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
$function$;
