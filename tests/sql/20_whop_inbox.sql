-- The Whop webhook inbox: a delivery is stored once per webhook id, processed through the
-- same money and KYC functions every other path uses, retried with backoff when it fails,
-- and a payload shape we do not read never escapes as an error. Payloads follow Whop's own
-- legacy (v1) examples on docs.whop.com: amounts in decimal dollars as JSON numbers (or
-- null), our order id in the checkout metadata, the seller as the envelope's company_id.
begin;
-- This file keeps many unpaid orders of one buyer open at once (26_unpaid_orders tests the cap).
update private.platform_settings set max_unpaid_orders = 50, max_checkouts_per_hour = 1000;
select plan(76);

select tests.create_user('wi_buyer');
select tests.create_user('wi_seller');
select tests.create_user('wi_kyc_seller');
select tests.create_user('wi_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id)
values (tests.get_user_id('wi_seller')), (tests.get_user_id('wi_kyc_seller'));
update public.seller_accounts set kyc_status = 'verified', whop_company_id = 'biz_wiSellerCo01'
where user_id = tests.get_user_id('wi_seller');
update public.seller_accounts set kyc_status = 'pending', whop_company_id = 'biz_wiKycSeller1'
where user_id = tests.get_user_id('wi_kyc_seller');
insert into public.categories (slug, name) values ('wi-inbox', 'Webhook inbox');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('wi_seller'), (select id from public.categories where slug = 'wi-inbox'),
    'I will reconcile your payment webhooks'
)
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 12345, 'USD', 4);
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select id as ord_paid from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_no_total from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_mismatch from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_failed from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_refund from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_dispute_a from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_dispute_b from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_dated from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select id as ord_null_date from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
-- Each order's Whop checkout, as the worker attaches it when it creates one.
select attach_checkout(o.id, 'ch_' || o.name)
from (values
    (:'ord_paid'::uuid, 'wiPaid'), (:'ord_no_total'::uuid, 'wiNoTotal'), (:'ord_mismatch'::uuid, 'wiMismatch'),
    (:'ord_failed'::uuid, 'wiFailed'), (:'ord_refund'::uuid, 'wiRefund'), (:'ord_dispute_a'::uuid, 'wiDisputeA'),
    (:'ord_dispute_b'::uuid, 'wiDisputeB'), (:'ord_dated'::uuid, 'wiDated'), (:'ord_null_date'::uuid, 'wiNullDate')
) as o (id, name);

-- A payment.succeeded delivery as Whop sends it (docs.whop.com, payment.succeeded): status
-- paid, substatus succeeded, the seller-side total as a JSON number in dollars.
select format(
    '{"id": "msg_wiPaid0000000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiPaid000001", "status": "paid", "substatus": "succeeded", "refundable": true,
               "total": 123.45, "subtotal": 123.45, "usd_total": 123.45, "amount_after_fees": 111.1,
               "refunded_amount": 0, "currency": "usd", "paid_at": "2025-01-01T00:00:00.000Z",
               "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01", "title": "WI Studio"},
               "checkout_configuration_id": "ch_wiPaid", "application_fee": {"amount": 12.35, "currency": "usd"},
               "user": {"id": "user_wiBuyer0001", "name": "Wi Buyer", "username": "wi_buyer"}}}',
    :'ord_paid'
) as payload_paid \gset

-- Ingest ---------------------------------------------------------------------------------
select event_id as ev_paid, duplicate as ev_paid_duplicate
from ingest_whop_event('msg_wiPaid0000000000000001', :'payload_paid') \gset
select is(:'ev_paid_duplicate'::boolean, false, 'the first delivery of a webhook id is stored as a new event');
select is(
    (select format('%s %s', event_id, duplicate::text) from ingest_whop_event('msg_wiPaid0000000000000001', :'payload_paid')),
    format('%s true', :'ev_paid'),
    'a redelivery under the same webhook id returns the stored event as a duplicate'
);
select is(
    (select count(*)::integer from public.whop_events where webhook_id = 'msg_wiPaid0000000000000001'),
    1,
    'a webhook id is stored once however often it is delivered'
);
select throws_ok(
    $$ select ingest_whop_event('msg_wiNoType00000000000001', '{"id": "msg_wiNoType00000000000001", "data": {}}') $$,
    '22023',
    null,
    'a payload without a type is refused'
);
select throws_ok(
    $$ select ingest_whop_event('', '{"type": "payment.succeeded", "data": {}}') $$,
    '22023',
    null,
    'a delivery without a webhook id is refused'
);

