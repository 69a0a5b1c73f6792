-- Storage authorization as the Storage API exercises it: every object read and write runs
-- as the requesting role with its JWT claims, so the policies on storage.objects decide.
-- A matrix of actor x bucket x path x operation, look-alike and traversal paths included,
-- stated as data like the table access matrix (30). Writes are undone after each cell.
begin;

-- Fixtures ---------------------------------------------------------------------------------
select tests.create_user('sm_buyer');
select tests.create_user('sm_seller');
select tests.create_user('sm_stranger');
select tests.create_user('sm_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('sm_seller'), 'verified', 'biz_sm_seller');
insert into public.categories (slug, name) values ('sm-category', 'Storage');

create temporary table sm_ids (name text primary key, id uuid not null);
grant select on sm_ids to anon, authenticated, service_role;
grant insert on sm_ids to service_role;

insert into sm_ids
select 'buyer', tests.get_user_id('sm_buyer')
union all select 'seller', tests.get_user_id('sm_seller')
union all select 'stranger', tests.get_user_id('sm_stranger');

with made as (
    insert into public.gigs (seller_id, category_id, title)
    select tests.get_user_id('sm_seller'), c.id, g.title
    from public.categories as c
    cross join (values ('Storage matrix published gig'), ('Storage matrix draft gig')) as g (title)
    where c.slug = 'sm-category'
    returning id, title
)
insert into sm_ids
select case when title like '%published%' then 'published' else 'draft' end, id from made;
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days, revisions_included)
select id, 'basic', 'Basic', 10000, 'USD', 3, 2 from sm_ids where name in ('published', 'draft');
-- Published through the moderation machine, naming the actors as a server path does.
insert into public.gig_events (gig_id, action, actor)
select id, 'submit', 'seller' from sm_ids where name = 'published';
insert into public.gig_events (gig_id, action, actor)
select id, 'publish', 'admin' from sm_ids where name = 'published';

-- Two paid orders: `brief` waits for the buyer's brief; `work` was delivered once (with
-- v1.png, now evidence) and is back with the seller for a revision.
select tests.authenticate_as_service_role();
insert into sm_ids
select 'brief', id from public.create_pending_order(
    tests.get_user_id('sm_buyer'), (select id from sm_ids where name = 'published'), 'basic'
);
insert into sm_ids
select 'work', id from public.create_pending_order(
    tests.get_user_id('sm_buyer'), (select id from sm_ids where name = 'published'), 'basic'
);
select tests.pay_order((select id from sm_ids where name = 'brief'), 'pay_sm_brief');
select tests.pay_order((select id from sm_ids where name = 'work'), 'pay_sm_work');

select tests.authenticate_as('sm_seller');
select public.start_order((select id from sm_ids where name = 'work'));
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
values (
    'order-files', (select id from sm_ids where name = 'work') || '/deliveries/v1.png',
    auth.uid(), auth.uid()::text, '{"size": 2048, "mimetype": "image/png"}'
);
select public.deliver_order(
    (select id from sm_ids where name = 'work'), 'First cut',
    jsonb_build_array(jsonb_build_object('path', (select id from sm_ids where name = 'work') || '/deliveries/v1.png'))
);
select tests.authenticate_as('sm_buyer');
select public.request_revision((select id from sm_ids where name = 'work'), 'Bigger, please');
select tests.clear_authentication();

-- Files as the Storage API recorded their uploads.
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
select o.bucket_id, replace(replace(replace(replace(replace(
    o.name, '{brief}', (select id::text from sm_ids where name = 'brief')),
    '{work}', (select id::text from sm_ids where name = 'work')),
    '{seller}', (select id::text from sm_ids where name = 'seller')),
    '{buyer}', (select id::text from sm_ids where name = 'buyer')),
    '{published}', (select id::text from sm_ids where name = 'published')),
    o.owner, o.owner::text, '{"size": 100, "mimetype": "image/png"}'
