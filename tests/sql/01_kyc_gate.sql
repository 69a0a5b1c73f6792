-- The KYC publish gate: no gig is published unless its seller is verified, whatever
-- path the write takes; losing verification pauses every published gig, through the
-- moderation machine, so the pause is in the gig's history.
begin;
select plan(12);

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
    format(
        'select public.publish_gig(%L, (select content_version from public.gigs where id = %L))',
        :'gig_id', :'gig_id'
    ),
    'GF001',
    null,
    'an admin cannot publish the gig of an unverified seller'
);

select tests.clear_authentication();
select throws_ok(
    format('insert into public.gig_events (gig_id, action, actor) values (%L, ''publish'', ''admin'')', :'gig_id'),
    'GF001',
    null,
    'a trusted server path asking the machine to publish is refused by the gate too'
);
select throws_ok(
    format('update public.gigs set status = ''published'' where id = %L', :'gig_id'),
    'GF001',
    null,
    'a direct write as the table owner cannot publish it either'
);

select tests.authenticate_as_service_role();
select throws_ok(
    format('update public.gigs set status = ''draft'' where id = %L', :'gig_id'),
    '55000',
    null,
    'the service role moves a gig only through the machine'
);
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
    (public.publish_gig(:'gig_id', (select content_version from public.gigs where id = :'gig_id'))).status,
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
select results_eq(
    format(
        'select action::text, actor::text, from_status::text, to_status::text, reason from public.gig_events'
        ' where gig_id = %L order by id desc limit 1',
        :'gig_id'
    ),
    $$ values ('suspend', 'platform', 'published', 'paused', 'identity verification is failed') $$,
    'the pause is the platform''s suspend in the gig''s history'
);
select is(
    (select verified from public.seller_profiles where seller_id = tests.get_user_id('gate_seller')),
    false,
    'the public profile no longer says verified'
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