-- Only the service role runs the inbox -----------------------------------------------------
select tests.authenticate_as('wi_buyer');
select throws_ok(
    $$ select ingest_whop_event('msg_wiForged00000000000001', '{"type": "payment.succeeded", "data": {}}') $$,
    '42501',
    null,
    'a signed-in user cannot ingest a webhook'
);
select throws_ok(
    format('select process_whop_event(%s)', :'ev_paid'),
    '42501',
    null,
    'a signed-in user cannot process a webhook'
);
select tests.authenticate_as_anon();
select throws_ok(
    $$ select ingest_whop_event('msg_wiForged00000000000002', '{"type": "payment.succeeded", "data": {}}') $$,
    '42501',
    null,
    'a visitor cannot ingest a webhook'
);
select throws_ok(
    format('select process_whop_event(%s)', :'ev_paid'),
    '42501',
    null,
    'a visitor cannot process a webhook'
);
select tests.authenticate_as_service_role();

-- payment.succeeded ------------------------------------------------------------------------
select is(process_whop_event(:'ev_paid')::text, 'processed', 'a paid payment.succeeded for our checkout is processed');
select is(
    (select status::text from public.orders where id = :'ord_paid'),
    'awaiting_requirements',
    'the paid order moves to awaiting_requirements'
);
select is(
    (select whop_payment_id from public.orders where id = :'ord_paid'),
    'pay_wiPaid000001',
    'the order records the Whop payment id'
);
select is(process_whop_event(:'ev_paid')::text, 'processed', 'processing a settled event again only reports its status');
select event_id as ev_paid_again
from ingest_whop_event(
    'msg_wiPaid0000000000000002',
    jsonb_set(:'payload_paid'::jsonb, '{id}', '"msg_wiPaid0000000000000002"')
) \gset
select is(
    process_whop_event(:'ev_paid_again')::text,
    'ignored',
    'a second delivery of the same payment under another webhook id changes nothing, and says so'
);
select is(
    (select count(*)::integer from public.order_events where order_id = :'ord_paid' and action = 'pay'),
    1,
    'and the order records one payment'
);

-- payment.succeeded with a null total: the order's own quote stands in --------------------
select event_id as ev_no_total
from ingest_whop_event('msg_wiNoTotal000000000001', format(
    '{"id": "msg_wiNoTotal000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiNoTotal0001", "status": "paid", "substatus": "succeeded", "total": null,
               "subtotal": null, "usd_total": null, "currency": "usd", "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01"},
               "checkout_configuration_id": "ch_wiNoTotal", "application_fee": {"amount": 12.35}}}',
    :'ord_no_total'
)::jsonb) \gset
select is(
    process_whop_event(:'ev_no_total')::text,
    'waiting',
    'a payment whose total Whop left out cannot be judged: it waits (reconciliation asks Whop''s API)'
);
select is(
    (select format('%s %s', status, coalesce(whop_payment_id, '-')) from public.orders where id = :'ord_no_total'),
    'pending_payment -',
    'and the order is not paid on its word'
);

