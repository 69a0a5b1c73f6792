-- Operators' tools, from the spec (issue 22, "Operators' tools"): an admin suspends and
-- reinstates a seller, takes down and restores a live gig, and manages the category
-- tree; nobody else can, each action is in the append-only admin_actions log (who,
-- what, on what, when, why), and the seller hears of what is done to them and why.
-- Suspended: their gigs leave search and cannot be bought (GF003), no new orders,
-- withdrawals held (GF003), open orders continue; reinstated: all of it back. A
-- deactivated category hides its gigs from search and browsing but keeps them.
begin;
select plan(151);

-- Fixtures ---------------------------------------------------------------------------------
select tests.create_user('ot_admin', '{"user_role": "admin"}');
select tests.create_user('ot_seller');
select tests.create_user('ot_rival');
select tests.create_user('ot_buyer');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values
(tests.get_user_id('ot_seller'), 'verified', 'biz_ot_seller'),
(tests.get_user_id('ot_rival'), 'verified', 'biz_ot_rival');
insert into public.categories (slug, name) values ('ot-top', 'Operator tools');
insert into public.categories (slug, name, parent_id)
select 'ot-child', 'Operator tools, below', id from public.categories where slug = 'ot-top';
select id as top from public.categories where slug = 'ot-top' \gset
select id as child from public.categories where slug = 'ot-child' \gset

create temporary table ot_gigs (name text primary key, id uuid not null);
grant select on ot_gigs to anon, authenticated, service_role;
with made as (
    insert into public.gigs (seller_id, category_id, title)
    select tests.get_user_id(g.seller), g.category, g.title
    from (values
        ('ot_seller', :child, 'Operator tools: the seller''s first gig'),
        ('ot_seller', :top, 'Operator tools: the seller''s second gig'),
        ('ot_rival', :child, 'Operator tools: the rival''s gig')
    ) as g (seller, category, title)
    returning id, title
)
insert into ot_gigs (name, id)
select case title
    when 'Operator tools: the seller''s first gig' then 'first'
    when 'Operator tools: the seller''s second gig' then 'second'
    else 'rival'
end, id
from made;
select id as first from ot_gigs where name = 'first' \gset
select id as second from ot_gigs where name = 'second' \gset
select id as rival from ot_gigs where name = 'rival' \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
select id, 'basic', 'Basic', 10000, 'USD', 3 from ot_gigs;
update public.gigs set status = 'published' where id in (select id from ot_gigs);
-- A draft, to show only live gigs come down.
insert into public.gigs (seller_id, category_id, title)
values (tests.get_user_id('ot_seller'), :top, 'Operator tools: a draft for later')
returning id as draft \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'draft', 'basic', 'Basic', 10000, 'USD', 3);

-- An order in progress on each of the seller's gigs, and one completed long enough ago
-- for its money to be available.
select tests.authenticate_as_service_role();
select id as open_order from public.create_pending_order(tests.get_user_id('ot_buyer'), :'first', 'basic') \gset
select id as second_order from public.create_pending_order(tests.get_user_id('ot_buyer'), :'second', 'basic') \gset
select id as cleared_order from public.create_pending_order(tests.get_user_id('ot_buyer'), :'first', 'basic') \gset
select tests.pay_order(:'open_order', 'pay_ot_open');
select tests.pay_order(:'second_order', 'pay_ot_second');
select tests.pay_order(:'cleared_order', 'pay_ot_cleared');
select tests.authenticate_as('ot_seller');
select public.start_order(:'open_order');
select public.start_order(:'second_order');
select public.start_order(:'cleared_order');
select public.deliver_order(:'cleared_order', 'Done', '[]');
select tests.authenticate_as('ot_buyer');
select public.accept_delivery(:'cleared_order');
select tests.clear_authentication();
update public.orders set completed_at = now() - interval '15 days' where id = :'cleared_order';

