-- An attacker with a Whop account of their own tries to get an order marked paid without
-- paying the seller and the platform what the order says: a payment made through their
-- own checkout or company, for less, in another currency, without the platform's fee, or
-- a second time. Whop signs each of these deliveries correctly (they are real payments);
-- every one names the victim order in its metadata. None may move the order: each is
-- quarantined for an admin with the reason, and money that reached Whop goes back only
-- when an admin says so.
--
-- The order: 100.00 USD, the seller's company biz_paSeller, its checkout ch_pa_<name>,
-- the platform fee 10% = 10.00 (DESIGN: subtotal x fee_bps / 10000, default 1000 bps).
begin;
-- This file keeps many unpaid orders of one buyer open at once (26_unpaid_orders tests the cap).
update private.platform_settings set max_unpaid_orders = 50, max_checkouts_per_hour = 1000;
select plan(42);

select tests.create_user('pa_buyer');
select tests.create_user('pa_attacker');
select tests.create_user('pa_seller');
select tests.create_user('pa_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values
(tests.get_user_id('pa_seller'), 'verified', 'biz_paSeller'),
(tests.get_user_id('pa_attacker'), 'verified', 'biz_paAttacker');
insert into public.categories (slug, name) values ('pa-category', 'Payments');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('pa_seller'), (select id from public.categories where slug = 'pa-category'),
        'I will take payments only through my own checkout')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 10000, 'USD', 3);
update public.gigs set status = 'published' where id = :'gig';

create temporary table pa_orders (name text primary key, id uuid not null);
grant select, insert on pa_orders to anon, authenticated, service_role;
select tests.authenticate_as_service_role();
insert into pa_orders
select n.name, (public.create_pending_order(tests.get_user_id('pa_buyer'), :'gig', 'basic')).id
from unnest(array[
    'company', 'checkout', 'fee', 'total', 'currency', 'honest', 'reconciled', 'no_checkout',
    'failed_elsewhere', 'failed_own'
]) as n (name);
select public.attach_checkout(o.id, 'ch_pa_' || o.name) from pa_orders as o where o.name <> 'no_checkout';

-- The payment Whop reports for an order, as the honest buyer would make it, with the
-- attacker's changes laid over it.
create function pg_temp.payment(order_name text, payment_id text, changes jsonb default '{}')
returns jsonb language sql as $$
    select jsonb_build_object(
        'id', payment_id, 'status', 'paid', 'substatus', 'succeeded',
        'total', 100.00, 'subtotal', 100.00, 'currency', 'usd',
        'company', jsonb_build_object('id', 'biz_paSeller'),
        'checkout_configuration_id', 'ch_pa_' || order_name,
        'application_fee', jsonb_build_object('amount', 10.00, 'currency', 'usd'),
        'metadata', jsonb_build_object('gigflow_order_id', (select id from pa_orders where name = order_name))
    ) || changes
$$;
create function pg_temp.order_state(order_name text) returns text language sql as $$
    select format('%s %s %s', o.status, coalesce(o.whop_payment_id, '-'), o.fee_cents)
    from public.orders as o where o.id = (select id from pa_orders where name = order_name)
$$;