-- A total that does not match the order: quarantined, never applied, never retried --------
select event_id as ev_mismatch
from ingest_whop_event('msg_wiMismatch00000000001', format(
    '{"id": "msg_wiMismatch00000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiMismatch001", "status": "paid", "substatus": "succeeded", "total": 99.99,
               "subtotal": 99.99, "usd_total": 99.99, "currency": "usd", "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01"},
               "checkout_configuration_id": "ch_wiMismatch", "application_fee": {"amount": 12.35}}}',
    :'ord_mismatch'
)::jsonb) \gset
select is(process_whop_event(:'ev_mismatch')::text, 'quarantined', 'a payment that does not match the order total is quarantined');
select is(
    (select reasons from public.quarantined_payments where whop_payment_id = 'pay_wiMismatch001'),
    array['a total of 9999 cents, not the order''s 12345'],
    'the quarantine says why, in the order''s own terms'
);
select is(
    (select format('%s %s', status, coalesce(whop_payment_id, '-')) from public.orders where id = :'ord_mismatch'),
    'pending_payment -',
    'the order stays pending_payment and records no payment'
);
select is(process_whop_event(:'ev_mismatch')::text, 'quarantined', 'processing it again changes nothing');
select ok(
    not (:'ev_mismatch'::bigint = any(array(select due_whop_events(1000)))),
    'a quarantined event is never due again'
);

-- A delivery the handler cannot read: failed, retried with backoff ------------------------------
select event_id as ev_broken
from ingest_whop_event('msg_wiBroken0000000000001',
    '{"id": "msg_wiBroken0000000000001", "api_version": "v1", "type": "payment.succeeded",
      "data": {"status": "paid", "substatus": "succeeded", "total": 1.0}}'
) \gset
select is(process_whop_event(:'ev_broken')::text, 'failed', 'a payment without an id fails');
select alike(
    (select last_error from public.whop_events where id = :'ev_broken'),
    '22023: a Whop payment needs an id%',
    'the event keeps the reason as its last error'
);
select is(
    (select attempts from public.whop_events where id = :'ev_broken'),
    1,
    'the failed attempt is counted'
);
select is(
    (select next_attempt_at - now() from public.whop_events where id = :'ev_broken'),
    interval '1 minute',
    'the first retry is scheduled a minute later'
);
select ok(
    not (:'ev_broken'::bigint = any(array(select due_whop_events(1000)))),
    'a failed event is not due before its retry time'
);
select is(requeue_whop_events(array[:'ev_broken'::bigint]), 1, 'requeue_whop_events puts the event back in line');
select ok(
    :'ev_broken'::bigint = any(array(select due_whop_events(1000)))
    and (select status = 'received' from public.whop_events where id = :'ev_broken'),
    'a requeued event is received and due at once'
);
select is(process_whop_event(:'ev_broken')::text, 'failed', 'retrying it fails again');
select is(
    (select format('%s %s', attempts, next_attempt_at - now()) from public.whop_events where id = :'ev_broken'),
    '2 00:02:00',
    'and the backoff doubles'
);

-- A checkout that is not ours ----------------------------------------------------------------
select event_id as ev_foreign
from ingest_whop_event('msg_wiForeign000000000001',
    '{"id": "msg_wiForeign000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiForeign0001", "status": "paid", "substatus": "succeeded", "total": 5.0,
               "currency": "usd", "metadata": {}}}'
) \gset
select is(process_whop_event(:'ev_foreign')::text, 'ignored', 'a payment for a checkout that is not ours is ignored');

-- payment.failed -------------------------------------------------------------------------------
select event_id as ev_failed
from ingest_whop_event('msg_wiFailed0000000000001', format(
    '{"id": "msg_wiFailed0000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.failed", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiFailed00001", "status": "open", "substatus": "failed", "total": 123.45,
               "currency": "usd", "failure_message": "Your card was declined.",
               "checkout_configuration_id": "ch_wiFailed", "company": {"id": "biz_wiSellerCo01"},
               "metadata": {"gigflow_order_id": "%s"}}}',
    :'ord_failed'
)::jsonb) \gset
select is(
    process_whop_event(:'ev_failed')::text, 'processed',
    'a payment.failed from the pending order''s own checkout is processed'
);
select is(
    (select status::text from public.orders where id = :'ord_failed'),
    'cancelled',
    'and cancels the order'
);

