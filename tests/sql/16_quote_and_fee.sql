-- Pricing: the quote is computed from stored packages and extras only, the fee is
-- subtotal x bps / 10000 rounded half up, and every way to ask for an impossible order
-- is refused with a reason.
begin;
select plan(20);

select tests.create_user('qf_buyer');
select tests.create_user('qf_seller');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('qf_seller'), 'verified');
insert into public.categories (slug, name) values ('qf-category', 'Quotes');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('qf_seller'), (select id from public.categories where slug = 'qf-category'),
        'I will price your order to the cent')
returning id as gig \gset
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('qf_seller'), (select id from public.categories where slug = 'qf-category'),
        'I will stay a draft forever and ever')
returning id as draft \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days, revisions_included)
values
(:'gig', 'basic', 'Basic', 1004, 'USD', 3, 1),
(:'gig', 'premium', 'Premium', 9999, 'USD', 7, 4),
(:'draft', 'basic', 'Basic', 1000, 'USD', 3, 1);
insert into public.gig_extras (gig_id, title, price_cents, currency, extra_delivery_days, max_quantity)
values (:'gig', 'Express', 250, 'USD', 0, 2), (:'gig', 'Source files', 1000, 'USD', 2, 1);
select id as express from public.gig_extras where gig_id = :'gig' and title = 'Express' \gset
select id as last_extra from public.gig_extras where gig_id = :'gig' and title = 'Source files' \gset
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select set_platform_fee_bps(1250);
select tests.authenticate_as('qf_buyer');

select quote_order(:'gig', 'basic', format('[{"extra_id": "%s", "quantity": 2}, {"extra_id": "%s", "quantity": 1}]', :'express', :'last_extra')::jsonb) as quote \gset
select is((:'quote'::jsonb ->> 'subtotal_cents')::integer, 1004 + 2 * 250 + 1000, 'the subtotal is the package plus each extra times its quantity');
select is((:'quote'::jsonb ->> 'platform_fee_cents')::integer, 313, 'the fee is 12.5% of 2504 = 313.0, exact');
select is((:'quote'::jsonb ->> 'seller_net_cents')::integer, 2504 - 313, 'the seller nets the rest');
select is((:'quote'::jsonb ->> 'delivery_days')::integer, 5, 'delivery days add the extras'' days');
select is(jsonb_array_length(:'quote'::jsonb -> 'extras'), 2, 'each extra is a line of the quote');

select is((quote_order(:'gig', 'basic') ->> 'platform_fee_cents')::integer, 126, '12.5% of 1004 = 125.5 rounds half up to 126');
select is((quote_order(:'gig', 'premium') ->> 'platform_fee_cents')::integer, 1250, '12.5% of 9999 = 1249.875 rounds to 1250');
select is((quote_order(:'gig', 'premium') ->> 'revisions_included')::integer, 4, 'the quote carries the package''s revisions');

select throws_ok(
    format('select quote_order(%L, ''basic'')', :'draft'), 'P0002', null,
    'a buyer cannot tell a draft from a gig that does not exist'
);
select throws_ok(format('select quote_order(%L, ''standard'')', :'gig'), 'P0002', null, 'a tier the gig does not offer is refused');
select throws_ok($$ select quote_order(gen_random_uuid(), 'basic') $$, 'P0002', null, 'an unknown gig is refused');
select throws_ok(format('select quote_order(%L, ''basic'', ''[{"extra_id": "%s", "quantity": 3}]'')', :'gig', :'express'), '22023', null, 'a quantity above max_quantity is refused');
select throws_ok(format('select quote_order(%L, ''basic'', ''[{"extra_id": "%s", "quantity": 1}, {"extra_id": "%s", "quantity": 1}]'')', :'gig', :'express', :'express'), '22023', null, 'the same extra twice is refused');
select throws_ok(format('select quote_order(%L, ''basic'', ''[{"extra_id": "%s", "quantity": 1}]'')', :'gig', gen_random_uuid()), 'P0002', null, 'an extra of another gig is refused');
select throws_ok(format('select quote_order(%L, ''basic'', ''{"price_cents": 1}'')', :'gig'), '22023', null, 'extras that are not a list are refused');

select tests.authenticate_as_anon();
select throws_ok(
    format('select quote_order(%L, ''basic'')', :'draft'), 'P0002', null,
    'nor can a visitor: the draft "does not exist" for them'
);
select tests.authenticate_as('qf_seller');
select throws_ok(
    format('select quote_order(%L, ''basic'')', :'draft'), '55000', null,
    'its own seller is told the draft cannot be bought yet'
);
select throws_ok(format('select quote_order(%L, ''basic'')', :'gig'), '22023', 'sellers cannot buy their own gig', 'a seller cannot buy their own gig');

select tests.authenticate_as_service_role();
select create_pending_order(tests.get_user_id('qf_buyer'), :'gig', 'basic') as pending \gset
select set_platform_fee_bps(2000);
select is(
    (select fee_bps || ' ' || fee_cents from public.orders where id = (:'pending'::public.orders).id),
    '1250 126',
    'an order keeps the fee of its purchase time when the setting changes'
);

select tests.authenticate_as_service_role();
select throws_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('qf_buyer'), :'draft'), 'P0002', null,
    'the worker''s checkout, which sees every gig, cannot open an order of a draft either'
);

select * from finish();
rollback;
