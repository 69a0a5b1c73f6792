-- Timers: everything that happens because time passed. One function, called by the worker
-- on a schedule (or by pg_cron). Each step claims its rows with FOR UPDATE SKIP LOCKED,
-- so concurrent runs split the work instead of doing it twice, and each step's condition
-- is the state itself, so running again does nothing new. `as_of` lets tests move time.

create or replace function public.run_due_timers(
    as_of timestamptz default now(), batch_size integer default 500
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    settings private.platform_settings;
    due_order record;
    checkouts_expired integer := 0;
    auto_completed integer := 0;
    cancellations_applied integer := 0;
    marked_late integer := 0;
    marked_very_late integer := 0;
    reviews_released integer := 0;
begin
    if batch_size is null or batch_size not between 1 and 10000 then
        raise exception using errcode = '22023', message = 'batch_size must be between 1 and 10000';
    end if;
    select s.* into settings from private.platform_settings as s;

    -- Only checkouts Whop never opened: one that Whop did open may have been paid with
    -- its webhook lost, so reconciliation asks Whop before it cancels (expire_unpaid_checkout).
    for due_order in
        select o.id from public.orders as o
        where o.status = 'pending_payment' and o.checkout_expires_at <= as_of
            and o.whop_checkout_id is null
        order by o.checkout_expires_at limit batch_size
        for update skip locked
    loop
        perform private.apply_order_action(due_order.id, 'expire_checkout', 'system');
        checkouts_expired := checkouts_expired + 1;
    end loop;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'delivered' and o.delivered_at <= as_of - settings.auto_complete_after
        order by o.delivered_at limit batch_size
        for update skip locked
    loop
        perform private.apply_order_action(due_order.id, 'auto_complete', 'system');
        auto_completed := auto_completed + 1;
    end loop;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'cancel_requested'
            and o.cancellation_requested_at <= as_of - settings.cancellation_request_expires_after
        order by o.cancellation_requested_at limit batch_size
        for update skip locked
    loop
        perform private.apply_order_action(due_order.id, 'expire_cancellation_request', 'system');
        cancellations_applied := cancellations_applied + 1;
    end loop;

    for due_order in
        select o.id, o.buyer_id, o.seller_id, o.gig_title, o.status,
            o.due_at <= as_of - settings.very_late_after as very_late
        from public.orders as o
        where o.status in ('in_progress', 'revision_requested')
            and o.very_late_at is null
            and o.due_at <= as_of
            and (o.late_at is null or o.due_at <= as_of - settings.very_late_after)
        order by o.due_at limit batch_size
        for update skip locked
    loop
        update public.orders as o
        set late_at = coalesce(o.late_at, pg_catalog.now()),
            very_late_at = case when due_order.very_late then pg_catalog.now() end
        where o.id = due_order.id;
        insert into public.order_events (order_id, actor, action, from_status, to_status)
        values (
            due_order.id, 'system', case when due_order.very_late then 'mark_very_late' else 'mark_late' end,
            due_order.status, due_order.status
        );
        perform private.notify(due_order.buyer_id, due_order.id, 'late',
            format('%s is past its due date', due_order.gig_title));
        perform private.notify(due_order.seller_id, due_order.id, 'late',
            format('%s is past its due date: deliver as soon as you can', due_order.gig_title));
        if due_order.very_late then
            marked_very_late := marked_very_late + 1;
        else
            marked_late := marked_late + 1;
        end if;
    end loop;

    for due_order in
        select o.id from public.orders as o
        where o.status = 'completed' and o.reviews_released_at is null
            and o.completed_at <= as_of - settings.reviews_released_after
        order by o.completed_at limit batch_size
        for update skip locked
    loop
        perform private.release_reviews(due_order.id);
        reviews_released := reviews_released + 1;
    end loop;

    return pg_catalog.jsonb_build_object(
        'checkouts_expired', checkouts_expired,
        'auto_completed', auto_completed,
        'cancellation_requests_applied', cancellations_applied,
        'marked_late', marked_late,
        'marked_very_late', marked_very_late,
        'reviews_released', reviews_released
    );
end;
$$;

revoke execute on function public.run_due_timers(timestamptz, integer) from public, anon, authenticated;
grant execute on function public.run_due_timers(timestamptz, integer) to service_role;