-- refund.created (docs.whop.com, refund.created: the payment's total may be null) ---------
select event_id as ev_refund
from ingest_whop_event('msg_wiRefund0000000000001', format(
    '{"id": "msg_wiRefund0000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "refund.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "rf_wiRefund000001", "amount": 45.67, "currency": "usd", "status": "succeeded",
               "provider": "stripe", "created_at": "2025-01-01T00:00:00.000Z",
               "payment": {"id": "pay_wiRefund00001", "total": null, "subtotal": null, "usd_total": null,
                           "currency": "usd", "metadata": {"gigflow_order_id": "%s"},
                           "user": {"id": "user_wiBuyer0001", "username": "wi_buyer"}}}}',
    :'ord_refund'
)::jsonb) \gset
select is(
    process_whop_event(:'ev_refund')::text,
    'waiting',
    'a refund that arrives before its payment waits for it'
);
select event_id as ev_refund_payment
from ingest_whop_event('msg_wiRefundPay0000000001', format(
    '{"id": "msg_wiRefundPay0000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiRefund00001", "status": "paid", "substatus": "succeeded", "total": 123.45,
               "currency": "usd", "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01"},
               "checkout_configuration_id": "ch_wiRefund", "application_fee": {"amount": 12.35}}}',
    :'ord_refund'
)::jsonb) \gset
select is(process_whop_event(:'ev_refund_payment')::text, 'processed', 'the payment the refund waited for arrives');
select is(process_whop_event(:'ev_refund')::text, 'processed', 'the waiting refund is then processed');
select is(
    (
        select format('%s %s %s', amount_cents, status, fee_refund_cents + net_refund_cents)
        from public.refunds where whop_refund_id = 'rf_wiRefund000001' and order_id = :'ord_refund'
    ),
    '4567 succeeded 4567',
    'the refund is recorded under its Whop id with its dollar amount in cents'
);
select is(
    (select format('%s %s', status, refunded_cents) from public.orders where id = :'ord_refund'),
    'awaiting_requirements 4567',
    'a partial refund adds to the order''s refunded_cents and leaves it open'
);
select event_id as ev_refund_rest
from ingest_whop_event('msg_wiRefund0000000000002', format(
    '{"id": "msg_wiRefund0000000000002", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "refund.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "rf_wiRefund000002", "amount": 77.78, "currency": "usd", "status": "succeeded",
               "provider": "stripe", "payment": {"id": "pay_wiRefund00001", "total": null,
               "currency": "usd", "metadata": {"gigflow_order_id": "%s"}}}}',
    :'ord_refund'
)::jsonb) \gset
select is(process_whop_event(:'ev_refund_rest')::text, 'processed', 'a refund of the rest is processed');
select is(
    (select format('%s %s', status, refunded_cents) from public.orders where id = :'ord_refund'),
    'refunded 12345',
    'refunding the whole total ends the order refunded'
);
select event_id as ev_refund_pending
from ingest_whop_event('msg_wiRefundPend000000001', format(
    '{"id": "msg_wiRefundPend000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "refund.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "rf_wiRefundPend01", "amount": 10.0, "currency": "usd", "status": "pending",
               "provider": "stripe", "payment": {"id": "pay_wiPaid000001", "total": 123.45,
               "currency": "usd", "metadata": {"gigflow_order_id": "%s"}}}}',
    :'ord_paid'
)::jsonb) \gset
select is(process_whop_event(:'ev_refund_pending')::text, 'ignored', 'a pending refund is ignored');
select is(
    (select count(*)::integer from public.refunds where order_id = :'ord_paid'),
    0,
    'and records nothing'
);

