-- A payment for an order that was already cancelled unpaid (the buyer paid after the
-- checkout expired): cancelled -pay-> cancelled, the order keeps the payment and the whole
-- amount is refunded at once; the buyer hears of it, a repeat of the payment changes nothing.
begin;
select plan(10);

select tests.create_user('lp_buyer');
select tests.create_user('lp_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('lp_seller'), 'verified', 'biz_lpSellerCo01');
insert into public.categories (slug, name) values ('lp-late', 'Late payments');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('lp_seller'), (select id from public.categories where slug = 'lp-late'),
    'I will wait for your payment'
)
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 4200, 'USD', 3);
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select id as ord from create_pending_order(tests.get_user_id('lp_buyer'), :'gig', 'basic') \gset
select attach_checkout(:'ord', 'ch_lpLate');
select private.record_order_action(:'ord', 'expire_checkout', '{}', 'system');

select format(
    '{"type": "payment.succeeded", "api_version": "v1",
      "data": {"id": "pay_lpLate000001", "status": "paid", "substatus": "succeeded", "total": 42,
               "currency": "usd", "checkout_configuration_id": "ch_lpLate", "company": {"id": "biz_lpSellerCo01"},
               "application_fee": {"amount": 4.2}, "metadata": {"gigflow_order_id": "%s"}}}',
    :'ord'
) as payload \gset
select event_id as ev from ingest_whop_event('msg_lpLate0000000000000001', :'payload') \gset

select is(process_whop_event(:'ev')::text, 'processed', 'a payment for a cancelled order is processed, not failed');
select results_eq(
    format('select status::text, whop_payment_id, paid_at is not null from public.orders where id = %L', :'ord'),
    $$ values ('cancelled', 'pay_lpLate000001', true) $$,
    'the order stays cancelled and keeps the payment'
);
select results_eq(
    format('select amount_cents, status::text, reason from public.refunds where order_id = %L', :'ord'),
    $$ values (4200, 'requested', 'paid after the order was cancelled') $$,
    'the whole payment is asked back at once'
);
select is(
    (select body from public.notifications where order_id = :'ord' and user_id = tests.get_user_id('lp_buyer')
     and kind = 'pay'),
    'I will wait for your payment: pay, still cancelled',
    'the buyer hears of the payment to the cancelled order'
);
select results_eq(
    format('select action, from_status::text, to_status::text from public.order_events where order_id = %L order by id desc limit 1', :'ord'),
    $$ values ('pay', 'cancelled', 'cancelled') $$,
    'the order history records the payment as a transition of the cancelled order'
);

select event_id as ev_again
from ingest_whop_event('msg_lpLate0000000000000002', :'payload') \gset
select is(process_whop_event(:'ev_again')::text, 'ignored', 'the same payment delivered again changes nothing');
select is(
    (select count(*)::integer from public.refunds where order_id = :'ord'),
    1,
    'a repeated payment asks for no second refund'
);

select is(
    apply_whop_refund(
        '{"id": "rf_lpLate000001", "amount": 42, "currency": "usd", "status": "succeeded",
          "payment": {"id": "pay_lpLate000001"}}'
    )::text,
    'processed',
    'Whop''s confirmation of the refund is recorded'
);
select results_eq(
    format('select status::text, refunded_cents from public.orders where id = %L', :'ord'),
    $$ values ('cancelled', 4200) $$,
    'the refunded order stays cancelled with everything given back'
);

set local role anon;
select throws_ok(
    format('select apply_whop_payment(%L)', :'payload'::jsonb -> 'data'),
    '42501',
    null,
    'nobody but the service records payments'
);

select * from finish();
rollback;
