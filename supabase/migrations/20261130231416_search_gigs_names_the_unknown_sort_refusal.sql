-- A sort that is not a gig_sort (`sort => 'popularity'`) is refused by PostgreSQL with
-- 22P02 before search_gigs runs; an outside test found that search_gigs' comment, which
-- docs/api.md and the generated types carry to frontends, did not list it. Comment only:
-- no body or plan changes.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

comment on function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) is 'Search published gigs. search_query takes web-search syntax ("exact phrase", -exclude, or); a query
of stop words only browses, one that only excludes words is refused. category is a category slug
and includes its subcategories. sort: relevance (text: gigs with every word in the title or tags
first, then matches found only with the description, each by quality score; browsing: by quality
score), price_low, price_high, rating, newest. Pass a row''s next_cursor as after_cursor (with the same arguments) for the next page;
page_size is 1 to 50. relevance is 2 + quality/10 for a title or tag match, 1 + quality/10 for a
description match, quality/10 when browsing.
@who anyone (anon and signed-in users)
@error 22023 page_size, a price bound, max_delivery_days, min_rating, a query over 200 characters, a
  query with no word to look for (only exclusions), a query holding a run of 33 or more operators,
  or after_cursor is invalid
@error 22004 sort is null
@error 22P02 sort is not one of relevance, price_low, price_high, rating, newest
@error P0002 the category does not exist';
