-- Live order activity, authorized as Supabase Realtime authorizes it.
-- * Postgres changes: Realtime delivers a change only if the subscriber can select the
--   row under RLS, checked as the subscriber (role and claims set, then select).
-- * Private channels `order:<order_id>`: Realtime sets realtime.topic and runs, as the
--   user, a select on realtime.messages to let them join and receive, and an insert to
--   let them send.
begin;
select plan(34);

select tests.create_user('rt_buyer');
select tests.create_user('rt_seller');
select tests.create_user('rt_stranger');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('rt_seller'), 'verified', 'biz_rt');
insert into public.categories (slug, name) values ('rt-category', 'Realtime');
insert into public.gigs (seller_id, category_id, title)
select tests.get_user_id('rt_seller'), id, 'Realtime channel test gig' from public.categories where slug = 'rt-category';
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
select id, 'basic', 'Basic', 5000, 'USD', 2 from public.gigs where title = 'Realtime channel test gig';
update public.gigs set status = 'published' where title = 'Realtime channel test gig';

select tests.authenticate_as_service_role();
create temporary table rt_order on commit drop as
select id from public.create_pending_order(
    tests.get_user_id('rt_buyer'), (select id from public.gigs where title = 'Realtime channel test gig'), 'basic'
);
grant select on rt_order to anon, authenticated;
select tests.pay_order((select id from rt_order), 'pay_rt');
select tests.authenticate_as('rt_buyer');
insert into public.order_messages (order_id, body) values ((select id from rt_order), 'Hi, quick question');
select tests.clear_authentication();

-- A broadcast stored for the order's channel (Realtime writes these as itself).
insert into realtime.messages (topic, extension, event, payload, private)
select 'order:' || id, 'broadcast', 'typing', '{"who": "buyer"}', true from rt_order;

select ok(
    (select array_agg(tablename::text order by tablename) from pg_publication_tables where pubname = 'supabase_realtime')
    @> array['notifications', 'order_messages', 'orders'],
    'orders, their messages and notifications are published to Realtime'
);

-- As Realtime checks a postgres change for a subscriber.
create function pg_temp.sees(actor text, query text) returns integer language plpgsql as $$
declare
    seen integer;
begin
    perform tests.clear_authentication();
    if actor = 'anon' then
        perform tests.authenticate_as_anon();
    else
        perform tests.authenticate_as(actor);
    end if;
    begin
        execute query into seen;
    exception when insufficient_privilege then
        seen := 0;
    end;
    perform tests.clear_authentication();
    return seen;
end;
$$;

select is(pg_temp.sees('rt_buyer', 'select count(*) from public.orders where id = (select id from rt_order)'), 1, 'the buyer receives the order''s changes');
select is(pg_temp.sees('rt_seller', 'select count(*) from public.orders where id = (select id from rt_order)'), 1, 'the seller receives the order''s changes');
select is(pg_temp.sees('rt_stranger', 'select count(*) from public.orders where id = (select id from rt_order)'), 0, 'a stranger receives no order change');
select is(pg_temp.sees('anon', 'select count(*) from public.orders where id = (select id from rt_order)'), 0, 'anon receives no order change');
select is(pg_temp.sees('rt_seller', 'select count(*) from public.order_messages where order_id = (select id from rt_order)'), 1, 'the seller receives the buyer''s message');
select is(pg_temp.sees('rt_stranger', 'select count(*) from public.order_messages where order_id = (select id from rt_order)'), 0, 'a stranger receives no message');
select is(pg_temp.sees('anon', 'select count(*) from public.order_messages where order_id = (select id from rt_order)'), 0, 'anon receives no message');
select is(pg_temp.sees('rt_seller', 'select count(*) from public.notifications where order_id = (select id from rt_order) and user_id = tests.get_user_id(''rt_seller'')'), 2, 'the seller receives their notifications');
select is(pg_temp.sees('rt_buyer', 'select count(*) from public.notifications where order_id = (select id from rt_order) and user_id = tests.get_user_id(''rt_seller'')'), 0, 'the buyer receives none of the seller''s notifications');
select is(pg_temp.sees('rt_stranger', 'select count(*) from public.notifications where order_id = (select id from rt_order)'), 0, 'a stranger receives no notification');

