-- Webhook batches: the worker stores the deliveries that arrive together in one
-- transaction and processes stored events many per call. A batch answers for each
-- delivery in order, stores a webhook id once (within the batch too), stores nothing
-- when any delivery is malformed, and one event's failure leaves the others' effects.
begin;
select plan(16);

select tests.create_user('wb_buyer');
select tests.create_user('wb_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('wb_seller'), 'verified', 'biz_wbSellerCo01');
insert into public.categories (slug, name) values ('wb-batches', 'Webhook batches');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('wb_seller'), (select id from public.categories where slug = 'wb-batches'),
    'I will batch your webhooks'
)
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 5000, 'USD', 2);
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select id as ord_a from create_pending_order(tests.get_user_id('wb_buyer'), :'gig', 'basic') \gset
select id as ord_b from create_pending_order(tests.get_user_id('wb_buyer'), :'gig', 'basic') \gset
select attach_checkout(:'ord_a', 'ch_wbA');
select attach_checkout(:'ord_b', 'ch_wbB');

create temporary table wb_payloads (name text primary key, payload jsonb) on commit drop;
insert into wb_payloads values
    ('a', jsonb_build_object(
        'type', 'payment.succeeded', 'api_version', 'v1',
        'data', jsonb_build_object(
            'id', 'pay_wbA00000001', 'status', 'paid', 'substatus', 'succeeded', 'total', 50,
            'currency', 'usd', 'checkout_configuration_id', 'ch_wbA',
            'company', jsonb_build_object('id', 'biz_wbSellerCo01'), 'application_fee', jsonb_build_object('amount', 5),
            'metadata', jsonb_build_object('gigflow_order_id', :'ord_a', 'utm_source', 'newsletter')
        )
    )),
    ('b', jsonb_build_object(
        'type', 'payment.succeeded', 'api_version', 'v1',
        'data', jsonb_build_object(
            'id', 'pay_wbB00000001', 'status', 'paid', 'substatus', 'succeeded', 'total', 50,
            'currency', 'usd', 'checkout_configuration_id', 'ch_wbB',
            'company', jsonb_build_object('id', 'biz_wbSellerCo01'), 'application_fee', jsonb_build_object('amount', 5),
            'metadata', jsonb_build_object('gigflow_order_id', :'ord_b')
        )
    )),
    -- A payment without an id: its handler fails.
    ('wrong_total', jsonb_build_object(
        'type', 'payment.succeeded', 'api_version', 'v1',
        'data', jsonb_build_object(
            'status', 'paid', 'substatus', 'succeeded', 'total', 1,
            'currency', 'usd', 'metadata', jsonb_build_object('gigflow_order_id', :'ord_b')
        )
    ));

-- Ingest ---------------------------------------------------------------------------------
create temporary table wb_stored on commit drop as
select row_number() over () as position, stored.*
from ingest_whop_events(jsonb_build_array(
    jsonb_build_object('webhook_id', 'msg_wbWrong', 'payload', (select payload from wb_payloads where name = 'wrong_total')),
    jsonb_build_object('webhook_id', 'msg_wbA', 'payload', (select payload from wb_payloads where name = 'a')),
    jsonb_build_object('webhook_id', 'msg_wbB', 'payload', (select payload from wb_payloads where name = 'b')),
    jsonb_build_object('webhook_id', 'msg_wbA', 'payload', (select payload from wb_payloads where name = 'a'))
)) as stored;

