-- The KYC publish gate: no gig is published unless its seller is verified, whatever
-- path the write takes; losing verification pauses every published gig.
begin;
select plan(8);

select tests.create_user('gate_seller');
select tests.create_user('gate_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id) values (tests.get_user_id('gate_seller'));
insert into public.categories (slug, name) values ('gate-logos', 'Logos');
insert into public.gigs (seller_id, category_id, title)
select
    tests.get_user_id('gate_seller'),
    (select id from public.categories where slug = 'gate-logos'),
    'I will design a minimalist logo for your brand'
returning id as gig_id \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig_id', 'basic', 'Basic', 2500, 'USD', 3);

select tests.authenticate_as('gate_seller');
select lives_ok(
    format('select public.submit_gig_for_review(%L)', :'gig_id'),
    'an unverified seller may submit a gig for review'
);

select tests.authenticate_as('gate_admin');
select throws_ok(
    format('select public.publish_gig(%L)', :'gig_id'),
    'GF001',
    null,
    'an admin cannot publish the gig of an unverified seller'
);

select tests.clear_authentication();
select throws_ok(
    format('update public.gigs set status = ''published'' where id = %L', :'gig_id'),
    'GF001',
    null,
    'a direct write as the table owner cannot publish it either'
);

select tests.authenticate_as_service_role();
select throws_ok(
    $$ insert into public.gigs (seller_id, category_id, title, status)
       values (tests.get_user_id('gate_seller'), (select id from public.categories where slug = 'gate-logos'),
               'A gig inserted straight into published', 'published') $$,
    'GF001',
    null,
    'the service role cannot insert a published gig for an unverified seller'
);

select public.set_seller_kyc_status(tests.get_user_id('gate_seller'), 'verified');
select tests.authenticate_as('gate_admin');
select is(
    (public.publish_gig(:'gig_id')).status,
    'published'::public.gig_status,
    'once the seller is verified the admin publishes the gig'
);

select tests.authenticate_as_service_role();
select public.set_seller_kyc_status(tests.get_user_id('gate_seller'), 'failed');
select tests.clear_authentication();
select is(
    (select status from public.gigs where id = :'gig_id'),
    'paused'::public.gig_status,
    'a failed verification pauses the seller''s published gigs'
);
select ok(
    (select paused_by_platform from public.gigs where id = :'gig_id'),
    'the pause is marked as the platform''s'
);

select tests.authenticate_as('gate_seller');
select throws_ok(
    format('select public.unpause_gig(%L)', :'gig_id'),
    'GF001',
    null,
    'the seller cannot unpause while unverified'
);

select * from finish();
rollback;