from (values
    ('order-files', '{brief}/requirements/brief.pdf', tests.get_user_id('sm_buyer')),
    ('order-files', '{work}/deliveries/draft.png', tests.get_user_id('sm_seller')),
    ('gig-media', '{seller}/{published}/cover.png', tests.get_user_id('sm_seller')),
    ('avatars', '{buyer}/me.png', tests.get_user_id('sm_buyer'))
) as o (bucket_id, name, owner);
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
select 'gig-media', seller.id || '/' || draft.id || '/wip.png', seller.id, seller.id::text, '{}'
from sm_ids as seller, sm_ids as draft
where seller.name = 'seller' and draft.name = 'draft';

-- Placeholders in paths: {brief}, {work} (orders), {buyer}, {seller} (users), {published},
-- {draft} (gigs), {BRIEF} (the brief order's id in capitals).
create function pg_temp.resolve(template text) returns text language sql as $$
    select replace(replace(replace(replace(replace(replace(replace(template,
        '{brief}', (select id::text from sm_ids where name = 'brief')),
        '{BRIEF}', upper((select id::text from sm_ids where name = 'brief'))),
        '{work}', (select id::text from sm_ids where name = 'work')),
        '{buyer}', (select id::text from sm_ids where name = 'buyer')),
        '{seller}', (select id::text from sm_ids where name = 'seller')),
        '{published}', (select id::text from sm_ids where name = 'published')),
        '{draft}', (select id::text from sm_ids where name = 'draft'))
$$;

-- Reads (select, hence also signed URLs). Actors: anon, buyer, seller, stranger, admin,
-- service role.
create temporary table sm_reads (bucket_id text, name text, visible boolean [], primary key (bucket_id, name));
insert into sm_reads values
('order-files', '{brief}/requirements/brief.pdf', array[false, true, true, false, true, true]),
('order-files', '{work}/deliveries/v1.png', array[false, true, true, false, true, true]),
('order-files', '{work}/deliveries/draft.png', array[false, true, true, false, true, true]),
-- gig-media and avatars are public buckets: files are served by URL without a policy.
-- Through the API nobody lists them but the owner of the folder (and admins, gig media,
-- to moderate it), so neither bucket can be enumerated (splinter lint 0025).
('gig-media', '{seller}/{published}/cover.png', array[false, false, true, false, true, true]),
('gig-media', '{seller}/{draft}/wip.png', array[false, false, true, false, true, true]),
('avatars', '{buyer}/me.png', array[false, true, false, false, false, true]);

-- Writes: 'ok', '0 rows' (filtered out by a policy), or the SQLSTATE. An upload sets
-- owner and owner_id from the caller's token, as the Storage API does.
create temporary table sm_writes (label text primary key, statement text, outcomes text []);
insert into sm_writes values
('upload brief file',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/requirements/new.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', 'ok', '42501', '42501', '42501', 'ok']),
('upload delivery while the brief is open',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/deliveries/early.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('upload delivery during a revision',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{work}/deliveries/v2.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', 'ok', '42501', '42501', 'ok']),
('upload brief file after the brief closed',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{work}/requirements/late.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('upload with another user as owner',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/requirements/spoof.pdf'', ''{seller}'', ''{seller}'')',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('traversal into another order',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/requirements/../../{work}/deliveries/x.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('order id in capitals',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{BRIEF}/requirements/x.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('percent-encoded separator',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}%2Frequirements/x.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('folder that only looks right',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/requirements /x.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('order id with a suffix',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}x/requirements/x.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('nested folder',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/requirements/sub/x.pdf'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('empty file name',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files'', ''{brief}/requirements/'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('replace a delivered file',
 'update storage.objects set metadata = ''{"size": 1}'' where bucket_id = ''order-files'' and name = ''{work}/deliveries/v1.png''',
 array['0 rows', '0 rows', '0 rows', '0 rows', '0 rows', 'ok']),
('replace an undelivered draft',
 'update storage.objects set metadata = ''{"size": 1}'' where bucket_id = ''order-files'' and name = ''{work}/deliveries/draft.png''',
 array['0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('move a draft into another order',
 'update storage.objects set name = ''{brief}/deliveries/draft.png'' where bucket_id = ''order-files'' and name = ''{work}/deliveries/draft.png''',
 array['0 rows', '0 rows', '42501', '0 rows', '0 rows', 'ok']),
('remove a delivered file',
 'delete from storage.objects where bucket_id = ''order-files'' and name = ''{work}/deliveries/v1.png''',
 array['0 rows', '0 rows', '0 rows', '0 rows', '0 rows', 'ok']),
('remove an undelivered draft',
 'delete from storage.objects where bucket_id = ''order-files'' and name = ''{work}/deliveries/draft.png''',
 array['0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('remove a brief file before it is submitted',
 'delete from storage.objects where bucket_id = ''order-files'' and name = ''{brief}/requirements/brief.pdf''',
 array['0 rows', 'ok', '0 rows', '0 rows', '0 rows', 'ok']),
('upload gig media',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''gig-media'', ''{seller}/{published}/new.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', 'ok', '42501', '42501', 'ok']),
('upload media under another user''s folder',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''gig-media'', ''{buyer}/{published}/new.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('remove gig media',
 'delete from storage.objects where bucket_id = ''gig-media'' and name = ''{seller}/{published}/cover.png''',
 array['0 rows', '0 rows', 'ok', '0 rows', '0 rows', 'ok']),
('upload an avatar',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''avatars'', ''{buyer}/new.png'', auth.uid(), auth.uid()::text)',
 array['42501', 'ok', '42501', '42501', '42501', 'ok']),
('avatar traversal into another folder',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''avatars'', ''{buyer}/../{seller}/x.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', 'ok']),
('replace someone''s avatar',
 'update storage.objects set metadata = ''{}'' where bucket_id = ''avatars'' and name = ''{buyer}/me.png''',
 array['0 rows', 'ok', '0 rows', '0 rows', '0 rows', 'ok']),
('remove someone''s avatar',
 'delete from storage.objects where bucket_id = ''avatars'' and name = ''{buyer}/me.png''',
 array['0 rows', 'ok', '0 rows', '0 rows', '0 rows', 'ok']),
('upload into a bucket with no policy',
 'insert into storage.objects (bucket_id, name, owner, owner_id) values (''order-files-archive'', ''{buyer}/x.png'', auth.uid(), auth.uid()::text)',
 array['42501', '42501', '42501', '42501', '42501', '23503']);

create temporary table sm_actors (position integer primary key, name text not null);
insert into sm_actors values
(1, 'anon'), (2, 'sm_buyer'), (3, 'sm_seller'), (4, 'sm_stranger'), (5, 'sm_admin'), (6, 'service_role');

create function pg_temp.matrix() returns setof text language plpgsql as $$
declare
    cell record;
    seen integer;
    path text;
    statement text;
begin
    -- The Storage API deletes with this setting; without it, see the test below.
    perform set_config('storage.allow_delete_query', 'true', true);
    for cell in
        select r.bucket_id, r.name, a.name as actor, r.visible[a.position] as expected
        from sm_reads as r cross join sm_actors as a
        order by r.bucket_id, r.name, a.position
    loop
        path := pg_temp.resolve(cell.name);
        perform tests.act_as(cell.actor);
        select count(*) into seen from storage.objects as o
        where o.bucket_id = cell.bucket_id and o.name = path;
        perform tests.clear_authentication();
        return next is(seen = 1, cell.expected, format('%s reads %s/%s: %s', cell.actor, cell.bucket_id, cell.name, cell.expected));
    end loop;

    for cell in
        select w.label, w.statement, a.name as actor, w.outcomes[a.position] as expected
        from sm_writes as w cross join sm_actors as a
        order by w.label, a.position
    loop
        statement := pg_temp.resolve(cell.statement);
        perform tests.act_as(cell.actor);
        return next is(tests.write_outcome(statement), cell.expected, format('%s: %s %s', cell.actor, cell.label, cell.expected));
        perform tests.clear_authentication();
    end loop;
end;
$$;

select plan(
    (select count(*)::integer * 6 from sm_reads) + (select count(*)::integer * 6 from sm_writes) + 9
);
select * from pg_temp.matrix();

-- Direct deletes are refused even to the service role unless made the Storage API's way.
select set_config('storage.allow_delete_query', 'false', true);
select tests.authenticate_as_service_role();
select throws_ok(
    $$delete from storage.objects where bucket_id = 'avatars'$$,
    '42501', null, 'a direct delete from storage.objects is refused'
);
select tests.clear_authentication();

-- Deliveries and briefs accept only files the actor uploaded to the right folder.
select tests.authenticate_as('sm_seller');
select throws_ok(
    format(
        $$select public.deliver_order(%L, 'Borrowed', '[{"path": "%s/requirements/brief.pdf"}]')$$,
        (select id from sm_ids where name = 'work'), (select id from sm_ids where name = 'brief')
    ),
    '22023', null, 'a delivery cannot cite another order''s file'
);
select throws_ok(
    format(
        $$select public.deliver_order(%L, 'Ghost', '[{"path": "%s/deliveries/missing.png"}]')$$,
        (select id from sm_ids where name = 'work'), (select id from sm_ids where name = 'work')
    ),
    '22023', null, 'a delivery cannot cite a file that was never uploaded'
);
select throws_ok(
    format(
        $$select public.deliver_order(%L, 'Again', '[{"path": "%s/deliveries/v1.png"}]')$$,
        (select id from sm_ids where name = 'work'), (select id from sm_ids where name = 'work')
    ),
    '23505', null, 'a file already delivered cannot be delivered twice'
);
select lives_ok(
    format(
        $$select public.deliver_order(%L, 'Second cut', '[{"path": "%s/deliveries/draft.png"}]')$$,
        (select id from sm_ids where name = 'work'), (select id from sm_ids where name = 'work')
    ),
    'the seller delivers a file uploaded to the order''s deliveries folder'
);
select is(
    (select (files -> 0) - 'object_id' from public.order_deliveries
     where order_id = (select id from sm_ids where name = 'work') and message = 'Second cut'),
    jsonb_build_object(
        'path', (select id from sm_ids where name = 'work') || '/deliveries/draft.png',
        'size', 100, 'mime_type', 'image/png'
    ),
    'the delivery records the file as Storage recorded it'
);

select tests.authenticate_as('sm_buyer');
select throws_ok(
    format(
        $$select public.submit_requirements(%L, '[]', '[{"path": "%s/requirements/../requirements/brief.pdf"}]')$$,
        (select id from sm_ids where name = 'brief'), (select id from sm_ids where name = 'brief')
    ),
    '22023', null, 'a brief cannot cite a path with dot segments'
);
select lives_ok(
    format(
        $$select public.submit_requirements(%L, '[]', '[{"path": "%s/requirements/brief.pdf"}]')$$,
        (select id from sm_ids where name = 'brief'), (select id from sm_ids where name = 'brief')
    ),
    'the buyer submits a brief with a file uploaded to its requirements folder'
);
select set_config('storage.allow_delete_query', 'true', true);
select is(
    tests.write_outcome(format(
        $$delete from storage.objects where bucket_id = 'order-files' and name = '%s/requirements/brief.pdf'$$,
        (select id from sm_ids where name = 'brief')
    )),
    '0 rows',
    'a submitted brief''s file can no longer be removed by its uploader'
);

select * from finish();
rollback;
