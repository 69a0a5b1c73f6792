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
    published_at timestamptz not null
);
comment on table private.gig_search is
'Published gigs as search sees them (public fields only), kept by triggers on public.gigs.';

-- The planner chooses between the text index and the ordered walks from its match
-- estimate, so the word statistics must know rare words from common ones: the default
-- target tracks ~1,000 lexemes and guesses every other one at half the rarest of those
-- (150 matches in 30,000 gigs for a word in 4), enough to pick a walk that reads the whole
-- index. 1,000 tracks ~10,000 lexemes.
alter table private.gig_search alter column search_vector set statistics 1000;
alter table private.gig_search alter column title_vector set statistics 1000;

create index gig_search_vector_idx on private.gig_search using gin (search_vector);
create index gig_search_title_vector_idx on private.gig_search using gin (title_vector);
-- Relevance walks quality; price, delivery and rating ride along so a filter is checked
-- in the index before a row is fetched to test the words.
create index gig_search_quality_idx on private.gig_search (
    quality_score, gig_id, starting_price_cents, fastest_delivery_days, rating_avg
);
create index gig_search_category_quality_idx on private.gig_search (category_id, quality_score, gig_id);
create index gig_search_price_idx on private.gig_search (starting_price_cents, gig_id);
create index gig_search_rating_idx on private.gig_search (rating_avg, gig_id);
create index gig_search_newest_idx on private.gig_search (published_at, gig_id);
create index gig_search_seller_idx on private.gig_search (seller_id, quality_score, gig_id);

revoke all on private.gig_search from public, anon, authenticated;
grant select on private.gig_search to anon, authenticated, service_role;
