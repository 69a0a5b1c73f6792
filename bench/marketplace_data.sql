-- Synthetic marketplace around the catalog of bench/catalog_data.sql, for `make bench`:
-- packages and extras for every gig, :users buyers, :orders orders spread over every
-- status (with their notifications), and one heavy buyer with :heavy orders. Seeded, so
-- every run has the same data. Run as a superuser after catalog_data.sql:
--   psql -v users=100000 -v orders=1000000 -v heavy=5000 -f bench/marketplace_data.sql
select setseed(0.17);

-- Buyers sign up as GoTrue would (the trigger makes their profiles).
insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at)
select gen_random_uuid(), 'authenticated', 'authenticated', 'bench_buyer' || i || '@example.test',
    jsonb_build_object('username', 'bench_buyer_' || i), '{}', now()
from generate_series(1, :users) as i;

-- Bulk rows as a restore would load them: the row triggers (review on offer changes,
-- notifications) are the product's, not the data's.
set session_replication_role = replica;

insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days, revisions_included)
select g.id, t.tier::public.package_tier, initcap(t.tier), g.starting_price_cents * t.factor, 'USD',
    g.fastest_delivery_days + t.extra_days, t.revisions
from public.gigs as g
cross join (values ('basic', 1, 0, 1), ('standard', 2, 2, 2), ('premium', 4, 4, 3)) as t (tier, factor, extra_days, revisions)
where g.category_id in (select id from public.categories where slug like 'bench-%')
    and (t.tier = 'basic' or abs(hashtext(g.id::text)) % 3 = 0);

insert into public.gig_extras (gig_id, title, price_cents, currency, extra_delivery_days, max_quantity)
select g.id, 'Express delivery', 1500, 'USD', 0, 1
from public.gigs as g
where g.category_id in (select id from public.categories where slug like 'bench-%')
    and abs(hashtext(g.id::text)) % 2 = 0;

create temporary table bench_buyers as
select row_number() over (order by p.username) as n, p.id
from public.profiles as p where p.username like 'bench\_buyer\_%';
create temporary table bench_gigs as
select row_number() over (order by g.id) as n, g.id, g.seller_id, g.title, g.starting_price_cents, g.fastest_delivery_days
from public.gigs as g where g.category_id in (select id from public.categories where slug like 'bench-%');
-- Numbered for the random draws below: joined by number, so indexed and analyzed.
alter table bench_buyers add primary key (n);
alter table bench_gigs add primary key (n);
analyze bench_buyers;
analyze bench_gigs;

-- Every seller has a Whop connected company (payments are checked against it).
update public.seller_accounts set whop_company_id = 'biz_' || replace(user_id::text, '-', '')
where whop_company_id is null;

-- Orders over every status; the heavy buyer (bench_buyer_1) has :heavy of them.
insert into public.orders (
    buyer_id, seller_id, gig_id, tier, gig_title, currency, package_price_cents, extras_cents,
    subtotal_cents, fee_bps, fee_cents, seller_net_cents, delivery_days, revisions_included,
    status, checkout_expires_at, paid_at, started_at, due_at, delivered_at, completed_at,
    cancelled_at, created_at, updated_at, whop_payment_id, whop_checkout_id
)
select
    b.id, g.seller_id, g.id, 'basic', g.title, 'USD', g.starting_price_cents, 0,
    g.starting_price_cents, 1000, (g.starting_price_cents + 5) / 10,
    g.starting_price_cents - (g.starting_price_cents + 5) / 10, g.fastest_delivery_days, 1,
    s.status::public.order_status,
    case when s.status = 'pending_payment' then now() + interval '1 day' else d.created + interval '1 hour' end,
    case when s.status not in ('pending_payment') then d.created + interval '5 minutes' end,
    case when s.status in ('in_progress', 'delivered', 'revision_requested', 'completed', 'disputed')
        then d.created + interval '1 day' end,
    case when s.status in ('in_progress', 'delivered', 'revision_requested', 'completed', 'disputed')
        then d.created + interval '1 day' + g.fastest_delivery_days * interval '1 day' end,
    case when s.status in ('delivered', 'completed') then d.created + interval '3 days' end,
    case when s.status = 'completed' then d.created + interval '4 days' end,
    case when s.status = 'cancelled' then d.created + interval '2 hours' end,
    d.created, d.created,
    case when s.status <> 'pending_payment' then 'pay_bench_' || i end,
    'ch_bench_' || i
from generate_series(1, :orders) as i
cross join lateral (
    select now() - random() * interval '365 days' as created,
        case when i <= :heavy then 1 else 1 + floor(random() * :users)::bigint end as buyer_n,
        1 + floor(random() * (select max(n) from bench_gigs))::bigint as gig_n,
        random() as r
) as d
join bench_buyers as b on b.n = d.buyer_n
join bench_gigs as g on g.n = d.gig_n
cross join lateral (
    select case
        when d.r < 0.05 then 'pending_payment'
        when d.r < 0.12 then 'awaiting_requirements'
        when d.r < 0.30 then 'in_progress'
        when d.r < 0.38 then 'delivered'
        when d.r < 0.42 then 'revision_requested'
        when d.r < 0.90 then 'completed'
        when d.r < 0.97 then 'cancelled'
        else 'disputed'
    end as status
) as s;

insert into public.notifications (user_id, order_id, kind, body, read_at, created_at)
select o.buyer_id, o.id, 'order_update', 'Your order moved on', case when random() < 0.7 then now() end, o.updated_at
from public.orders as o
where o.buyer_id in (select id from bench_buyers);

set session_replication_role = origin;
-- Every order's timers armed, as the order machine arms them for the orders it moves; a
-- live system fired the ones the synthetic history puts in the past long ago.
do $$ begin perform private.arm_order_timers(o) from public.orders as o; end $$;
delete from private.order_deadlines where due_at <= now();
analyze;
