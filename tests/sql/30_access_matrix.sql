-- The access matrix: every role x every table x select / insert / update / delete,
-- stated as data. Each row says what one actor may do to one table's fixture rows: how
-- many it sees, and whether a write goes through ('ok'), touches nothing under RLS
-- ('0 rows'), or is refused (a SQLSTATE). Writes run in a subtransaction that is undone,
-- so every cell starts from the same fixtures.
begin;

-- Fixtures ---------------------------------------------------------------------------------
select tests.create_user('mx_buyer');
select tests.create_user('mx_other');
select tests.create_user('mx_seller');
select tests.create_user('mx_rival');
select tests.create_user('mx_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values
(tests.get_user_id('mx_seller'), 'verified', 'biz_mx_seller'),
(tests.get_user_id('mx_rival'), 'verified', 'biz_mx_rival');
insert into public.categories (slug, name) values ('mx-category', 'Matrix');

create temporary table mx_ids (name text primary key, id uuid not null);
grant select on mx_ids to anon, authenticated, service_role;
grant insert on mx_ids to service_role;

with made as (
    insert into public.gigs (seller_id, category_id, title)
    select tests.get_user_id(g.seller), (select id from public.categories where slug = 'mx-category'), g.title
    from (values
        ('mx_seller', 'Matrix published gig for the access tests'),
        ('mx_seller', 'Matrix draft gig for the access tests'),
        ('mx_rival', 'Matrix rival draft gig for the access tests')
    ) as g (seller, title)
    returning id, title
)
insert into mx_ids (name, id)
select case title
    when 'Matrix published gig for the access tests' then 'published_gig'
    when 'Matrix draft gig for the access tests' then 'draft_gig'
    else 'rival_gig'
end, id
from made;

insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
select id, 'basic', 'Basic', 10000, 'USD', 3 from mx_ids;
insert into public.gig_extras (gig_id, title, price_cents, currency)
select id, 'Express', 2000, 'USD' from mx_ids;
insert into public.gig_requirements (gig_id, question, required)
select id, 'What do you need?', false from mx_ids;
insert into public.gig_faqs (gig_id, question, answer)
select id, 'How fast?', 'Fast.' from mx_ids;
-- Each gig's cover as Storage records an upload; the draft also has a spare file.
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
select 'gig-media', g.seller_id || '/' || g.id || '/' || f.name, g.seller_id, g.seller_id::text,
    '{"size": 100, "mimetype": "image/png"}'
from public.gigs as g
cross join (values ('cover.png'), ('spare.png')) as f (name)
where g.id in (select id from mx_ids) and (f.name = 'cover.png' or g.id = (select id from mx_ids where name = 'draft_gig'));
insert into public.gig_media (gig_id, path, is_cover)
select g.id, g.seller_id || '/' || g.id || '/cover.png', true
from public.gigs as g where g.id in (select id from mx_ids);
-- Published through the moderation machine, naming the actors as a server path does.
insert into public.gig_events (gig_id, action, actor)
select id, 'submit', 'seller' from mx_ids where name = 'published_gig';
insert into public.gig_events (gig_id, action, actor)
select id, 'publish', 'admin' from mx_ids where name = 'published_gig';

select tests.authenticate_as_service_role();
insert into mx_ids (name, id)
select 'order', id from public.create_pending_order(
    tests.get_user_id('mx_buyer'), (select id from mx_ids where name = 'published_gig'), 'basic'
);
select tests.pay_order((select id from mx_ids where name = 'order'), 'pay_mx');
select tests.authenticate_as('mx_seller');
select public.start_order((select id from mx_ids where name = 'order'));
insert into public.order_messages (order_id, body)
values ((select id from mx_ids where name = 'order'), 'Starting now');
select public.deliver_order((select id from mx_ids where name = 'order'), 'Done', '[]');
select tests.authenticate_as('mx_buyer');
select public.accept_delivery((select id from mx_ids where name = 'order'));
select public.submit_review((select id from mx_ids where name = 'order'), 5, 'Great');
select tests.authenticate_as_service_role();
select tests.settle_refund((select id from mx_ids where name = 'order'), 'rf_mx', 1000);
insert into public.whop_events (webhook_id, event_type, payload)
values ('msg_mx', 'membership.activated', '{"type": "membership.activated"}');
insert into public.withdrawals (seller_id, amount_cents, currency, status)
values (tests.get_user_id('mx_seller'), 500, 'USD', 'completed');
insert into public.chargebacks (whop_dispute_id, order_id, whop_payment_id, status, amount_cents, currency)
select 'dspt_mx', id, 'pay_mx', 'needs_response', 10000, 'USD' from mx_ids where name = 'order';
insert into public.order_attributions (order_id, attribution)
select id, '{"utm_source": "matrix"}' from mx_ids where name = 'order';
insert into public.seller_adjustments (seller_id, order_id, currency, amount_cents, reason)
select tests.get_user_id('mx_seller'), id, 'USD', -300, 'matrix adjustment' from mx_ids where name = 'order';
insert into public.quarantined_payments (whop_payment_id, reasons, amount_cents, currency, payment)
values ('pay_mx_stray', '{unknown checkout}', 700, 'USD', '{"id": "pay_mx_stray"}');
-- One operator's action in the audit log.
select tests.authenticate_as('mx_admin');
select public.create_category('mx-spare', 'Matrix spare', null, 0, 'matrix fixture');
select tests.clear_authentication();

-- Which rows of each table are this file's fixtures.
create temporary table mx_scope (table_name text primary key, condition text not null);
grant select on mx_scope to anon, authenticated, service_role;
insert into mx_scope values
('profiles', 'username like ''mx\_%'''),
('seller_accounts', 'user_id in (select id from public.profiles where username like ''mx\_%'')'),
('categories', 'slug = ''mx-category'''),
('gigs', 'id in (select id from mx_ids)'),
('gig_packages', 'gig_id in (select id from mx_ids)'),
('gig_extras', 'gig_id in (select id from mx_ids)'),
('gig_requirements', 'gig_id in (select id from mx_ids)'),
('gig_faqs', 'gig_id in (select id from mx_ids)'),
('gig_media', 'gig_id in (select id from mx_ids)'),
('gig_events', 'gig_id in (select id from mx_ids)'),
('seller_stats', 'user_id in (select id from public.profiles where username like ''mx\_%'')'),
('orders', 'id in (select id from mx_ids)'),
('order_extras', 'order_id in (select id from mx_ids)'),
('order_requirement_answers', 'order_id in (select id from mx_ids)'),
('order_deliveries', 'order_id in (select id from mx_ids)'),
('order_messages', 'order_id in (select id from mx_ids)'),
('order_events', 'order_id in (select id from mx_ids)'),
('notifications', 'order_id in (select id from mx_ids)'),
('refunds', 'order_id in (select id from mx_ids)'),
('reviews', 'order_id in (select id from mx_ids)'),
('whop_events', 'webhook_id = ''msg_mx'''),
('order_files', 'order_id in (select id from mx_ids)'),
('withdrawals', 'seller_id in (tests.get_user_id(''mx_seller''), tests.get_user_id(''mx_rival''))'),
('chargebacks', 'whop_dispute_id = ''dspt_mx'''),
('order_attributions', 'order_id in (select id from mx_ids)'),
('seller_adjustments', 'seller_id in (tests.get_user_id(''mx_seller''), tests.get_user_id(''mx_rival''))'),
('quarantined_payments', 'whop_payment_id = ''pay_mx_stray'''),
('admin_actions', 'reason = ''matrix fixture''');

-- Rows each actor sees. Columns: anon, buyer, other user, seller, rival seller, admin,
-- service role. (The seller sees 3 gigs' worth of own rows; the review is unreleased.)
create temporary table mx_visible (table_name text primary key, counts integer []);
insert into mx_visible values
('profiles', array[5, 5, 5, 5, 5, 5, 5]),
('seller_accounts', array[0, 0, 0, 1, 1, 2, 2]),
('categories', array[1, 1, 1, 1, 1, 1, 1]),
('gigs', array[1, 1, 1, 2, 2, 3, 3]),
('gig_packages', array[1, 1, 1, 2, 2, 3, 3]),
('gig_extras', array[1, 1, 1, 2, 2, 3, 3]),
('gig_requirements', array[1, 1, 1, 2, 2, 3, 3]),
('gig_faqs', array[1, 1, 1, 2, 2, 3, 3]),
('gig_media', array[1, 1, 1, 2, 2, 3, 3]),
-- Each gig's six content edits (package, extra, question, FAQ, cover file, cover), one
-- more for the draft's spare file, and the published gig's submit and publish.
('gig_events', array[0, 0, 0, 15, 6, 21, 21]),
-- Public facts of the two sellers.
('seller_stats', array[2, 2, 2, 2, 2, 2, 2]),
('orders', array[0, 1, 0, 1, 0, 1, 1]),
('order_extras', array[0, 0, 0, 0, 0, 0, 0]),
('order_requirement_answers', array[0, 0, 0, 0, 0, 0, 0]),
('order_deliveries', array[0, 1, 0, 1, 0, 1, 1]),
('order_messages', array[0, 1, 0, 1, 0, 1, 1]),
('order_events', array[0, 5, 0, 5, 0, 5, 5]),
('notifications', array[0, 5, 0, 4, 0, 0, 9]),
('refunds', array[0, 1, 0, 1, 0, 1, 1]),
('reviews', array[0, 1, 0, 0, 0, 0, 1]),
('whop_events', array[0, 0, 0, 0, 0, 1, 1]),
('order_files', array[0, 0, 0, 0, 0, 0, 0]),
('withdrawals', array[0, 0, 0, 1, 0, 1, 1]),
-- Money and fraud records an admin works with; a seller sees what moved their balance.
('chargebacks', array[0, 0, 0, 0, 0, 1, 1]),
('order_attributions', array[0, 0, 0, 0, 0, 1, 1]),
('seller_adjustments', array[0, 0, 0, 1, 0, 1, 1]),
('quarantined_payments', array[0, 0, 0, 0, 0, 1, 1]),
-- The operators' audit log: admins only.
('admin_actions', array[0, 0, 0, 0, 0, 1, 1]);

-- What a write does. A statement per table and command, aimed at the fixtures; the
-- expectation per actor as above: 'ok', '0 rows', or the SQLSTATE it must fail with.
create temporary table mx_writes (
    table_name text, command text, statement text, outcomes text [],
    primary key (table_name, command)
);
insert into mx_writes values
('profiles', 'update', 'update public.profiles set bio = ''x'' where username = ''mx_seller''',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('profiles', 'insert', 'insert into public.profiles (id, username, display_name) values (gen_random_uuid(), ''mx_new'', ''New'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '23503']),
('profiles', 'delete', 'delete from public.profiles where username = ''mx_other''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('seller_accounts', 'update', 'update public.seller_accounts set headline = ''x'' where user_id = tests.get_user_id(''mx_seller'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
-- A user opens only their own seller account (what become_seller does).
('seller_accounts', 'insert', 'insert into public.seller_accounts (user_id) values (tests.get_user_id(''mx_other''))',
 array['42501', '42501', 'ok', '42501', '42501', '42501', 'ok']),
('seller_accounts', 'delete', 'delete from public.seller_accounts where user_id = tests.get_user_id(''mx_rival'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('categories', 'insert', 'insert into public.categories (slug, name) values (''mx-new'', ''New'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('categories', 'update', 'update public.categories set name = ''x'' where slug = ''mx-category''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('categories', 'delete', 'delete from public.categories where slug = ''mx-category''',
 array['42501', '42501', '42501', '42501', '42501', '42501', '23503']),
('gigs', 'update', 'update public.gigs set title = ''Matrix draft gig, renamed by someone'' where id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gigs', 'insert', 'insert into public.gigs (seller_id, category_id, title) values (tests.get_user_id(''mx_seller''), (select id from public.categories where slug = ''mx-category''), ''A gig inserted by whoever runs this'')',
 array['42501', '42501', '42501', 'ok', '42501', '42501', 'ok']),
('gigs', 'delete', 'delete from public.gigs where id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_packages', 'update', 'update public.gig_packages set price_cents = 1 where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_packages', 'insert', 'insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days) values ((select id from mx_ids where name = ''draft_gig''), ''premium'', ''P'', 500, ''USD'', 9)',
 array['42501', '42501', '42501', 'ok', '42501', '42501', 'ok']),
('gig_packages', 'delete', 'delete from public.gig_packages where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_extras', 'update', 'update public.gig_extras set price_cents = 1 where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_extras', 'insert', 'insert into public.gig_extras (gig_id, title, price_cents, currency) values ((select id from mx_ids where name = ''draft_gig''), ''More'', 500, ''USD'')',
 array['42501', '42501', '42501', 'ok', '42501', '42501', 'ok']),
('gig_extras', 'delete', 'delete from public.gig_extras where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_requirements', 'update', 'update public.gig_requirements set question = ''Changed?'' where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_requirements', 'insert', 'insert into public.gig_requirements (gig_id, question) values ((select id from mx_ids where name = ''draft_gig''), ''And?'')',
 array['42501', '42501', '42501', 'ok', '42501', '42501', 'ok']),
('gig_requirements', 'delete', 'delete from public.gig_requirements where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('orders', 'update', 'update public.orders set subtotal_cents = 1 where id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '23514']),
('orders', 'insert', 'insert into public.orders (buyer_id, seller_id, gig_id, tier, gig_title, currency, package_price_cents, subtotal_cents, fee_bps, fee_cents, seller_net_cents, delivery_days, revisions_included, checkout_expires_at) select tests.get_user_id(''mx_other''), tests.get_user_id(''mx_seller''), id, ''basic'', ''x'', ''USD'', 1, 1, 0, 0, 1, 1, 0, now() from mx_ids where name = ''published_gig''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- Not even the service role deletes an order with a history: its events are append-only.
('orders', 'delete', 'delete from public.orders where id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
('order_messages', 'insert', 'insert into public.order_messages (order_id, body) values ((select id from mx_ids where name = ''order''), ''Hello'')',
 array['42501', 'ok', '42501', 'ok', '42501', 'ok', '23502']),
('order_messages', 'update', 'update public.order_messages set body = ''edited'' where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('order_messages', 'delete', 'delete from public.order_messages where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('order_events', 'update', 'update public.order_events set to_status = ''refunded'' where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
('order_events', 'delete', 'delete from public.order_events where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
-- Users add an action to the log and the machine decides; who acted and the statuses are
-- never taken from them, and not even the server may log a move the table does not allow.
('order_events', 'insert forged', 'insert into public.order_events (order_id, actor, action, from_status, to_status) values ((select id from mx_ids where name = ''order''), ''buyer'', ''pay'', ''completed'', ''refunded'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '55000']),
-- A refund on a completed order is an admin's call alone (the server acts as an admin).
('order_events', 'insert', 'insert into public.order_events (order_id, action, details) values ((select id from mx_ids where name = ''order''), ''request_refund'', ''{"amount_cents": 500, "reason": "goodwill"}'')',
 array['42501', '42501', 'P0002', '42501', 'P0002', 'ok', 'ok']),
('notifications', 'update', 'update public.notifications set read_at = now() where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', 'ok', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('notifications', 'insert', 'insert into public.notifications (user_id, kind, body) values (tests.get_user_id(''mx_buyer''), ''x'', ''spoofed'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('notifications', 'delete', 'delete from public.notifications where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('refunds', 'insert', 'insert into public.refunds (order_id, amount_cents, reason) values ((select id from mx_ids where name = ''order''), 9000, ''mine'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('refunds', 'update', 'update public.refunds set amount_cents = 1 where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '23514']),
('reviews', 'update', 'update public.reviews set rating = 1 where order_id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- A review names only its order, rating and text; the order decides who wrote it, once.
('reviews', 'insert forged', 'insert into public.reviews (order_id, reviewer_id, reviewee_id, reviewer_role, gig_id, rating) select id, tests.get_user_id(''mx_seller''), tests.get_user_id(''mx_buyer''), ''seller'', (select id from mx_ids where name = ''published_gig''), 1 from mx_ids where name = ''order''',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
('reviews', 'insert', 'insert into public.reviews (order_id, rating, body) select id, 4, ''Clear brief'' from mx_ids where name = ''order''',
 array['42501', '23505', 'P0002', 'ok', 'P0002', '42501', '42501']),
('gig_faqs', 'update', 'update public.gig_faqs set answer = ''Slow.'' where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_faqs', 'insert', 'insert into public.gig_faqs (gig_id, question, answer) values ((select id from mx_ids where name = ''draft_gig''), ''Why?'', ''Because.'')',
 array['42501', '42501', '42501', 'ok', '42501', '42501', 'ok']),
('gig_faqs', 'delete', 'delete from public.gig_faqs where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_media', 'update', 'update public.gig_media set position = 2 where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('gig_media', 'insert', 'insert into public.gig_media (gig_id, path) select id, tests.get_user_id(''mx_seller'') || ''/'' || id || ''/spare.png'' from mx_ids where name = ''draft_gig''',
 array['42501', '42501', '42501', 'ok', '42501', '42501', 'ok']),
('gig_media', 'delete', 'delete from public.gig_media where gig_id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
-- Asking the machine to move a gig: only its seller may submit it; others find nothing
-- (P0002), an admin is told it is the seller's move; the log is never rewritten.
('gig_events', 'insert', 'insert into public.gig_events (gig_id, action) select id, ''submit'' from mx_ids where name = ''draft_gig''',
 array['42501', 'P0002', 'P0002', 'ok', 'P0002', '42501', '42501']),
('gig_events', 'update', 'update public.gig_events set reason = ''rewritten'' where gig_id = (select id from mx_ids where name = ''published_gig'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
('gig_events', 'delete', 'delete from public.gig_events where gig_id = (select id from mx_ids where name = ''published_gig'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
('seller_stats', 'update', 'update public.seller_stats set verified = true, rating_avg = 5 where user_id = tests.get_user_id(''mx_seller'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('seller_stats', 'insert', 'insert into public.seller_stats (user_id) values (tests.get_user_id(''mx_buyer''))',
 array['42501', '42501', '42501', '42501', '42501', '42501', '23503']),
-- Protected columns: nobody but the server writes them, whatever the row policy says.
('seller_accounts', 'update kyc', 'update public.seller_accounts set kyc_status = ''verified'', payout_enabled = true where user_id = tests.get_user_id(''mx_seller'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('seller_accounts', 'update company', 'update public.seller_accounts set whop_company_id = ''biz_stolen'' where user_id = tests.get_user_id(''mx_seller'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- Not even the service role moves a gig but through the machine (gig_events).
('gigs', 'update status', 'update public.gigs set status = ''published'' where id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '55000']),
('gigs', 'update slug', 'update public.gigs set slug = ''stolen-slug'' where id = (select id from mx_ids where name = ''draft_gig'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('gigs', 'update price', 'update public.gigs set starting_price_cents = 1, rating_avg = 5 where id = (select id from mx_ids where name = ''published_gig'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('gigs', 'insert published', 'insert into public.gigs (seller_id, category_id, title, status) values (tests.get_user_id(''mx_seller''), (select id from public.categories where slug = ''mx-category''), ''A gig that tries to skip review'', ''published'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', '23514']),
('orders', 'update status', 'update public.orders set status = ''completed'' where id = (select id from mx_ids where name = ''order'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('whop_events', 'insert', 'insert into public.whop_events (webhook_id, event_type, payload) values (''msg_forged'', ''payment.succeeded'', ''{}'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('whop_events', 'update', 'update public.whop_events set status = ''processed'' where webhook_id = ''msg_mx''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- Withdrawals are written by request_withdrawal and Whop's reports only.
('withdrawals', 'insert', 'insert into public.withdrawals (seller_id, amount_cents, currency) values (tests.get_user_id(''mx_seller''), 100, ''USD'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('withdrawals', 'update', 'update public.withdrawals set status = ''completed'' where seller_id = tests.get_user_id(''mx_seller'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- Evidence records are written by deliver_order and submit_requirements only.
('order_files', 'insert', 'insert into public.order_files (order_id, storage_object_id, folder, name, uploaded_by) select id, gen_random_uuid(), ''requirements'', ''forged.pdf'', tests.get_user_id(''mx_buyer'') from mx_ids where name = ''order''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- Balance adjustments and chargebacks come from Whop's reports through the server only.
('seller_adjustments', 'insert', 'insert into public.seller_adjustments (seller_id, currency, amount_cents, reason) values (tests.get_user_id(''mx_seller''), ''USD'', 100000, ''bonus'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('chargebacks', 'update', 'update public.chargebacks set status = ''won'' where whop_dispute_id = ''dspt_mx''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- An admin decides a quarantined payment, and only the decision.
('quarantined_payments', 'update', 'update public.quarantined_payments set decision = ''keep'' where whop_payment_id = ''pay_mx_stray''',
 array['42501', '0 rows', '0 rows', '0 rows', '0 rows', 'ok', 'ok']),
('quarantined_payments', 'update amount', 'update public.quarantined_payments set amount_cents = 1 where whop_payment_id = ''pay_mx_stray''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- A suspension is an operator's tool (suspend_seller, logged): no user writes it, not
-- even an admin directly.
('seller_accounts', 'update suspension', 'update public.seller_accounts set suspended_at = now(), suspension_reason = ''x'' where user_id = tests.get_user_id(''mx_seller'')',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
-- Only admins append to the audit log, and never as someone else; nobody rewrites it.
('admin_actions', 'insert', 'insert into public.admin_actions (action, category_id, details, reason) select ''reorder_category'', id, ''{"position": 3}'', ''matrix write'' from public.categories where slug = ''mx-category''',
 array['42501', '42501', '42501', '42501', '42501', 'ok', 'ok']),
('admin_actions', 'insert forged', 'insert into public.admin_actions (action, admin_id, category_id, details, reason) select ''reorder_category'', tests.get_user_id(''mx_buyer''), id, ''{"position": 3}'', ''matrix write'' from public.categories where slug = ''mx-category''',
 array['42501', '42501', '42501', '42501', '42501', '42501', 'ok']),
('admin_actions', 'update', 'update public.admin_actions set reason = ''rewritten'' where reason = ''matrix fixture''',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']),
('admin_actions', 'delete', 'delete from public.admin_actions where reason = ''matrix fixture''',
 array['42501', '42501', '42501', '42501', '42501', '42501', '42501']);

create temporary table mx_actors (position integer primary key, name text not null);
insert into mx_actors values
(1, 'anon'), (2, 'mx_buyer'), (3, 'mx_other'), (4, 'mx_seller'), (5, 'mx_rival'), (6, 'mx_admin'),
(7, 'service_role');

create function pg_temp.matrix() returns setof text language plpgsql as $$
declare
    cell record;
    seen integer;
    outcome text;
begin
    for cell in
        select v.table_name, a.name as actor, v.counts[a.position] as expected, s.condition
        from mx_visible as v
        join mx_scope as s using (table_name)
        cross join mx_actors as a
        order by v.table_name, a.position
    loop
        perform tests.act_as(cell.actor);
        begin
            execute format('select count(*) from public.%I where %s', cell.table_name, cell.condition)
            into seen;
        exception when insufficient_privilege then
            seen := 0;
        end;
        perform tests.clear_authentication();
        return next is(seen, cell.expected, format('%s sees %s of %s', cell.actor, cell.expected, cell.table_name));
    end loop;

    for cell in
        select w.table_name, w.command, w.statement, a.name as actor, w.outcomes[a.position] as expected
        from mx_writes as w
        cross join mx_actors as a
        order by w.table_name, w.command, a.position
    loop
        perform tests.act_as(cell.actor);
        outcome := tests.write_outcome(cell.statement);
        perform tests.clear_authentication();
        return next is(
            outcome, cell.expected,
            format('%s %s on %s: %s', cell.actor, cell.command, cell.table_name, cell.expected)
        );
    end loop;
end;
$$;

select plan(
    (select count(*)::integer * 7 from mx_visible) + (select count(*)::integer * 7 from mx_writes) + 1
);
-- A table added without a row here fails: the matrix covers every table in public.
select is(
    array(
        select c.relname::text from pg_catalog.pg_class as c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        except select table_name from mx_visible
        order by 1
    ),
    '{}'::text [],
    'every table in public is in the access matrix'
);
select * from pg_temp.matrix();
select * from finish();
rollback;
