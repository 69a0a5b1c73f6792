-- Keyset paging of search_gigs against its spec: walking every page of a query, each
-- page's last next_cursor as the next after_cursor, returns each matching published gig
-- exactly once, in one deterministic order: relevance rank (tier, then the rank key),
-- then gig id. The hard case is a crowd of gigs alike in every way search can see
-- (same words, same quality): 30 of them, walked 7 at a time, by relevance with a text
-- query (both tiers, and one tier at a time), by relevance while browsing, and by the
-- other sorts, where they tie on the sort key too.
begin;

select plan(6 * 4 + 3);

select tests.create_user('pg_seller');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('pg_seller'), 'verified');
insert into public.categories (slug, name) values ('pg-category', 'Paging');

-- 30 published gigs, identical to search. Loaded as published (fixtures may), so the
-- rank keys of the crowd differ only by their row.
insert into public.gigs (
    seller_id, category_id, title, description, tags, status, starting_price_cents, fastest_delivery_days,
    published_at
)
select
    tests.get_user_id('pg_seller'),
    (select c.id from public.categories as c where c.slug = 'pg-category'),
    -- Half the crowd has the word in the title, half only in the description.
    case when n % 2 = 0 then 'Quokka portrait painting' else 'Marsupial portrait painting' end,
    case when n % 2 = 0 then 'A painted portrait' else 'A painted portrait of a quokka' end,
    '{portrait}',
    'published',
    5000,
    3,
    '2026-01-01 00:00:00+00'
from generate_series(1, 30) as n;
analyze private.gig_search;

-- Every page of one query, as a visitor calls it, in the order the pages came.
create function pg_temp.walk(
    query text, sort public.gig_sort, category text default null, page_size integer default 7
) returns uuid [] language plpgsql as $$
declare
    seen uuid [] := '{}';
    page uuid [];
    cursor_text text;
begin
    perform tests.authenticate_as_anon();
    for pages in 1..100 loop
        select array_agg(s.gig_id order by s.ordinality), (array_agg(s.next_cursor order by s.ordinality desc))[1]
        into page, cursor_text
        from public.search_gigs(
            search_query => query, category => walk.category, sort => walk.sort,
            after_cursor => cursor_text, page_size => walk.page_size
        ) with ordinality as s;
        seen := seen || coalesce(page, '{}');
        exit when coalesce(cardinality(page), 0) < walk.page_size;
    end loop;
    perform tests.clear_authentication();
    return seen;
end;
$$;

-- The spec's order: the tier of the match (2: every word in the title or tags; 1: only
-- with the description; 0 when browsing), then the rank key, then the gig id.
create function pg_temp.expected(query text) returns uuid [] language sql as $$
    select array_agg(s.gig_id order by
        case
            when query is null then 0
            when s.title_vector @@ websearch_to_tsquery('english', query) then 2
            else 1
        end desc,
        s.rank_key desc,
        s.gig_id desc)
    from private.gig_search as s
    where s.category_id = (select c.id from public.categories as c where c.slug = 'pg-category')
        and (query is null or s.search_vector @@ websearch_to_tsquery('english', query))
$$;

create temporary table walks (label text, query text, walked uuid [], again uuid []);
insert into walks
select w.label, w.query, pg_temp.walk(w.query, 'relevance', 'pg-category'), pg_temp.walk(w.query, 'relevance', 'pg-category')
from (values
    ('both tiers', 'quokka'),
    ('the title tier', 'quokka -marsupial'),
    ('the description tier', 'quokka marsupial'),
    ('browsing', null)
) as w (label, query);

select is(cardinality(w.walked), 30 / case when w.query like 'quokka %' then 2 else 1 end,
    format('relevance, %s: the walk returns as many gigs as match', w.label))
from walks as w order by w.label;
select is(
    (select count(distinct g) from unnest(w.walked) as g)::integer, cardinality(w.walked),
    format('relevance, %s: no gig comes twice', w.label)
)
from walks as w order by w.label;
select is(
    (select array_agg(g order by g) from unnest(w.walked) as g),
    (select array_agg(g order by g) from unnest(pg_temp.expected(w.query)) as g),
    format('relevance, %s: every matching gig comes once', w.label)
)
from walks as w order by w.label;
select is(w.walked, pg_temp.expected(w.query), format('relevance, %s: in rank order, then gig id', w.label))
from walks as w order by w.label;
select is(w.again, w.walked, format('relevance, %s: the same order every time', w.label))
from walks as w order by w.label;
select is(
    w.walked,
    (select array_agg(s.gig_id order by s.ordinality) from public.search_gigs(
        search_query => w.query, category => 'pg-category', page_size => 50
    ) with ordinality as s),
    format('relevance, %s: pages of 7 make the one page of 50', w.label)
)
from walks as w order by w.label;

-- The other sorts tie on their key for the whole crowd: the gig id decides.
select is(
    pg_temp.walk(null, 'price_low', 'pg-category'),
    (select array_agg(s.gig_id order by s.gig_id) from private.gig_search as s
     where s.category_id = (select c.id from public.categories as c where c.slug = 'pg-category')),
    'price_low: a tie on the price walks by gig id, each gig once'
);
select is(
    pg_temp.walk(null, 'newest', 'pg-category'),
    (select array_agg(s.gig_id order by s.gig_id desc) from private.gig_search as s
     where s.category_id = (select c.id from public.categories as c where c.slug = 'pg-category')),
    'newest: a tie on the date walks by gig id, each gig once'
);
select is(
    pg_temp.walk('quokka', 'rating', 'pg-category'),
    (select array_agg(s.gig_id order by s.gig_id desc) from private.gig_search as s
     where s.category_id = (select c.id from public.categories as c where c.slug = 'pg-category')),
    'rating with a text query: a tie on the rating walks by gig id, each gig once'
);

select * from finish();
rollback;
