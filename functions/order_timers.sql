-- Timers: everything that happens because time passed. Which actions are timers, after
-- how long and counted from what, are columns of their edges in private.order_transitions;
-- the state machine keeps each order's armed timers in private.order_deadlines as it
-- moves. This runs the due ones the database carries out (the worker runs those that
-- need an outbound call), on a schedule from the worker or pg_cron.
--
-- Each due timer's order is locked first and skipped when another transaction holds it,
-- so concurrent runs split the work; each is still due after the lock or it is left
-- alone, so a run never acts twice; each runs in its own subtransaction, so one that
-- fails is counted and the others go on. `as_of` is the time everything is stamped with
-- (tests move it).

create or replace function public.run_due_timers(
    as_of timestamptz default now(), batch_size integer default 500
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    due record;
    applied jsonb := '{}'::jsonb;
    failures integer := 0;
begin
    if batch_size is null or batch_size not between 1 and 10000 then
        raise exception using errcode = '22023', message = 'batch_size must be between 1 and 10000';
    end if;
    for due in
        select d.order_id, d.action
        from private.order_deadlines as d
        where d.due_at <= as_of
            and exists (
                select 1 from private.order_transitions as t
                where t.action = d.action and t.timer_runner = 'database'
            )
        order by d.due_at
        limit batch_size
    loop
        perform 1 from public.orders as o where o.id = due.order_id for update skip locked;
        continue when not found;
        continue when not exists (
            select 1 from private.order_deadlines as d
            where d.order_id = due.order_id and d.action = due.action and d.due_at <= as_of
        );
        begin
            perform private.record_order_action(due.order_id, due.action, '{}', 'system', as_of);
            applied := applied || pg_catalog.jsonb_build_object(
                due.action::text, coalesce((applied ->> due.action::text)::integer, 0) + 1
            );
        exception when others then
            failures := failures + 1;
            raise warning 'timer % of order % failed: %', due.action, due.order_id, sqlerrm;
        end;
    end loop;
    return applied || pg_catalog.jsonb_build_object('failed', failures);
end;
$$;

revoke execute on function public.run_due_timers(timestamptz, integer) from public, anon, authenticated;
grant execute on function public.run_due_timers(timestamptz, integer) to service_role;
