-- Moderation as the people involved try it: a seller submits, an admin publishes or
-- rejects the version they reviewed, the seller pauses and unpauses, and every change of
-- what buyers see on a live gig (the listing, packages, extras, questions, FAQ, media,
-- files in its Storage folder) sends it back to review. Attacks: editing after
-- submitting, adding questions or files to a live gig, acting on someone else's gig.
begin;
select plan(40);

select tests.create_user('md_seller');
select tests.create_user('md_other');
select tests.create_user('md_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('md_seller'), 'verified');
insert into public.categories (slug, name) values ('md-category', 'Moderation');

create temporary table md_version (v integer);
grant select, insert, delete on md_version to authenticated;

select tests.authenticate_as('md_seller');
insert into public.gigs (category_id, title, description)
values ((select id from public.categories where slug = 'md-category'), 'I will moderate my own listing', 'Carefully.')
returning id as gig \gset

select throws_ok(
    format('select submit_gig_for_review(%L)', :'gig'), '55000', null,
    'a gig without a basic package cannot be submitted'
);
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
values (:'gig', 'basic', 'Basic', 3000, 'USD', 4);
select is((submit_gig_for_review(:'gig')).status::text, 'review', 'the seller submits the draft for review');
select throws_ok(format('select submit_gig_for_review(%L)', :'gig'), '55000', null, 'a gig in review cannot be resubmitted');

-- The moderator reads the gig at some version.
select tests.authenticate_as('md_admin');
insert into md_version select content_version from public.gigs where id = :'gig';

-- The seller edits after submitting: allowed (still in review), but it is a new version.
select tests.authenticate_as('md_seller');
update public.gigs set description = 'Carefully, and with a surprise the moderator never saw.' where id = :'gig';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'an edit in review keeps the gig in review');
select is(
    (select content_version from public.gigs where id = :'gig'), (select v + 1 from md_version),
    'and counts a new content version'
);

select tests.authenticate_as('md_other');
select throws_ok(format('select pause_gig(%L)', :'gig'), 'P0002', null, 'another user cannot act on the gig (not found)');
select throws_ok(format('select publish_gig(%L, 1)', :'gig'), '42501', null, 'a user who is not an admin cannot publish');
select throws_ok(
    format('insert into public.gig_events (gig_id, action) values (%L, ''submit'')', :'gig'),
    'P0002', null, 'asking the machine directly for someone else''s gig finds nothing'
);
select throws_ok(
    format('insert into public.gig_events (gig_id, action, actor) values (%L, ''publish'', ''admin'')', :'gig'),
    '42501', null, 'a user cannot name themselves an admin in the request'
);

select tests.authenticate_as('md_admin');
select throws_ok(
    format('select publish_gig(%L, (select v from md_version))', :'gig'), '55000', null,
    'publishing the version the moderator reviewed fails once the seller has edited since'
);
select throws_ok(format('select publish_gig(%L)', :'gig'), '22004', null, 'an admin must name the version reviewed');
select throws_ok(
    format('select reject_gig(%L, ''  '', (select content_version from public.gigs where id = %L))', :'gig', :'gig'),
    '22023', null, 'a rejection needs a reason'
);
select is(
    (reject_gig(:'gig', 'Add a description of what is included',
        (select content_version from public.gigs where id = :'gig'))).rejection_reason,
    'Add a description of what is included', 'the admin rejects the current version with a reason the seller can read'
);

select tests.authenticate_as('md_seller');
update public.gigs set description = 'Carefully: two rounds of feedback included.' where id = :'gig';
select results_eq(
    format('select status::text, rejection_reason from public.gigs where id = %L', :'gig'),
    $$ values ('rejected', 'Add a description of what is included') $$,
    'the seller fixes a rejected gig; it stays rejected with the reason in view'
);
select is((submit_gig_for_review(:'gig')).status::text, 'review', 'a rejected gig can be fixed and resubmitted');
select tests.authenticate_as('md_admin');
select results_eq(
    format(
        'select status::text, rejection_reason, published_at is not null from publish_gig(%L,'
        ' (select content_version from public.gigs where id = %L))',
        :'gig', :'gig'
    ),
    $$ values ('published', null::text, true) $$,
    'the admin publishes the version reviewed: live, stamped, the old reason gone'
);

select tests.authenticate_as('md_seller');
select is((pause_gig(:'gig')).status::text, 'paused', 'the seller pauses a live gig');
select is((unpause_gig(:'gig')).status::text, 'published', 'and unpauses it');
select throws_ok(format('select unpause_gig(%L)', :'gig'), '55000', null, 'a live gig cannot be unpaused');

-- Every part of what buyers see, changed on a live gig, sends it back to review.
create function pg_temp.republish(gig uuid) returns void language plpgsql as $$
begin
    perform tests.authenticate_as('md_admin');
    perform public.publish_gig(gig, (select g.content_version from public.gigs as g where g.id = gig));
    perform tests.authenticate_as('md_seller');
end;
$$;

update public.gigs set title = 'I will moderate my own listing, now better' where id = :'gig';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'editing a live title sends it back to review');