-- What anyone finds of a seller in search, as a visitor.
create function pg_temp.found_in_search(seller_name text) returns integer language plpgsql as $$
declare
    found integer;
begin
    perform tests.authenticate_as_anon();
    select count(*)::integer into found from public.search_gigs(seller => tests.get_user_id(seller_name));
    perform tests.clear_authentication();
    return found;
end;
$$;

-- Who may use the tools: admins only ------------------------------------------------------
create temporary table ot_tools (call text primary key);
grant select on ot_tools to anon, authenticated, service_role;
insert into ot_tools values
(format('select public.suspend_seller(%L, ''spam'')', tests.get_user_id('ot_rival'))),
(format('select public.reinstate_seller(%L, ''fine'')', tests.get_user_id('ot_rival'))),
(format('select public.take_down_gig(%L, ''spam'')', :'rival')),
(format('select public.restore_gig(%L, ''fine'')', :'rival')),
('select public.create_category(''ot-new'', ''New'')'),
(format('select public.rename_category(%s, ''Renamed'')', :top)),
(format('select public.move_category(%s, null)', :child)),
(format('select public.reorder_category(%s, 7)', :top)),
(format('select public.deactivate_category(%s)', :top)),
(format('select public.reactivate_category(%s)', :top));

create function pg_temp.refusals() returns setof text language plpgsql as $$
declare
    tool record;
    actor text;
begin
    for tool in select call from ot_tools order by call loop
        foreach actor in array array['anon', 'ot_buyer', 'ot_seller'] loop
            perform tests.act_as(actor);
            return next throws_ok(tool.call, '42501', null, format('%s may not: %s', actor, tool.call));
            perform tests.clear_authentication();
        end loop;
    end loop;
end;
$$;
select * from pg_temp.refusals();
select tests.clear_authentication();
select is(
    (select count(*)::integer from public.admin_actions),
    0,
    'a refused tool leaves nothing in the log'
);
select tests.authenticate_as('ot_seller');
select throws_ok(
    format('select public.suspend_seller(%L, ''mine'')', tests.get_user_id('ot_seller')),
    '42501', 'only an admin may suspend seller', 'a seller is told only an admin may suspend a seller'
);
select throws_ok(
    format(
        'insert into public.admin_actions (action, seller_id, reason) values (''suspend_seller'', %L, ''x'')',
        tests.get_user_id('ot_rival')
    ),
    '42501', null, 'nor can a user write the log directly'
);
-- Nor can an admin bypass the tool: a take-down asked of the gig machine directly is
-- refused, so every one is in the log.
select tests.authenticate_as('ot_admin');
select throws_ok(
    format('insert into public.gig_events (gig_id, action, reason) values (%L, ''take_down'', ''x'')', :'rival'),
    '42501', null, 'an admin cannot take a gig down but through take_down_gig'
);
select throws_ok(
    format('update public.categories set active = false where id = %s', :top),
    '42501', null, 'nor change a category but through the tools'
);
select throws_ok(
    format('update public.seller_accounts set suspended_at = now() where user_id = %L', tests.get_user_id('ot_rival')),
    '42501', null, 'nor suspend a seller by writing the account'
);

