-- Ordering more than one (issue 22): a buyer orders a package in a quantity from 1 up to
-- the most the seller allows for it (max_quantity, 1 unless set), priced in SQL: unit
-- price x quantity, plus extras as before, and the fee (10% unless set) on that total,
-- rounded half up to the cent. Every expected amount below is worked out by hand from
-- that rule. The quote shows the quantity and the order keeps it.
begin;
select plan(33);

select tests.create_user('mq_buyer');
select tests.create_user('mq_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('mq_seller'), 'verified', 'biz_mq_seller');
insert into public.categories (slug, name) values ('mq-category', 'Quantities');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('mq_seller'), (select id from public.categories where slug = 'mq-category'),
        'I will write product descriptions by the dozen')
returning id as gig \gset
-- basic: 19.99, up to 5; standard: 15.97, up to 5; premium: left at the default (1).
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days, max_quantity)
values
(:'gig', 'basic', 'One description', 1999, 'USD', 3, 5),
(:'gig', 'standard', 'One long description', 1597, 'USD', 4, 5);
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'premium', 'A catalogue', 99999, 'USD', 9);
insert into public.gig_extras (gig_id, title, price_cents, currency, extra_delivery_days, max_quantity)
values (:'gig', 'Express', 500, 'USD', 0, 2), (:'gig', 'SEO keywords', 1000, 'USD', 1, 1);
select id as express from public.gig_extras where gig_id = :'gig' and title = 'Express' \gset
select id as keywords from public.gig_extras where gig_id = :'gig' and title = 'SEO keywords' \gset
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as('mq_buyer');
-- 3 x 19.99 = 59.97; extras 2 x 5.00 + 1 x 10.00 = 20.00; subtotal 79.97;
-- fee 10% = 7.997 -> 8.00; the seller nets 71.97.
select quote_order(
    :'gig', 'basic',
    format('[{"extra_id": "%s", "quantity": 2}, {"extra_id": "%s", "quantity": 1}]', :'express', :'keywords')::jsonb,
    3
) as quote \gset
select is((:'quote'::jsonb ->> 'quantity')::integer, 3, 'the quote shows the quantity');
select is((:'quote'::jsonb ->> 'max_quantity')::integer, 5, 'and the most one order may buy');
select is((:'quote'::jsonb ->> 'package_price_cents')::integer, 1999, 'the package''s unit price');
select is((:'quote'::jsonb ->> 'package_total_cents')::integer, 5997, '3 x 19.99 = 59.97');
select is((:'quote'::jsonb ->> 'extras_cents')::integer, 2000, 'extras as before: 2 x 5.00 + 10.00 = 20.00');
select is((:'quote'::jsonb ->> 'subtotal_cents')::integer, 7997, 'the subtotal is 59.97 + 20.00 = 79.97');
select is((:'quote'::jsonb ->> 'total_cents')::integer, 7997, 'which is what the buyer pays');
select is((:'quote'::jsonb ->> 'platform_fee_cents')::integer, 800, 'the fee is 10% of 79.97 = 7.997, rounded to 8.00');
select is((:'quote'::jsonb ->> 'seller_net_cents')::integer, 7197, 'the seller nets 79.97 - 8.00 = 71.97');
select is(
    (:'quote'::jsonb ->> 'delivery_days')::integer, 4,
    'delivery days are the package''s plus the extras'', as before'
);

-- Half up on the total, not per unit: 5 x 15.97 = 79.85, 10% = 7.985 -> 7.99 (half to
-- even would give 7.98; five fees of 1.597 -> 1.60 would give 8.00).
select is(
    (quote_order(:'gig', 'standard', '[]', 5) ->> 'platform_fee_cents')::integer, 799,
    'the fee is taken half up on the total: 10% of 79.85 = 7.985 -> 7.99'
);
select is(
    (quote_order(:'gig', 'standard', '[]', 5) ->> 'seller_net_cents')::integer, 7186,
    'and the seller nets 79.85 - 7.99 = 71.86'
);
select tests.authenticate_as_service_role();
select set_platform_fee_bps(1250);
select tests.authenticate_as('mq_buyer');
-- 4 x 19.99 = 79.96 + 5.00 = 84.96; 12.5% = 10.62 exactly.
select is(
    (quote_order(:'gig', 'basic', format('[{"extra_id": "%s", "quantity": 1}]', :'express')::jsonb, 4)
        ->> 'platform_fee_cents')::integer,
    1062,
    'at 12.5%: 4 x 19.99 + 5.00 = 84.96, fee 10.62'
);
-- 2 x 19.99 = 39.98; 12.5% = 4.9975 -> 5.00.
select is(
    (quote_order(:'gig', 'basic', '[]', 2) ->> 'platform_fee_cents')::integer, 500,
    'at 12.5%: 2 x 19.99 = 39.98, fee 4.9975 -> 5.00'
);
select tests.authenticate_as_service_role();
select set_platform_fee_bps(1000);
select tests.authenticate_as('mq_buyer');