select pg_temp.republish(:'gig');
update public.gig_packages set price_cents = 9000 where gig_id = :'gig';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'changing a live gig''s price sends it back to review');
select is((select starting_price_cents from public.gigs where id = :'gig'), 9000, 'and the starting price follows the package');

select pg_temp.republish(:'gig');
insert into public.gig_extras (gig_id, title, price_cents, currency) values (:'gig', 'Rush', 1500, 'USD');
select is((select status::text from public.gigs where id = :'gig'), 'review', 'adding an extra to a live gig sends it back to review');

select pg_temp.republish(:'gig');
insert into public.gig_requirements (gig_id, question) values (:'gig', 'Your bank password, please?');
select is((select status::text from public.gigs where id = :'gig'), 'review', 'adding a requirement question to a live gig sends it back to review');

select pg_temp.republish(:'gig');
update public.gig_requirements set question = 'Anything else?' where gig_id = :'gig';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'rewording a question of a live gig sends it back to review');

select pg_temp.republish(:'gig');
insert into public.gig_faqs (gig_id, question, answer) values (:'gig', 'Refunds?', 'Never.');
select is((select status::text from public.gigs where id = :'gig'), 'review', 'adding an FAQ to a live gig sends it back to review');

select pg_temp.republish(:'gig');
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
values ('gig-media', tests.get_user_id('md_seller') || '/' || :'gig' || '/cover.png', auth.uid(), auth.uid()::text,
    '{"size": 100, "mimetype": "image/png"}');
select is((select status::text from public.gigs where id = :'gig'), 'review', 'uploading a file to a live gig''s media folder sends it back to review');

select pg_temp.republish(:'gig');
insert into public.gig_media (gig_id, path, is_cover)
values (:'gig', tests.get_user_id('md_seller') || '/' || :'gig' || '/cover.png', true);
select is((select status::text from public.gigs where id = :'gig'), 'review', 'making it the cover sends it back to review');
select is(
    (select mime_type from public.gig_media where gig_id = :'gig'), 'image/png',
    'the cover is recorded as Storage recorded it'
);
select throws_ok(
    format(
        'insert into public.gig_media (gig_id, path) values (%L, %L)',
        :'gig', tests.get_user_id('md_seller') || '/' || :'gig' || '/never-uploaded.png'
    ),
    '22023', null, 'a media path that names no uploaded file is refused'
);
select throws_ok(
    format(
        'insert into public.gig_media (gig_id, path) values (%L, %L)',
        :'gig', tests.get_user_id('md_other') || '/' || :'gig' || '/cover.png'
    ),
    '22023', null, 'a media path outside the gig''s folder is refused'
);

select pg_temp.republish(:'gig');
update storage.objects set metadata = '{"size": 1, "mimetype": "image/png"}'
where bucket_id = 'gig-media' and name = tests.get_user_id('md_seller') || '/' || :'gig' || '/cover.png';
select is((select status::text from public.gigs where id = :'gig'), 'review', 'replacing a live gig''s cover file sends it back to review');

select pg_temp.republish(:'gig');
select set_config('storage.allow_delete_query', 'true', true);
delete from storage.objects
where bucket_id = 'gig-media' and name = tests.get_user_id('md_seller') || '/' || :'gig' || '/cover.png';
select results_eq(
    format('select g.status::text, (select count(*) from public.gig_media as m where m.gig_id = g.id) from public.gigs as g where g.id = %L', :'gig'),
    $$ values ('review', 0::bigint) $$,
    'removing the cover file takes it off the gig and sends the gig back to review'
);

-- The history names every move, who made it and the version.
select pg_temp.republish(:'gig');
select is(
    (select count(*) from public.gig_events where gig_id = :'gig' and action = 'edit' and from_status = 'published'),
    10::bigint,
    'each of the ten live edits is in the history as published -> review'
);
select throws_ok(
    format('update public.gig_events set reason = ''rewritten'' where gig_id = %L', :'gig'),
    '42501', null, 'the seller cannot rewrite the history'
);

-- What others see of an unpublished gig: nothing, exactly as for a missing one.
select pause_gig(:'gig');
select tests.authenticate_as_anon();
select throws_ok(format('select get_gig(gig_id => %L)', :'gig'), 'P0002', format('gig %s not found', :'gig'),
    'a visitor cannot tell a paused gig');
select throws_ok(format('select get_gig(gig_id => %L)', gen_random_uuid()), 'P0002', null,
    'from a missing one');
select tests.authenticate_as('md_other');
select throws_ok(format('select gig_reviews(%L)', :'gig'), 'P0002', format('gig %s not found', :'gig'),
    'nor can another user, through the reviews');
select throws_ok(format('select submit_gig_for_review(%L)', :'gig'), 'P0002', format('gig %s not found', :'gig'),
    'or through a moderation call');

select tests.authenticate_as_anon();
select throws_ok(format('select submit_gig_for_review(%L)', :'gig'), '42501', null, 'a visitor cannot moderate anything');

select * from finish();
rollback;