-- Suspending a seller ----------------------------------------------------------------------
select is(pg_temp.found_in_search('ot_seller'), 2, 'before: both live gigs of the seller are in search');
select tests.authenticate_as('ot_admin');
select throws_ok(
    format('select public.suspend_seller(%L, null)', tests.get_user_id('ot_seller')),
    '22023', null, 'a suspension needs a reason'
);
select throws_ok(
    format('select public.suspend_seller(%L, ''   '')', tests.get_user_id('ot_seller')),
    '22023', null, 'a blank reason is no reason'
);
select throws_ok(
    format('select public.suspend_seller(%L, %L)', tests.get_user_id('ot_seller'), repeat('x', 501)),
    '22023', null, 'a reason is at most 500 characters'
);
select throws_ok(
    'select public.suspend_seller(null, ''spam'')', '22004', null, 'a suspension names a seller'
);
select throws_ok(
    format('select public.suspend_seller(%L, ''spam'')', tests.get_user_id('ot_buyer')),
    'P0002', null, 'a user who does not sell cannot be suspended'
);
select results_eq(
    format(
        'select user_id, suspension_reason, suspended_at is not null from public.suspend_seller(%L, %L)',
        tests.get_user_id('ot_seller'), 'Selling counterfeit goods'
    ),
    format(
        'values (%L::uuid, %L, true)', tests.get_user_id('ot_seller'), 'Selling counterfeit goods'
    ),
    'an admin suspends a seller, with a reason; the account says so'
);
select throws_ok(
    format('select public.suspend_seller(%L, ''again'')', tests.get_user_id('ot_seller')),
    '55000', null, 'a suspended seller cannot be suspended again'
);
select results_eq(
    format(
        'select action::text, admin_id, seller_id, gig_id, category_id, reason, created_at = now(), details '
        'from public.admin_actions where seller_id = %L',
        tests.get_user_id('ot_seller')
    ),
    format(
        'values (''suspend_seller'', %L::uuid, %L::uuid, null::uuid, null::bigint, %L, true, %L::jsonb)',
        tests.get_user_id('ot_admin'), tests.get_user_id('ot_seller'), 'Selling counterfeit goods',
        '{"published_gigs": 2, "unpaid_orders_given_up": 0}'
    ),
    'the log says who suspended whom, when and why (and how many live gigs it hid)'
);

select is(pg_temp.found_in_search('ot_seller'), 0, 'a suspended seller''s gigs leave search');
select is(pg_temp.found_in_search('ot_rival'), 1, 'other sellers'' gigs stay');
select is(
    (select count(*)::integer from private.gig_search where seller_id = tests.get_user_id('ot_seller')),
    0,
    'they are out of the search table itself, so search filters nothing for it'
);
select is(
    (select count(*)::integer from public.gigs where id in (:'first', :'second') and status = 'published'),
    2,
    'the gigs stay published: reinstating brings them back as they were'
);
select tests.authenticate_as_anon();
select is(
    (select suspended from public.seller_profiles where seller_id = tests.get_user_id('ot_seller')),
    true,
    'the public seller page says the seller is suspended'
);
select throws_ok(
    format('select quote_order(%L, ''basic'')', :'first'),
    'GF003', format('gig %s cannot be bought: its seller is suspended', :'first'),
    'a visitor''s quote is refused with GF003 and why'
);
select tests.authenticate_as('ot_buyer');
select throws_ok(
    format('select quote_order(%L, ''basic'')', :'second'),
    'GF003', null, 'so is a buyer''s'
);
select tests.authenticate_as_service_role();
select throws_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('ot_buyer'), :'first'),
    'GF003', null, 'no new order can be created'
);
select throws_ok(
    format('select prepare_checkout(%L, %L, ''basic'')', tests.get_user_id('ot_buyer'), :'second'),
    'GF003', null, 'nor a checkout prepared'
);
select is(
    (select count(*)::integer from public.orders where seller_id = tests.get_user_id('ot_seller')),
    3,
    'nothing was written by the refused checkouts'
);
select throws_ok(
    format('select request_withdrawal(%L, 100)', tests.get_user_id('ot_seller')),
    'GF003', format('withdrawals are held while seller %s is suspended', tests.get_user_id('ot_seller')),
    'withdrawals are held'
);
select throws_ok(
    format('select seller_payouts_company(%L)', tests.get_user_id('ot_seller')),
    'GF003', null, 'and so is Whop''s payouts component, which can withdraw too'
);
select tests.authenticate_as('ot_seller');
select results_eq(
    'select currency, available_cents from seller_balance()',
    $$ values ('USD', 9000::bigint) $$,
    'the balance stays where it was'
);
select results_eq(
    'select kind, body, order_id from public.notifications where user_id = auth.uid() and order_id is null',
    $$ values ('seller_suspended', 'Your seller account is suspended: Selling counterfeit goods. Your gigs are out of search and cannot be ordered, and withdrawals are on hold; your open orders continue.', null::uuid) $$,
    'the seller is told, with the reason'
);
select results_eq(
    'select suspension_reason from public.seller_accounts where user_id = auth.uid()',
    $$ values ('Selling counterfeit goods') $$,
    'and reads it on their own account'
);
select is(
    (select count(*)::integer from public.admin_actions),
    0,
    'a seller reads nothing of the audit log, even about themselves'
);
-- Open orders continue.
select results_eq(
    format('select status::text from public.deliver_order(%L, ''Here it is'', ''[]'')', :'open_order'),
    $$ values ('delivered') $$,
    'a suspended seller delivers an open order'
);
select tests.authenticate_as('ot_buyer');
select results_eq(
    format('select status::text from public.accept_delivery(%L)', :'open_order'),
    $$ values ('completed') $$,
    'and the buyer accepts it'
);
insert into public.order_messages (order_id, body) values (:'second_order', 'Still on for Friday?');
select is(
    (select count(*)::integer from public.order_messages where order_id = :'second_order'),
    1,
    'the parties of an open order still talk'
);

