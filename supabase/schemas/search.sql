-- RUM (Supabase offers it as an extension the postgres role may create): a text index
-- that stores an extra value with each entry, here the rank key, and returns the
-- matches of a query in rank order without reading the table. Measured on 100,000 gigs
-- (make bench-quick): a phrase of two common words fell from 70-100 ms (GIN: fetch every
-- row with both words to check the phrase, or walk the ranks until 20 match) to 4 ms;
-- a word in 5% of gigs from 14 to 1.5 ms. It lives in `private` beside the table, where
-- `supabase db diff` sees it (the index depends on it).
create extension if not exists rum with schema private;

-- The search table: one narrow row per published gig, with the public fields search
-- filters, matches and sorts on. Kept by definer triggers on gigs (functions/search.sql),
-- read by the invoker public.search_gigs.
--
-- Why a table of its own: `@@` is not LEAKPROOF, so under the RLS of public.gigs
-- PostgreSQL will not use a text index and every search of a million gigs is a
-- sequential scan. This table holds only published gigs and only fields anyone may see,
-- so it needs no RLS; it lives in `private`, which the API does not expose, and the API
-- roles may only SELECT it (search_gigs runs with the caller's rights). Narrow rows also
-- make the ranked walks cheap: no descriptions, only their tsvector.
create table private.gig_search (
    gig_id uuid primary key references public.gigs (id) on delete cascade,
    seller_id uuid not null,
    category_id bigint not null,
    -- Title (A), tags (B) and description (C).
    search_vector tsvector not null,
    -- Title and tags only: a query found here is a better match than one found only in
    -- the description (the relevance tiers of search_gigs).
    title_vector tsvector not null,
    quality_score numeric(6, 4) not null,
    starting_price_cents integer not null,
    fastest_delivery_days integer not null,
    rating_avg numeric(3, 2) not null,
    published_at timestamptz not null,
    -- Breaks ties of quality: unique per row, so the rank key below is unique too.
    search_id bigint generated always as identity,
    -- Relevance order as one unique number (quality first, then the row), so a RUM
    -- index can carry it and a cursor can resume from it.
    rank_key bigint generated always as ((quality_score * 10000)::bigint * 2147483648 + search_id) stored
);
comment on table private.gig_search is
'Published gigs as search sees them (public fields only), kept by triggers on public.gigs.';

-- search_gigs chooses between the text index and a walk of the ranks from the planner's
-- match estimate, so the word statistics must know rare words from common ones: the
-- default target tracks ~1,000 lexemes and guesses every other one at half the rarest of
-- those (150 matches in 30,000 gigs for a word in 4). 1,000 tracks ~10,000 lexemes.
alter table private.gig_search alter column search_vector set statistics 1000;
alter table private.gig_search alter column title_vector set statistics 1000;
-- Likewise every category's share, so a small category is never taken for a large one
-- (a walk of the ratings for 3 gigs in a million read them all: 1.5 s).
alter table private.gig_search alter column category_id set statistics 1000;

create index gig_search_vector_rank_idx on private.gig_search
using rum (search_vector private.rum_tsvector_addon_ops, rank_key)
with (attach = 'rank_key', to = 'search_vector');
create index gig_search_title_vector_rank_idx on private.gig_search
using rum (title_vector private.rum_tsvector_addon_ops, rank_key)
with (attach = 'rank_key', to = 'title_vector');
-- Relevance walks the rank key when a word is common; price, delivery and rating ride
-- along so a filter is checked in the index before a row is fetched to test the words.
create index gig_search_rank_idx on private.gig_search (
    rank_key, starting_price_cents, fastest_delivery_days, rating_avg
);
-- The filters ride in the category index as they do in the rank index: a walk of a
-- category in rank order checks price, delivery and rating on index entries and reads a
-- row only for its text (a leaf category with every filter: 20-24 ms at 1M gigs reading
-- every row of the category, 2-5 ms so).
create index gig_search_category_rank_filters_idx on private.gig_search (
    category_id, rank_key, starting_price_cents, fastest_delivery_days, rating_avg
);
create index gig_search_price_idx on private.gig_search (starting_price_cents, gig_id);
create index gig_search_rating_idx on private.gig_search (rating_avg, gig_id);
create index gig_search_newest_idx on private.gig_search (published_at, gig_id);
create index gig_search_seller_idx on private.gig_search (seller_id, rank_key);

revoke all on private.gig_search from public, anon, authenticated;
grant select on private.gig_search to anon, authenticated, service_role;

-- Every word of every search row's title and tags, in rank order: a b-tree the words of
-- an "and" are merged through, page by page. RUM answers such a query only after reading
-- every entry of every word (it stops early for nothing in rank order), so two common
-- words cost the same however soon a page of gigs holds both: `voiceover video` at 1M
-- gigs read 30k + 54k entries for its first 20 (5-6 ms), and ten times fewer at 100k.
-- Merged here in rank order, it reads 514 + 902 entries (0.4 ms) at either size.
-- Kept by a trigger on the search table (functions/search.sql); the rank key joins back.
create table private.gig_title_words (
    lexeme text not null,
    rank_key bigint not null,
    primary key (lexeme, rank_key)
);
comment on table private.gig_title_words is
'The title and tag words of each search row with its rank key, kept by a trigger on private.gig_search.';

-- The planner picks a merge or a lookup per word by how common it is.
alter table private.gig_title_words alter column lexeme set statistics 1000;

revoke all on private.gig_title_words from public, anon, authenticated;
grant select on private.gig_title_words to anon, authenticated, service_role;