-- As Realtime authorizes a private channel: join (select) and send (insert).
create function pg_temp.channel(actor text, topic text, operation text) returns text language plpgsql as $$
declare
    outcome text;
    seen integer;
begin
    perform tests.clear_authentication();
    if actor = 'anon' then
        perform tests.authenticate_as_anon();
    else
        perform tests.authenticate_as(actor);
    end if;
    perform set_config('realtime.topic', topic, true);
    begin
        if operation = 'join' then
            select count(*) into seen from realtime.messages as m
            where m.topic = realtime.topic() and m.extension in ('broadcast', 'presence');
            outcome := case when seen > 0 then 'allowed' else 'refused' end;
        else
            insert into realtime.messages (topic, extension, event, payload, private)
            values (topic, operation, 'typing', '{}', true);
            outcome := 'allowed';
            raise exception using errcode = 'GFTST';
        end if;
    exception when sqlstate 'GFTST' then
        null;
    when insufficient_privilege then
        outcome := 'refused';
    end;
    perform set_config('realtime.topic', '', true);
    perform tests.clear_authentication();
    return outcome;
end;
$$;

create temporary table rt_cases (actor text, topic text, operation text, expected text);
grant select on rt_cases to anon, authenticated;
insert into rt_cases
select c.actor, replace(replace(c.topic, '{order}', (select id::text from rt_order)), '{ORDER}', upper((select id::text from rt_order))), c.operation, c.expected
from (values
    ('rt_buyer', 'order:{order}', 'join', 'allowed'),
    ('rt_seller', 'order:{order}', 'join', 'allowed'),
    ('rt_stranger', 'order:{order}', 'join', 'refused'),
    ('anon', 'order:{order}', 'join', 'refused'),
    ('rt_buyer', 'order:{order}', 'broadcast', 'allowed'),
    ('rt_seller', 'order:{order}', 'presence', 'allowed'),
    ('rt_stranger', 'order:{order}', 'broadcast', 'refused'),
    ('rt_stranger', 'order:{order}', 'presence', 'refused'),
    ('anon', 'order:{order}', 'broadcast', 'refused'),
    ('rt_buyer', 'order:{order}', 'postgres_changes', 'refused'),
    ('rt_buyer', 'order:{ORDER}', 'broadcast', 'refused'),
    ('rt_buyer', 'order:{order}x', 'broadcast', 'refused'),
    ('rt_buyer', 'orders:{order}', 'broadcast', 'refused'),
    ('rt_buyer', 'order:{order}/../order:other', 'broadcast', 'refused'),
    ('rt_buyer', 'order:', 'broadcast', 'refused'),
    ('rt_stranger', 'order:00000000-0000-0000-0000-000000000000', 'broadcast', 'refused')
) as c (actor, topic, operation, expected);

select is(pg_temp.channel(actor, topic, operation), expected, format('%s %s on %s: %s', actor, operation, topic, expected))
from rt_cases;

-- A stranger cannot read what participants broadcast by naming no topic at all.
select tests.authenticate_as('rt_stranger');
select is((select count(*)::integer from realtime.messages), 0, 'a stranger reads no stored broadcast');
select tests.clear_authentication();

-- Topics that name no order of the user's, and reads without a topic.
select is(pg_temp.channel('rt_seller', 'order:' || gen_random_uuid(), 'broadcast'), 'refused', 'a channel of an order that does not exist is refused');
select is(pg_temp.channel('rt_seller', null, 'broadcast'), 'refused', 'a send without a topic is refused');
select is(pg_temp.channel('rt_buyer', 'order:{order}', 'broadcast'), 'refused', 'an unresolved topic template is refused');
select is(pg_temp.sees('rt_buyer', 'select count(*) from realtime.messages'), 0, 'without a topic set, nothing is visible even to a participant');
select is(pg_temp.sees('rt_seller', 'select count(*) from public.order_messages'), 1, 'the seller sees exactly the one message of their order');
select is(pg_temp.sees('rt_buyer', 'select count(*) from public.orders'), 1, 'the buyer sees exactly their one order');

select * from finish();
rollback;
