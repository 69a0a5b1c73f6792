-- Timers act on what time made due, once, stamped with the time they run as; a timer is
-- a row of the transition table, not code. Reviews stay hidden until both sides wrote one
-- or the release period passed, then feed the gig's rating.
begin;
select plan(22);

select tests.create_user('tr_buyer');
select tests.create_user('tr_seller');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('tr_seller'), 'verified');
insert into public.categories (slug, name) values ('tr-category', 'Timers');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('tr_seller'), (select id from public.categories where slug = 'tr-category'),
        'I will deliver exactly on time, promise')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 8000, 'USD', 2);
update public.gigs set status = 'published' where id = :'gig';

create function pg_temp.paid_order(note text) returns uuid language plpgsql as $$
declare
    created public.orders;
begin
    created := public.create_pending_order(
        tests.get_user_id('tr_buyer'), (select id from public.gigs where title = 'I will deliver exactly on time, promise'),
        'basic'
    );
    perform private.record_order_action(created.id, 'pay', jsonb_build_object('whop_payment_id', 'pay_' || note), 'system');
    return created.id;
end;
$$;

-- An order put where time has left it, with its timers armed as the machine arms them.
create function pg_temp.placed(target uuid) returns uuid language sql as $$
    select private.arm_order_timers(o) from public.orders as o where o.id = target;
    select target;
$$;

-- Orders in every state a timer looks at.
select id as unpaid from public.create_pending_order(tests.get_user_id('tr_buyer'), :'gig', 'basic') \gset
update public.orders set checkout_expires_at = now() - interval '1 minute' where id = :'unpaid';
select pg_temp.placed(:'unpaid');
select pg_temp.paid_order('delivered') as delivered \gset
update public.orders set status = 'delivered', delivered_at = now() - interval '73 hours' where id = :'delivered';
select pg_temp.placed(:'delivered');
select pg_temp.paid_order('fresh') as fresh_delivery \gset
update public.orders set status = 'delivered', delivered_at = now() - interval '71 hours' where id = :'fresh_delivery';
select pg_temp.placed(:'fresh_delivery');
select pg_temp.paid_order('cancel') as ignored_request \gset
update public.orders
set status = 'cancel_requested', status_before_cancellation_request = 'in_progress',
    cancellation_requested_by = 'buyer', cancellation_requested_at = now() - interval '49 hours'
where id = :'ignored_request';
select pg_temp.placed(:'ignored_request');
select pg_temp.paid_order('late') as late \gset
update public.orders set status = 'in_progress', started_at = now() - interval '3 days', due_at = now() - interval '1 hour'
where id = :'late';
select pg_temp.placed(:'late');
select pg_temp.paid_order('very_late') as very_late \gset
update public.orders set status = 'in_progress', started_at = now() - interval '4 days', due_at = now() - interval '25 hours'
where id = :'very_late';
select pg_temp.placed(:'very_late');

select tests.authenticate_as_service_role();
select run_due_timers() as first_run \gset
select tests.clear_authentication();

select is(
    :'first_run'::jsonb,
    '{"expire_checkout": 1, "auto_complete": 1, "expire_cancellation_request": 1, "mark_late": 2, "mark_very_late": 1, "failed": 0}'::jsonb,
    'each due timer ran once: one checkout, one delivery, one request, two late marks, one very late'
);
select is((select status::text from public.orders where id = :'unpaid'), 'cancelled', 'the unpaid order is cancelled');
select is((select count(*)::integer from public.refunds where order_id = :'unpaid'), 0, 'with nothing to refund');
select is((select status::text from public.orders where id = :'delivered'), 'completed', 'a delivery unanswered for 3 days completes');
select is((select status::text from public.orders where id = :'fresh_delivery'), 'delivered', 'a younger delivery waits');
select is((select status::text from public.orders where id = :'ignored_request'), 'cancelled', 'an ignored cancellation request applies after 48 hours');
select is(
    (select amount_cents from public.refunds where order_id = :'ignored_request' and status = 'requested'),
    8000,
    'and the paid amount is owed back'
);
select isnt((select late_at from public.orders where id = :'late'), null, 'an order past due is marked late');
select is((select very_late_at from public.orders where id = :'late'), null, 'an hour past due is not very late');
select isnt((select very_late_at from public.orders where id = :'very_late'), null, 'a day past due is very late');
select is(
    (select count(*)::integer from public.notifications where order_id = :'late' and kind = 'mark_late'),
    2,
    'both parties hear that it is late'
);

select tests.authenticate_as_service_role();
select is(run_due_timers(), '{"failed": 0}'::jsonb, 'a second run finds nothing left to do');
select tests.clear_authentication();

-- Reviews ----------------------------------------------------------------------------
select tests.authenticate_as('tr_buyer');
select submit_review(:'delivered', 4, 'Good, a bit late');
select tests.authenticate_as_anon();
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 0, 'a lone review is hidden from visitors');
select tests.authenticate_as('tr_seller');
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 0, 'and from the other party');
select tests.authenticate_as('tr_buyer');
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 1, 'its author sees it');

-- Time is what the caller says it is: everything a run stamps is its as_of.
select tests.authenticate_as_service_role();
select run_due_timers(now() + interval '11 days');
select tests.authenticate_as_anon();
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 1, 'after 10 days it is public');
select tests.clear_authentication();
select is(
    (select completed_at from public.orders where id = :'fresh_delivery'),
    now() + interval '11 days',
    'a delivery completed by a run as of a time is completed at that time'
);
select is(
    (select created_at from public.order_events where order_id = :'fresh_delivery' and action = 'auto_complete'),
    now() + interval '11 days',
    'and its log says so'
);
select tests.clear_authentication();
select is((select rating_avg || '/' || rating_count from public.gigs where id = :'gig'), '4.00/1', 'and counts in the gig''s rating');
select tests.authenticate_as('tr_seller');
select throws_ok(
    format('select submit_review(%L, 5, ''Late reply'')', :'delivered'),
    '55000',
    null,
    'once released, no more reviews are taken'
);
select tests.clear_authentication();

-- A timer is a row: an edge with timer columns fires with no code of its own.
select pg_temp.paid_order('waiting') as waiting \gset
select is(
    (select count(*)::integer from private.order_deadlines where order_id = :'waiting'),
    0,
    'an order waiting for its brief has no timer'
);
insert into private.order_transitions (from_status, action, actor, to_status, timer_from, timer_delay, timer_runner)
values ('awaiting_requirements', 'expire_cancellation_request', 'system', 'cancelled', 'paid_at', '30 days', 'database');
select pg_temp.placed(:'waiting');
select tests.authenticate_as_service_role();
select run_due_timers(now() + interval '31 days');
select tests.clear_authentication();
select is(
    (select status::text from public.orders where id = :'waiting'),
    'cancelled',
    'a new timer edge (cancel a brief never sent within 30 days) cancels the order when due'
);

select * from finish();
rollback;
