-- A seller's public page as buyers see it: opened by become_seller (the caller's own
-- account, never someone else's, never verified by the user), following the account's
-- headline and KYC result, and counting completed orders.
begin;
select plan(10);

select tests.create_user('sp_seller');
select tests.create_user('sp_buyer');
insert into public.categories (slug, name) values ('sp-category', 'Seller pages');

select tests.authenticate_as_anon();
select throws_ok($$ select public.become_seller('Hello') $$, '42501', null, 'a visitor cannot become a seller');

select tests.authenticate_as('sp_seller');
select throws_ok(
    format($$ select public.become_seller(%L) $$, repeat('x', 121)),
    '22023', null, 'a headline is at most 120 characters'
);
select results_eq(
    $$ select user_id, kyc_status::text, payout_enabled from public.become_seller('Logos that last') $$,
    $$ select tests.get_user_id('sp_seller'), 'unstarted', false $$,
    'a user opens their own seller account, unverified and without payouts'
);
select throws_ok($$ select public.become_seller('Again') $$, '23505', null, 'a seller cannot open a second account');
select throws_ok(
    $$ insert into public.seller_accounts (user_id, kyc_status) values (auth.uid(), 'verified') $$,
    '42501', null, 'a user cannot write their own KYC state'
);

select tests.authenticate_as('sp_buyer');
select results_eq(
    $$ select username, headline, verified, completed_orders from public.seller_profiles
       where seller_id = tests.get_user_id('sp_seller') $$,
    $$ values ('sp_seller', 'Logos that last', false, 0) $$,
    'another user reads the new seller''s public page'
);

select tests.authenticate_as('sp_seller');
update public.seller_accounts set headline = 'Logos that last, fast' where user_id = auth.uid();
select tests.authenticate_as_service_role();
select public.set_seller_kyc_status(tests.get_user_id('sp_seller'), 'verified');
select tests.authenticate_as_anon();
select results_eq(
    $$ select headline, verified from public.seller_profiles where username = 'sp_seller' $$,
    $$ values ('Logos that last, fast', true) $$,
    'the public page follows the headline and the KYC result'
);

-- An order of the seller's completes: the page counts it.
select tests.clear_authentication();
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('sp_seller'), (select id from public.categories where slug = 'sp-category'),
    'I will design a logo that lasts')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 5000, 'USD', 3);
insert into public.gig_events (gig_id, action, actor) values (:'gig', 'submit', 'seller');
insert into public.gig_events (gig_id, action, actor) values (:'gig', 'publish', 'admin');
select tests.authenticate_as_service_role();
select id as order_id from public.create_pending_order(tests.get_user_id('sp_buyer'), :'gig', 'basic') \gset
select tests.pay_order(:'order_id', 'pay_sp');
select tests.authenticate_as('sp_seller');
select public.start_order(:'order_id');
select public.deliver_order(:'order_id', 'Done', '[]');
select tests.authenticate_as('sp_buyer');
select public.accept_delivery(:'order_id');
select tests.authenticate_as_anon();
select is(
    (select completed_orders from public.seller_profiles where username = 'sp_seller'),
    1,
    'a completed order is counted on the seller''s page'
);
select is(
    (select completed_orders from public.seller_profiles where username = 'sp_buyer'),
    null,
    'a buyer has no seller page'
);
select throws_ok(
    $$ select count(*) from public.seller_accounts $$,
    '42501', null, 'a visitor reads no seller account at all'
);

select * from finish();
rollback;
