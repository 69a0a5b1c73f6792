-- Fixes found by the Python suite against the new order machine:
-- - a money move while a cancellation request is open (a refund asked or settled) kept
--   the order cancel_requested but erased who asked and since when, so declining failed,
--   the requester could accept their own request, and its expiry was disarmed;
-- - an order's log could list actions out of the order they were applied in: the event
--   id was drawn before the trigger waited for the order's lock;
-- - money Whop refunded on its own left the open requests asking for more than was left
--   (and the seller's pending balance negative): they are now trimmed, oldest kept;
-- - payout_method.created before any payout status made payout_enabled null (23502):
--   payouts stay off until Whop has told both.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.apply_order_event()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    requested public.order_action := private.order_action_named(new.action);
    at timestamptz := new.created_at;
    before public.orders;
    after public.orders;
    edge private.order_transitions;
    other_actors text;
    next_status public.order_status;
    money integer;
    fee_part integer;
begin
    select o.* into before from public.orders as o where o.id = new.order_id for update;
    -- The log's order is the order actions were applied in: the id is drawn once the
    -- order is locked, not when the insert began (it may have waited for the lock).
    new.id := pg_catalog.nextval('public.order_events_id_seq'::regclass);
    -- Users may not name an actor (column privileges): who they are on the order decides.
    if new.actor is null then
        new.actor := private.order_role(before.buyer_id, before.seller_id);
    end if;
    if before.id is null or new.actor is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', new.order_id);
    end if;
    new.actor_id := auth.uid();

    select t.* into edge
    from private.order_transitions as t
    where t.from_status = before.status and t.action = requested and t.actor = new.actor;
    if edge.action is null then
        select pg_catalog.string_agg(t.actor::text, ' or ' order by t.actor) into other_actors
        from private.order_transitions as t
        where t.from_status = before.status and t.action = requested;
        if other_actors is not null then
            raise exception using
                errcode = '42501',
                message = format(
                    'only the %s may %s order %s', other_actors, pg_catalog.replace(requested::text, '_', ' '), before.id
                );
        end if;
        raise exception using
            errcode = '55000',
            message = format(
                'cannot %s order %s: it is %s', pg_catalog.replace(requested::text, '_', ' '), before.id, before.status
            );
    end if;

    new.details := private.checked_action_details(before, requested, new.actor, coalesce(new.details, '{}'::jsonb));
    next_status := coalesce(edge.to_status, before.status_before_cancellation_request);
    money := case
        when requested in ('refund_partially', 'refund_in_full', 'settle_dispute_refund', 'chargeback_lost')
            then (new.details ->> 'amount_cents')::integer
        else 0
    end;
    fee_part := case when money > 0 then private.fee_share(before, money) else 0 end;

    update public.orders as o
    set status = next_status,
        updated_at = at,
        paid_at = case when requested = 'pay' then at else o.paid_at end,
        whop_payment_id = case when requested = 'pay' then new.details ->> 'whop_payment_id' else o.whop_payment_id end,
        whop_checkout_id = case
            when requested = 'attach_checkout' then new.details ->> 'whop_checkout_id' else o.whop_checkout_id
        end,
        started_at = case when next_status = 'in_progress' and o.started_at is null then at else o.started_at end,
        due_at = case
            when next_status = 'in_progress' and o.started_at is null
                then at + pg_catalog.make_interval(days => o.delivery_days)
            else o.due_at
        end,
        delivered_at = case when requested = 'deliver' then at else o.delivered_at end,
        revisions_used = o.revisions_used + (requested = 'request_revision')::integer,
        completed_at = case when next_status = 'completed' and before.status <> 'completed' then at else o.completed_at end,
        cancelled_at = case when next_status = 'cancelled' and before.status <> 'cancelled' then at else o.cancelled_at end,
        late_at = case when requested in ('mark_late', 'mark_very_late') then coalesce(o.late_at, at) else o.late_at end,
        very_late_at = case when requested = 'mark_very_late' then at else o.very_late_at end,
        reviews_released_at = case when requested = 'release_reviews' then at else o.reviews_released_at end,
        files_removed_at = case when requested = 'remove_files' then at else o.files_removed_at end,
        status_before_cancellation_request = case
            when requested = 'request_cancellation' then o.status
            -- Leaving the request behind clears it; a money move while it is open keeps it.
            when o.status = 'cancel_requested' and next_status <> 'cancel_requested' then null
            else o.status_before_cancellation_request
        end,
        cancellation_requested_by = case
            when requested = 'request_cancellation' then new.actor
            when o.status = 'cancel_requested' and next_status <> 'cancel_requested' then null
            else o.cancellation_requested_by
        end,
        cancellation_requested_at = case
            when requested = 'request_cancellation' then at
            when o.status = 'cancel_requested' and next_status <> 'cancel_requested' then null
            else o.cancellation_requested_at
        end,
        dispute_opened_by = case when requested = 'open_dispute' then new.actor else o.dispute_opened_by end,
        dispute_reason = case when requested = 'open_dispute' then new.details ->> 'reason' else o.dispute_reason end,
        dispute_refund_cents = case
            when requested = 'resolve_dispute_refund' then o.refunded_cents + (new.details ->> 'amount_cents')::integer
            else o.dispute_refund_cents
        end,
        refunded_cents = o.refunded_cents + money,
        fee_refunded_cents = o.fee_refunded_cents + fee_part,
        net_refunded_cents = o.net_refunded_cents + money - fee_part
    where o.id = before.id
    returning * into after;

    new.details := private.apply_order_effects(before, after, requested, new.details, at);
    perform private.arm_order_timers(after);

    if edge.notifies then
        perform private.notify(
            case new.actor
                when 'buyer' then array[after.seller_id]
                when 'seller' then array[after.buyer_id]
                else array[after.buyer_id, after.seller_id]
            end,
            after.id,
            requested::text,
            case
                when next_status = before.status then format(
                    '%s: %s, still %s', after.gig_title, pg_catalog.replace(requested::text, '_', ' '),
                    pg_catalog.replace(next_status::text, '_', ' ')
                )
                else format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
            end
        );
    end if;

    new.from_status := before.status;
    new.to_status := next_status;
    return new;
end;
$function$;

create or replace function private.apply_seller_payouts(
    company_id text,
    payout_status text default null::text,
    kyc_signal public.kyc_status default null::public.kyc_status,
    has_method boolean default null::boolean
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    account public.seller_accounts;
    state private.seller_payout_state;
    new_kyc public.kyc_status := coalesce(kyc_signal, case payout_status
        when 'connected' then 'verified'
        when 'verification_failed' then 'failed'
        when 'disabled' then 'failed'
        when 'action_required' then 'pending'
        when 'pending_verification' then 'pending'
    end::public.kyc_status);
    changed boolean := false;
    should_pay boolean;
begin
    select s.* into account from public.seller_accounts as s where s.whop_company_id = company_id for update;
    if account.user_id is null then
        return 'ignored'::public.whop_event_status;
    end if;
    insert into private.seller_payout_state as p (seller_id, payout_account_status, has_payout_method)
    values (account.user_id, payout_status, coalesce(has_method, false))
    on conflict (seller_id) do update
        set payout_account_status = coalesce(excluded.payout_account_status, p.payout_account_status),
            has_payout_method = coalesce(has_method, p.has_payout_method),
            updated_at = pg_catalog.now()
    returning p.* into state;

    if new_kyc is not null and new_kyc is distinct from account.kyc_status then
        perform public.set_seller_kyc_status(account.user_id, new_kyc);
        changed := true;
    end if;
    -- Until Whop has told both the status and the methods, payouts stay off.
    should_pay := coalesce(
        state.payout_account_status = 'connected' and state.has_payout_method
        and coalesce(new_kyc, account.kyc_status) = 'verified',
        false
    );
    update public.seller_accounts as s
    set payout_enabled = should_pay
    where s.user_id = account.user_id and s.payout_enabled is distinct from should_pay;
    return case when changed or found then 'processed' else 'ignored' end::public.whop_event_status;
end;
$function$;

create or replace function private.write_refund(
    target public.orders,
    operation text,
    amount integer default null::integer,
    reason text default null::text,
    whop_refund_id text default null::text,
    request_id uuid default null::uuid,
    at timestamp with time zone default now()
)
returns public.refunds
language plpgsql
security definer
set search_path to ''
as $function$
declare
    written public.refunds;
    matched uuid;
    left_to_ask integer;
    outstanding record;
begin
    case operation
        when 'request' then
            -- Withdrawals lock the seller too: a refund and a withdrawal of the same money
            -- are decided one after the other.
            perform 1 from public.seller_accounts as s where s.user_id = target.seller_id for update;
            insert into public.refunds (order_id, amount_cents, reason, requested_by, created_at)
            values (target.id, amount, pg_catalog.left(reason, 500), auth.uid(), at)
            returning * into written;
        when 'settle' then
            select r.id into matched from public.refunds as r
            where r.order_id = target.id and r.status = 'requested'
                and (r.id = request_id
                    or (request_id is null and r.whop_refund_id = write_refund.whop_refund_id)
                    or (request_id is null and r.whop_refund_id is null and r.amount_cents = amount))
            order by r.id = request_id desc, r.whop_refund_id is null, r.created_at
            limit 1;
            if matched is null then
                insert into public.refunds (
                    order_id, amount_cents, fee_refund_cents, net_refund_cents, status, reason,
                    whop_refund_id, created_at, settled_at
                )
                values (
                    target.id, amount, private.fee_share(target, amount),
                    amount - private.fee_share(target, amount), 'succeeded',
                    coalesce(pg_catalog.left(reason, 500), 'refunded through Whop'), whop_refund_id, at, at
                )
                returning * into written;
            else
                update public.refunds as r
                set status = 'succeeded',
                    amount_cents = amount,
                    fee_refund_cents = private.fee_share(target, amount),
                    net_refund_cents = amount - private.fee_share(target, amount),
                    whop_refund_id = write_refund.whop_refund_id,
                    settled_at = at
                where r.id = matched
                returning * into written;
            end if;
            -- What is still asked for never exceeds what is left: money Whop gave back on
            -- its own (its dashboard) shrinks the requests still open, newest last.
            left_to_ask := target.subtotal_cents - target.refunded_cents - amount;
            for outstanding in
                select r.id, r.amount_cents from public.refunds as r
                where r.order_id = target.id and r.status = 'requested'
                order by r.created_at, r.id
            loop
                if left_to_ask >= outstanding.amount_cents then
                    left_to_ask := left_to_ask - outstanding.amount_cents;
                elsif left_to_ask > 0 then
                    update public.refunds as r
                    set amount_cents = left_to_ask,
                        reason = pg_catalog.left(r.reason || ' / reduced to what was left to refund', 500)
                    where r.id = outstanding.id;
                    left_to_ask := 0;
                else
                    update public.refunds as r
                    set status = 'failed', settled_at = at,
                        reason = pg_catalog.left(r.reason || ' / nothing was left to refund', 500)
                    where r.id = outstanding.id;
                end if;
            end loop;
        when 'fail' then
            update public.refunds as r
            set status = 'failed', settled_at = at,
                reason = pg_catalog.left(r.reason || coalesce(' / failed: ' || write_refund.reason, ''), 500)
            where r.order_id = target.id and r.status = 'requested'
                and (r.id = request_id or (request_id is null and r.whop_refund_id = write_refund.whop_refund_id))
            returning * into written;
        when 'submit' then
            update public.refunds as r
            set submitted_at = at
            where r.id = request_id and r.status = 'requested' and r.submitted_at is null
            returning * into written;
    end case;
    return written;
end;
$function$;
