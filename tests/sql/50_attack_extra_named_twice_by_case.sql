-- Attack (ordering more than one): the same extra named twice, once with its id in upper
-- case. quote_order documents 22023 for "an extra is named twice", and each extra's
-- quantity is held to 1..its max_quantity; the duplicate check compares the ids as text,
-- so 'abc…' and 'ABC…' pass as two extras, and an extra capped at 2 is sold 4 times (its
-- delivery days counted twice). POST /checkout's UUID pattern accepts upper case too, so
-- the same body reaches prepare_checkout and the order keeps both lines.
begin;
select plan(4);

select tests.create_user('ac_buyer');
select tests.create_user('ac_seller');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('ac_seller'), 'verified', 'biz_ac_seller');
insert into public.categories (slug, name) values ('ac-category', 'Attack: extras by case');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('ac_seller'), (select id from public.categories where slug = 'ac-category'),
    'I will write one thing with a capped rush extra'
)
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days, max_quantity)
values (:'gig', 'basic', 'Basic', 1000, 'USD', 3, 5);
insert into public.gig_extras (gig_id, title, price_cents, currency, extra_delivery_days, max_quantity)
values (:'gig', 'Rush', 300, 'USD', 5, 2)
returning id as rush \gset
update public.gigs set status = 'published' where id = :'gig';

select format(
    '[{"extra_id": "%s", "quantity": 2}, {"extra_id": "%s", "quantity": 2}]', :'rush', upper(:'rush')
) as twice \gset

select tests.authenticate_as('ac_buyer');
select throws_ok(
    format('select public.quote_order(%L, ''basic'', %L::jsonb, 1)', :'gig', :'twice'),
    '22023', null,
    'an extra named twice (once in upper case) is refused in a quote'
);
select throws_ok(
    format(
        'select public.quote_order(%L, ''basic'', %L::jsonb, 1)', :'gig',
        format('[{"extra_id": "%s", "quantity": 3}]', upper(:'rush'))
    ),
    '22023', null,
    'an extra named in upper case is still held to its max_quantity'
);

select tests.authenticate_as_service_role();
select throws_ok(
    format(
        'select public.prepare_checkout(%L, %L, ''basic'', %L::jsonb, ''{}'', 1)',
        tests.get_user_id('ac_buyer'), :'gig', :'twice'
    ),
    '22023', null,
    'and no checkout is prepared with it'
);
select is(
    (select coalesce(sum(e.quantity), 0)::integer from public.order_extras as e where e.extra_id = :'rush'),
    0,
    'no order holds more of the extra than its max_quantity'
);

select * from finish();
rollback;
