-- The order state machine against its own table: for every status x action x actor,
-- an order placed in that status either moves exactly as private.order_transitions says
-- (one event, from -> to, by that actor) or is refused (42501 when another actor could
-- do it, 55000 otherwise) and stays untouched.
begin;

select tests.create_user('tt_buyer');
select tests.create_user('tt_seller');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('tt_seller'), 'verified');
insert into public.categories (slug, name) values ('tt-category', 'Transitions');
insert into public.gigs (seller_id, category_id, title)
values (
    tests.get_user_id('tt_seller'), (select id from public.categories where slug = 'tt-category'),
    'I will walk every edge of your state machine'
)
returning id as gig \gset
insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days, revisions_included)
values (:'gig', 'basic', 'Basic', 5000, 'USD', 3, 2);
update public.gigs set status = 'published' where id = :'gig';

create temporary table tt_gig as select :'gig'::uuid as id;

-- An order in `status`, as it would be there: paid unless still pending, and with a
-- cancellation request by the other party when cancel_requested.
create function pg_temp.order_in(status public.order_status, answering public.order_actor)
returns uuid language plpgsql as $$
declare
    created public.orders;
begin
    created := public.create_pending_order(
        tests.get_user_id('tt_buyer'), (select id from tt_gig), 'basic'
    );
    update public.orders as o
    set status = order_in.status,
        paid_at = case when order_in.status <> 'pending_payment' then now() end,
        status_before_cancellation_request = case when order_in.status = 'cancel_requested'
            then 'in_progress'::public.order_status end,
        cancellation_requested_by = case when order_in.status = 'cancel_requested'
            then (case when answering = 'buyer' then 'seller' else 'buyer' end)::public.order_actor end,
        cancellation_requested_at = case when order_in.status = 'cancel_requested' then now() end
    where o.id = created.id;
    return created.id;
end;
$$;

create function pg_temp.walk() returns setof text language plpgsql as $$
declare
    cell record;
    target uuid;
    outcome text;
    moved public.orders;
    events integer;
begin
    for cell in
        select s.status, a.action, r.actor, t.to_status, t.action is not null as allowed,
            coalesce(t.to_status, 'in_progress') as expected_status,
            exists (
                select 1 from private.order_transitions as other
                where other.from_status = s.status and other.action = a.action
            ) as another_actor_may
        from unnest(enum_range(null::public.order_status)) as s (status)
        cross join unnest(enum_range(null::public.order_action)) as a (action)
        cross join unnest(enum_range(null::public.order_actor)) as r (actor)
        left join private.order_transitions as t
            on t.from_status = s.status and t.action = a.action and t.actor = r.actor
        order by 1, 2, 3
    loop
        target := pg_temp.order_in(cell.status, cell.actor);
        begin
            moved := private.apply_order_action(target, cell.action, cell.actor);
            outcome := 'moved to ' || moved.status;
        exception when others then
            outcome := sqlstate;
        end;
        select count(*) into events from public.order_events where order_id = target;

        if cell.allowed then
            return next is(
                outcome || ', ' || events || ' event',
                'moved to ' || cell.expected_status || ', 1 event',
                format('%s: %s by %s moves to %s', cell.status, cell.action, cell.actor, cell.expected_status)
            );
        else
            return next is(
                outcome || ', ' || events || ' event, still ' || (select status from public.orders where id = target),
                case when cell.another_actor_may then '42501' else '55000' end
                    || ', 0 event, still ' || cell.status,
                format('%s: %s by %s is refused', cell.status, cell.action, cell.actor)
            );
        end if;
    end loop;
end;
$$;

select plan(
    (select count(*)::integer from unnest(enum_range(null::public.order_status)))
    * (select count(*)::integer from unnest(enum_range(null::public.order_action)))
    * (select count(*)::integer from unnest(enum_range(null::public.order_actor)))
    + 3
);
select * from pg_temp.walk();

-- The guards that the table alone cannot express.
select lives_ok(
    format('select private.apply_order_action(%L, ''decline_cancellation'', ''buyer'')',
        pg_temp.order_in('cancel_requested', 'buyer')),
    'the other party may answer a cancellation request'
);
select throws_ok(
    format('select private.apply_order_action(%L, ''accept_cancellation'', ''seller'')',
        pg_temp.order_in('cancel_requested', 'buyer')),
    '55000',
    null,
    'whoever asked to cancel cannot accept their own request'
);
select pg_temp.order_in('delivered', 'buyer') as used_up \gset
update public.orders set revisions_used = revisions_included where id = :'used_up';
select throws_ok(
    format('select private.apply_order_action(%L, ''request_revision'', ''buyer'')', :'used_up'),
    '55000',
    null,
    'a revision beyond the package''s allowance is refused'
);

select * from finish();
rollback;