-- Reinstating ------------------------------------------------------------------------------
select tests.authenticate_as('ot_admin');
select throws_ok(
    format('select public.reinstate_seller(%L, null)', tests.get_user_id('ot_seller')),
    '22023', null, 'a reinstatement needs a reason'
);
select results_eq(
    format(
        'select suspended_at, suspension_reason from public.reinstate_seller(%L, ''Appeal upheld'')',
        tests.get_user_id('ot_seller')
    ),
    $$ values (null::timestamptz, null::text) $$,
    'an admin reinstates the seller'
);
select throws_ok(
    format('select public.reinstate_seller(%L, ''again'')', tests.get_user_id('ot_seller')),
    '55000', format('seller %s is not suspended', tests.get_user_id('ot_seller')),
    'a seller who is not suspended cannot be reinstated'
);
select results_eq(
    format(
        'select action::text, admin_id, reason, details ->> ''suspension_reason'' from public.admin_actions '
        'where seller_id = %L order by id',
        tests.get_user_id('ot_seller')
    ),
    format(
        'values (''suspend_seller'', %1$L::uuid, %2$L, null), (''reinstate_seller'', %1$L::uuid, ''Appeal upheld'', %2$L)',
        tests.get_user_id('ot_admin'), 'Selling counterfeit goods'
    ),
    'the log keeps both, the reinstatement with the suspension it lifted'
);
select is(pg_temp.found_in_search('ot_seller'), 2, 'the seller''s gigs are back in search');
select tests.authenticate_as_anon();
select is(
    (select suspended from public.seller_profiles where seller_id = tests.get_user_id('ot_seller')),
    false,
    'the public page no longer says suspended'
);
select is(
    (quote_order(:'first', 'basic') ->> 'total_cents')::integer,
    10000,
    'their gigs can be quoted again'
);
select tests.authenticate_as_service_role();
select isnt(
    (select id from public.create_pending_order(tests.get_user_id('ot_buyer'), :'second', 'basic')),
    null,
    'and ordered'
);
select is(
    (public.request_withdrawal(tests.get_user_id('ot_seller'), 9000) -> 'withdrawal' ->> 'amount_cents')::integer,
    9000,
    'and the held balance can be withdrawn'
);
select is(
    seller_payouts_company(tests.get_user_id('ot_seller')), 'biz_ot_seller',
    'the payouts component is open again'
);
select tests.authenticate_as('ot_seller');
select results_eq(
    'select kind, body from public.notifications where user_id = auth.uid() and order_id is null order by id',
    $$ values
        ('seller_suspended', 'Your seller account is suspended: Selling counterfeit goods. Your gigs are out of search and cannot be ordered, and withdrawals are on hold; your open orders continue.'),
        ('seller_reinstated', 'Your seller account is reinstated: Appeal upheld. Your gigs can be found and ordered again, and withdrawals are open.') $$,
    'the seller is told of the reinstatement, with the reason'
);