-- Each attack, as a payment.succeeded the webhook inbox hands to apply_whop_payment.
select is(
    apply_whop_payment(pg_temp.payment('company', 'pay_pa_company', '{"company": {"id": "biz_paAttacker"}}'))::text,
    'quarantined',
    'a payment into the attacker''s own company that names the order is quarantined'
);
select is(pg_temp.order_state('company'), 'pending_payment - 1000', 'and the order stays unpaid');
select is(
    apply_whop_payment(pg_temp.payment('checkout', 'pay_pa_checkout', '{"checkout_configuration_id": "ch_attackers_own"}'))::text,
    'quarantined',
    'a payment through a checkout the attacker made, naming the order, is quarantined'
);
select is(
    apply_whop_payment(pg_temp.payment('fee', 'pay_pa_fee', '{"application_fee": {"amount": 0}}'))::text,
    'quarantined',
    'a payment that carries no platform fee is quarantined'
);
select is(
    apply_whop_payment(pg_temp.payment('fee', 'pay_pa_fee_missing', '{"application_fee": null}'))::text,
    'quarantined',
    'a payment whose application fee is left out is quarantined'
);
select is(
    apply_whop_payment(pg_temp.payment('total', 'pay_pa_total', '{"total": 1.00, "subtotal": 1.00}'))::text,
    'quarantined',
    'a payment of 1.00 for a 100.00 order is quarantined'
);
select is(
    apply_whop_payment(pg_temp.payment('currency', 'pay_pa_currency', '{"currency": "jpy"}'))::text,
    'quarantined',
    'a payment of 100 yen for a 100.00 USD order is quarantined'
);
select is(
    apply_whop_payment(pg_temp.payment('no_checkout', 'pay_pa_no_checkout'))::text,
    'quarantined',
    'a payment for an order that never had a checkout is quarantined'
);
select is(
    (select array_agg(pg_temp.order_state(name) order by name) from pa_orders
     where name in ('company', 'checkout', 'fee', 'total', 'currency', 'no_checkout')),
    array_fill('pending_payment - 1000'::text, array[6]),
    'no attacked order moved'
);
select is(
    (select count(*)::integer from public.order_events
     where order_id in (select id from pa_orders) and action = 'pay'),
    0,
    'and none has a pay event'
);

-- What the admin is told: each reason in the order's own terms.
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_pa_company'),
    array['paid to company biz_paAttacker, not the seller''s'],
    'the company quarantine names the company'
);
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_pa_checkout'),
    array['paid through checkout ch_attackers_own, not the order''s checkout ch_pa_checkout'],
    'the checkout quarantine names both checkouts'
);
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_pa_fee'),
    array['an application fee of 0 cents, not the order''s 1000'],
    'the fee quarantine names both fees'
);
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_pa_total'),
    array['a total of 100 cents, not the order''s 10000'],
    'the total quarantine names both totals'
);
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_pa_currency'),
    array['paid in jpy, not USD'],
    'the currency quarantine names both currencies'
);

-- The honest payment still goes through, and a second payment for it does not count.
select is(apply_whop_payment(pg_temp.payment('honest', 'pay_pa_honest'))::text, 'processed', 'the buyer''s own payment is applied');
select is(pg_temp.order_state('honest'), 'awaiting_requirements pay_pa_honest 1000', 'the order is paid with the 10.00 fee');
select is(
    apply_whop_payment(pg_temp.payment('honest', 'pay_pa_honest'))::text,
    'ignored',
    'the same payment delivered again changes nothing'
);
select is(
    apply_whop_payment(pg_temp.payment('honest', 'pay_pa_twice'))::text,
    'quarantined',
    'a second payment for an order already paid is quarantined, not booked'
);
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_pa_twice'),
    array[format('order %s was already paid by payment pay_pa_honest', (select id from pa_orders where name = 'honest'))],
    'the second payment''s quarantine says the order was already paid'
);

-- The same rule on the checkout return page and reconciliation: Whop's list of the
-- checkout's payments goes through the same check.
select is(
    apply_whop_checkout_payments(
        (select id from pa_orders where name = 'reconciled'),
        jsonb_build_array(pg_temp.payment('reconciled', 'pay_pa_reconciled', '{"application_fee": {"amount": 1.00}}'))
    ),
    'quarantined',
    'a reconciled payment with a 1.00 fee for a 10.00 fee order is quarantined'
);
select is(pg_temp.order_state('reconciled'), 'pending_payment - 1000', 'and the order stays unpaid');
select is(
    apply_whop_payment(pg_temp.payment('total', 'pay_pa_total', '{"total": 1.00, "subtotal": 1.00}'))::text,
    'quarantined',
    'a quarantined payment delivered again stays quarantined'
);

