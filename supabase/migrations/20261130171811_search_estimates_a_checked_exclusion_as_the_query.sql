-- A phrase with an excluded word every gig holds, sorted by price, rating or date with
-- a page of one to three, walked the sort's index through every gig to find none
-- (`-unlimited "podcast with care fast"`: 220-570 ms at 100k gigs; an outside test found
-- it). The planner counted the row check (ts_match_vq) as passing a third of the rows
-- the phrase's pairs find, plenty for so small a page. With an exclusion the check is
-- now `(vector @@ query) is true`: as unindexable, but estimated as the query itself, so
-- the pairs' bitmap is read and sorted instead (5 ms). Replaced in place.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

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
        when pg_catalog.strpos(text_query::text, '!') > 0
            then 's.%1$I @@ private.search_index_query($1) and (s.%1$I @@ $1) is true'
        else 's.%1$I @@ private.search_index_query($1) and pg_catalog.ts_match_vq(s.%1$I, $1)'
    end
$function$;

revoke execute on function private.search_matches_sql(tsquery, integer) from public, anon, authenticated;
grant execute on function private.search_matches_sql(tsquery, integer) to anon, authenticated, service_role;
