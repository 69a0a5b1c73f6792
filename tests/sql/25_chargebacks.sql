-- A buyer's bank takes a payment back (a Whop dispute). The order freezes while it is open;
-- won, the seller keeps the money; lost, the money goes back: the seller loses their share
-- and, by the operator's policy, also bears the platform fee the bank took. Money the
-- seller had already withdrawn becomes a debt, shown to them and to admins, that later
-- earnings pay first; available is never negative.
--
-- Every order: 100.00 USD, platform fee 10% = 10.00, seller's share 90.00.
begin;
select plan(20);

select tests.create_user('cb_buyer');
select tests.create_user('cb_seller');
select tests.create_user('cb_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('cb_seller'), 'verified', 'biz_cbSeller');
insert into public.categories (slug, name) values ('cb-category', 'Chargebacks');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('cb_seller'), (select id from public.categories where slug = 'cb-category'),
        'I will deliver work some buyers later dispute')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 10000, 'USD', 3);
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select id as ord_withdrawn from create_pending_order(tests.get_user_id('cb_buyer'), :'gig', 'basic') \gset
select id as ord_seller_fee from create_pending_order(tests.get_user_id('cb_buyer'), :'gig', 'basic') \gset
select id as ord_won from create_pending_order(tests.get_user_id('cb_buyer'), :'gig', 'basic') \gset
select tests.pay_order(:'ord_withdrawn', 'pay_cb_withdrawn');
select tests.pay_order(:'ord_seller_fee', 'pay_cb_seller_fee');
select tests.pay_order(:'ord_won', 'pay_cb_won');

-- The first order is completed long ago and its 90.00 paid out to the seller.
select tests.authenticate_as('cb_seller');
select public.start_order(:'ord_withdrawn');
select public.deliver_order(:'ord_withdrawn', 'Done', '[]');
select tests.authenticate_as('cb_buyer');
select public.accept_delivery(:'ord_withdrawn');
select tests.clear_authentication();
update public.orders set completed_at = now() - interval '30 days' where id = :'ord_withdrawn';
insert into public.withdrawals (seller_id, amount_cents, currency, status)
values (tests.get_user_id('cb_seller'), 9000, 'USD', 'completed');
select tests.authenticate_as('cb_seller');
select public.start_order(:'ord_seller_fee');
select public.start_order(:'ord_won');

create function pg_temp.dispute(dispute_id text, payment_id text, status text) returns text language sql as $$
    select public.apply_whop_dispute(jsonb_build_object(
        'id', dispute_id, 'status', status, 'amount', 100.00, 'currency', 'usd', 'reason', 'fraudulent',
        'needs_response_by', '2027-01-01T00:00:00Z', 'payment', jsonb_build_object('id', payment_id)
    ))::text
$$;
create function pg_temp.balance() returns text language sql as $$
    select format('pending %s available %s debt %s', pending_cents, available_cents, debt_cents)
    from public.seller_balance(tests.get_user_id('cb_seller')) where currency = 'USD'
$$;

select tests.authenticate_as_service_role();
select is(pg_temp.balance(), 'pending 18000 available 0 debt 0', 'before: two orders in progress, the cleared one paid out');

-- Chargebacks open: each order freezes.
select is(pg_temp.dispute('dspt_cb_withdrawn', 'pay_cb_withdrawn', 'needs_response'), 'processed', 'a chargeback on the completed order is recorded');
select is(pg_temp.dispute('dspt_cb_seller_fee', 'pay_cb_seller_fee', 'needs_response'), 'processed', 'a chargeback on an order in progress is recorded');
select is(pg_temp.dispute('dspt_cb_won', 'pay_cb_won', 'needs_response'), 'processed', 'a third chargeback is recorded');
select is(
    (select array_agg(status::text order by id) from public.orders where id in (:'ord_withdrawn', :'ord_seller_fee', :'ord_won')),
    array['disputed', 'disputed', 'disputed'],
    'every charged-back order is disputed'
);
select tests.authenticate_as('cb_admin');
select is(
    (select count(*)::integer from public.admin_open_chargebacks where whop_dispute_id like 'dspt_cb_%' and not early_warning),
    3,
    'admins see the three open chargebacks with their deadlines'
);

-- Lost, the platform bearing the fee (the default): the seller loses the 90.00 they had
-- already withdrawn, which becomes a debt.
select tests.authenticate_as_service_role();
select is(pg_temp.dispute('dspt_cb_withdrawn', 'pay_cb_withdrawn', 'lost'), 'processed', 'the lost chargeback is recorded');
select is(
    (select format('%s %s %s %s', status, refunded_cents, fee_refunded_cents, net_refunded_cents) from public.orders where id = :'ord_withdrawn'),
    'refunded 10000 1000 9000',
    'the order is refunded: all 100.00 back, 10.00 of it the fee, 90.00 the seller''s share'
);
select is(pg_temp.balance(), 'pending 18000 available 0 debt 9000', 'the withdrawn 90.00 is now the seller''s debt');
select tests.authenticate_as('cb_admin');
select results_eq(
    $$ select username, currency, debt_cents from public.admin_seller_debts where username = 'cb_seller' $$,
    $$ values ('cb_seller', 'USD', 9000::bigint) $$,
    'admins see the seller''s debt'
);

-- Lost with the seller bearing the fee: the seller's share is clawed back and the 10.00
-- fee charged to them.
select tests.authenticate_as_service_role();
select is(set_chargeback_fee_policy('seller'), 'seller', 'the operator makes sellers bear the fee of lost chargebacks');
select is(pg_temp.dispute('dspt_cb_seller_fee', 'pay_cb_seller_fee', 'lost'), 'processed', 'the second chargeback is lost');
select results_eq(
    format($$ select amount_cents, reason from public.seller_adjustments where order_id = %L $$, :'ord_seller_fee'),
    $$ values (-1000, 'platform fee of a lost chargeback') $$,
    'the seller is charged the 10.00 fee'
);
select is(pg_temp.balance(), 'pending 9000 available 0 debt 10000', 'their debt grows by the fee; the lost order''s earnings are gone');

-- Won: the seller keeps the money and the order closes.
select is(pg_temp.dispute('dspt_cb_won', 'pay_cb_won', 'won'), 'processed', 'the third chargeback is won');
select is((select status::text from public.orders where id = :'ord_won'), 'completed', 'a won chargeback completes the order');
select is(
    (select count(*)::integer from public.admin_open_chargebacks where whop_dispute_id like 'dspt_cb_%'),
    0,
    'no chargeback is open any more'
);

-- Later earnings pay the debt first.
select tests.clear_authentication();
update public.orders set completed_at = now() - interval '30 days' where id = :'ord_won';
select tests.authenticate_as('cb_seller');
select is(
    pg_temp.balance(),
    'pending 0 available 0 debt 1000',
    'the won order''s 90.00 clears and pays 90.00 of the 100.00 debt; nothing is spendable'
);
select throws_ok(
    format('select public.request_withdrawal(%L, 100)', tests.get_user_id('cb_seller')),
    '42501', null, 'a seller cannot call the worker''s withdrawal function'
);
select tests.authenticate_as_service_role();
select throws_ok(
    format('select public.request_withdrawal(%L, 100)', tests.get_user_id('cb_seller')),
    '55000', 'withdrawal of 100 exceeds the available 0 USD', 'a seller in debt cannot withdraw'
);

select * from finish();
rollback;
