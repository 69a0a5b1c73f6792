-- The gig moderation machine against its spec. The edges below are written by hand from
-- the spec (README "The API for frontends", issue 20, docs/architecture.md): who may do what to a
-- gig in which state, and where it goes. They are compared with private.gig_transitions
-- both ways, and then every (status, action, actor) is tried on a real gig: the machine
-- must move it exactly where the list says, and refuse everything else with 55000.
begin;

create temporary table spec_edges (
    from_status text, action text, actor text, to_status text, primary key (from_status, action, actor)
);
insert into spec_edges values
-- The seller asks for review of a draft, or of a rejected gig once fixed.
('draft', 'submit', 'seller', 'review'),
('rejected', 'submit', 'seller', 'review'),
-- An admin decides on a gig in review.
('review', 'publish', 'admin', 'published'),
('review', 'reject', 'admin', 'rejected'),
-- The seller takes a live gig off the market and back.
('published', 'pause', 'seller', 'paused'),
('paused', 'unpause', 'seller', 'published'),
-- The platform pauses a live gig when its seller's KYC stops being verified.
('published', 'suspend', 'platform', 'paused'),
-- Any change of what buyers see: a live (or paused) gig goes back to review; elsewhere
-- the gig stays where it is and counts a new version.
('published', 'edit', 'seller', 'review'),
('paused', 'edit', 'seller', 'review'),
('draft', 'edit', 'seller', 'draft'),
('review', 'edit', 'seller', 'review'),
('rejected', 'edit', 'seller', 'rejected'),
-- An operator takes a live gig down (issue 22, "Operators' tools") and restores it; a
-- taken-down gig goes nowhere else, not even by an edit, so what comes back is what was
-- taken down. A paused gig can be taken down too: otherwise a seller who saw it coming
-- paused the gig and unpaused it later.
('published', 'take_down', 'admin', 'taken_down'),
('paused', 'take_down', 'admin', 'taken_down'),
('taken_down', 'restore', 'admin', 'published');

select plan(5 + 6 * 9 * 3);

select is_empty(
    $$ select from_status::text, action::text, actor::text, to_status::text from private.gig_transitions
       except select from_status, action, actor, to_status from spec_edges $$,
    'every edge in the table is in the spec'
);
select is_empty(
    $$ select from_status, action, actor, to_status from spec_edges
       except select from_status::text, action::text, actor::text, to_status::text from private.gig_transitions $$,
    'every edge of the spec is in the table'
);

select tests.create_user('gt_seller');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('gt_seller'), 'verified');
insert into public.categories (slug, name) values ('gt-category', 'Transitions');

-- A fresh gig of the seller's in `wanted`, reached through the machine itself.
create function pg_temp.gig_in(wanted text) returns uuid language plpgsql as $$
declare
    made uuid;
    path text [] := case wanted
        when 'draft' then '{}'
        when 'review' then '{submit:seller}'
        when 'published' then '{submit:seller,publish:admin}'
        when 'paused' then '{submit:seller,publish:admin,pause:seller}'
        when 'rejected' then '{submit:seller,reject:admin}'
        when 'taken_down' then '{submit:seller,publish:admin,take_down:admin}'
    end;
    move text;
begin
    insert into public.gigs (seller_id, category_id, title)
    values (tests.get_user_id('gt_seller'), (select id from public.categories where slug = 'gt-category'),
        'A gig for walking the transitions')
    returning id into made;
    insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
    values (made, 'basic', 'Basic', 1000, 'USD', 2);
    foreach move in array path loop
        insert into public.gig_events (gig_id, action, actor, reason)
        values (made, split_part(move, ':', 1)::public.gig_action, split_part(move, ':', 2)::public.gig_actor, 'walk');
    end loop;
    return made;
end;
$$;

-- Where the gig ends up, or the SQLSTATE of the refusal; undone either way.
create function pg_temp.try_move(gig uuid, action text, actor text) returns text language plpgsql as $$
declare
    outcome text;
begin
    begin
        insert into public.gig_events (gig_id, action, actor, reason)
        values (gig, action::public.gig_action, actor::public.gig_actor, 'walk');
        select g.status::text into outcome from public.gigs as g where g.id = gig;
        raise exception using errcode = 'GFTST';
    exception when sqlstate 'GFTST' then
        null;
    when others then
        outcome := sqlstate;
    end;
    return outcome;
end;
$$;

create function pg_temp.walk() returns setof text language plpgsql as $$
declare
    cell record;
begin
    for cell in
        select s.status, a.action, r.actor, coalesce(e.to_status, '55000') as expected
        from unnest(enum_range(null::public.gig_status)) as s (status)
        cross join unnest(enum_range(null::public.gig_action)) as a (action)
        cross join unnest(enum_range(null::public.gig_actor)) as r (actor)
        left join spec_edges as e
            on e.from_status = s.status::text and e.action = a.action::text and e.actor = r.actor::text
        order by 1, 2, 3
    loop
        return next is(
            pg_temp.try_move(pg_temp.gig_in(cell.status::text), cell.action::text, cell.actor::text),
            cell.expected,
            format('%s -%s by %s-> %s', cell.status, cell.action, cell.actor, cell.expected)
        );
    end loop;
end;
$$;

select * from pg_temp.walk();

-- The trusted columns are the machine's: a seller cannot write them, and what it writes
-- names the caller.
select tests.authenticate_as('gt_seller');
select throws_ok(
    format(
        'insert into public.gig_events (gig_id, action, actor_id, created_at) values (%L, ''submit'', gen_random_uuid(), now() - interval ''1 year'')',
        (select id from public.gigs where seller_id = auth.uid() limit 1)
    ),
    '42501', null, 'a seller cannot write the trusted columns of a gig event'
);
select public.submit_gig_for_review(id) from public.gigs where seller_id = auth.uid() and status = 'draft' limit 1;
select results_eq(
    $$ select actor::text, actor_id, from_status::text, to_status::text from public.gig_events
       where action = 'submit' and actor_id is not null order by id desc limit 1 $$,
    $$ select 'seller', tests.get_user_id('gt_seller'), 'draft', 'review' $$,
    'a submit by the seller is recorded as the seller''s, from draft to review'
);
select is(
    (select count(*)::integer from unnest(enum_range(null::public.gig_status))),
    6,
    'the statuses walked are all there are'
);

select * from finish();
rollback;