-- Who sees quarantined payments, and who decides them.
select tests.authenticate_as('pa_buyer');
select is((select count(*)::integer from public.admin_quarantined_payments), 0, 'the buyer sees no quarantined payment');
select throws_ok(
    $$ select decide_quarantined_payment('pay_pa_total', 'keep') $$,
    'P0002', null, 'the buyer cannot decide one'
);
select tests.authenticate_as('pa_attacker');
select throws_ok(
    $$ select decide_quarantined_payment('pay_pa_company', 'keep') $$,
    'P0002', null, 'the attacker cannot decide to keep their own'
);
select tests.authenticate_as('pa_seller');
select is((select count(*)::integer from public.quarantined_payments), 0, 'the seller reads none');

select tests.authenticate_as('pa_admin');
select is(
    (select count(*)::integer from public.admin_quarantined_payments where order_id in (select id from pa_orders)),
    9,
    'an admin sees every quarantined payment of these orders'
);
select throws_ok(
    $$ select decide_quarantined_payment('pay_pa_total', 'maybe') $$,
    '22023', 'decision must be refund or keep', 'a decision is refund or keep'
);
select is(
    (decide_quarantined_payment('pay_pa_total', 'refund')).decision,
    'refund',
    'the admin decides to send the 1.00 back'
);
select throws_ok(
    $$ select decide_quarantined_payment('pay_pa_total', 'keep') $$,
    '55000', null, 'a decision is made once'
);
select is((decide_quarantined_payment('pay_pa_fee', 'keep')).decision, 'keep', 'the admin keeps another');

-- The worker sends the refunds an admin decided, each once, and records Whop's answer.
select tests.authenticate_as_service_role();
select results_eq(
    'select whop_payment_id, amount_cents from claim_quarantine_refunds(10)',
    $$ values ('pay_pa_total', 100) $$,
    'only the payment decided for refund is handed to the worker, for its own amount'
);
select is((select count(*)::integer from claim_quarantine_refunds(10)), 0, 'and only once');
select is(
    apply_whop_refund('{"id": "rf_pa_total", "status": "succeeded", "amount": 1.00, "payment": {"id": "pay_pa_total"}}')::text,
    'processed',
    'Whop''s refund of the quarantined payment is recorded'
);
select ok(
    (select refunded_at is not null from public.quarantined_payments where whop_payment_id = 'pay_pa_total'),
    'the quarantined payment shows as refunded'
);
select is(pg_temp.order_state('total'), 'pending_payment - 1000', 'and the order it named is untouched by the refund');

-- A failed payment gives an order up only when it is the order's own checkout failing: the
-- attacker's declined card in their own checkout or company, naming the victim's order,
-- must not cancel it.
select is(
    apply_whop_payment(pg_temp.payment('failed_elsewhere', 'pay_pa_failed_checkout',
        '{"status": "open", "substatus": "failed", "checkout_configuration_id": "ch_attackers_own"}'))::text,
    'ignored',
    'a failed payment in the attacker''s own checkout, naming the order, is ignored'
);
select is(
    apply_whop_payment(pg_temp.payment('failed_elsewhere', 'pay_pa_failed_company',
        '{"status": "open", "substatus": "failed", "company": {"id": "biz_paAttacker"}}'))::text,
    'ignored',
    'so is one in the attacker''s company'
);
select is(pg_temp.order_state('failed_elsewhere'), 'pending_payment - 1000', 'and the order stays open to pay');
select is(
    apply_whop_payment(pg_temp.payment('failed_own', 'pay_pa_failed_own', '{"status": "open", "substatus": "failed"}'))::text,
    'processed',
    'the order''s own checkout failing is applied'
);
select is(pg_temp.order_state('failed_own'), 'cancelled - 1000', 'and gives the order up');

select * from finish();
rollback;
