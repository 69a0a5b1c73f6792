-- Timers act on what time made due, once; reviews stay hidden until both sides wrote
-- one or the release period passed, then feed the gig's rating.
begin;
select plan(16);

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
    perform public.record_payment(created.id, 'pay_' || note, 8000, 'usd');
    return created.id;
end;
$$;

-- Orders in every state a timer looks at, placed where time has left them.
select id as unpaid from public.create_pending_order(tests.get_user_id('tr_buyer'), :'gig', 'basic') \gset
update public.orders set checkout_expires_at = now() - interval '1 minute' where id = :'unpaid';
select pg_temp.paid_order('delivered') as delivered \gset
update public.orders set status = 'delivered', delivered_at = now() - interval '73 hours' where id = :'delivered';
select pg_temp.paid_order('fresh') as fresh_delivery \gset
update public.orders set status = 'delivered', delivered_at = now() - interval '71 hours' where id = :'fresh_delivery';
select pg_temp.paid_order('cancel') as ignored_request \gset
update public.orders
set status = 'cancel_requested', status_before_cancellation_request = 'in_progress',
    cancellation_requested_by = 'buyer', cancellation_requested_at = now() - interval '49 hours'
where id = :'ignored_request';
select pg_temp.paid_order('late') as late \gset
update public.orders set status = 'in_progress', due_at = now() - interval '1 hour' where id = :'late';
select pg_temp.paid_order('very_late') as very_late \gset
update public.orders set status = 'in_progress', due_at = now() - interval '25 hours' where id = :'very_late';

select tests.authenticate_as_service_role();
select run_due_timers() as first_run \gset
select tests.clear_authentication();

select is(:'first_run'::jsonb ->> 'checkouts_expired', '1', 'one expired checkout is cancelled');
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
select isnt((select very_late_at from public.orders where id = :'very_late'), null, 'a day past due is very late');
select is(
    (select count(*)::integer from public.notifications where order_id = :'late' and kind = 'late'),
    2,
    'both parties hear that it is late'
);

select tests.authenticate_as_service_role();
select is(
    run_due_timers(),
    '{"marked_late": 0, "auto_completed": 0, "marked_very_late": 0, "reviews_released": 0, "checkouts_expired": 0, "cancellation_requests_applied": 0}'::jsonb,
    'a second run finds nothing left to do'
);

-- Reviews ----------------------------------------------------------------------------
select tests.authenticate_as('tr_buyer');
select submit_review(:'delivered', 4, 'Good, a bit late');
select tests.authenticate_as_anon();
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 0, 'a lone review is hidden from visitors');
select tests.authenticate_as('tr_seller');
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 0, 'and from the other party');

select tests.clear_authentication();
update public.orders set completed_at = now() - interval '11 days' where id = :'delivered';
select tests.authenticate_as_service_role();
select run_due_timers();
select tests.authenticate_as_anon();
select is((select count(*)::integer from public.reviews where order_id = :'delivered'), 1, 'after 10 days it is public');
select tests.clear_authentication();
select is((select rating_avg || '/' || rating_count from public.gigs where id = :'gig'), '4.00/1', 'and counts in the gig''s rating');
select tests.authenticate_as('tr_seller');
select throws_ok(
    format('select submit_review(%L, 5, ''Late reply'')', :'delivered'),
    '55000',
    null,
    'once released, no more reviews are taken'
);

select * from finish();
rollback;
