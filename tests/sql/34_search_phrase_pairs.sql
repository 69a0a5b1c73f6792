-- Phrases against their spec: a search row holds each two words of its text one to three
-- positions apart (up to two stop words between) as one pair, and a phrase is looked up
-- by its pairs, so a phrase of words that every gig holds apart finds only the gigs that
-- hold them side by side. An "or" keeps its phrases' pairs; excluded words narrow
-- nothing but what is found.
begin;

select plan(29);

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

-- What anon finds for `query` in `sort` order, by title.
create function pg_temp.found(query text, sort public.gig_sort default 'relevance') returns text [] language plpgsql as $$
declare
    titles text [];
begin
    perform tests.authenticate_as_anon();
    select coalesce(array_agg(f.title order by f.title), '{}') into titles
    from public.search_gigs(search_query => query, category => 'pp-category', sort => sort) as f;
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
    private.phrase_pairs(to_tsvector('english', 'fast and unlimited care for the web')),
    $$'fast 2 unlimit' 'unlimit 1 care' 'fast 3 care' 'care 3 web'$$::tsvector,
    'words one to three positions apart make pairs; further apart, none'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"fast and unlimited" logo'))),
    array[$$'fast 2 unlimit'$$, $$'logo'$$],
    'a phrase is looked up by its pair, a word beside it as itself'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"logo design" -professional'))),
    array[$$'logo 1 design'$$],
    'an excluded word is not part of the phrase lookup'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"the logo of the design"'))),
    array[$$'logo 3 design'$$],
    'words three positions apart are looked up by their pair'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"logo of the and design"'))),
    array[$$'design'$$, $$'logo'$$],
    'words four positions apart are looked up as words'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"brand logo design"'))),
    array[$$'brand 1 logo'$$, $$'logo 1 design'$$],
    'a phrase of three words is looked up by both its pairs'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"brand logo brand"'))),
    array[$$'brand 1 logo'$$, $$'logo 1 brand'$$],
    'a word twice in a phrase makes a pair on each side'
);
select is(
    pg_temp.and_terms(private.search_index_query(websearch_to_tsquery('english', '"logo design of the and logo"'))),
    array[$$'logo 1 design'$$],
    'a word that one of its pairs holds is not looked up again where it stands alone'
);
select is(
    private.search_index_query(websearch_to_tsquery('english', '"fast logo" or "unlimited android"')),
    $$'fast 1 logo' | 'unlimit 1 android'$$::tsquery,
    'phrases joined by "or" are looked up by their pairs, still joined by "or"'
);
select is(
    private.search_index_query(websearch_to_tsquery('english', 'logo or design')),
    null,
    'an "or" of words has no lookup of its own'
);
select is(
    private.search_excluded_words(websearch_to_tsquery('english', '"logo design" -professional -web')),
    $$'profession' | 'web'$$::tsquery,
    'the words a query excludes are the words a lookup may leave out'
);
select is(
    private.search_excluded_words(websearch_to_tsquery('english', '"logo design" -"web site"')),
    null,
    'an excluded phrase is no excluded word: a gig may hold its words apart'
);

select is(
    private.search_excluded_pairs(websearch_to_tsquery('english', 'logo -"care for you fast" -"brand design"')),
    $$'logo' & !'care 3 fast' & !'brand 1 design'$$::tsquery,
    'an excluded phrase of two words up to three apart is excluded as their pair'
);
select is(
    private.search_excluded_pairs(websearch_to_tsquery('english', 'logo -"brand logo design" -"care of the and fast"')),
    websearch_to_tsquery('english', 'logo -"brand logo design" -"care of the and fast"'),
    'an excluded phrase of three words, or of two words four apart, stays a phrase'
);

select ok(
    private.search_matches_nothing(websearch_to_tsquery('english', 'branding -"on brand"')),
    'a query excluding a word it needs ("on" is a stop word) matches nothing'
);
select ok(
    not private.search_matches_nothing(websearch_to_tsquery('english', 'brand -logo or -brand')),
    'a query with an "or" is not judged by its words alone'
);

select pg_temp.live_gig('Revisions side by side', 'Fast and unlimited revisions') as together \gset
select pg_temp.live_gig('Revisions far apart', 'Fast delivery with unlimited revisions') as apart \gset
select pg_temp.live_gig('Words close by', 'Care for you fast') as close_by \gset
select pg_temp.live_gig('Words far off', 'Care for you and them, fast') as far_off \gset

select is(pg_temp.found('"fast and unlimited"'), '{"Revisions side by side"}', 'a phrase finds the gig holding its words side by side');
select is(pg_temp.found('"fast unlimited"'), '{}', 'a phrase with the stop word left out is another phrase');
select is(pg_temp.found('fast unlimited'), '{"Revisions far apart","Revisions side by side"}', 'the same words, not a phrase, find both');
select is(pg_temp.found('"care for you fast"'), '{"Words close by"}', 'a phrase with two stop words finds the gig holding its words so far apart');
select is(pg_temp.found('"care for you and them fast"'), '{"Words far off"}', 'a phrase with four stop words finds the gig holding its words that far apart');
select is(
    pg_temp.found('"fast and unlimited" or "care for you fast"'),
    '{"Revisions side by side","Words close by"}',
    'phrases joined by "or" find the gigs holding either'
);
select is(
    pg_temp.found('"fast and unlimited" -delivery'),
    '{"Revisions side by side"}',
    'a phrase with an excluded word finds the gigs with the phrase that lack the word'
);
select is(pg_temp.found('"fast and unlimited" -revisions'), '{}', 'a phrase whose every gig holds the excluded word finds none');
select is(
    pg_temp.found('revisions -"fast and unlimited"'),
    '{"Revisions far apart"}',
    'an excluded phrase leaves out the gigs holding it, not those holding its words apart'
);
select is(
    pg_temp.found('fast -"care for you fast" -"fast and unlimited"'),
    '{"Revisions far apart","Words far off"}',
    'excluded phrases up to three words apart leave out exactly their gigs'
);
select is(
    pg_temp.found('"fast and unlimited" or "care for you fast"', 'price_low'),
    '{"Revisions side by side","Words close by"}',
    'a phrase sorted by price finds what it finds by relevance'
);
select is(pg_temp.found('revisions -revisions', 'rating'), '{}', 'a query excluding a word it needs finds nothing');
select is(
    pg_temp.found('"fast unlimited"', 'newest'), '{}', 'a phrase sorted by date finds no gig holding its words apart'
);

select * from finish();
rollback;