-- Taking down a live gig -------------------------------------------------------------------
select tests.authenticate_as('ot_admin');
select throws_ok(
    format('select public.take_down_gig(%L, '''')', :'second'), '22023', null, 'a take-down needs a reason'
);
select throws_ok(
    'select public.take_down_gig(null, ''spam'')', '22004', null, 'a take-down names a gig'
);
select throws_ok(
    'select public.take_down_gig(gen_random_uuid(), ''spam'')', 'P0002', null, 'an unknown gig cannot be taken down'
);
select throws_ok(
    format('select public.take_down_gig(%L, ''spam'')', :'draft'),
    '55000', null, 'only a live (or paused) gig is taken down, not a draft'
);
select results_eq(
    format('select status::text from public.take_down_gig(%L, ''Misleading claims'')', :'second'),
    $$ values ('taken_down') $$,
    'an admin takes a live gig down'
);
select results_eq(
    format(
        'select action::text, admin_id, seller_id, gig_id, reason, details ->> ''from_status'', details ->> ''to_status'' '
        'from public.admin_actions where gig_id = %L',
        :'second'
    ),
    format(
        'values (''take_down_gig'', %L::uuid, %L::uuid, %L::uuid, ''Misleading claims'', ''published'', ''taken_down'')',
        tests.get_user_id('ot_admin'), tests.get_user_id('ot_seller'), :'second'
    ),
    'the log names the admin, the gig, its seller, the move and the reason'
);
select results_eq(
    format(
        'select actor::text, actor_id, from_status::text, to_status::text, reason from public.gig_events '
        'where gig_id = %L and action = ''take_down''',
        :'second'
    ),
    format(
        'values (''admin'', %L::uuid, ''published'', ''taken_down'', ''Misleading claims'')',
        tests.get_user_id('ot_admin')
    ),
    'it is an edge of the gig machine, in the gig''s history'
);
select throws_ok(
    format('select public.take_down_gig(%L, ''again'')', :'second'),
    '55000', null, 'a gig already taken down cannot be taken down again'
);
select is(pg_temp.found_in_search('ot_seller'), 1, 'the gig leaves search');
select tests.authenticate_as_anon();
select throws_ok(
    format('select get_gig(gig_id => %L)', :'second'), 'P0002', null, 'visitors no longer find its page'
);
select tests.authenticate_as('ot_buyer');
select throws_ok(
    format('select quote_order(%L, ''basic'')', :'second'), 'P0002', null, 'nor can a buyer quote it'
);
select tests.authenticate_as_service_role();
select throws_ok(
    format('select create_pending_order(%L, %L, ''basic'')', tests.get_user_id('ot_buyer'), :'second'),
    'P0002', null, 'nor order it: to the checkout it does not exist either'
);
select tests.authenticate_as('ot_seller');
select is(
    (get_gig(gig_id => :'second') -> 'gig' ->> 'status'),
    'taken_down',
    'its seller still sees it, taken down'
);
select results_eq(
    'select kind, body from public.notifications where user_id = auth.uid() and kind = ''gig_taken_down''',
    $$ values ('gig_taken_down', 'Your gig "Operator tools: the seller''s second gig" was taken down: Misleading claims') $$,
    'the seller is told, with the reason'
);
select throws_ok(
    format('update public.gigs set title = ''Operator tools: a quiet new title'' where id = %L', :'second'),
    '55000', null, 'the seller cannot edit a taken-down gig: what comes back is what went down'
);
select throws_ok(
    format('select public.unpause_gig(%L)', :'second'), '55000', null, 'nor put it back live'
);
select is(
    tests.write_outcome(format('delete from public.gigs where id = %L', :'second')),
    '0 rows',
    'nor delete it'
);
select results_eq(
    format('select status::text from public.deliver_order(%L, ''Done anyway'', ''[]'')', :'second_order'),
    $$ values ('delivered') $$,
    'its open order continues'
);