-- dispute.created (docs.whop.com, dispute.created: found through data.payment.id) ----------
select event_id as ev_dispute_pay_a
from ingest_whop_event('msg_wiDisputePayA00000001', format(
    '{"id": "msg_wiDisputePayA00000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiDisputeA001", "status": "paid", "substatus": "succeeded", "total": 123.45,
               "currency": "usd", "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01"},
               "checkout_configuration_id": "ch_wiDisputeA", "application_fee": {"amount": 12.35}}}',
    :'ord_dispute_a'
)::jsonb) \gset
select event_id as ev_dispute_pay_b
from ingest_whop_event('msg_wiDisputePayB00000001', format(
    '{"id": "msg_wiDisputePayB00000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiDisputeB001", "status": "paid", "substatus": "succeeded", "total": 123.45,
               "currency": "usd", "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01"},
               "checkout_configuration_id": "ch_wiDisputeB", "application_fee": {"amount": 12.35}}}',
    :'ord_dispute_b'
)::jsonb) \gset
select is(
    process_whop_event(:'ev_dispute_pay_a')::text || ' ' || process_whop_event(:'ev_dispute_pay_b')::text,
    'processed processed',
    'the payments of the orders about to be disputed are processed'
);

select event_id as ev_dispute_warning
from ingest_whop_event('msg_wiDisputeWarn00000001',
    '{"id": "msg_wiDisputeWarn00000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "dispute.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "dspt_wiWarning001", "amount": 123.45, "currency": "usd", "status": "warning_needs_response",
               "reason": "Fraudulent", "visa_rdr": false, "company": {"id": "biz_wiSellerCo01", "title": "WI Studio"},
               "payment": {"id": "pay_wiDisputeA001", "total": 123.45, "currency": "usd"}}}'
) \gset
select is(process_whop_event(:'ev_dispute_warning')::text, 'processed', 'an early dispute warning is recorded');
select is(
    (select format('%s %s', status, (order_id = :'ord_dispute_a')::text) from public.chargebacks where whop_dispute_id = 'dspt_wiWarning001'),
    'warning_needs_response true',
    'for admins, against its order'
);
select is(
    (select status::text from public.orders where id = :'ord_dispute_a'),
    'awaiting_requirements',
    'and leaves the order as it was'
);
select event_id as ev_dispute_a
from ingest_whop_event('msg_wiDisputeA00000000001',
    '{"id": "msg_wiDisputeA00000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "dispute.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "dspt_wiDisputeA01", "amount": 123.45, "currency": "usd", "status": "needs_response",
               "reason": "Fraudulent", "visa_rdr": false, "company": {"id": "biz_wiSellerCo01", "title": "WI Studio"},
               "payment": {"id": "pay_wiDisputeA001", "total": 123.45, "currency": "usd"}}}'
) \gset
select is(process_whop_event(:'ev_dispute_a')::text, 'processed', 'a chargeback that needs a response is processed');
select is(
    (select format('%s %s', status, dispute_opened_by) from public.orders where id = :'ord_dispute_a'),
    'disputed system',
    'a chargeback freezes an order awaiting requirements as disputed'
);
select tests.authenticate_as('wi_seller');
select is((start_order(:'ord_dispute_b')).status::text, 'in_progress', 'the seller starts the second order');
select tests.authenticate_as_service_role();
select event_id as ev_dispute_b
from ingest_whop_event('msg_wiDisputeB00000000001',
    '{"id": "msg_wiDisputeB00000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "dispute.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "dspt_wiDisputeB01", "amount": 123.45, "currency": "usd", "status": "needs_response",
               "reason": "Product not received", "payment": {"id": "pay_wiDisputeB001", "total": 123.45}}}'
) \gset
select is(process_whop_event(:'ev_dispute_b')::text, 'processed', 'a chargeback on an order in progress is processed');
select is(
    (select status::text from public.orders where id = :'ord_dispute_b'),
    'disputed',
    'a chargeback freezes an order in progress as disputed'
);
select is(
    (
        select process_whop_event(event_id)::text
        from ingest_whop_event('msg_wiDisputeB00000000002',
            '{"id": "msg_wiDisputeB00000000002", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
              "type": "dispute.updated", "company_id": "biz_wiSellerCo01",
              "data": {"id": "dspt_wiDisputeB01", "amount": 123.45, "currency": "usd", "status": "under_review",
                       "payment": {"id": "pay_wiDisputeB001"}}}'
        )
    ),
    'processed',
    'a later update of the same chargeback is recorded'
);
select is(
    (select format('%s %s', c.status, count(e.*)) from public.chargebacks as c
     join public.order_events as e on e.order_id = c.order_id and e.action = 'open_dispute'
     where c.whop_dispute_id = 'dspt_wiDisputeB01' group by c.status),
    'under_review 1',
    'and does not freeze the order twice'
);

