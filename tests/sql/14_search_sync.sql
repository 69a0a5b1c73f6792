-- The search table against its spec: search shows only what is published, as a moderator
-- approved it. A live gig whose edit waits for review is not found by its new words (nor
-- its old ones: it is in review, not published), and a gig that leaves `published` (the
-- edit, a rejection after it, a pause, the platform's suspension, deletion) is gone from
-- private.gig_search and from search_gigs for everyone: a visitor, its seller and an
-- admin (who see unpublished gigs under RLS). Gigs move only through the machine here,
-- as they do through the API.
begin;

select plan(37);

select tests.create_user('ss_seller');
select tests.create_user('ss_other_seller');
select tests.create_user('ss_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status)
values (tests.get_user_id('ss_seller'), 'verified'), (tests.get_user_id('ss_other_seller'), 'verified');
insert into public.categories (slug, name) values ('ss-category', 'Search sync');

-- A gig of `seller`'s with `title`, submitted by its seller and published by an admin for
-- the version reviewed.
create function pg_temp.live_gig(seller text, title text) returns uuid language plpgsql as $$
declare
    made uuid;
begin
    perform tests.authenticate_as(seller);
    insert into public.gigs (category_id, title, description)
    values ((select c.id from public.categories as c where c.slug = 'ss-category'), title, 'Hand drawn, delivered fast')
    returning id into made;
    insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
    values (made, 'basic', 'Basic', 2000, 'USD', 2);
    perform public.submit_gig_for_review(made);
    perform tests.authenticate_as('ss_admin');
    perform public.publish_gig(made, (select g.content_version from public.gigs as g where g.id = made));
    perform tests.clear_authentication();
    return made;
end;
$$;

-- The gigs search_gigs returns for `query`, as `actor` ('anon' or a username) sees them.
create function pg_temp.found(actor text, query text, page_size integer default 50) returns uuid []
language plpgsql as $$
declare
    found uuid [];
begin
    perform tests.act_as(actor);
    select coalesce(array_agg(s.gig_id order by s.gig_id), '{}') into found
    from public.search_gigs(search_query => query, category => 'ss-category', page_size => page_size) as s;
    perform tests.clear_authentication();
    return found;
end;
$$;

create function pg_temp.in_search_table(gig uuid) returns boolean language sql as $$
    select exists (select 1 from private.gig_search as s where s.gig_id = gig)
$$;

-- Found by no one: not a visitor, not its seller, not an admin.
create function pg_temp.found_by_anyone(gig uuid, query text) returns boolean language sql as $$
    select gig = any(pg_temp.found('anon', query))
        or gig = any(pg_temp.found('ss_seller', query))
        or gig = any(pg_temp.found('ss_admin', query))
$$;

-- A live gig that stays live: it shares the words, so a lost page slot shows.
select pg_temp.live_gig('ss_other_seller', 'Narwhal sketches in ink') as bystander \gset
select ok(pg_temp.found_by_anyone(:'bystander', 'narwhal'), 'a published gig is found');

-- 1. A live gig is edited: its new content waits for review.
select pg_temp.live_gig('ss_seller', 'Axolotl sketches in ink') as edited \gset
select ok(pg_temp.in_search_table(:'edited'), 'the live gig is in the search table');
select tests.authenticate_as('ss_seller');
update public.gigs set title = 'Narwhal portraits in ink', description = 'Unreviewed: now with glitter'
where id = :'edited';
select tests.clear_authentication();
select is((select status::text from public.gigs where id = :'edited'), 'review', 'the edit sends the gig to review');
select ok(not pg_temp.in_search_table(:'edited'), 'an edit pending review leaves the search table');
select ok(not pg_temp.found_by_anyone(:'edited', 'narwhal'), 'nobody finds the gig by its unreviewed title');
select ok(not pg_temp.found_by_anyone(:'edited', 'glitter'), 'nobody finds the gig by its unreviewed description');
select ok(not pg_temp.found_by_anyone(:'edited', 'axolotl'), 'nobody finds the gig in review by its old title');
select is(
    pg_temp.found('anon', 'narwhal', 1), array[:'bystander'::uuid],
    'a page of one still holds the live match: no slot goes to the gig in review'
);
select is(
    pg_temp.found('ss_seller', 'ink'), array[:'bystander'::uuid],
    'its seller, who sees the gig in review, does not find it in search either'
);

-- Edits of its parts count the same way: a live gig's package edit.
select pg_temp.live_gig('ss_seller', 'Axolotl murals on walls') as priced \gset
select tests.authenticate_as('ss_seller');
update public.gig_packages set price_cents = 9900 where gig_id = :'priced';
select tests.clear_authentication();
select ok(not pg_temp.in_search_table(:'priced'), 'a package edit of a live gig leaves the search table');
select ok(not pg_temp.found_by_anyone(:'priced', 'murals'), 'nobody finds the gig whose package waits for review');

-- A second edit while in review changes nothing for search.
select tests.authenticate_as('ss_seller');
update public.gigs set tags = '{glitter}' where id = :'edited';
select tests.clear_authentication();
select ok(not pg_temp.in_search_table(:'edited'), 'an edit of a gig in review keeps it out of the search table');

-- Approved, the new version is what search shows.
select tests.authenticate_as('ss_admin');
select (public.publish_gig(:'edited', (select content_version from public.gigs where id = :'edited'))).status;
select tests.clear_authentication();
select ok(pg_temp.found_by_anyone(:'edited', 'narwhal'), 'once approved, the new title is found');
select ok(pg_temp.found_by_anyone(:'edited', 'glitter'), 'once approved, the new description and tags are found');
select ok(not pg_temp.found_by_anyone(:'edited', 'axolotl'), 'once approved, the old title is not');
select is(
    (select s.title_vector from private.gig_search as s where s.gig_id = :'edited'),
    -- The words with their weights, and each two words one to three apart ("in" is a stop
    -- word) as one pair lexeme.
    $$'narwhal':1A 'portrait':2A 'ink':4A 'glitter':5B 'narwhal 1 portrait' 'portrait 2 ink' 'ink 1 glitter'
    'narwhal 3 ink' 'portrait 3 glitter'$$::tsvector,
    'the search table holds the approved title and tags, and their word pairs'
);

-- 2. Every way of leaving published.
-- 2a. Edited, then rejected: review -> rejected.
select pg_temp.live_gig('ss_seller', 'Pangolin comics weekly') as rejected \gset
select tests.authenticate_as('ss_seller');
update public.gigs set title = 'Pangolin comics daily' where id = :'rejected';
select tests.authenticate_as('ss_admin');
select (public.reject_gig(
    :'rejected', 'Daily is not credible', (select content_version from public.gigs where id = :'rejected')
)).status;
select tests.clear_authentication();
select is((select status::text from public.gigs where id = :'rejected'), 'rejected', 'the edited gig is rejected');
select ok(not pg_temp.in_search_table(:'rejected'), 'a rejected gig is not in the search table');
select ok(not pg_temp.found_by_anyone(:'rejected', 'daily'), 'nobody finds a rejected gig by its rejected title');
select ok(not pg_temp.found_by_anyone(:'rejected', 'pangolin'), 'nobody finds a rejected gig at all');

-- 2b. Deleted by its seller once rejected (the only gigs a seller may delete).
select tests.authenticate_as('ss_seller');
delete from public.gigs where id = :'rejected';
select tests.clear_authentication();
select is((select count(*)::integer from public.gigs where id = :'rejected'), 0, 'the seller deletes the rejected gig');
select ok(not pg_temp.in_search_table(:'rejected'), 'a deleted gig is not in the search table');
select ok(not pg_temp.found_by_anyone(:'rejected', 'pangolin'), 'nobody finds a deleted gig');

-- 2c. Paused by its seller: published -> paused.
select pg_temp.live_gig('ss_seller', 'Okapi watercolours framed') as paused \gset
select tests.authenticate_as('ss_seller');
select (public.pause_gig(:'paused')).status;
select tests.clear_authentication();
select ok(not pg_temp.in_search_table(:'paused'), 'a paused gig is not in the search table');
select ok(not pg_temp.found_by_anyone(:'paused', 'okapi'), 'nobody finds a paused gig');

-- 2d. Paused, then edited: paused -> review. Still not found, by either title.
select tests.authenticate_as('ss_seller');
update public.gigs set title = 'Okapi watercolours unframed' where id = :'paused';
select tests.clear_authentication();
select is((select status::text from public.gigs where id = :'paused'), 'review', 'an edit of a paused gig sends it to review');
select ok(not pg_temp.in_search_table(:'paused'), 'an edited paused gig is not in the search table');
select ok(not pg_temp.found_by_anyone(:'paused', 'unframed'), 'nobody finds an edited paused gig by its new title');

-- 2e. Taken down by the platform: the seller's identity check fails, published -> paused.
select pg_temp.live_gig('ss_other_seller', 'Tapir caricatures quick') as suspended \gset
select ok(pg_temp.in_search_table(:'suspended'), 'the gig to take down is live');
select tests.authenticate_as_service_role();
select (public.set_seller_kyc_status(tests.get_user_id('ss_other_seller'), 'failed')).kyc_status;
select tests.clear_authentication();
select is((select status::text from public.gigs where id = :'suspended'), 'paused', 'the platform pauses the gig');
select ok(not pg_temp.in_search_table(:'suspended'), 'a gig taken down is not in the search table');
select ok(not pg_temp.found_by_anyone(:'suspended', 'tapir'), 'nobody finds a gig taken down');
select ok(not pg_temp.in_search_table(:'bystander'), 'the seller''s other live gig is taken down too');

-- 2f. Deleted while live (an operator, or the seller's account going): the row goes too.
select pg_temp.live_gig('ss_seller', 'Wombat logos minimal') as removed \gset
select ok(pg_temp.in_search_table(:'removed'), 'the gig to delete is live');
delete from public.gigs where id = :'removed';
select ok(not pg_temp.in_search_table(:'removed'), 'a live gig deleted is not in the search table');
select ok(not pg_temp.found_by_anyone(:'removed', 'wombat'), 'nobody finds a deleted live gig');

-- Nothing left in the search table is anything but a published gig.
select is_empty(
    $$ select s.gig_id from private.gig_search as s
       left join public.gigs as g on g.id = s.gig_id
       where g.status is distinct from 'published' $$,
    'every row of the search table is a published gig'
);

select * from finish();
rollback;
