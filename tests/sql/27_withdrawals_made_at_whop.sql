-- A seller's payouts token (POST /tokens/payouts) lets Whop's embedded payouts component
-- withdraw from the seller's connected company directly, without asking GigFlow. What
-- Whop reports of such a withdrawal counts in our ledger: recorded once by Whop's id, its
-- later states applied like ours (a failed one gives the money back), the balance drops,
-- and what exceeds the available balance is the seller's debt, which later earnings pay
-- first. Another company's withdrawal is not ours to count.
begin;
select plan(15);

select tests.create_user('wm_buyer');
select tests.create_user('wm_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('wm_seller'), 'verified', 'biz_wmSeller');
insert into public.categories (slug, name) values ('wm-category', 'Payouts');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('wm_seller'), (select id from public.categories where slug = 'wm-category'),
        'I will withdraw what I earned')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 10000, 'USD', 5);
update public.gigs set status = 'published' where id = :'gig';

-- One order, paid, completed and cleared: 9,000 (10,000 less the 10% fee) available.
select tests.authenticate_as_service_role();
select id as first from create_pending_order(tests.get_user_id('wm_buyer'), :'gig', 'basic') \gset
select tests.pay_order(:'first');
select tests.clear_authentication();
update public.orders set status = 'completed', completed_at = now() - interval '15 days' where id = :'first';

-- The seller withdraws 30.10 in Whop's component; Whop's webhook says so (a decimal
-- number, the company in the ledger account, the envelope's company beside it).
select tests.authenticate_as_service_role();
select is(
    apply_whop_withdrawal(
        '{"id": "wdrl_wmOutside1", "amount": 30.10, "currency": "USD", "status": "requested",
          "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}',
        company_id => 'biz_wmSeller'
    )::text,
    'processed',
    'a withdrawal made at Whop from a seller''s company is recorded'
);
select is(
    apply_whop_withdrawal(
        '{"id": "wdrl_wmOutside1", "amount": 30.10, "currency": "USD", "status": "requested",
          "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}',
        company_id => 'biz_wmSeller'
    )::text,
    'ignored',
    'the same report again changes nothing'
);
select results_eq(
    $$ select seller_id, amount_cents, currency, status::text, made_at_whop from public.withdrawals
       where whop_withdrawal_id = 'wdrl_wmOutside1' $$,
    format($$ values (%L::uuid, 3010, 'USD', 'requested', true) $$, tests.get_user_id('wm_seller')),
    'it is the seller''s, once, in integer cents, marked as made at Whop'
);
select tests.authenticate_as('wm_seller');
select results_eq(
    'select available_cents, withdrawing_cents, debt_cents from seller_balance()',
    $$ values (5990::bigint, 3010::bigint, 0::bigint) $$,
    'the seller''s available balance drops by what they withdrew at Whop'
);

-- Whop pays it out: withdrawal.updated, as for ours.
select tests.authenticate_as_service_role();
select is(
    apply_whop_withdrawal(
        '{"id": "wdrl_wmOutside1", "amount": "30.10", "currency": "USD", "status": "completed",
          "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}'
    )::text,
    'processed',
    'its later status is applied'
);
select tests.authenticate_as('wm_seller');
select results_eq(
    'select available_cents, withdrawing_cents, withdrawn_cents from seller_balance()',
    $$ values (5990::bigint, 0::bigint, 3010::bigint) $$,
    'a completed withdrawal made at Whop counts as withdrawn'
);

-- A withdrawal at Whop that fails gives the money back, like ours.
select tests.authenticate_as_service_role();
select apply_whop_withdrawal(
    '{"id": "wdrl_wmOutside2", "amount": 20, "currency": "USD", "status": "requested",
      "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}'
);
select apply_whop_withdrawal(
    '{"id": "wdrl_wmOutside2", "amount": 20, "currency": "USD", "status": "failed",
      "error_message": "The bank rejected the transfer.",
      "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}'
);
select tests.authenticate_as('wm_seller');
select results_eq(
    'select available_cents, withdrawing_cents, withdrawn_cents from seller_balance()',
    $$ values (5990::bigint, 0::bigint, 3010::bigint) $$,
    'a failed withdrawal made at Whop gives the money back'
);

-- More than is available, withdrawn at Whop (Whop's balance knows nothing of our holds):
-- the shortfall is the seller's debt, and GigFlow withdraws nothing more.
select tests.authenticate_as_service_role();
select apply_whop_withdrawal(
    '{"id": "wdrl_wmOutside3", "amount": 80.00, "currency": "usd", "status": "completed",
      "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}'
);
select tests.authenticate_as('wm_seller');
select results_eq(
    'select available_cents, withdrawn_cents, debt_cents from seller_balance()',
    $$ values (0::bigint, 11010::bigint, 2010::bigint) $$,
    'withdrawing more at Whop than is available leaves the rest as debt'
);
select tests.authenticate_as_service_role();
select throws_ok(
    format('select request_withdrawal(%L, 1)', tests.get_user_id('wm_seller')),
    '55000', 'withdrawal of 1 exceeds the available 0 USD',
    'a seller in debt for a withdrawal made at Whop cannot withdraw through GigFlow'
);

-- The next cleared earnings pay that debt first.
select id as second from create_pending_order(tests.get_user_id('wm_buyer'), :'gig', 'basic') \gset
select tests.pay_order(:'second');
select tests.clear_authentication();
update public.orders set status = 'completed', completed_at = now() - interval '15 days' where id = :'second';
select tests.authenticate_as('wm_seller');
select results_eq(
    'select available_cents, debt_cents from seller_balance()',
    $$ values ((9000 - 2010)::bigint, 0::bigint) $$,
    'a later order''s 9,000 pays the 2,010 owed before any of it is available'
);

-- Through the webhook inbox, as Whop delivers it.
select tests.authenticate_as_service_role();
select event_id as hooked from ingest_whop_event(
    'msg_wmOutside4',
    '{"id": "msg_wmOutside4", "type": "withdrawal.created", "company_id": "biz_wmSeller",
      "data": {"id": "wdrl_wmOutside4", "amount": 10.00, "currency": "USD", "status": "requested",
               "ledger_account": {"id": "ldgr_wm", "company_id": "biz_wmSeller"}}}'
) \gset
select is(process_whop_event(:hooked)::text, 'processed', 'a withdrawal.created webhook records it too');
select tests.authenticate_as('wm_seller');
select results_eq(
    'select available_cents, withdrawing_cents from seller_balance()',
    $$ values ((9000 - 2010 - 1000)::bigint, 1000::bigint) $$,
    'and the balance drops by it'
);
select is(
    (select count(*)::integer from public.withdrawals where made_at_whop),
    4,
    'the seller sees the withdrawals they made at Whop'
);

-- Another company's withdrawal (not a seller's) is none of ours.
select tests.authenticate_as_service_role();
select is(
    apply_whop_withdrawal(
        '{"id": "wdrl_wmElsewhere", "amount": 50, "currency": "USD", "status": "completed",
          "ledger_account": {"id": "ldgr_x", "company_id": "biz_wmNobody"}}'
    )::text,
    'ignored',
    'a withdrawal from a company that is no seller''s is ignored'
);
select is(
    (select count(*)::integer from public.withdrawals where whop_withdrawal_id = 'wdrl_wmElsewhere'),
    0,
    'and nothing is recorded for it'
);

select * from finish();
rollback;