-- KYC: verification.succeeded names the seller only through the envelope's company_id -----
select event_id as ev_verified
from ingest_whop_event('msg_wiVerified00000000001',
    '{"id": "msg_wiVerified00000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "verification.succeeded", "company_id": "biz_wiKycSeller1",
      "data": {"id": "verf_wiVerified01", "status": "verified", "last_error_code": null, "last_error_reason": null}}'
) \gset
select is(process_whop_event(:'ev_verified')::text, 'processed', 'verification.succeeded for a known company is processed');
select is(
    (select kyc_status::text from public.seller_accounts where user_id = tests.get_user_id('wi_kyc_seller')),
    'verified',
    'and verifies that company''s seller'
);
select kyc_updated_at as verified_at from public.seller_accounts
where user_id = tests.get_user_id('wi_kyc_seller') \gset
select event_id as ev_verified_again
from ingest_whop_event('msg_wiVerified00000000002',
    '{"id": "msg_wiVerified00000000002", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "verification.succeeded", "company_id": "biz_wiKycSeller1",
      "data": {"id": "verf_wiVerified01", "status": "verified", "last_error_code": null, "last_error_reason": null}}'
) \gset
select is(
    process_whop_event(:'ev_verified_again')::text,
    'ignored',
    'a KYC event repeating the seller''s state is ignored (reconciliation counts only real changes)'
);
select is(
    (select kyc_updated_at from public.seller_accounts where user_id = tests.get_user_id('wi_kyc_seller')),
    :'verified_at'::timestamptz,
    'and leaves the seller untouched'
);

select tests.clear_authentication();
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('wi_kyc_seller'), (select id from public.categories where slug = 'wi-inbox'),
    'I will verify your identity documents'
)
returning id as kyc_gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'kyc_gig', 'basic', 'Basic', 5000, 'USD', 2);
update public.gigs set status = 'published' where id = :'kyc_gig';
select tests.authenticate_as_service_role();

select event_id as ev_payout_failed
from ingest_whop_event('msg_wiPayoutFail000000001',
    '{"id": "msg_wiPayoutFail000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payout_account.status_updated", "company_id": "biz_wiKycSeller1",
      "data": {"id": "poact_wiPayout01", "status": "verification_failed", "business_name": "WI KYC",
               "latest_verification": {"id": "verf_wiFailed001", "status": "requires_input",
                                       "last_error_code": "document_unverified_other",
                                       "last_error_reason": "Document image was too blurry to read."}}}'
) \gset
select is(process_whop_event(:'ev_payout_failed')::text, 'processed', 'a payout account that failed verification is processed');
select is(
    (select kyc_status::text from public.seller_accounts where user_id = tests.get_user_id('wi_kyc_seller')),
    'failed',
    'and marks the seller''s KYC failed'
);
select is(
    (select status::text from public.gigs where id = :'kyc_gig'),
    'paused',
    'and pauses the seller''s published gigs'
);

