-- What one buyer's checkouts can cost (issue 16 #6): a buyer has at most 3 unpaid orders
-- open at once (the default of the max_unpaid_orders setting), may give one up, and an
-- order whose checkout Whop refused is given up by the worker in the same request. A
-- payment that still arrives for a given-up order is refunded in full. Abandoning and
-- reopening does not get around the cap: a buyer opens at most max_checkouts_per_hour
-- orders (default 20) in any hour, whatever became of them (53400).
begin;
select plan(22);

select tests.create_user('uo_buyer');
select tests.create_user('uo_stranger');
select tests.create_user('uo_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('uo_seller'), 'verified', 'biz_uoSeller');
insert into public.categories (slug, name) values ('uo-category', 'Unpaid');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('uo_seller'), (select id from public.categories where slug = 'uo-category'),
        'I will wait for you to pay, but not forever')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 2000, 'USD', 2);
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select id as first from create_pending_order(tests.get_user_id('uo_buyer'), :'gig', 'basic') \gset
select id as second from create_pending_order(tests.get_user_id('uo_buyer'), :'gig', 'basic') \gset
select id as third from create_pending_order(tests.get_user_id('uo_buyer'), :'gig', 'basic') \gset
select throws_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('uo_buyer'), :'gig'),
    '55000', 'you already have 3 unpaid orders: pay or abandon one first',
    'a fourth unpaid order is refused'
);
select lives_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('uo_stranger'), :'gig'),
    'the cap is per buyer: another buyer still orders'
);

-- The buyer gives one up; nobody else can.
select tests.authenticate_as('uo_stranger');
select throws_ok(format('select abandon_checkout(%L)', :'first'), 'P0002', null, 'a stranger cannot abandon the buyer''s order');
select tests.authenticate_as('uo_seller');
select throws_ok(format('select abandon_checkout(%L)', :'first'), '42501', null, 'the seller cannot abandon it either');
select tests.authenticate_as('uo_buyer');
select is((abandon_checkout(:'first')).status::text, 'cancelled', 'the buyer abandons their unpaid order');
select throws_ok(format('select abandon_checkout(%L)', :'first'), '55000', null, 'an abandoned order cannot be abandoned again');
select is(
    (select count(*)::integer from public.notifications where order_id = :'first'),
    0,
    'nobody is notified of an abandoned checkout'
);

select tests.authenticate_as_service_role();
select lives_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('uo_buyer'), :'gig'),
    'with one abandoned, the buyer may order again'
);

-- Whop refuses a checkout: the worker gives the order up at once.
select is(
    (checkout_refused(:'second', 'Whop: company cannot accept payments')).status::text,
    'cancelled',
    'an order whose checkout Whop refused is cancelled'
);
select is(
    (select details ->> 'reason' from public.order_events where order_id = :'second' and action = 'abandon_checkout'),
    'Whop: company cannot accept payments',
    'with Whop''s reason in its log'
);

-- A paid order is not abandoned; a payment for an abandoned one is given back.
select tests.pay_order(:'third', 'pay_uo_third');
select tests.authenticate_as('uo_buyer');
select throws_ok(format('select abandon_checkout(%L)', :'third'), '55000', null, 'a paid order cannot be abandoned');
select tests.authenticate_as_service_role();
select tests.pay_order(:'first', 'pay_uo_first');
select is(
    (select format('%s %s', o.status, r.amount_cents) from public.orders as o join public.refunds as r on r.order_id = o.id
     where o.id = :'first' and r.status = 'requested'),
    'cancelled 2000',
    'a payment that arrives after the buyer abandoned the order is refunded in full'
);

-- The operator's setting.
select throws_ok('select set_max_unpaid_orders(0)', '22023', null, 'the cap is at least 1');
select is(set_max_unpaid_orders(5), 5, 'the operator raises the cap');
select tests.authenticate_as('uo_buyer');
select throws_ok('select set_max_unpaid_orders(50)', '42501', null, 'a buyer cannot change it');
select is(
    (select count(*)::integer from public.orders where buyer_id = tests.get_user_id('uo_buyer') and status = 'pending_payment'),
    1,
    'the buyer has one unpaid order left'
);

-- Checkouts per hour: abandoned and refused ones count, so abandoning and reopening in a
-- loop is bounded too. The buyer has opened 4 orders in this hour (first, second, third
-- and the one after abandoning).
select tests.authenticate_as_service_role();
select throws_ok('select set_max_checkouts_per_hour(0)', '22023', null, 'the hourly cap is at least 1');
select is(set_max_checkouts_per_hour(5), 5, 'the operator sets 5 checkouts an hour');
select lives_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('uo_buyer'), :'gig'),
    'the fifth order of the hour is opened'
);
select tests.authenticate_as('uo_buyer');
select abandon_checkout(o.id) from public.orders as o
where o.buyer_id = tests.get_user_id('uo_buyer') and o.status = 'pending_payment';
select tests.authenticate_as_service_role();
select throws_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('uo_buyer'), :'gig'),
    '53400', 'you opened 5 checkouts in the last hour: try again later',
    'a sixth in the same hour is refused even with nothing unpaid'
);
select tests.clear_authentication();
update public.orders set created_at = created_at - interval '61 minutes'
where buyer_id = tests.get_user_id('uo_buyer');
select tests.authenticate_as_service_role();
select lives_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('uo_buyer'), :'gig'),
    'an hour later the buyer orders again'
);
select tests.authenticate_as('uo_buyer');
select throws_ok('select set_max_checkouts_per_hour(500)', '42501', null, 'a buyer cannot change the hourly cap');

select * from finish();
rollback;
