-- Moderation: a seller submits, an admin publishes or rejects with a reason, the seller
-- pauses and unpauses, and any change to a live listing or its offer goes back to review.
begin;
select plan(16);

select tests.create_user('md_seller');
select tests.create_user('md_other');
select tests.create_user('md_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('md_seller'), 'verified');
insert into public.categories (slug, name) values ('md-category', 'Moderation');

select tests.authenticate_as('md_seller');
insert into public.gigs (category_id, title, description)
values ((select id from public.categories where slug = 'md-category'), 'I will moderate my own listing', 'Carefully.')
returning id as gig \gset

select throws_ok(
    format('select submit_gig_for_review(%L)', :'gig'), '55000', null,
    'a gig without a basic package cannot be submitted'
);
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 3000, 'USD', 4);
select is((submit_gig_for_review(:'gig')).status::text, 'review', 'the seller submits the draft for review');
select throws_ok(format('select submit_gig_for_review(%L)', :'gig'), '55000', null, 'a gig in review cannot be resubmitted');

select tests.authenticate_as('md_other');
select throws_ok(format('select pause_gig(%L)', :'gig'), 'P0002', null, 'another user cannot act on the gig');
select throws_ok(format('select publish_gig(%L)', :'gig'), '42501', null, 'a user who is not an admin cannot publish');

select tests.authenticate_as('md_admin');
select throws_ok(format('select reject_gig(%L, ''  '')', :'gig'), '22023', null, 'a rejection needs a reason');
select is((reject_gig(:'gig', 'Add a description of what is included')).rejection_reason,
    'Add a description of what is included', 'the admin rejects with a reason the seller can read');

select tests.authenticate_as('md_seller');
select is((submit_gig_for_review(:'gig')).status::text, 'review', 'a rejected gig can be fixed and resubmitted');
select tests.authenticate_as('md_admin');
select results_eq(
    format('select status::text, rejection_reason, published_at is not null from publish_gig(%L)', :'gig'),
    $$ values ('published', null::text, true) $$,
    'the admin publishes it: live, stamped, the old reason gone'
);

select tests.authenticate_as('md_seller');
select is((pause_gig(:'gig')).status::text, 'paused', 'the seller pauses a live gig');
select is((unpause_gig(:'gig')).status::text, 'published', 'and unpauses it');

update public.gigs set title = 'I will moderate my own listing, now better' where id = :'gig';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'editing a live title sends it back to review');

select tests.authenticate_as('md_admin');
select publish_gig(:'gig');
select tests.authenticate_as('md_seller');
update public.gig_packages set price_cents = 9000 where gig_id = :'gig';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'changing a live gig''s price sends it back to review');
select is((select starting_price_cents from public.gigs where id = :'gig'), 9000, 'and the starting price follows the package');

select tests.authenticate_as('md_admin');
select publish_gig(:'gig');
select tests.authenticate_as('md_seller');
insert into public.gig_extras (gig_id, title, price_cents, currency) values (:'gig', 'Rush', 1500, 'USD');
select is((select status::text from public.gigs where id = :'gig'), 'review', 'adding an extra to a live gig sends it back to review');

select tests.authenticate_as_anon();
select throws_ok(format('select submit_gig_for_review(%L)', :'gig'), '42501', null, 'a visitor cannot moderate anything');

select * from finish();
rollback;