select tests.authenticate_as('ot_admin');
select throws_ok(
    format('select public.restore_gig(%L, ''fine'')', :'first'), '55000', null, 'only a taken-down gig is restored'
);
select results_eq(
    format('select status::text, published_at is not null from public.restore_gig(%L, ''Claims corrected'')', :'second'),
    $$ values ('published', true) $$,
    'an admin restores it'
);
select results_eq(
    format('select action::text, reason from public.admin_actions where gig_id = %L order by id', :'second'),
    $$ values ('take_down_gig', 'Misleading claims'), ('restore_gig', 'Claims corrected') $$,
    'the log has both'
);
select is(pg_temp.found_in_search('ot_seller'), 2, 'the gig is back in search');
select tests.authenticate_as('ot_seller');
select results_eq(
    'select kind, body from public.notifications where user_id = auth.uid() and kind = ''gig_restored''',
    $$ values ('gig_restored', 'Your gig "Operator tools: the seller''s second gig" is live again: Claims corrected') $$,
    'the seller is told it is back'
);
-- A seller who lost KYC meanwhile gets nothing back live: the KYC gate has the last word.
-- (The gig stays taken down from here on.)
select tests.authenticate_as('ot_admin');
select public.take_down_gig(:'second', 'Checking again');
select tests.clear_authentication();
update public.seller_accounts set kyc_status = 'failed' where user_id = tests.get_user_id('ot_seller');
select tests.authenticate_as('ot_admin');
select throws_ok(
    format('select public.restore_gig(%L, ''fine'')', :'second'),
    'GF001', null, 'a gig of an unverified seller is not restored'
);
select tests.clear_authentication();
update public.seller_accounts set kyc_status = 'verified' where user_id = tests.get_user_id('ot_seller');

-- Categories -------------------------------------------------------------------------------
select tests.authenticate_as('ot_admin');
select throws_ok(
    'select public.create_category(''Not A Slug'', ''Bad'')', '22023', null, 'a slug is lowercase words joined by -'
);
select throws_ok(
    'select public.create_category(''ot-top'', ''Again'')', '23505', null, 'a slug is unique'
);
select throws_ok(
    'select public.create_category(''ot-blank'', ''  '')', '22023', null, 'a category has a name'
);
select throws_ok(
    'select public.create_category(''ot-orphan'', ''Orphan'', -1)', 'P0002', null, 'a parent must exist'
);
select throws_ok(
    'select public.create_category(''ot-far'', ''Far'', null, 10001)', '22023', null,
    'a position is 0 to 10000'
);
select results_eq(
    format(
        'select slug, name, parent_id, position, active, listed from public.create_category(''ot-new'', ''New things'', %s, 3)',
        :top
    ),
    format('values (''ot-new'', ''New things'', %s::bigint, 3, true, true)', :top),
    'an admin creates a category under another'
);
select id as new_category from public.categories where slug = 'ot-new' \gset
select results_eq(
    format(
        'select action::text, admin_id, category_id, reason, details from public.admin_actions '
        'where category_id = %s',
        :new_category
    ),
    format(
        'values (''create_category'', %L::uuid, %s::bigint, null::text, %L::jsonb)',
        tests.get_user_id('ot_admin'), :new_category,
        format('{"slug": "ot-new", "name": "New things", "parent_id": %s, "position": 3, "listed": true}', :top)
    ),
    'the log has the new category and its id (a reason is optional for categories)'
);
select results_eq(
    format('select slug, name from public.rename_category(%s, ''Newer things'', ''Clearer'')', :new_category),
    $$ values ('ot-new', 'Newer things') $$,
    'renaming changes the name and keeps the slug, so links keep working'
);
select throws_ok(
    format('select public.rename_category(%s, %L)', :new_category, repeat('n', 81)),
    '22023', null, 'a name is at most 80 characters'
);
select throws_ok(
    'select public.rename_category(-1, ''Ghost'')', 'P0002', null, 'an unknown category cannot be renamed'
);
select results_eq(
    format('select position from public.reorder_category(%s, 1)', :new_category),
    $$ values (1) $$,
    'reordering sets its position among its siblings'
);
select throws_ok(
    format('select public.reorder_category(%s, null)', :new_category), '22004', null, 'a reorder names a position'
);
select results_eq(
    format('select parent_id from public.move_category(%s, null)', :new_category),
    $$ values (null::bigint) $$,
    'moving to the top level'
);
select throws_ok(
    format('select public.move_category(%s, %s)', :top, :child),
    '22023', null, 'a category cannot move under its own subcategory'
);
select throws_ok(
    format('select public.move_category(%s, %s)', :top, :top),
    '22023', null, 'nor under itself'
);
select throws_ok(
    format('select public.move_category(%s, -1)', :top), 'P0002', null, 'nor under one that does not exist'
);
select results_eq(
    format(
        'select action::text, reason, details from public.admin_actions where category_id = %s and action <> ''create_category'' order by id',
        :new_category
    ),
    format(
        'values (''rename_category'', ''Clearer'', %L::jsonb), (''reorder_category'', null, %L::jsonb), '
        '(''move_category'', null, %L::jsonb)',
        '{"name": {"from": "New things", "to": "Newer things"}}',
        '{"position": {"from": 3, "to": 1}}',
        format('{"parent_id": {"from": %s, "to": null}, "listed": true}', :top)
    ),
    'each change is logged with what it was and what it became; refused ones are not'
);

