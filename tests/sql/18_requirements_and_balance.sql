-- The buyer's brief starts the order only when every required question is answered;
-- the seller's balance is derived from orders, refunds, withdrawals and charges, net of
-- the platform fee: a refund holds the seller's share back the moment it is asked for,
-- and a refund that settles after the money was withdrawn leaves a debt, never a negative
-- available, which later earnings pay first.
begin;
select plan(16);

select tests.create_user('rb_buyer');
select tests.create_user('rb_seller');
select tests.create_user('rb_stranger');
select tests.create_user('rb_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('rb_seller'), 'verified');
insert into public.categories (slug, name) values ('rb-category', 'Briefs');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('rb_seller'), (select id from public.categories where slug = 'rb-category'),
        'I will follow your brief to the letter')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 10000, 'USD', 5);
insert into public.gig_requirements (gig_id, position, question, kind, choices, required)
values
(:'gig', 1, 'What is your company called?', 'free_text', '{}', true),
(:'gig', 2, 'Pick a style', 'multiple_choice', array['Bold', 'Calm'], true),
(:'gig', 3, 'Anything else?', 'free_text', '{}', false);
select id as q_name from public.gig_requirements where gig_id = :'gig' and position = 1 \gset
select id as q_style from public.gig_requirements where gig_id = :'gig' and position = 2 \gset
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as_service_role();
select id as ord from create_pending_order(tests.get_user_id('rb_buyer'), :'gig', 'basic') \gset
select tests.pay_order(:'ord', 'pay_rb');

select tests.authenticate_as('rb_buyer');
select throws_ok(
    format('select submit_requirements(%L, ''[{"requirement_id": "%s", "answer": "Acme"}]'')', :'ord', :'q_name'),
    '22023', null, 'a missing required answer is refused'
);
select throws_ok(
    format('select submit_requirements(%L, ''[{"requirement_id": "%s", "answer": "Acme"}, {"requirement_id": "%s", "answer": "Loud"}]'')',
        :'ord', :'q_name', :'q_style'),
    '22023', null, 'a multiple-choice answer must be one of the choices'
);
select is(
    (select count(*)::integer from public.order_requirement_answers where order_id = :'ord'),
    0,
    'a refused brief stores no answer'
);
select results_eq(
    format(
        'select status::text, due_at::date from submit_requirements(%L, ''[{"requirement_id": "%s", "answer": "Acme"}, {"requirement_id": "%s", "answer": "Calm"}]'')',
        :'ord', :'q_name', :'q_style'
    ),
    $$ values ('in_progress', (now() + interval '5 days')::date) $$,
    'a complete brief starts the order, due in the package''s delivery days'
);
select is(
    (select string_agg(question || '=' || answer, '; ' order by question) from public.order_requirement_answers where order_id = :'ord'),
    'Pick a style=Calm; What is your company called?=Acme',
    'the answers are kept with the questions as they were asked'
);

select tests.authenticate_as('rb_seller');
select public.deliver_order(:'ord', 'Done', '[]');
select tests.authenticate_as('rb_buyer');
select public.accept_delivery(:'ord');

select tests.authenticate_as('rb_seller');
select results_eq(
    'select currency, pending_cents, available_cents, refunded_cents from seller_balance()',
    $$ values ('USD', 9000::bigint, 0::bigint, 0::bigint) $$,
    'a just-completed order is pending, net of the 10% fee'
);
select tests.clear_authentication();
update public.orders set completed_at = now() - interval '15 days' where id = :'ord';
select tests.authenticate_as('rb_seller');
select results_eq(
    'select pending_cents, available_cents from seller_balance()',
    $$ values (0::bigint, 9000::bigint) $$,
    'after the clearance period it is available'
);
-- 10,000 paid, 10% fee: a refund of 2,500 is 250 of fee and 2,250 of the seller's share.
select tests.authenticate_as('rb_admin');
select request_refund(:'ord', 2500, 'Partly unhappy') as asked \gset
select tests.authenticate_as('rb_seller');
select results_eq(
    'select available_cents, held_cents, refunded_cents, debt_cents from seller_balance()',
    $$ values (6750::bigint, 2250::bigint, 0::bigint, 0::bigint) $$,
    'a refund asked for holds the seller''s share back at once'
);
select tests.clear_authentication();
update public.seller_accounts set whop_company_id = 'biz_rb' where user_id = tests.get_user_id('rb_seller');
select tests.authenticate_as_service_role();
select throws_ok(
    format('select request_withdrawal(%L, 6751)', tests.get_user_id('rb_seller')),
    '55000', null, 'the held share cannot be withdrawn'
);
select lives_ok(
    format('select request_withdrawal(%L, 6750)', tests.get_user_id('rb_seller')),
    'all that is not held can be'
);
select tests.settle_refund(:'ord', 'rf_rb', 2500);
select tests.authenticate_as('rb_seller');
select results_eq(
    'select available_cents, held_cents, refunded_cents, withdrawing_cents, debt_cents from seller_balance()',
    $$ values (0::bigint, 0::bigint, 2250::bigint, 6750::bigint, 0::bigint) $$,
    'Whop settling the refund turns the held share into refunded'
);
-- A refund asked for after everything was withdrawn: the seller owes it.
select tests.authenticate_as('rb_admin');
select request_refund(:'ord', 1000, 'A second complaint');
select tests.authenticate_as('rb_seller');
select results_eq(
    'select available_cents, held_cents, debt_cents from seller_balance()',
    $$ values (0::bigint, 900::bigint, 900::bigint) $$,
    'a refund beyond what is left shows as debt, and available is never negative'
);
-- The next cleared earnings pay the debt first.
select tests.authenticate_as_service_role();
select id as second from create_pending_order(tests.get_user_id('rb_buyer'), :'gig', 'basic') \gset
select tests.pay_order(:'second');
select tests.clear_authentication();
update public.orders set status = 'completed', completed_at = now() - interval '15 days' where id = :'second';
select tests.authenticate_as('rb_seller');
select results_eq(
    'select available_cents, debt_cents from seller_balance()',
    $$ values ((9000 - 900)::bigint, 0::bigint) $$,
    'a later order''s 9,000 pays the 900 owed before any of it is available'
);
select tests.authenticate_as('rb_stranger');
select throws_ok(
    format('select * from seller_balance(%L)', tests.get_user_id('rb_seller')),
    '42501', null, 'nobody else reads a seller''s balance'
);
select is(
    (select count(*)::integer from seller_balance()),
    0,
    'someone who never sold has no balance'
);
select tests.authenticate_as_anon();
select throws_ok('select * from seller_balance()', '42501', null, 'a visitor has no balance to ask for');

select * from finish();
rollback;
