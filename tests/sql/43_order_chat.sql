-- Order chat: a Whop DM channel between a paid order's buyer and seller, wanted once both
-- linked Whop, and chat tokens only for a real conversation. The attacks are written as
-- their steps: a buyer who never paid, a stranger, a party without a Whop account.
begin;
select plan(31);
-- One buyer keeps several unpaid orders here (26_unpaid_orders tests the cap).
update private.platform_settings set max_unpaid_orders = 50, max_checkouts_per_hour = 1000;

select tests.create_user('oc_buyer');
select tests.create_user('oc_seller');
select tests.create_user('oc_stranger');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('oc_seller'), 'verified', 'biz_oc_seller');
insert into public.categories (slug, name) values ('oc-category', 'Order chat');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id(
        'oc_seller'), (
        select id from public.categories
        where slug = 'oc-category'
    ),
    'I will talk your project through'
)
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 8000, 'USD', 5);
update public.gigs set status = 'published'
where id = :'gig';

select tests.authenticate_as_service_role();
select (create_pending_order(tests.get_user_id('oc_buyer'), :'gig', 'basic')).id as unpaid \gset
select (create_pending_order(tests.get_user_id('oc_buyer'), :'gig', 'basic')).id as paid \gset
select (create_pending_order(tests.get_user_id('oc_buyer'), :'gig', 'basic')).id as abandoned \gset
select (create_pending_order(tests.get_user_id('oc_buyer'), :'gig', 'basic')).id as paid_late \gset

-- What a worker claims from the work list, in a word per order.
create function pg_temp.to_open() returns text
language sql
as $$
    select coalesce(string_agg(order_id::text, ' ' order by order_id), 'nothing')
    from public.claim_whop_dm_channels(100)
$$;

select tests.clear_authentication();
select tests.pay_order(:'paid');
select private.record_order_action(:'abandoned', 'expire_checkout', '{}', 'system');
select private.record_order_action(:'paid_late', 'expire_checkout', '{}', 'system');
select tests.pay_order(:'paid_late');
select tests.authenticate_as_service_role();

-- Before both parties linked Whop -----------------------------------------------------
select is(pg_temp.to_open(), 'nothing', 'a paid order wants no channel while nobody linked Whop');
select link_whop_account(tests.get_user_id('oc_buyer'), 'user_oc_buyer', 'a', 'r', now() + interval '1 hour');
select is(pg_temp.to_open(), 'nothing', 'nor while only the buyer did');
select throws_ok(
    format('select * from order_chat(%L, %L)', :'paid', tests.get_user_id('oc_seller')),
    'GF002',
    'link your Whop account to chat: the chat token is your own Whop identity''s',
    'the seller, without a Whop account, gets no chat: they are asked to link one'
);
select is(
    (
        select format('%s %s %s', role, whop_user_id, coalesce(whop_dm_channel_id, 'no channel'))
        from order_chat(:'paid', tests.get_user_id('oc_buyer'))
    ),
    'buyer user_oc_buyer no channel',
    'the linked buyer has a chat in waiting: no channel until the seller links'
);

-- The seller links: the paid order's chat is wanted, and only that one ----------------
select link_whop_account(
    tests.get_user_id('oc_seller'), 'user_oc_seller', 'a', 'r', now() + interval '1 hour'
);
create temporary table first_claim as select * from claim_whop_dm_channels(100);
select is(
    (select string_agg(order_id::text, ' ') from first_claim),
    :'paid',
    'once both linked, the paid order wants its channel, and only it'
);
select is(
    (select format('%s %s %s', buyer_whop_user_id, seller_whop_user_id, channel_name) from first_claim),
    format(
        'user_oc_buyer user_oc_seller GigFlow order %s: I will talk your project through', left(:'paid', 8)
    ),
    'between the buyer''s and the seller''s Whop accounts, named after the order'
);
select is(pg_temp.to_open(), 'nothing', 'a claimed chat is leased: a second worker does not ask Whop too');

-- Chat tokens only for a real conversation --------------------------------------------
select throws_ok(
    format('select * from order_chat(%L, %L)', :'unpaid', tests.get_user_id('oc_buyer')),
    '55000',
    format(
        'order %s has no chat: it is pending payment and was never paid; the chat opens once it is paid',
        :'unpaid'
    ),
    'a buyer who only started a checkout gets no chat'
);
select throws_ok(
    format('select * from order_chat(%L, %L)', :'abandoned', tests.get_user_id('oc_buyer')),
    '55000',
    null,
    'nor on an order cancelled unpaid'
);
select throws_ok(
    format('select * from order_chat(%L, %L)', :'paid_late', tests.get_user_id('oc_seller')),
    '55000',
    null,
    'nor on one paid only after it was cancelled (that money is refunded)'
);
select throws_ok(
    format('select * from order_chat(%L, %L)', :'paid', tests.get_user_id('oc_stranger')),
    'P0002',
    format('order %s not found', :'paid'),
    'a stranger learns only that there is no such order'
);