-- A dated payload (docs.whop.com, payment.succeeded pinned to an api_version_date) --------
select event_id as ev_dated
from ingest_whop_event('msg_wiDated00000000000001', format(
    '{"id": "msg_wiDated00000000000001", "api_version": "v1", "api_version_date": "2026-11-17",
      "account_id": "biz_wiSellerCo01", "timestamp": "2025-01-01T00:00:00.000Z", "type": "payment.succeeded",
      "data": {"id": "pay_wiDated000001", "account_id": "biz_wiSellerCo01", "status": "paid", "substatus": "succeeded",
               "currency": "usd", "metadata": {"gigflow_order_id": "%s"},
               "total": {"amount": "123.45", "currency": "usd", "decimals": 2, "display_decimals": 2},
               "amount_charged": {"amount": "123.45", "currency": "usd", "decimals": 2, "display_decimals": 2},
               "amount_after_fees": {"amount": "111.10", "currency": "usd", "decimals": 2, "display_decimals": 2}}}',
    :'ord_dated'
)::jsonb) \gset
select lives_ok(
    format('select process_whop_event(%s)', :'ev_dated'),
    'processing a dated payload raises nothing'
);
select is(
    (select status::text from public.whop_events where id = :'ev_dated'),
    'unsupported',
    'a dated payload is marked unsupported'
);
select alike(
    (select last_error from public.whop_events where id = :'ev_dated'),
    'GF002: dated webhook payload shape is not supported%',
    'with an error that says why'
);
select is(
    (select status::text from public.orders where id = :'ord_dated'),
    'pending_payment',
    'and the order it names is left alone'
);

-- An event type we do not handle -------------------------------------------------------------
select is(
    (
        select process_whop_event(event_id)::text
        from ingest_whop_event('msg_wiMembership000000001',
            '{"id": "msg_wiMembership000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
              "type": "membership.activated", "company_id": "biz_wiSellerCo01",
              "data": {"id": "mem_wiMember00001", "status": "active", "user": {"id": "user_wiBuyer0001"}}}'
        )
    ),
    'ignored',
    'an event type we do not handle is ignored'
);

-- due_whop_events ----------------------------------------------------------------------------
select event_id as ev_fresh
from ingest_whop_event('msg_wiFresh00000000000001',
    '{"id": "msg_wiFresh00000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "payment.pending", "company_id": "biz_wiSellerCo01",
      "data": {"id": "pay_wiPending0001", "status": "pending", "substatus": "pending", "total": 1.0, "currency": "usd"}}'
) \gset
select event_id as ev_wait_due
from ingest_whop_event('msg_wiWaitDue000000000001',
    '{"id": "msg_wiWaitDue000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "dispute.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "dspt_wiUnknown001", "amount": 9.0, "currency": "usd", "status": "needs_response",
               "payment": {"id": "pay_wiNotSeenYet01"}}}'
) \gset
-- Ours (it carries the metadata of an order of ours, unpaid), but its payment event has
-- not come yet.
select id as ord_wait from create_pending_order(tests.get_user_id('wi_buyer'), :'gig', 'basic') \gset
select event_id as ev_wait_later
from ingest_whop_event('msg_wiWaitLater0000000001',
    format(
        '{"id": "msg_wiWaitLater0000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
          "type": "refund.created", "company_id": "biz_wiSellerCo01",
          "data": {"id": "rf_wiUnknown00001", "amount": 9.0, "currency": "usd", "status": "succeeded",
                   "payment": {"id": "pay_wiNotSeenYet02", "total": null,
                               "metadata": {"gigflow_order_id": "%s"}}}}',
        :'ord_wait'
    )::jsonb
) \gset
-- Metadata naming an order we do not have: not ours.
select event_id as ev_unknown_order
from ingest_whop_event('msg_wiUnknownOrder0000001',
    format(
        '{"id": "msg_wiUnknownOrder0000001", "api_version": "v1", "type": "refund.created",
          "data": {"id": "rf_wiUnknown00002", "amount": 9.0, "currency": "usd", "status": "succeeded",
                   "payment": {"id": "pay_wiNotSeenYet03", "metadata": {"gigflow_order_id": "%s"}}}}',
        gen_random_uuid()
    )::jsonb
) \gset
select is(
    process_whop_event(:'ev_unknown_order')::text,
    'ignored',
    'a refund naming an order we do not have is not ours'
);
select event_id as ev_not_ours
from ingest_whop_event('msg_wiNotOurs000000000001',
    '{"id": "msg_wiNotOurs000000000001", "api_version": "v1", "timestamp": "2025-01-01T00:00:00.000Z",
      "type": "refund.created", "company_id": "biz_wiSellerCo01",
      "data": {"id": "rf_wiNotOurs00001", "amount": 9.0, "currency": "usd", "status": "succeeded",
               "payment": {"id": "pay_wiSomeoneElse1", "total": null, "metadata": {}}}}'
) \gset
select is(
    (
        select string_agg(process_whop_event(id)::text, ' ' order by id)
        from unnest(array[:'ev_wait_due'::bigint, :'ev_wait_later'::bigint]) as id
    ),
    'waiting waiting',
    'a dispute or refund for a payment not seen yet waits'
);
select is(
    process_whop_event(:'ev_not_ours')::text,
    'ignored',
    'a refund of a payment that carries none of our metadata is not ours'
);
-- Time passes for some of them: their retry time is now behind us.
select tests.clear_authentication();
update public.whop_events set next_attempt_at = now() - interval '1 second'
where id in (:'ev_wait_due', :'ev_broken', :'ev_paid', :'ev_foreign');
select tests.authenticate_as_service_role();
select set_eq(
    format(
        'select due.id from due_whop_events(1000) as due (id) where due.id in (%s, %s, %s, %s, %s, %s)',
        :'ev_fresh', :'ev_wait_due', :'ev_broken', :'ev_wait_later', :'ev_paid', :'ev_foreign'
    ),
    array[:'ev_fresh', :'ev_wait_due', :'ev_broken']::bigint[],
    'due_whop_events lists received, waiting and failed events whose time has come, and nothing settled'
);