-- One unless asked: every existing call keeps its meaning.
select results_eq(
    format('select (q ->> ''quantity'')::integer, (q ->> ''subtotal_cents'')::integer from quote_order(%L, ''basic'') as q', :'gig'),
    $$ values (1, 1999) $$,
    'without a quantity the quote is for one'
);
select results_eq(
    format(
        'select (q ->> ''quantity'')::integer, (q ->> ''subtotal_cents'')::integer from quote_order(%L, ''basic'', ''[{"extra_id": "%s", "quantity": 1}]'') as q',
        :'gig', :'express'
    ),
    $$ values (1, 2499) $$,
    'nor with extras and no quantity'
);

-- Quantities outside 1..max_quantity are refused with the reason.
select throws_ok(
    format('select quote_order(%L, ''basic'', ''[]'', 6)', :'gig'),
    '22023', 'quantity 6 is outside 1..5, what one order may buy of the basic package',
    'more than the package''s max_quantity is refused'
);
select throws_ok(
    format('select quote_order(%L, ''premium'', ''[]'', 2)', :'gig'),
    '22023', null, 'a package the seller left at the default sells one per order'
);
select throws_ok(format('select quote_order(%L, ''basic'', ''[]'', 0)', :'gig'), '22023', null, 'zero is refused');
select throws_ok(format('select quote_order(%L, ''basic'', ''[]'', -2)', :'gig'), '22023', null, 'so is a negative quantity');
select throws_ok(format('select quote_order(%L, ''basic'', ''[]'', null)', :'gig'), '22004', null, 'and a null one');

-- The order keeps what the quote showed. (Room for this buyer's unpaid orders below.)
select tests.authenticate_as_service_role();
select set_max_unpaid_orders(10);
select * from create_pending_order(
    tests.get_user_id('mq_buyer'), :'gig', 'basic',
    format('[{"extra_id": "%s", "quantity": 2}, {"extra_id": "%s", "quantity": 1}]', :'express', :'keywords')::jsonb,
    '{}', 3
) \gset created_
select results_eq(
    format(
        'select quantity, package_price_cents, extras_cents, subtotal_cents, fee_cents, seller_net_cents '
        'from public.orders where id = %L',
        :'created_id'
    ),
    $$ values (3, 1999, 2000, 7997, 800, 7197) $$,
    'the order stores the quantity, the unit price and the totals of the quote'
);
select results_eq(
    format(
        'select (p -> ''order'' ->> ''quantity'')::integer, (p -> ''order'' ->> ''subtotal_cents'')::integer '
        'from prepare_checkout(%L, %L, ''standard'', quantity => 5) as p',
        tests.get_user_id('mq_buyer'), :'gig'
    ),
    $$ values (5, 7985) $$,
    'the worker''s checkout takes a quantity too'
);
select is(
    (select quantity from create_pending_order(tests.get_user_id('mq_buyer'), :'gig', 'basic')),
    1,
    'and an order made without one is for one'
);
select throws_ok(
    format('select create_pending_order(%L, %L, ''basic'', ''[]'', ''{}'', 6)', tests.get_user_id('mq_buyer'), :'gig'),
    '22023', null, 'an order above max_quantity is refused'
);
select is(
    (select count(*)::integer from public.orders where gig_id = :'gig'),
    3,
    'and nothing of it is written'
);
select tests.clear_authentication();
select throws_ok(
    format('update public.orders set quantity = 2 where id = %L', :'created_id'),
    '23514', null, 'an order''s subtotal is always unit price x quantity + extras'
);

-- The seller sets max_quantity, and changing it is an edit buyers must not see unreviewed.
select tests.authenticate_as('mq_seller');
select throws_ok(
    format('update public.gig_packages set max_quantity = 101 where gig_id = %L and tier = ''basic''', :'gig'),
    '23514', null, 'max_quantity is at most 100'
);
select results_eq(
    format(
        'update public.gig_packages set max_quantity = 10 where gig_id = %L and tier = ''premium'' returning max_quantity',
        :'gig'
    ),
    $$ values (10) $$,
    'the seller sets a package''s max_quantity'
);
select is(
    (select status::text from public.gigs where id = :'gig'),
    'review',
    'which sends the live gig back to review, as any change buyers see'
);
select tests.authenticate_as_service_role();
select publish_gig(:'gig');
select tests.authenticate_as('mq_buyer');
select is(
    (quote_order(:'gig', 'premium', '[]', 10) ->> 'subtotal_cents')::integer,
    999990,
    'once published, up to the new maximum can be ordered: 10 x 999.99 = 9,999.90'
);
select is(
    (select max_quantity from public.gig_packages where gig_id = :'gig' and tier = 'premium'),
    10,
    'buyers read max_quantity with the package'
);
select is(
    (get_gig(gig_id => :'gig') -> 'packages' -> 2 ->> 'max_quantity')::integer,
    10,
    'and on the gig page, with each package'
);

select * from finish();
rollback;