-- Deactivating: the category and those under it leave browsing, their gigs search.
select is(
    (select count(*)::integer from public.search_gigs(category => 'ot-top')),
    2,
    'before: browsing the top category finds the live gigs in it and below it'
);
select results_eq(
    format('select active, listed from public.deactivate_category(%s, ''Merging into Design'')', :top),
    $$ values (false, false) $$,
    'an admin deactivates a category'
);
select throws_ok(
    format('select public.deactivate_category(%s)', :top), '55000', null, 'an inactive category cannot be deactivated again'
);
select results_eq(
    format('select slug, active, listed from public.categories where id in (%s, %s) order by id', :top, :child),
    $$ values ('ot-top', false, false), ('ot-child', true, false) $$,
    'the category under it is unlisted with it (admins still see both)'
);
select tests.authenticate_as_anon();
select is(
    (select count(*)::integer from public.categories where slug in ('ot-top', 'ot-child')),
    0,
    'visitors no longer see either'
);
select throws_ok(
    'select * from public.search_gigs(category => ''ot-child'')', 'P0002', null, 'nor browse them'
);
select is(pg_temp.found_in_search('ot_seller'), 0, 'their gigs leave search');
select is(pg_temp.found_in_search('ot_rival'), 0, 'every seller''s');
select tests.authenticate_as_anon();
select is(
    (get_gig(gig_id => :'first') -> 'gig' ->> 'status'),
    'published',
    'but the gigs are kept: still published, their pages still there'
);
select is(
    (quote_order(:'rival', 'basic') ->> 'total_cents')::integer,
    10000,
    'and buyable by their link'
);
select tests.clear_authentication();
select is(
    (select count(*)::integer from public.gigs where category_id in (:top, :child) and status = 'published'),
    2,
    'nothing about the gigs changed'
);
-- A gig that goes live in an unlisted category stays out of search too.
update public.gigs set status = 'published' where id = :'draft';
select is(
    (select count(*)::integer from private.gig_search where gig_id = :'draft'),
    0,
    'a gig published into an unlisted category stays out of search'
);
-- Reactivating brings the category, those under it and their gigs back.
select tests.authenticate_as('ot_admin');
select results_eq(
    format('select active, listed from public.reactivate_category(%s, ''Merge called off'')', :top),
    $$ values (true, true) $$,
    'an admin reactivates the category'
);
select throws_ok(
    format('select public.reactivate_category(%s)', :top), '55000', null, 'an active category cannot be reactivated'
);
select tests.authenticate_as_anon();
select is(
    (select count(*)::integer from public.categories where slug in ('ot-top', 'ot-child')),
    2,
    'visitors see both categories again'
);
select is(
    pg_temp.found_in_search('ot_seller'), 2,
    'the seller''s live gigs are back in search, the one published meanwhile included'
);
select is(pg_temp.found_in_search('ot_rival'), 1, 'and the rival''s');
-- Only what is under an inactive category is hidden.
select tests.authenticate_as('ot_admin');
select public.deactivate_category(:child);
select is(pg_temp.found_in_search('ot_rival'), 0, 'deactivating the subcategory hides its gigs');
select is(pg_temp.found_in_search('ot_seller'), 1, 'and only those');
select tests.authenticate_as('ot_admin');
select public.move_category(:child, :new_category);
select results_eq(
    format('select active, listed from public.categories where id = %s', :child),
    $$ values (false, false) $$,
    'an inactive category stays unlisted wherever it moves'
);
select public.reactivate_category(:child);
select public.deactivate_category(:new_category);
select results_eq(
    format('select active, listed from public.categories where id = %s', :child),
    $$ values (true, false) $$,
    'and an active one under an inactive parent is unlisted'
);
select public.move_category(:child, :top);
select results_eq(
    format('select active, listed from public.categories where id = %s', :child),
    $$ values (true, true) $$,
    'moved under a listed parent, it is listed again'
);
select is(pg_temp.found_in_search('ot_rival'), 1, 'and its gigs are back');

