-- The worker stops computing what Whop's objects mean: it forwards each payment, refund,
-- dispute, payout method and withdrawal Whop reports to one SQL entry point per object,
-- which checks it against the order (mismatches are quarantined for an admin) and acts
-- through the order machine. Checkout confirmation and seller onboarding only look up
-- what to ask Whop. apply_whop_checkout_payments changes its result to a text outcome
-- (paid, quarantined, expired, waiting) and order_checkout is replaced by
-- checkout_to_confirm; only the worker (service_role) called either.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

-- squawk-ignore ban-drop-function
drop function public.apply_whop_checkout_payments(uuid, jsonb);

-- squawk-ignore ban-drop-function
drop function public.order_checkout(uuid, uuid);

create or replace function private.apply_order_effects(
    before public.orders,
    after public.orders,
    requested public.order_action,
    details jsonb,
    at timestamp with time zone
)
returns jsonb
language plpgsql
security definer
set search_path to ''
as $function$
declare
    written public.refunds;
    delivery_id uuid;
    unrefunded integer;
    policy text;
    fee_part integer;
begin
    case requested
        when 'submit_requirements' then
            perform private.record_requirement_answers(after, details -> 'answers');
            perform private.attach_order_files(after.id, 'requirements', coalesce(details -> 'files', '[]'::jsonb));
            details := pg_catalog.jsonb_build_object(
                'answers', pg_catalog.jsonb_array_length(coalesce(details -> 'answers', '[]'::jsonb))
            );
        when 'deliver' then
            insert into public.order_deliveries (order_id, message, delivered_by, created_at)
            -- The seller delivers (a server path acting for them has no signed-in user).
            values (after.id, details ->> 'message', coalesce(auth.uid(), after.seller_id), at)
            returning id into delivery_id;
            update public.order_deliveries as d
            set files = private.attach_order_files(
                after.id, 'deliveries', coalesce(details -> 'files', '[]'::jsonb), delivery_id
            )
            where d.id = delivery_id;
            details := pg_catalog.jsonb_build_object('message', details ->> 'message', 'delivery_id', delivery_id);
        when 'request_refund', 'resolve_dispute_refund' then
            written := private.write_refund(
                before, 'request', (details ->> 'amount_cents')::integer,
                coalesce(details ->> 'reason', details ->> 'note', 'dispute resolved with a refund'), at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'refund_partially', 'refund_in_full', 'settle_dispute_refund' then
            written := private.write_refund(
                before, 'settle', (details ->> 'amount_cents')::integer,
                whop_refund_id => details ->> 'whop_refund_id',
                request_id => (details ->> 'refund_id')::uuid, at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'refund_failed' then
            written := private.write_refund(
                before, 'fail', reason => details ->> 'reason', whop_refund_id => details ->> 'whop_refund_id',
                request_id => (details ->> 'refund_id')::uuid, at => at
            );
            if written.id is null then
                raise exception using
                    errcode = 'P0002', message = format('no requested refund to fail on order %s', before.id);
            end if;
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'chargeback_lost' then
            -- Refunds still asked for are moot: the chargeback took the money back.
            loop
                written := private.write_refund(
                    before, 'fail', reason => 'superseded by a lost chargeback', request_id => (
                        select r.id from public.refunds as r
                        where r.order_id = after.id and r.status = 'requested' limit 1
                    ), at => at
                );
                exit when written.id is null;
            end loop;
            if (details ->> 'amount_cents')::integer > 0 then
                written := private.write_refund(
                    before, 'settle', (details ->> 'amount_cents')::integer, 'chargeback lost at Whop',
                    details ->> 'whop_dispute_id', at => at
                );
                select s.chargeback_fee_borne_by into policy from private.platform_settings as s;
                fee_part := written.fee_refund_cents;
                if policy = 'seller' and fee_part > 0 then
                    insert into public.seller_adjustments (seller_id, order_id, currency, amount_cents, reason, created_at)
                    values (after.seller_id, after.id, after.currency, -fee_part, 'platform fee of a lost chargeback', at);
                end if;
            end if;
        when 'release_reviews' then
            update public.reviews as r set released_at = at
            where r.order_id = after.id and r.released_at is null;
            perform private.refresh_ratings(after.gig_id);
        when 'pay' then
            if coalesce(details -> 'attribution', '{}'::jsonb) <> '{}'::jsonb then
                insert into public.order_attributions as a (order_id, attribution)
                values (after.id, details -> 'attribution')
                on conflict (order_id) do update
                    set attribution = a.attribution || excluded.attribution, updated_at = at;
            end if;
            details := details - 'attribution';
        else
            null;
    end case;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded (a payment
    -- that arrives after the order was cancelled unpaid included); the worker carries out
    -- requested refunds through Whop and records the result.
    if after.status = 'cancelled' and after.paid_at is not null
        and (before.status <> 'cancelled' or requested = 'pay') then
        unrefunded := private.refundable_cents(after);
        if unrefunded > 0 then
            written := private.write_refund(
                after, 'request', unrefunded,
                case when requested = 'pay' then 'paid after the order was cancelled' else 'order cancelled' end,
                at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        end if;
    end if;
    return details;
end;
$function$;

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
            when o.status = 'cancel_requested' then null
            else o.status_before_cancellation_request
        end,
        cancellation_requested_by = case
            when requested = 'request_cancellation' then new.actor
            when o.status = 'cancel_requested' then null
            else o.cancellation_requested_by
        end,
        cancellation_requested_at = case
            when requested = 'request_cancellation' then at
            when o.status = 'cancel_requested' then null
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
    should_pay := state.payout_account_status = 'connected' and state.has_payout_method
        and coalesce(new_kyc, account.kyc_status) = 'verified';
    update public.seller_accounts as s
    set payout_enabled = should_pay
    where s.user_id = account.user_id and s.payout_enabled is distinct from should_pay;
    return case when changed or found then 'processed' else 'ignored' end::public.whop_event_status;
end;
$function$;

create or replace function public.apply_whop_checkout_payments(
    target_order_id uuid,
    payments jsonb
)
returns text
language plpgsql
security definer
set search_path to ''
as $function$
declare
    target public.orders;
    payment jsonb;
    outcome public.whop_event_status;
begin
    if pg_catalog.jsonb_typeof(payments) is distinct from 'array' then
        raise exception using errcode = '22023', message = 'payments must be a JSON array of Whop payments';
    end if;
    select o.* into target from public.orders as o where o.id = target_order_id;
    if target.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    for payment in
        select p from pg_catalog.jsonb_array_elements(payments) as p
        where p ->> 'status' = 'paid' or p ->> 'substatus' = 'succeeded'
    loop
        outcome := public.apply_whop_payment(payment);
        if outcome = 'processed' then
            return 'paid';
        elsif outcome = 'quarantined' then
            return 'quarantined';
        end if;
    end loop;
    select o.* into target from public.orders as o where o.id = target_order_id for update;
    if target.status = 'pending_payment' and target.checkout_expires_at <= pg_catalog.now() then
        perform private.record_order_action(target.id, 'expire_checkout', '{}', 'system');
        return 'expired';
    end if;
    return 'waiting';
end;
$function$;

create or replace function public.apply_whop_dispute(
    dispute jsonb,
    event_type text default null::text
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    dispute_id text := private.whop_id(dispute, 'dispute');
    payment_id text := coalesce(dispute -> 'payment' ->> 'id', dispute ->> 'payment_id');
    status text := coalesce(dispute ->> 'status', case when event_type = 'dispute_alert.created' then 'alert' end);
    target public.orders;
    wanted public.order_action;
begin
    select o.* into target from public.orders as o where o.whop_payment_id = payment_id for update;
    insert into public.chargebacks as c (
        whop_dispute_id, order_id, whop_payment_id, status, reason, amount_cents, currency, needs_response_by
    )
    values (
        dispute_id, target.id, payment_id, coalesce(status, 'unknown'), pg_catalog.left(dispute ->> 'reason', 500),
        private.whop_cents(dispute -> 'amount'),
        case when pg_catalog.upper(dispute ->> 'currency') ~ '^[A-Z]{3}$' then pg_catalog.upper(dispute ->> 'currency') end,
        (dispute ->> 'needs_response_by')::timestamptz
    )
    on conflict (whop_dispute_id) do update
        set order_id = coalesce(excluded.order_id, c.order_id),
            status = excluded.status,
            reason = coalesce(excluded.reason, c.reason),
            amount_cents = coalesce(excluded.amount_cents, c.amount_cents),
            needs_response_by = coalesce(excluded.needs_response_by, c.needs_response_by),
            updated_at = pg_catalog.now();

    if target.id is null then
        -- Disputes carry no metadata: one for a payment not yet recorded waits for it.
        return case when status like 'warning%' or status = 'alert' then 'processed' else 'waiting' end::public.whop_event_status;
    end if;
    wanted := case
        when status in ('needs_response', 'under_review') then 'open_dispute'
        when status = 'won' then 'chargeback_won'
        when status = 'lost' then 'chargeback_lost'
    end::public.order_action;
    if wanted is null or not exists (
        select 1 from private.order_transitions as t
        where t.from_status = target.status and t.action = wanted and t.actor = 'system'
    ) then
        return 'processed'::public.whop_event_status;
    end if;
    perform private.record_order_action(
        target.id, wanted,
        pg_catalog.jsonb_build_object(
            'reason', format('chargeback: %s', coalesce(dispute ->> 'reason', 'unknown reason')),
            'whop_dispute_id', dispute_id
        ),
        'system'
    );
    return 'processed'::public.whop_event_status;
end;
$function$;

create or replace function public.apply_whop_payment(
    payment jsonb,
    event_type text default null::text
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    payment_id text := private.whop_id(payment, 'payment');
    target public.orders;
    reasons text [];
    outcome text := case
        when payment ->> 'substatus' = 'failed' or payment ->> 'status' in ('uncollectible', 'void')
            or (payment ->> 'status' is null and event_type = 'payment.failed') then 'failed'
        when payment ->> 'status' = 'paid' or payment ->> 'substatus' = 'succeeded'
            or (payment ->> 'status' is null and event_type = 'payment.succeeded') then 'paid'
        else 'open'
    end;
begin
    if exists (select 1 from public.orders as o where o.whop_payment_id = payment_id)
        or exists (select 1 from public.quarantined_payments as q where q.whop_payment_id = payment_id) then
        -- Known already: a repeat (or its failure reported late) changes nothing.
        return case when exists (select 1 from public.quarantined_payments as q where q.whop_payment_id = payment_id)
            then 'quarantined' else 'ignored' end::public.whop_event_status;
    end if;
    select o.* into target from public.orders as o
    where o.id = private.uuid_or_null(payment -> 'metadata' ->> 'gigflow_order_id')
    for update;
    if target.id is null then
        return 'ignored'::public.whop_event_status;
    end if;

    if outcome = 'failed' then
        if target.status <> 'pending_payment' then
            return 'ignored'::public.whop_event_status;
        end if;
        perform private.record_order_action(
            target.id, 'fail_payment',
            pg_catalog.jsonb_build_object('reason', pg_catalog.left(payment ->> 'failure_message', 500)), 'system'
        );
        return 'processed'::public.whop_event_status;
    elsif outcome = 'open' then
        return 'ignored'::public.whop_event_status;
    end if;

    -- Whop's own examples leave amounts null at times: a payment whose total is unknown
    -- cannot be judged, so it waits; reconciliation asks Whop's API, which knows it.
    if pg_catalog.jsonb_typeof(payment -> 'total') is distinct from 'number'
        and pg_catalog.jsonb_typeof(payment -> 'total') is distinct from 'string' then
        return 'waiting'::public.whop_event_status;
    end if;
    reasons := private.payment_mismatches(target, payment);
    if pg_catalog.cardinality(reasons) > 0 then
        insert into public.quarantined_payments (whop_payment_id, order_id, reasons, amount_cents, currency, payment)
        values (
            payment_id, target.id, reasons, private.whop_cents(payment -> 'total'),
            case when pg_catalog.upper(payment ->> 'currency') ~ '^[A-Z]{3}$' then pg_catalog.upper(payment ->> 'currency') end,
            payment
        )
        on conflict (whop_payment_id) do nothing;
        return 'quarantined'::public.whop_event_status;
    end if;

    perform private.record_order_action(
        target.id, 'pay',
        pg_catalog.jsonb_build_object(
            'whop_payment_id', payment_id, 'attribution', private.attribution_of(payment -> 'metadata')
        ),
        'system'
    );
    -- A refund or dispute delivered before this payment waits with backoff; it can apply
    -- now. One another worker holds is being tried right now: skipping it keeps two
    -- batches from waiting on each other (whop_events_waiting_payment_idx finds them).
    update public.whop_events as e
    set next_attempt_at = pg_catalog.now()
    where e.id in (
        select w.id from public.whop_events as w
        where w.status = 'waiting' and w.payload -> 'data' -> 'payment' ->> 'id' = payment_id
        for update skip locked
    );
    return 'processed'::public.whop_event_status;
end;
$function$;

create or replace function public.apply_whop_refund(
    refund jsonb
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    refund_id text := private.whop_id(refund, 'refund');
    payment_id text := coalesce(refund -> 'payment' ->> 'id', refund ->> 'payment_id');
    status text := refund ->> 'status';
    target public.orders;
    request public.refunds;
    amount integer;
begin
    if status is null or status in ('pending', 'requires_action') then
        return 'ignored'::public.whop_event_status;
    end if;
    select o.* into target from public.orders as o where o.whop_payment_id = payment_id for update;
    if target.id is null then
        update public.quarantined_payments as q
        set refunded_at = case when status = 'succeeded' then pg_catalog.now() else q.refunded_at end,
            refund_failure = case when status <> 'succeeded' then format('Whop says %s', status) else q.refund_failure end
        where q.whop_payment_id = payment_id and q.refunded_at is null;
        if found then
            return 'processed'::public.whop_event_status;
        end if;
        -- Our order, whose payment Whop has not told us of yet: the refund waits for it.
        if exists (
            select 1 from public.orders as o
            where o.id = private.uuid_or_null(refund -> 'payment' -> 'metadata' ->> 'gigflow_order_id')
                and o.whop_payment_id is null
        ) then
            return 'waiting'::public.whop_event_status;
        end if;
        return 'ignored'::public.whop_event_status;
    end if;

    if exists (select 1 from public.refunds as r where r.whop_refund_id = refund_id and r.status <> 'requested') then
        return 'ignored'::public.whop_event_status;
    end if;
    if status in ('failed', 'canceled') then
        select r.* into request from public.refunds as r
        where r.order_id = target.id and r.status = 'requested'
            and (r.whop_refund_id = refund_id
                or (r.whop_refund_id is null and r.amount_cents = private.whop_cents(refund -> 'amount')))
        order by r.whop_refund_id is null, r.created_at
        limit 1;
        if request.id is null then
            return 'ignored'::public.whop_event_status;
        end if;
        perform private.record_order_action(
            target.id, 'refund_failed',
            pg_catalog.jsonb_build_object('refund_id', request.id, 'whop_refund_id', refund_id, 'reason', status), 'system'
        );
        return 'processed'::public.whop_event_status;
    elsif status <> 'succeeded' then
        return 'ignored'::public.whop_event_status;
    end if;

    amount := coalesce(private.whop_cents(refund -> 'amount'), target.subtotal_cents - target.refunded_cents);
    perform private.record_order_action(
        target.id, private.refund_action_for(target, amount),
        pg_catalog.jsonb_build_object('whop_refund_id', refund_id, 'amount_cents', amount), 'system'
    );
    return 'processed'::public.whop_event_status;
end;
$function$;

create or replace function public.apply_whop_withdrawal(
    withdrawal jsonb,
    withdrawal_id uuid default null::uuid,
    company_id text default null::text
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    reported_id text := private.whop_id(withdrawal, 'withdrawal');
    ours uuid;
    before public.withdrawals;
    after public.withdrawals;
begin
    select w.id into ours from public.withdrawals as w where w.whop_withdrawal_id = reported_id;
    if ours is null then
        ours := withdrawal_id;
    end if;
    if ours is null then
        select w.id into ours
        from public.withdrawals as w
        join public.seller_accounts as s on s.user_id = w.seller_id
        where w.whop_withdrawal_id is null and w.status = 'requested'
            and s.whop_company_id = coalesce(withdrawal -> 'ledger_account' ->> 'company_id', company_id)
            and w.amount_cents = private.whop_cents(withdrawal -> 'amount')
        order by w.created_at
        limit 1;
    end if;
    if ours is null then
        return 'ignored'::public.whop_event_status;
    end if;
    select w.* into before from public.withdrawals as w where w.id = ours;
    after := public.record_withdrawal(ours, reported_id, withdrawal ->> 'status', withdrawal ->> 'error_message');
    return case
        when (after.status, after.whop_withdrawal_id) is distinct from (before.status, before.whop_withdrawal_id)
            then 'processed' else 'ignored'
    end::public.whop_event_status;
end;
$function$;

create or replace function public.checkout_to_confirm(
    target_order_id uuid,
    buyer_id uuid
)
returns table (
    order_id uuid,
    status public.order_status,
    ask_whop_about text
)
language plpgsql
stable
security definer
set search_path to ''
as $function$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o
    where o.id = target_order_id and o.buyer_id = checkout_to_confirm.buyer_id;
    if found_order.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    order_id := found_order.id;
    status := found_order.status;
    ask_whop_about := case when found_order.status = 'pending_payment' then found_order.whop_checkout_id end;
    return next;
end;
$function$;

create or replace function public.record_quarantine_refund_refused(
    whop_payment_id text,
    reason text
)
returns public.quarantined_payments
language sql
security definer
set search_path to ''
as $function$
    update public.quarantined_payments as q
    set refund_failure = pg_catalog.left(reason, 500)
    where q.whop_payment_id = record_quarantine_refund_refused.whop_payment_id and q.refunded_at is null
    returning q.*
$function$;

create or replace function public.record_withdrawal_refused(
    withdrawal_id uuid,
    reason text
)
returns public.withdrawals
language sql
security definer
set search_path to ''
as $function$
    select public.record_withdrawal(withdrawal_id, null, 'failed', pg_catalog.left(reason, 500))
$function$;

create or replace function public.seller_whop_company(
    seller_id uuid
)
returns text
language plpgsql
stable
security definer
set search_path to ''
as $function$
declare
    company_id text := (public.seller_account_for(seller_id)).whop_company_id;
begin
    if company_id is null then
        raise exception using
            errcode = '55000', message = 'onboard with Whop first: POST /sellers/onboard';
    end if;
    return company_id;
end;
$function$;

create or replace function public.seller_withdrawal(
    seller_id uuid,
    withdrawal_id uuid
)
returns public.withdrawals
language plpgsql
stable
security definer
set search_path to ''
as $function$
declare
    found public.withdrawals;
begin
    select w.* into found from public.withdrawals as w
    where w.id = seller_withdrawal.withdrawal_id and w.seller_id = seller_withdrawal.seller_id;
    if found.id is null then
        raise exception using errcode = 'P0002', message = format('withdrawal %s not found', withdrawal_id);
    end if;
    return found;
end;
$function$;

revoke all on function public.apply_whop_checkout_payments(uuid, jsonb) from public;

grant execute on function public.apply_whop_checkout_payments(uuid, jsonb) to postgres, service_role;

revoke all on function public.checkout_to_confirm(uuid, uuid) from public;

grant execute on function public.checkout_to_confirm(uuid, uuid) to postgres, service_role;

revoke all on function public.record_quarantine_refund_refused(text, text) from public;

grant execute on function public.record_quarantine_refund_refused(text, text) to postgres,
service_role;

revoke all on function public.record_withdrawal_refused(uuid, text) from public;

grant execute on function public.record_withdrawal_refused(uuid, text) to postgres, service_role;

revoke all on function public.seller_whop_company(uuid) from public;

grant execute on function public.seller_whop_company(uuid) to postgres, service_role;

revoke all on function public.seller_withdrawal(uuid, uuid) from public;

grant execute on function public.seller_withdrawal(uuid, uuid) to postgres, service_role;

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.apply_whop_checkout_payments(uuid, jsonb) from public,
anon,
authenticated,
service_role;
grant execute on function public.apply_whop_checkout_payments(uuid, jsonb) to service_role;
revoke all on function public.checkout_to_confirm(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.checkout_to_confirm(uuid, uuid) to service_role;
revoke all on function public.record_quarantine_refund_refused(text, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.record_quarantine_refund_refused(text, text) to service_role;
revoke all on function public.record_withdrawal_refused(uuid, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.record_withdrawal_refused(uuid, text) to service_role;
revoke all on function public.seller_whop_company(uuid) from public, anon, authenticated, service_role;
grant execute on function public.seller_whop_company(uuid) to service_role;
revoke all on function public.seller_withdrawal(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.seller_withdrawal(uuid, uuid) to service_role;