select results_eq(
    'select webhook_id, duplicate from wb_stored order by position',
    $$ values ('msg_wbWrong', false), ('msg_wbA', false), ('msg_wbB', false), ('msg_wbA', true) $$,
    'a batch answers for every delivery, in order, the repeat within it as a duplicate'
);
select is(
    (select count(*)::integer from public.whop_events where webhook_id like 'msg_wb%'),
    3,
    'a webhook id delivered twice in one batch is stored once'
);
select is(
    (select count(distinct event_id)::integer from wb_stored where webhook_id = 'msg_wbA'),
    1,
    'both deliveries of one webhook id name the same event'
);
select results_eq(
    $$ select webhook_id, duplicate from ingest_whop_events(jsonb_build_array(
        jsonb_build_object('webhook_id', 'msg_wbB', 'payload', (select payload from wb_payloads where name = 'b'))
    )) $$,
    $$ values ('msg_wbB', true) $$,
    'a webhook id stored by an earlier batch is a duplicate'
);
select is(
    (select count(*)::integer from ingest_whop_events('[]')),
    0,
    'an empty batch stores nothing and answers nothing'
);
select throws_ok(
    $$ select ingest_whop_events(jsonb_build_array(
        jsonb_build_object('webhook_id', 'msg_wbFine', 'payload', '{"type": "payment.succeeded", "data": {}}'::jsonb),
        jsonb_build_object('webhook_id', 'msg_wbNoType', 'payload', '{"data": {}}'::jsonb)
    )) $$,
    '22023',
    'delivery 2: payload must be a JSON object with a type',
    'a batch with a malformed delivery is refused, naming it'
);
select throws_ok(
    $$ select ingest_whop_events(jsonb_build_array(
        jsonb_build_object('webhook_id', '', 'payload', '{"type": "payment.succeeded"}'::jsonb)
    )) $$,
    '22023',
    'delivery 1: webhook_id must be 1 to 200 characters',
    'a delivery without a webhook id is refused'
);
select is(
    (select count(*)::integer from public.whop_events where webhook_id in ('msg_wbFine', 'msg_wbNoType')),
    0,
    'a refused batch stores none of its deliveries'
);
select throws_ok(
    $$ select ingest_whop_events('{"webhook_id": "msg_wbObject"}') $$,
    '22023',
    'deliveries must be an array of at most 1000',
    'deliveries that are not an array are refused'
);

-- Process --------------------------------------------------------------------------------
select results_eq(
    format(
        'select event_id, status::text from process_whop_events(array[%s, %s, %s])',
        (select event_id from wb_stored where position = 1),
        (select event_id from wb_stored where position = 2),
        (select event_id from wb_stored where position = 3)
    ),
    format(
        $$ values (%s::bigint, 'failed'), (%s::bigint, 'processed'), (%s::bigint, 'processed') $$,
        (select event_id from wb_stored where position = 1),
        (select event_id from wb_stored where position = 2),
        (select event_id from wb_stored where position = 3)
    ),
    'a batch processes its events in order and answers with each one''s status'
);
select results_eq(
    format('select status::text from public.orders where id in (%L, %L) order by id', :'ord_a', :'ord_b'),
    $$ values ('awaiting_requirements'), ('awaiting_requirements') $$,
    'the failure of one event in a batch leaves the others'' effects'
);
select alike(
    (select last_error from public.whop_events where webhook_id = 'msg_wbWrong'),
    '22023: a Whop payment needs an id%',
    'the failed event carries its own error'
);
select is(
    (select attribution from public.order_attributions where order_id = :'ord_a'),
    '{"utm_source": "newsletter"}'::jsonb,
    'the attribution that travelled with the payment is written with the payment'
);
select is(
    (select details from public.order_events where order_id = :'ord_a' and action = 'pay'),
    '{"whop_payment_id": "pay_wbA00000001"}'::jsonb,
    'the pay event records the payment, not the marketing attribution'
);
select is(
    (select count(*)::integer from process_whop_events(
        array[(select event_id from wb_stored where position = 2)]
    ) where status = 'processed'),
    1,
    'processing a settled event again only reports its status'
);
select throws_ok(
    $$ select process_whop_events(array(select generate_series(1, 51)::bigint)) $$,
    '22023',
    'at most 50 events per call',
    'more than 50 events per call are refused'
);

select * from finish();
rollback;
