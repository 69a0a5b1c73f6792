-- The money path's fresh orders, for `make bench`: one seller (connected to Whop) and one
-- buyer per pgbench client, so clients do not queue on each other's locks, :orders
-- pending orders each with its Whop checkout, and for each the payment and refund Whop
-- would report, and the JWT claims of buyer, seller and an admin, as quoted literals for
-- pgbench (bench/money_path.pgbench). Run as a superuser after marketplace_data.sql:
--   psql -v clients=8 -v orders=450 -f bench/money_path.sql
create table bench_money_queue (
    client integer, seq integer, order_id uuid, payment text, refund text,
    buyer text, seller text, admin text, primary key (client, seq)
);
-- One seller and one buyer per client (so clients do not queue on each other's locks);
-- the admin who asks for the refund.
create temporary table money_people as
with sellers as (
    select distinct on (g.seller_id) g.seller_id, g.id as gig_id
    from public.gigs as g
    where g.status = 'published'
    order by g.seller_id, g.id
),

numbered_sellers as (
    select row_number() over (order by seller_id) - 1 as client, seller_id, gig_id from sellers
),

numbered_buyers as (
    select row_number() over (order by p.username desc) - 1 as client, p.id as buyer_id
    from public.profiles as p where p.username like 'bench\_buyer\_%'
)

select s.client::integer, s.gig_id, s.seller_id, b.buyer_id, a.whop_company_id
from numbered_sellers as s join numbered_buyers as b using (client)
join public.seller_accounts as a on a.user_id = s.seller_id
where s.client < :clients;
insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at)
values (gen_random_uuid(), 'authenticated', 'authenticated', 'bench_admin@example.test',
        '{"username": "bench_admin"}', '{"user_role": "admin"}', now());
with made as (
    insert into public.orders (
        buyer_id, seller_id, gig_id, tier, gig_title, currency, package_price_cents, extras_cents,
        subtotal_cents, fee_bps, fee_cents, seller_net_cents, delivery_days, revisions_included,
        checkout_expires_at, whop_checkout_id
    )
    select m.buyer_id, m.seller_id, m.gig_id, 'basic', 'Bench money path', 'USD', 10000, 0,
        10000, 1000, 1000, 9000, 3, 1, now() + interval '1 day',
        'ch_bench_money_' || m.client || '_' || n
    from money_people as m cross join generate_series(1, :orders) as n
    returning id, seller_id, buyer_id, whop_checkout_id
)
insert into bench_money_queue
select m.client, split_part(made.whop_checkout_id, '_', 5)::integer, made.id,
    quote_literal(jsonb_build_object(
        'id', 'pay_' || made.id, 'status', 'paid', 'substatus', 'succeeded', 'total', 100.00,
        'currency', 'usd', 'company', jsonb_build_object('id', m.whop_company_id),
        'checkout_configuration_id', made.whop_checkout_id,
        'application_fee', jsonb_build_object('amount', 10.00),
        'metadata', jsonb_build_object('gigflow_order_id', made.id)
    )::text),
    quote_literal(jsonb_build_object(
        'id', 'rf_' || made.id, 'status', 'succeeded', 'amount', 10.00,
        'payment', jsonb_build_object('id', 'pay_' || made.id)
    )::text),
    quote_literal(jsonb_build_object('sub', m.buyer_id, 'role', 'authenticated')::text),
    quote_literal(jsonb_build_object('sub', m.seller_id, 'role', 'authenticated')::text),
    quote_literal(jsonb_build_object(
        'sub', (select id from auth.users where email = 'bench_admin@example.test'), 'role', 'authenticated',
        'app_metadata', jsonb_build_object('user_role', 'admin')
    )::text)
from made join money_people as m on m.client = split_part(made.whop_checkout_id, '_', 4)::integer;
analyze bench_money_queue;
