-- Attack (operators' tools): a suspended seller still gets paid. Before the suspension a
-- buyer (or the seller's accomplice) opens checkouts for the seller's gig; the seller is
-- suspended ("their gigs cannot be bought, no new orders"); the Whop checkout pages are
-- still open and the buyer pays one. The payment passes every check (checkout, company,
-- total, fee) and the order becomes a paid, working order of the suspended seller: the
-- gig was bought after all. The same holds for a gig taken down after its checkout
-- opened. Expected: a payment arriving for such an order does not start a working order
-- for the suspended seller or the taken-down gig (giving up such checkouts on suspension
-- or take-down, so a late payment is refunded in full as for any given-up checkout,
-- would do).
begin;
select plan(5);

select tests.create_user('as_admin', '{"user_role": "admin"}');
select tests.create_user('as_buyer');
select tests.create_user('as_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('as_seller'), 'verified', 'biz_asSellerCo01');
insert into public.categories (slug, name) values ('as-category', 'Attack: paid after suspension');
insert into public.gigs (seller_id, category_id, title)
values
(tests.get_user_id('as_seller'), (select id from public.categories where slug = 'as-category'),
 'I will sell this even once suspended'),
(tests.get_user_id('as_seller'), (select id from public.categories where slug = 'as-category'),
 'I will sell this even once taken down');
select id as gig from public.gigs where title = 'I will sell this even once suspended' \gset
select id as other_gig from public.gigs where title = 'I will sell this even once taken down' \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 4200, 'USD', 3), (:'other_gig', 'basic', 'Basic', 4200, 'USD', 3);
update public.gigs set status = 'published' where id in (:'gig', :'other_gig');

-- Checkouts opened while everything was in order.
select tests.authenticate_as_service_role();
select id as ord from create_pending_order(tests.get_user_id('as_buyer'), :'gig', 'basic') \gset
select attach_checkout(:'ord', 'ch_asSuspended');
select id as taken from create_pending_order(tests.get_user_id('as_buyer'), :'other_gig', 'basic') \gset
select attach_checkout(:'taken', 'ch_asTakenDown');

-- The operators act.
select tests.authenticate_as('as_admin');
select public.take_down_gig(:'other_gig', 'Counterfeit goods');
select public.suspend_seller(tests.get_user_id('as_seller'), 'Fraud');

-- Whop's payments for the open checkouts arrive afterwards.
select tests.authenticate_as_service_role();
select format(
    '{"type": "payment.succeeded", "api_version": "v1",
      "data": {"id": "%s", "status": "paid", "substatus": "succeeded", "total": 42,
               "currency": "usd", "checkout_configuration_id": "%s", "company": {"id": "biz_asSellerCo01"},
               "application_fee": {"amount": 4.2}, "metadata": {"gigflow_order_id": "%s"}}}',
    'pay_asSuspended01', 'ch_asSuspended', :'ord'
) as payload \gset
select event_id as ev from ingest_whop_event('msg_asSuspended000000000001', :'payload') \gset
select process_whop_event(:'ev');
select format(
    '{"type": "payment.succeeded", "api_version": "v1",
      "data": {"id": "%s", "status": "paid", "substatus": "succeeded", "total": 42,
               "currency": "usd", "checkout_configuration_id": "%s", "company": {"id": "biz_asSellerCo01"},
               "application_fee": {"amount": 4.2}, "metadata": {"gigflow_order_id": "%s"}}}',
    'pay_asTakenDown01', 'ch_asTakenDown', :'taken'
) as payload2 \gset
select event_id as ev2 from ingest_whop_event('msg_asTakenDown000000000001', :'payload2') \gset
select process_whop_event(:'ev2');

select tests.clear_authentication();
select isnt(
    (select status::text from public.orders where id = :'ord'),
    'awaiting_requirements',
    'a checkout paid after its seller was suspended does not become a working order'
);
select isnt(
    (select status::text from public.orders where id = :'taken'),
    'awaiting_requirements',
    'a checkout paid after its gig was taken down does not become a working order'
);

select is(
    (select format('%s %s', o.status, r.amount_cents) from public.orders as o
     join public.refunds as r on r.order_id = o.id where o.id = :'ord'),
    'cancelled 4200',
    'the suspended seller''s late payment is refunded in full, the order cancelled'
);
select is(
    (select format('%s %s', o.status, r.amount_cents) from public.orders as o
     join public.refunds as r on r.order_id = o.id where o.id = :'taken'),
    'cancelled 4200',
    'so is the taken-down gig''s'
);
select is(
    (select pg_catalog.array_agg((details ->> 'unpaid_orders_given_up')::integer order by id)
     from public.admin_actions where action in ('take_down_gig', 'suspend_seller')),
    array[1, 1],
    'the audit log says how many unpaid orders each action gave up'
);

select * from finish();
rollback;
