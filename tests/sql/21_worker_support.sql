-- The worker's service-role functions: checkout preparation, seller onboarding links,
-- what the checkout return page asks Whop about, and the payments Whop reports for a
-- checkout handed to the same entry point as their webhooks.
begin;
select plan(22);

select tests.create_user('ws_buyer');
select tests.create_user('ws_seller');
select tests.create_user('ws_unlinked');
select tests.create_user('ws_stranger');
select tests.create_user('ws_seller_nobiz');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('ws_seller'), 'verified', 'biz_ws_seller');
insert into public.seller_accounts (user_id, kyc_status)
values (tests.get_user_id('ws_unlinked'), 'verified'), (tests.get_user_id('ws_seller_nobiz'), 'unstarted');
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
-- The checkout's metadata lives on the seller's company at Whop, where the seller reads
-- it: our order id and the campaign travel, never the buyer's visitor or session id.
select prepare_checkout(
    tests.get_user_id('ws_stranger'), :'linked_gig', 'basic',
    attribution => '{"visitor_id": "v-ws", "session_id": "s-ws", "utm_source": "newsletter",
                     "utm_medium": "email", "utm_campaign": "spring", "favourite_colour": "teal"}'
) as attributed \gset
select is(
    :'attributed'::jsonb -> 'metadata',
    pg_catalog.jsonb_build_object(
        'gigflow_order_id', :'attributed'::jsonb -> 'order' ->> 'id',
        'utm_source', 'newsletter', 'utm_medium', 'email', 'utm_campaign', 'spring'
    ),
    'only the order id and the campaign travel to Whop in the checkout''s metadata'
);
select is(
    (select attribution from public.order_attributions
     where order_id = (:'attributed'::jsonb -> 'order' ->> 'id')::uuid),
    '{"visitor_id": "v-ws", "session_id": "s-ws", "utm_source": "newsletter",
      "utm_medium": "email", "utm_campaign": "spring"}'::jsonb,
    'the visitor and session ids stay in the database with the campaign'
);
select tests.authenticate_as('ws_seller');
select is(
    (select count(*)::integer from public.order_attributions),
    0,
    'the seller reads no attribution in GigFlow either'
);
select tests.authenticate_as_service_role();
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
select (:'prepared'::jsonb -> 'order' ->> 'id')::uuid as prepared_order \gset
select is(
    (select format('%s %s', status, coalesce(ask_whop_about, '-'))
     from checkout_to_confirm(:'prepared_order', tests.get_user_id('ws_buyer'))),
    'pending_payment -',
    'the buyer''s own order is found; without a Whop checkout there is nothing to ask Whop'
);
select throws_ok(
    format('select checkout_to_confirm(%L, %L)', :'prepared_order', tests.get_user_id('ws_stranger')),
    'P0002',
    null,
    'someone else''s order is not found'
);
select attach_checkout(:'prepared_order', 'ch_ws_1');
select is(
    (select ask_whop_about from checkout_to_confirm(:'prepared_order', tests.get_user_id('ws_buyer'))),
    'ch_ws_1',
    'a pending order with its checkout: Whop is asked about that checkout'
);

-- Applying the payments Whop reports for a checkout ------------------------------------------
create temporary table ws_paid as
select jsonb_build_object(
    'id', 'pay_ws_1', 'status', 'paid', 'substatus', 'succeeded', 'total', o.subtotal_cents / 100.0,
    'currency', 'usd', 'checkout_configuration_id', o.whop_checkout_id,
    'company', jsonb_build_object('id', 'biz_ws_seller'),
    'application_fee', jsonb_build_object('amount', o.fee_cents / 100.0),
    'metadata', jsonb_build_object('gigflow_order_id', o.id)
) as payment
from public.orders as o where o.id = :'prepared_order';
select is(
    apply_whop_checkout_payments(:'prepared_order', (select jsonb_build_array(payment) from ws_paid)),
    'paid',
    'a paid payment from the API is applied like its webhook'
);
select is(
    (select status::text from public.orders where id = :'prepared_order'),
    'awaiting_requirements',
    'and the order moves on'
);
select is(
    apply_whop_checkout_payments(:'prepared_order', (select jsonb_build_array(payment) from ws_paid)),
    'waiting',
    'applying it again changes nothing'
);
select is(
    (select count(*)::integer from public.order_events where order_id = :'prepared_order' and action = 'pay'),
    1,
    'and records one payment'
);
select is(
    (select ask_whop_about from checkout_to_confirm(:'prepared_order', tests.get_user_id('ws_buyer'))),
    null,
    'a paid order has nothing left to ask Whop'
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
select is(
    seller_whop_company(tests.get_user_id('ws_unlinked')),
    'biz_ws_new',
    'the routes that act on a seller''s company find it'
);
select throws_ok(
    format('select seller_whop_company(%L)', tests.get_user_id('ws_seller_nobiz')),
    '55000',
    'onboard with Whop first: POST /sellers/onboard',
    'a seller who has not onboarded is told to'
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
