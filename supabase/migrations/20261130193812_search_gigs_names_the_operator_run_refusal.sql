-- search_gigs has refused a run of 33 or more operators with 22023 since
-- 20261130171614, and the README says so; its own comment, which docs/api.md and
-- the generated types carry to frontends, did not. Comment only: no body or plan changes.

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
@error P0002 the category does not exist';
