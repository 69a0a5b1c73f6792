-- The worker's service-role functions: checkout preparation, seller onboarding links,
-- the checkout return page's order lookup, and applying Whop API objects through the
-- webhook handlers.
begin;
select plan(15);

select tests.create_user('ws_buyer');
select tests.create_user('ws_seller');
select tests.create_user('ws_unlinked');
select tests.create_user('ws_stranger');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('ws_seller'), 'verified', 'biz_ws_seller');
insert into public.seller_accounts (user_id, kyc_status)
values (tests.get_user_id('ws_unlinked'), 'verified');
insert into public.categories (slug, name) values ('ws-category', 'Worker support');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('ws_seller'), (select id from public.categories where slug = 'ws-category'),
    'I will integrate your checkout end to end'
)
returning id as linked_gig \gset
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('ws_unlinked'), (select id from public.categories where slug = 'ws-category'),
    'I will sell without a payment account'
)
returning id as unlinked_gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values
(:'linked_gig', 'basic', 'Basic', 20000, 'USD', 5),
(:'unlinked_gig', 'basic', 'Basic', 5000, 'USD', 5);
update public.gigs set status = 'published' where id in (:'linked_gig', :'unlinked_gig');

-- Checkout preparation ------------------------------------------------------------------
select tests.authenticate_as_service_role();

select prepare_checkout(tests.get_user_id('ws_buyer'), :'linked_gig', 'basic') as prepared \gset
select is(
    (:'prepared'::jsonb ->> 'whop_company_id'),
    'biz_ws_seller',
    'prepare_checkout names the seller''s Whop company'
);
select is(
    (select status::text from public.orders where id = (:'prepared'::jsonb -> 'order' ->> 'id')::uuid),
    'pending_payment',
    'prepare_checkout creates the order in pending_payment'
);
select throws_ok(
    format('select prepare_checkout(%L, %L, ''basic'')', tests.get_user_id('ws_buyer'), :'unlinked_gig'),
    '55000',
    format('the seller of gig %s cannot take payments yet', :'unlinked_gig'),
    'a seller without a Whop company cannot take a checkout'
);
select is(
    (select count(*)::integer from public.orders where gig_id = :'unlinked_gig'),
    0,
    'and no order is written for it'
);

-- The checkout return page -----------------------------------------------------------------
select is(
    (order_checkout((:'prepared'::jsonb -> 'order' ->> 'id')::uuid, tests.get_user_id('ws_buyer'))).status::text,
    'pending_payment',
    'the buyer''s own order is found'
);
select throws_ok(
    format(
        'select order_checkout(%L, %L)',
        :'prepared'::jsonb -> 'order' ->> 'id', tests.get_user_id('ws_stranger')
    ),
    'P0002',
    null,
    'someone else''s order is not found'
);

-- Applying a Whop payment read from the API ------------------------------------------------
select is(
    apply_whop_object(
        'payment.succeeded',
        jsonb_build_object(
            'id', 'pay_ws_1', 'status', 'paid', 'substatus', 'succeeded', 'total', 200.00,
            'currency', 'usd', 'metadata', jsonb_build_object('gigflow_order_id', :'prepared'::jsonb -> 'order' ->> 'id')
        )
    )::text,
    'processed',
    'a paid payment from the API is applied like its webhook'
);
select is(
    (select status::text from public.orders where id = (:'prepared'::jsonb -> 'order' ->> 'id')::uuid),
    'awaiting_requirements',
    'and the order moves on'
);
select is(
    apply_whop_object(
        'payment.succeeded',
        jsonb_build_object(
            'id', 'pay_ws_1', 'status', 'paid', 'total', 200.00, 'currency', 'usd',
            'metadata', jsonb_build_object('gigflow_order_id', :'prepared'::jsonb -> 'order' ->> 'id')
        )
    )::text,
    'processed',
    'applying it again is harmless'
);
select is(
    (
        select count(*)::integer from public.order_events
        where order_id = (:'prepared'::jsonb -> 'order' ->> 'id')::uuid and action = 'pay'
    ),
    1,
    'and records one payment'
);

-- Seller onboarding ------------------------------------------------------------------------
select is(
    (link_whop_company(tests.get_user_id('ws_unlinked'), 'biz_ws_new')).whop_company_id,
    'biz_ws_new',
    'linking a company stores it'
);
select is(
    (link_whop_company(tests.get_user_id('ws_unlinked'), 'biz_ws_new')).whop_company_id,
    'biz_ws_new',
    'linking the same company again is harmless'
);
select throws_ok(
    format('select link_whop_company(%L, ''biz_ws_other'')', tests.get_user_id('ws_unlinked')),
    '55000',
    null,
    'linking a second company is refused'
);
select throws_ok(
    format('select seller_account_for(%L)', tests.get_user_id('ws_buyer')),
    'P0002',
    null,
    'a user without a seller account has nothing to onboard'
);

select tests.authenticate_as('ws_buyer');
select throws_ok(
    format('select prepare_checkout(%L, %L, ''basic'')', tests.get_user_id('ws_buyer'), :'linked_gig'),
    '42501',
    null,
    'a signed-in user cannot call the worker''s functions'
);

select * from finish();
rollback;
