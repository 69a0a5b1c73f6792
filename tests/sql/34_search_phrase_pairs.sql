-- Phrases against their spec: a search row holds each two words of its text one or two
-- positions apart (a stop word between) as one pair, and a phrase is looked up by its
-- pairs, so a phrase of words that every gig holds apart finds only the gigs that hold
-- them side by side.
begin;

select plan(8);

select tests.create_user('pp_seller');
select tests.create_user('pp_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('pp_seller'), 'verified');
insert into public.categories (slug, name) values ('pp-category', 'Phrase pairs');

-- A gig with `title` and `description`, submitted by its seller and published by an admin.
create function pg_temp.live_gig(title text, description text) returns uuid language plpgsql as $$
declare
    made uuid;
begin
    perform tests.authenticate_as('pp_seller');
    insert into public.gigs (category_id, title, description)
    values ((select c.id from public.categories as c where c.slug = 'pp-category'), title, description)
    returning id into made;
    insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
    values (made, 'basic', 'Basic', 2000, 'USD', 2);
    perform public.submit_gig_for_review(made);
    perform tests.authenticate_as('pp_admin');
    perform public.publish_gig(made, (select g.content_version from public.gigs as g where g.id = made));
    perform tests.clear_authentication();
    return made;
end;
$$;

-- What anon finds for `query`, by title.
create function pg_temp.found(query text) returns text [] language plpgsql as $$
declare
    titles text [];
begin
    perform tests.authenticate_as_anon();
    select coalesce(array_agg(f.title order by f.title), '{}') into titles
    from public.search_gigs(search_query => query, category => 'pp-category') as f;
    perform tests.clear_authentication();
    return titles;
end;
$$;

-- The terms of an "and" of lexemes, in byte order (an "and" holds them in any order).
create function pg_temp.and_terms(query tsquery) returns text [] language sql as $$
    select array_agg(term order by term collate "C")
    from unnest(string_to_array(query::text, ' & ')) as term
$$;

select is(
    private.phrase_pairs(to_tsvector('english', 'fast and unlimited care')),
    $$'fast 2 unlimit' 'unlimit 1 care'$$::tsvector,
    'words one or two positions apart make pairs; further apart, none'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"fast and unlimited" logo'))),
    array[$$'fast 2 unlimit'$$, $$'logo'$$],
    'a phrase is looked up by its pair, a word beside it as itself'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"logo design" -professional'))),
    array[$$'logo 1 design'$$],
    'an excluded word is not looked up'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"the logo of the design"'))),
    array[$$'design'$$, $$'logo'$$],
    'words three positions apart are looked up as words'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"brand logo design"'))),
    array[$$'brand 1 logo'$$, $$'logo 1 design'$$],
    'a phrase of three words is looked up by both its pairs'
);

select pg_temp.live_gig('Revisions side by side', 'Fast and unlimited revisions') as together \gset
select pg_temp.live_gig('Revisions far apart', 'Fast delivery with unlimited revisions') as apart \gset

select is(pg_temp.found('"fast and unlimited"'), '{"Revisions side by side"}', 'a phrase finds the gig holding its words side by side');
select is(pg_temp.found('"fast unlimited"'), '{}', 'a phrase with the stop word left out is another phrase');
select is(pg_temp.found('fast unlimited'), '{"Revisions far apart","Revisions side by side"}', 'the same words, not a phrase, find both');

select * from finish();
rollback;