-- Whop makes the channel ------------------------------------------------------------------
select is(
    attach_whop_dm_channel(:'paid', 'dmc_oc_1', 'user_oc_buyer', 'user_oc_seller'),
    'dmc_oc_1',
    'the channel Whop made becomes the order''s chat'
);
select is(
    (select count(*)::integer from claim_whop_dm_channels(10, :'paid')),
    0,
    'and is wanted no more, even by name'
);
select is(
    attach_whop_dm_channel(:'paid', 'dmc_oc_other', 'user_oc_buyer', 'user_oc_seller'),
    'dmc_oc_1',
    'a second worker''s answer changes nothing: the order keeps its channel'
);
select is(
    (
        select format('%s %s', role, whop_dm_channel_id)
        from order_chat(:'paid', tests.get_user_id('oc_seller'))
    ),
    'seller dmc_oc_1',
    'the seller''s chat names the channel'
);

-- Who reads the channel id ------------------------------------------------------------------
select tests.act_as('oc_buyer');
select is(
    (
        select whop_dm_channel_id from public.orders
        where id = :'paid'
    ),
    'dmc_oc_1',
    'the buyer reads the order''s channel'
);
select tests.act_as('oc_seller');
select is(
    (
        select whop_dm_channel_id from public.orders
        where id = :'paid'
    ),
    'dmc_oc_1',
    'the seller reads it'
);
select tests.act_as('oc_stranger');
select is_empty(
    format('select whop_dm_channel_id from public.orders where id = %L', :'paid'),
    'a stranger reads nothing of the order'
);
select tests.act_as('oc_buyer');
select is(
    tests.write_outcome(
        format('update public.orders set whop_dm_channel_id = ''dmc_mine'' where id = %L', :'paid')
    ),
    '42501',
    'and no party can point the order at another channel'
);

-- A party links another Whop account ----------------------------------------------------
select tests.act_as('service_role');
select link_whop_account(
    tests.get_user_id('oc_buyer'), 'user_oc_buyer_2', 'a', 'r', now() + interval '1 hour'
);
select is(
    (
        select coalesce(whop_dm_channel_id, 'no channel') from public.orders
        where id = :'paid'
    ),
    'no channel',
    'the chat made for the buyer''s old Whop account is no longer the order''s'
);
select is(
    (
        select buyer_whop_user_id from claim_whop_dm_channels(10)
        where order_id = :'paid'
    ),
    'user_oc_buyer_2',
    'a new one is wanted, with the buyer''s new account'
);
select is(
    attach_whop_dm_channel(:'paid', 'dmc_oc_stale', 'user_oc_buyer', 'user_oc_seller'),
    null,
    'a channel Whop made for the old account is not attached'
);

-- Whop fails: try again later, whoever is waiting ------------------------------------------
select ok(
    record_whop_dm_channel_failure(:'paid', 'Whop answered 500') > now(),
    'a failure puts the order back for later'
);
select is(pg_temp.to_open(), 'nothing', 'so the work list skips it for now');
select is(
    (select count(*)::integer from claim_whop_dm_channels(10, :'paid')),
    0,
    'and a party asking for its chat token waits too: asking again and again cannot make us call Whop'
);
select tests.clear_authentication();
update private.order_dm_channels set retry_at = now() where order_id = :'paid';
select tests.authenticate_as_service_role();
select is(
    (select order_id from claim_whop_dm_channels(10, :'paid')),
    :'paid'::uuid,
    'once the backoff is over, the party''s request tries it'
);
select is(
    (select count(*)::integer from claim_whop_dm_channels(10, :'paid')),
    0,
    'and a second request meanwhile finds it leased'
);

-- A new order between linked parties wants its channel as it is paid ----------------
select (create_pending_order(tests.get_user_id('oc_buyer'), :'gig', 'basic')).id as second \gset
select is(
    (select count(*)::integer from claim_whop_dm_channels(10, :'second')),
    0,
    'an order waiting for payment wants no channel'
);
select tests.clear_authentication();
select tests.pay_order(:'second');
select tests.authenticate_as_service_role();
select is(
    (
        select buyer_whop_user_id || ' ' || seller_whop_user_id from claim_whop_dm_channels(10)
        where order_id = :'second'
    ),
    'user_oc_buyer_2 user_oc_seller',
    'its payment makes it want its channel'
);

-- Only the worker --------------------------------------------------------------------------
select tests.act_as('oc_buyer');
select throws_ok(
    format('select * from order_chat(%L, %L)', :'paid', tests.get_user_id('oc_buyer')),
    '42501',
    null,
    'a party cannot ask SQL for the chat directly'
);
select throws_ok(
    format('select attach_whop_dm_channel(%L, ''dmc_x'', ''user_oc_buyer_2'', ''user_oc_seller'')', :'paid'),
    '42501',
    null,
    'nor attach a channel'
);

select * from finish();
rollback;
