-- Reconciliation with Whop (nothing lost when webhooks are missed). The order timer no
-- longer cancels an expired checkout that Whop opened: it may have been paid with its
-- webhook lost, so reconciliation asks Whop first and cancels only what Whop reports
-- unpaid. private.whop_checks is the watermark: when each open item was last asked about.

create table private.whop_checks (
    kind text not null check (kind in ('payment', 'refund', 'kyc')),
    subject text not null check (char_length(subject) between 1 and 100),
    checked_at timestamptz not null default now(),
    constraint whop_checks_pkey primary key (kind, subject)
);
comment on table private.whop_checks is
'When reconciliation last asked Whop about an open payment, refund or KYC check.';
revoke all on private.whop_checks from public, anon, authenticated;

-- snapshot: functions/order_timers.sql
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
-- end snapshot: functions/order_timers.sql

-- snapshot: functions/reconciliation.sql
-- Reconciliation: webhooks are the fast path, Whop's API the source of truth. The worker
-- asks Whop about everything still waiting on it and applies the answer through the
-- webhook handlers (apply_whop_object), so the two paths cannot disagree. These
-- functions hand out what to ask about, remember when each thing was last asked about
-- (the watermark), and cancel checkouts Whop confirmed unpaid. All service-role only.

-- Claim what is waiting on Whop and was not asked about within `recheck_after`: pending
-- payments (by checkout), requested refunds (by payment), sellers whose KYC is pending (by
-- company). An expired checkout is due again after a minute, since it must be settled.
-- Claiming stamps private.whop_checks (the watermark, and a lease): claims are
-- serialized, so concurrent workers never get the same item.
create or replace function public.claim_reconciliation_work(
    max_rows integer default 500,
    recheck_after interval default '5 minutes'
)
returns table (kind text, subject text, whop_id text, expired boolean)
language plpgsql
security definer
set search_path = ''
as $$
begin
    if max_rows is null or max_rows not between 1 and 5000 then
        raise exception using errcode = '22023', message = 'max_rows must be between 1 and 5000';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('gigflow.claim_reconciliation_work'));
    return query
    with candidates as (
        select
            'payment' as kind,
            o.id::text as subject,
            o.whop_checkout_id as whop_id,
            o.checkout_expires_at <= pg_catalog.now() as expired
        from public.orders as o
        where o.status = 'pending_payment' and o.whop_checkout_id is not null
        union all
        select 'refund', r.id::text, o.whop_payment_id, false
        from public.refunds as r
        join public.orders as o on o.id = r.order_id
        where r.status = 'requested' and o.whop_payment_id is not null
        union all
        select 'kyc', s.user_id::text, s.whop_company_id, false
        from public.seller_accounts as s
        where s.kyc_status = 'pending' and s.whop_company_id is not null
    ),
    due as (
        select c.kind, c.subject, c.whop_id, c.expired
        from candidates as c
        left join private.whop_checks as w on w.kind = c.kind and w.subject = c.subject
        where w.checked_at is null
            or w.checked_at <= pg_catalog.now()
            - case when c.expired then interval '1 minute' else recheck_after end
        order by w.checked_at nulls first, c.kind, c.subject
        limit max_rows
    ),
    stamped as (
        insert into private.whop_checks as w (kind, subject, checked_at)
        select d.kind, d.subject, pg_catalog.now() from due as d
        on conflict on constraint whop_checks_pkey do update set checked_at = excluded.checked_at
    )
    select d.kind, d.subject, d.whop_id, d.expired from due as d;
end;
$$;

-- Whop says this expired checkout was never paid: the order is cancelled. Anything else
-- (not pending, not expired, no checkout) is refused, so a stale answer cannot cancel a
-- paid order.
create or replace function public.expire_unpaid_checkout(target_order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders := private.lock_order(target_order_id);
begin
    if target.status <> 'pending_payment' or target.whop_checkout_id is null
        or target.checkout_expires_at > pg_catalog.now() then
        raise exception using
            errcode = '55000',
            message = format('order %s is not an expired checkout awaiting payment', target_order_id);
    end if;
    return private.apply_order_action(target.id, 'expire_checkout', 'system');
end;
$$;

revoke execute on function public.claim_reconciliation_work(integer, interval)
from public, anon, authenticated;
revoke execute on function public.expire_unpaid_checkout(uuid) from public, anon, authenticated;
grant execute on function public.claim_reconciliation_work(integer, interval) to service_role;
grant execute on function public.expire_unpaid_checkout(uuid) to service_role;
-- end snapshot: functions/reconciliation.sql