-- Reading the inbox: admins only -------------------------------------------------------------
select tests.clear_authentication();
select count(*) as all_events from public.whop_events \gset
select tests.authenticate_as_anon();
select throws_ok(
    'select count(*) from public.whop_events',
    '42501',
    null,
    'a visitor cannot read the inbox'
);
select tests.authenticate_as('wi_buyer');
select is((select count(*)::integer from public.whop_events), 0, 'a signed-in user who is not an admin sees no events');
select tests.authenticate_as('wi_admin');
select is((select count(*)::integer from public.whop_events), :'all_events'::integer, 'an admin reads every event');

-- Legacy deliveries may carry the key with a null value --------------------------------------
select tests.authenticate_as_service_role();
select event_id as ev_null_date
from ingest_whop_event('msg_wiNullDate00000000001',
    format(
        '{"id": "msg_wiNullDate00000000001", "api_version": "v1", "api_version_date": null,
          "type": "payment.succeeded", "company_id": "biz_wiSellerCo01",
          "data": {"id": "pay_wiNullDate001", "status": "paid", "substatus": "succeeded",
                   "total": 123.45, "currency": "usd", "metadata": {"gigflow_order_id": "%s"}, "company": {"id": "biz_wiSellerCo01"},
               "checkout_configuration_id": "ch_wiNullDate", "application_fee": {"amount": 12.35}}}',
        :'ord_null_date'
    )::jsonb
) \gset
select is(
    process_whop_event(:'ev_null_date')::text,
    'processed',
    'an unpinned delivery whose api_version_date is null is the legacy shape'
);

-- Waiting does not last forever ----------------------------------------------------------------
select tests.clear_authentication();
update public.whop_events set attempts = 11, next_attempt_at = now() where id = :'ev_wait_due';
select tests.authenticate_as_service_role();
select is(
    process_whop_event(:'ev_wait_due')::text,
    'ignored',
    'an event still without its order after twelve attempts is set aside'
);
select matches(
    (select last_error from public.whop_events where id = :'ev_wait_due'),
    'no matching order',
    'and says why'
);

select * from finish();
rollback;
