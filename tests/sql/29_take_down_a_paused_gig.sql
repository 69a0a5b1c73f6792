-- A seller who sees a take-down coming pauses the gig, to unpause it once the operators
-- have looked away. An operator takes a paused gig down like a live one, and then the
-- seller can neither unpause it nor edit it back into review.
begin;
select plan(4);

select tests.create_user('tp_admin', '{"user_role": "admin"}');
select tests.create_user('tp_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('tp_seller'), 'verified', 'biz_tp_seller');
insert into public.categories (slug, name) values ('tp-category', 'Paused take-downs');
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('tp_seller'), (select id from public.categories where slug = 'tp-category'),
        'I will pause my gig before the operators arrive')
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 1500, 'USD', 2);
update public.gigs set status = 'published' where id = :'gig';

select tests.authenticate_as('tp_seller');
select public.pause_gig(:'gig');

select tests.authenticate_as('tp_admin');
select results_eq(
    format('select status::text from public.take_down_gig(%L, ''Reported as a scam'')', :'gig'),
    $$ values ('taken_down') $$,
    'an admin takes the paused gig down'
);

select tests.authenticate_as('tp_seller');
select throws_ok(format('select public.unpause_gig(%L)', :'gig'), '55000', null, 'the seller cannot unpause it');
select throws_ok(
    format('update public.gigs set title = ''I will behave now'' where id = %L', :'gig'),
    '55000', null, 'nor edit it back into review'
);

select tests.authenticate_as('tp_admin');
select results_eq(
    format('select status::text from public.restore_gig(%L, ''Report was unfounded'')', :'gig'),
    $$ values ('published') $$,
    'restored, it is live again'
);

select * from finish();
rollback;