-- The log ----------------------------------------------------------------------------------
select tests.authenticate_as('ot_admin');
select is(
    (select count(*)::integer from public.admin_actions),
    16,
    'every tool that acted is one row; the refused ones left none'
);
select is(
    (select count(*)::integer from public.admin_actions where admin_id is distinct from tests.get_user_id('ot_admin')
        or created_at is null),
    0,
    'every row names its admin and time'
);
select throws_ok(
    'update public.admin_actions set reason = ''nothing happened''', '42501', null, 'an admin cannot rewrite the log'
);
select throws_ok('delete from public.admin_actions', '42501', null, 'nor erase it');
select tests.authenticate_as_service_role();
select throws_ok(
    'update public.admin_actions set reason = ''nothing happened''', '42501', null, 'nor can the service role'
);
select throws_ok('delete from public.admin_actions', '42501', null, 'nor erase it');
select id as server_category from public.create_category('ot-server', 'By the server') \gset
select results_eq(
    format('select admin_id, action::text from public.admin_actions where category_id = %s', :server_category),
    $$ values (null::uuid, 'create_category') $$,
    'the service role acts as an admin, logged with no admin id'
);
select lives_ok(
    format(
        'insert into public.admin_actions (action, admin_id, category_id, details, created_at) '
        'values (''reorder_category'', %L, %s, ''{"position": 2}'', now() - interval ''1 year'')',
        tests.get_user_id('ot_buyer'), :top
    ),
    'a row the service role writes directly is applied like any other'
);
select results_eq(
    'select admin_id, created_at = now(), details from public.admin_actions order by id desc limit 1',
    $$ values (null::uuid, true, '{"position": {"from": 0, "to": 2}}'::jsonb) $$,
    'and who acted and when are the log''s own, never taken from the writer'
);
select tests.clear_authentication();
select throws_ok(
    'update public.admin_actions set reason = ''nothing happened''', '42501', null, 'not even the owner rewrites it'
);
select throws_ok('delete from public.admin_actions', '42501', null, 'or erases it');
select throws_ok('truncate public.admin_actions', '42501', null, 'or truncates it');

select * from finish();
rollback;
