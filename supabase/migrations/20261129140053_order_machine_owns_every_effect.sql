-- The order machine owns every order effect, and a transition is a cheap update.
--
-- An action on an order is now a row added to its log (public.order_events): buyers and
-- sellers add it through the same RPCs as before, which are security invoker functions
-- now, and a definer trigger on the log is the only writer of an order after its
-- creation. Every change of state or money is an edge of private.order_transitions
-- (payments, refunds asked, settled and refused, dispute outcomes, late marks, timers),
-- timers are edges too (timer_from, timer_delay, timer_unless, timer_runner) and their
-- armed instances live in private.order_deadlines instead of partial indexes on orders
-- that named status, so the common transitions are HOT updates. One function writes
-- refunds, one works out who the caller is on an order, one what is still refundable.
--
-- Whop's objects are decided in SQL by one entry point per kind (apply_whop_payment,
-- _refund, _dispute, _ledger_account, _payout_methods, _withdrawal, _checkout_payments):
-- a payment that names an order without being its payment is quarantined for an admin;
-- lost chargebacks take the money back; payouts follow Whop's payout status and methods.
-- Seller balances hold back refunds the moment they are asked and show debt, never a
-- negative available. Attribution moves off the order (admins only), and no order, money
-- or Whop function is a security definer that anon or authenticated can execute.
--
-- Data carried by hand: timer intervals an operator changed in platform_settings move
-- onto their edges, attribution moves to order_attributions, the transition table is
-- rewritten, and every existing order gets its timers armed.

-- squawk: the functions and views dropped here are replaced in this same migration (the
-- worker changes with it); the constraints dropped go with their column or are replaced;
-- the indexes dropped named order status, and dropping one is a catalog change whose
-- brief lock lock_timeout bounds.
-- squawk-ignore-file ban-drop-function, ban-drop-view, ban-drop-constraint, require-concurrent-index-deletion

set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- What this migration moves elsewhere, kept for the steps at its end.
create temporary table previous_timer_settings on commit drop as
select
    s.auto_complete_after,
    s.cancellation_request_expires_after,
    s.very_late_after,
    s.reviews_released_after
from private.platform_settings as s;

create temporary table previous_attributions on commit drop as
select
    o.id as order_id,
    o.attribution
from public.orders as o
where o.attribution <> '{}'::jsonb;

set local check_function_bodies = off;

drop policy "reviewers read their own reviews" on public.reviews;

drop trigger orders_touch_updated_at on public.orders;

drop index public.orders_awaiting_payment_idx;

drop index public.orders_cancellation_requested_idx;

drop index public.orders_delivered_idx;

drop index public.orders_due_idx;

drop index public.orders_files_to_remove_idx;

drop index public.orders_reviews_pending_idx;

drop view public.admin_platform_revenue;

drop view public.admin_revenue_by_source;

alter table private.whop_checks
drop constraint "whop_checks_kind_check";

alter table public.orders
drop constraint "orders_attribution_check";

drop function private.apply_caller_action(uuid, public.order_action, jsonb);

drop function private.apply_locked_order_action(
    public.orders, public.order_action, public.order_actor, jsonb
);

drop function private.apply_order_action(uuid, public.order_action, public.order_actor, jsonb);

drop function private.balances_of(uuid);

drop function private.kyc_status_from_whop(text, jsonb);

drop function private.lock_order(uuid);

drop function private.notify(uuid, uuid, text, text);

drop function private.order_actor(uuid);

drop function private.order_for_payment(jsonb);

drop function private.release_reviews(uuid);

drop function public.apply_whop_object(text, jsonb, text);

drop function public.expire_unpaid_checkout(uuid);

drop function public.quote_order(uuid, public.package_tier, jsonb);

drop function public.record_payment(uuid, text, integer, text, jsonb);

drop function public.record_payment_failed(uuid, text);

drop function public.record_refund(uuid, text, integer, uuid);

drop function public.request_withdrawal(uuid, integer, text);

drop function public.seller_balance(uuid);

-- The interval moved onto its timer edge (kept below); only our functions read it.
alter table private.platform_settings
-- squawk-ignore ban-drop-column
drop column auto_complete_after;

-- The interval moved onto its timer edge (kept below); only our functions read it.
alter table private.platform_settings
-- squawk-ignore ban-drop-column
drop column cancellation_request_expires_after;

-- The interval moved onto its timer edge (kept below); only our functions read it.
alter table private.platform_settings
-- squawk-ignore ban-drop-column
drop column reviews_released_after;

-- The interval moved onto its timer edge (kept below); only our functions read it.
alter table private.platform_settings
-- squawk-ignore ban-drop-column
drop column very_late_after;

-- Attribution is admins' alone now (order_attributions, filled below); a seller must
-- not read it, so a client that did is meant to stop.
alter table public.orders
-- squawk-ignore ban-drop-column
drop column attribution;

create table private.order_deadlines (
    order_id uuid not null,
    action public.order_action not null,
    due_at timestamp with time zone not null,
    constraint order_deadlines_pkey primary key (order_id, action)
);

create table private.seller_payout_state (
    seller_id uuid not null,
    payout_account_status text,
    has_payout_method boolean not null default false,
    updated_at timestamp with time zone not null default now(),
    constraint seller_payout_state_payout_account_status_check check (
        (char_length(payout_account_status) <= 40)
    ),
    constraint seller_payout_state_pkey primary key (seller_id)
);

alter table private.whop_oauth_links
enable row level security;

create table public.chargebacks (
    whop_dispute_id text not null,
    order_id uuid,
    whop_payment_id text,
    status text not null,
    reason text,
    amount_cents integer,
    currency text,
    needs_response_by timestamp with time zone,
    created_at timestamp with time zone not null default now(),
    updated_at timestamp with time zone not null default now(),
    constraint chargebacks_amount_cents_check check ((amount_cents >= 0)),
    constraint chargebacks_currency_check check ((currency ~ '^[A-Z]{3}$'::text)),
    constraint chargebacks_pkey primary key (whop_dispute_id),
    constraint chargebacks_reason_check check ((char_length(reason) <= 500)),
    constraint chargebacks_status_check check (
        ((char_length(status) >= 1) and (char_length(status) <= 40))
    ),
    constraint chargebacks_whop_dispute_id_check check (
        ((char_length(whop_dispute_id) >= 1) and (char_length(whop_dispute_id) <= 100))
    ),
    constraint chargebacks_whop_payment_id_check check ((char_length(whop_payment_id) <= 100))
);

alter table public.chargebacks
enable row level security;

create table public.order_attributions (
    order_id uuid not null,
    attribution jsonb not null default '{}'::jsonb,
    updated_at timestamp with time zone not null default now(),
    constraint order_attributions_attribution_check check ((jsonb_typeof(attribution) = 'object'::text)),
    constraint order_attributions_pkey primary key (order_id)
);

alter table public.order_attributions
enable row level security;

alter table public.orders
set (fillfactor = 80);

create table public.quarantined_payments (
    whop_payment_id text not null,
    order_id uuid,
    reasons text[] not null,
    amount_cents integer,
    currency text,
    payment jsonb not null,
    received_at timestamp with time zone not null default now(),
    decision text not null default 'undecided'::text,
    decided_by uuid,
    decided_at timestamp with time zone,
    refund_submitted_at timestamp with time zone,
    refunded_at timestamp with time zone,
    refund_failure text,
    constraint decisions_are_stamped check (((decision = 'undecided'::text) = (decided_at is null))),
    constraint quarantined_payments_currency_check check ((currency ~ '^[A-Z]{3}$'::text)),
    constraint quarantined_payments_decision_check check (
        (decision = any(array['undecided'::text, 'refund'::text, 'keep'::text]))
    ),
    constraint quarantined_payments_payment_check check ((jsonb_typeof(payment) = 'object'::text)),
    constraint quarantined_payments_pkey primary key (whop_payment_id),
    constraint quarantined_payments_reasons_check check ((cardinality(reasons) > 0)),
    constraint quarantined_payments_refund_failure_check check ((char_length(refund_failure) <= 500)),
    constraint quarantined_payments_whop_payment_id_check check (
        ((char_length(whop_payment_id) >= 1) and (char_length(whop_payment_id) <= 100))
    )
);

alter table public.quarantined_payments
enable row level security;

create table public.seller_adjustments (
    id uuid not null default gen_random_uuid(),
    seller_id uuid not null,
    order_id uuid,
    currency text not null,
    amount_cents integer not null,
    reason text not null,
    created_at timestamp with time zone not null default now(),
    constraint seller_adjustments_amount_cents_check check ((amount_cents <> 0)),
    constraint seller_adjustments_currency_check check ((currency ~ '^[A-Z]{3}$'::text)),
    constraint seller_adjustments_pkey primary key (id),
    constraint seller_adjustments_reason_check check (
        ((char_length(reason) >= 1) and (char_length(reason) <= 500))
    )
);

alter table public.seller_adjustments
enable row level security;

alter table private.order_transitions
add column notifies boolean not null default true;

alter table private.order_transitions
add column timer_from text;

alter table private.order_transitions
add column timer_delay interval;

alter table private.order_transitions
add column timer_unless text[] not null default '{}'::text[];

alter table private.order_transitions
add column timer_runner text;

alter table private.platform_settings
add column chargeback_fee_borne_by text not null default 'platform'::text;

alter table public.withdrawals
add column whop_payout_method_id text;

create or replace function private.after_review()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = new.order_id;
    perform private.notify(
        array[new.reviewee_id], target.id, 'review', format('%s: the %s left a review', target.gig_title, new.reviewer_role)
    );
    if (select pg_catalog.count(*) from public.reviews as r where r.order_id = new.order_id) = 2 then
        perform private.record_order_action(new.order_id, 'release_reviews', '{}', 'system');
    end if;
    return null;
end;
$function$;

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
            values (after.id, details ->> 'message', auth.uid(), at)
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
            format(
                '%s: %s', after.gig_title,
                pg_catalog.replace(case when next_status = before.status then requested::text else next_status::text end, '_', ' ')
            )
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
        return 'ignored';
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

create or replace function private.arm_order_timers(
    target public.orders
)
returns void
language sql
security definer
set search_path to ''
as $function$
    with order_row as (
        select pg_catalog.to_jsonb(target) as fields
    ),

    armed as (
        select t.action, (r.fields ->> t.timer_from)::timestamptz + t.timer_delay as due_at
        from private.order_transitions as t
        cross join order_row as r
        where t.from_status = target.status
            and t.timer_from is not null
            and r.fields ->> t.timer_from is not null
            and not exists (
                select 1 from pg_catalog.unnest(t.timer_unless) as unless (field)
                where r.fields ->> unless.field is not null
            )
    ),

    disarmed as (
        delete from private.order_deadlines as d
        where d.order_id = target.id
            and not exists (select 1 from armed as a where a.action = d.action)
    )

    insert into private.order_deadlines as d (order_id, action, due_at)
    select target.id, a.action, a.due_at from armed as a
    on conflict (order_id, action) do update set due_at = excluded.due_at
    where d.due_at is distinct from excluded.due_at
$function$;

create or replace function private.attribution_of(
    metadata jsonb
)
returns jsonb
language sql
immutable
set search_path to ''
as $function$
    select coalesce(pg_catalog.jsonb_object_agg(m.key, m.value), '{}'::jsonb)
    from pg_catalog.jsonb_each(case when pg_catalog.jsonb_typeof(metadata) = 'object' then metadata end) as m
    where m.key in ('visitor_id', 'session_id', 'utm_source', 'utm_medium', 'utm_campaign')
        and pg_catalog.jsonb_typeof(m.value) = 'string'
$function$;

create or replace function private.balances_of(
    target_seller uuid
)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint,
    held_cents bigint,
    debt_cents bigint
)
language sql
stable
set search_path to ''
as $function$
    with settings as (
        select s.clearance_period from private.platform_settings as s
    ),

    orders_now as (
        select
            o.currency,
            o.net_refunded_cents,
            o.status = 'completed'
            and o.completed_at <= pg_catalog.now() - (select clearance_period from settings) as cleared,
            -- The seller's share of refunds asked for: what is left if they settle.
            coalesce((
                select pg_catalog.sum(r.amount_cents - private.fee_share(o, r.amount_cents))
                from public.refunds as r where r.order_id = o.id and r.status = 'requested'
            ), 0) as held,
            o.seller_net_cents - o.net_refunded_cents as net
        from public.orders as o
        where o.seller_id = target_seller and o.paid_at is not null
    ),

    earned as (
        select
            n.currency,
            coalesce(pg_catalog.sum(n.net - n.held) filter (where not n.cleared), 0)::bigint as pending_cents,
            coalesce(pg_catalog.sum(n.net - n.held) filter (where n.cleared), 0)::bigint as cleared_cents,
            coalesce(pg_catalog.sum(n.net_refunded_cents), 0)::bigint as refunded_cents,
            coalesce(pg_catalog.sum(n.held), 0)::bigint as held_cents
        from orders_now as n
        group by n.currency
    ),

    paid_out as (
        select
            w.currency,
            coalesce(pg_catalog.sum(w.amount_cents) filter (
                where w.status in ('requested', 'awaiting_payment', 'in_transit')
            ), 0)::bigint as withdrawing_cents,
            coalesce(pg_catalog.sum(w.amount_cents) filter (where w.status = 'completed'), 0)::bigint
                as withdrawn_cents
        from public.withdrawals as w
        where w.seller_id = target_seller
        group by w.currency
    ),

    adjusted as (
        select a.currency, pg_catalog.sum(a.amount_cents)::bigint as adjustment_cents
        from public.seller_adjustments as a
        where a.seller_id = target_seller
        group by a.currency
    ),

    currencies as (
        select e.currency from earned as e
        union
        select p.currency from paid_out as p
        union
        select a.currency from adjusted as a
    ),

    totals as (
        select
            c.currency,
            coalesce(e.pending_cents, 0) as pending_cents,
            coalesce(e.cleared_cents, 0) + coalesce(a.adjustment_cents, 0)
            - coalesce(p.withdrawing_cents, 0) - coalesce(p.withdrawn_cents, 0) as spendable_cents,
            coalesce(p.withdrawing_cents, 0) as withdrawing_cents,
            coalesce(p.withdrawn_cents, 0) as withdrawn_cents,
            coalesce(e.refunded_cents, 0) as refunded_cents,
            coalesce(e.held_cents, 0) as held_cents
        from currencies as c
        left join earned as e on e.currency = c.currency
        left join paid_out as p on p.currency = c.currency
        left join adjusted as a on a.currency = c.currency
    )

    select
        t.currency,
        t.pending_cents,
        greatest(t.spendable_cents, 0),
        t.withdrawing_cents,
        t.withdrawn_cents,
        t.refunded_cents,
        t.held_cents,
        greatest(-t.spendable_cents, 0)
    from totals as t
$function$;

create or replace function private.can_read_order_file(
    object_name text
)
returns boolean
language sql
stable
set search_path to ''
as $function$
    select exists (
        select 1 from public.orders as o
        where o.id = (private.order_file_folder(object_name)).order_id
    )
$function$;

create or replace function private.can_see_order(
    target_order_id uuid
)
returns boolean
language sql
stable
set search_path to ''
as $function$
    select exists (select 1 from public.orders as o where o.id = target_order_id)
$function$;

create or replace function private.can_upload_order_file(
    object_name text
)
returns boolean
language sql
stable
set search_path to ''
as $function$
    select exists (
        select 1
        from public.orders as o
        cross join private.order_file_folder(object_name) as f
        where o.id = f.order_id
            and (
                (f.folder = 'requirements' and o.buyer_id = (select auth.uid())
                    and o.status = 'awaiting_requirements')
                or (f.folder = 'deliveries' and o.seller_id = (select auth.uid())
                    and o.status in ('in_progress', 'revision_requested'))
            )
    )
$function$;

create or replace function private.check_quarantine_decision()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
begin
    if old.decision <> 'undecided' then
        raise exception using
            errcode = '55000', message = format('payment %s was already decided: %s', old.whop_payment_id, old.decision);
    end if;
    if new.decision not in ('refund', 'keep') then
        raise exception using errcode = '22023', message = 'decision must be refund or keep';
    end if;
    new.decided_by := auth.uid();
    new.decided_at := pg_catalog.now();
    return new;
end;
$function$;

create or replace function private.checked_action_details(
    before public.orders,
    requested public.order_action,
    acting_as public.order_actor,
    details jsonb
)
returns jsonb
language plpgsql
stable
set search_path to ''
as $function$
declare
    refundable integer := private.refundable_cents(before);
    remaining integer := before.subtotal_cents - before.refunded_cents;
    amount integer;
begin
    case requested
        when 'accept_cancellation', 'decline_cancellation' then
            if acting_as = before.cancellation_requested_by then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'order %s: the cancellation request must be answered by the other party', before.id
                    );
            end if;
        when 'request_revision' then
            if before.revisions_used >= before.revisions_included then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'order %s has used all %s revisions of its package', before.id, before.revisions_included
                    );
            end if;
            return pg_catalog.jsonb_build_object('message', private.require_text(details ->> 'message', 'message', 5000));
        when 'request_cancellation', 'open_dispute' then
            if acting_as <> 'system' then
                return pg_catalog.jsonb_build_object('reason', private.require_text(details ->> 'reason', 'reason', 2000));
            end if;
        when 'deliver' then
            return details || pg_catalog.jsonb_build_object(
                'message', private.require_text(details ->> 'message', 'message', 5000)
            );
        when 'pay' then
            perform private.require_text(details ->> 'whop_payment_id', 'whop_payment_id', 100);
            if pg_catalog.jsonb_typeof(coalesce(details -> 'attribution', '{}'::jsonb)) <> 'object' then
                raise exception using errcode = '22023', message = 'attribution must be a JSON object';
            end if;
        when 'attach_checkout' then
            perform private.require_text(details ->> 'whop_checkout_id', 'whop_checkout_id', 100);
            if before.whop_checkout_id is not null then
                raise exception using
                    errcode = '55000',
                    message = format('order %s already has checkout %s', before.id, before.whop_checkout_id);
            end if;
        when 'request_refund' then
            amount := coalesce(private.detail_cents(details, 'amount_cents'), refundable);
            if amount not between 1 and refundable then
                raise exception using
                    errcode = '22023',
                    message = format(
                        'refund of %s is not between 1 and the %s left to refund on order %s',
                        amount, refundable, before.id
                    );
            end if;
            return pg_catalog.jsonb_build_object(
                'amount_cents', amount,
                'reason', coalesce(pg_catalog.left(pg_catalog.btrim(details ->> 'reason'), 500), 'refunded by an operator')
            );
        when 'resolve_dispute_refund' then
            amount := private.detail_cents(details, 'refund_cents');
            if before.dispute_refund_cents is not null then
                raise exception using
                    errcode = '55000', message = format('the dispute on order %s is already being refunded', before.id);
            end if;
            if amount is null or amount not between 1 and refundable then
                raise exception using errcode = '22023', message = format('refund_cents must be between 1 and %s', refundable);
            end if;
            return pg_catalog.jsonb_build_object(
                'amount_cents', amount, 'note', pg_catalog.left(details ->> 'note', 2000)
            );
        when 'resolve_dispute_completed' then
            return pg_catalog.jsonb_build_object('note', pg_catalog.left(details ->> 'note', 2000));
        when 'refund_partially', 'refund_in_full', 'settle_dispute_refund' then
            perform private.require_text(details ->> 'whop_refund_id', 'whop_refund_id', 100);
            amount := private.detail_cents(details, 'amount_cents');
            if amount is null or amount not between 1 and remaining then
                raise exception using
                    errcode = '22023',
                    message = format('refund of %s exceeds the %s left on order %s', amount, remaining, before.id);
            end if;
            if (requested = 'refund_in_full') <> (amount = remaining) then
                raise exception using
                    errcode = '22023',
                    message = format(
                        '%s of %s on order %s, which has %s left', requested, amount, before.id, remaining
                    );
            end if;
            if requested = 'settle_dispute_refund'
                and before.refunded_cents + amount < coalesce(before.dispute_refund_cents, 0) then
                raise exception using
                    errcode = '55000',
                    message = format('order %s: the dispute refund is not settled by %s', before.id, amount);
            end if;
        when 'chargeback_lost' then
            return details || pg_catalog.jsonb_build_object('amount_cents', remaining);
        else
            null;
    end case;
    return coalesce(details, '{}'::jsonb);
end;
$function$;

create or replace function private.complete_review()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    target public.orders;
    reviewer public.order_actor;
begin
    select o.* into target from public.orders as o where o.id = new.order_id for update;
    reviewer := private.order_role(target.buyer_id, target.seller_id);
    if target.id is null or reviewer is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', new.order_id);
    end if;
    if reviewer not in ('buyer', 'seller') then
        raise exception using errcode = '42501', message = 'only the buyer and the seller review an order';
    end if;
    if new.rating is null or new.rating not between 1 and 5 then
        raise exception using errcode = '22023', message = 'rating must be 1 to 5 stars';
    end if;
    if pg_catalog.char_length(coalesce(new.body, '')) > 2000 then
        raise exception using errcode = '22023', message = 'a review is at most 2000 characters';
    end if;
    if target.status <> 'completed' or target.reviews_released_at is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s cannot be reviewed: it is %s%s', target.id, target.status,
                case when target.reviews_released_at is not null then ' and its review period is over' else '' end);
    end if;
    if exists (select 1 from public.reviews as r where r.order_id = target.id and r.reviewer_role = reviewer) then
        raise exception using
            errcode = '23505', message = format('the %s has already reviewed order %s', reviewer, target.id);
    end if;

    new.reviewer_id := auth.uid();
    new.reviewee_id := case when reviewer = 'buyer' then target.seller_id else target.buyer_id end;
    new.reviewer_role := reviewer;
    new.gig_id := target.gig_id;
    new.body := coalesce(pg_catalog.btrim(new.body), '');
    new.created_at := pg_catalog.now();
    new.released_at := null;
    return new;
end;
$function$;

create or replace function private.detail_cents(
    details jsonb,
    field text
)
returns integer
language plpgsql
immutable
set search_path to ''
as $function$
begin
    if details -> field is null or pg_catalog.jsonb_typeof(details -> field) = 'null' then
        return null;
    end if;
    if pg_catalog.jsonb_typeof(details -> field) <> 'number' or (details ->> field) !~ '^[0-9]{1,9}$' then
        raise exception using errcode = '22023', message = format('%s must be a whole number of cents', field);
    end if;
    return (details ->> field)::integer;
end;
$function$;

create or replace function private.fee_share(
    target public.orders,
    amount integer
)
returns integer
language sql
immutable
set search_path to ''
as $function$
    select (
        ((target.refunded_cents + amount)::bigint * target.fee_cents * 2 + target.subtotal_cents)
        / (2 * target.subtotal_cents)
    )::integer - target.fee_refunded_cents
$function$;

create or replace function private.handle_whop_event(
    event_type text,
    payload jsonb
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    data jsonb := payload -> 'data';
    company_id text := coalesce(payload ->> 'company_id', data ->> 'company_id', data -> 'company' ->> 'id');
begin
    -- Webhooks pinned to a dated API version carry another shape (money objects,
    -- account_id); we create ours unpinned, so such a delivery is a setup mistake.
    -- (An unpinned webhook may still send "api_version_date": null.)
    if pg_catalog.jsonb_typeof(payload -> 'api_version_date') = 'string'
        or coalesce(payload ->> 'account_id', '') <> '' then
        raise exception using
            errcode = 'GF002',
            message = 'dated webhook payload shape is not supported: recreate the webhook without an api version date';
    end if;

    return case
        when event_type like 'payment.%' then public.apply_whop_payment(data, event_type)
        when event_type in ('refund.created', 'refund.updated') then public.apply_whop_refund(data)
        when event_type in ('dispute.created', 'dispute.updated', 'dispute_alert.created')
            then public.apply_whop_dispute(data, event_type)
        when event_type = 'payout_account.status_updated'
            then private.apply_seller_payouts(company_id, data ->> 'status')
        when event_type in ('verification.succeeded', 'identity_profile.approved')
            then private.apply_seller_payouts(company_id, kyc_signal => 'verified')
        when event_type = 'identity_profile.rejected' then private.apply_seller_payouts(company_id, kyc_signal => 'failed')
        when event_type = 'identity_profile.needs_action'
            then private.apply_seller_payouts(company_id, kyc_signal => 'pending')
        when event_type in ('withdrawal.created', 'withdrawal.updated')
            then public.apply_whop_withdrawal(data, company_id => company_id)
        when event_type = 'payout_method.created'
            then public.apply_whop_payout_methods(company_id, pg_catalog.jsonb_build_array(data))
        else 'ignored'
    end;
end;
$function$;

create or replace function private.is_order_channel_participant(
    topic text
)
returns boolean
language sql
stable
set search_path to ''
as $function$
    select exists (
        select 1 from public.orders as o
        where topic like 'order:%'
            and o.id = private.canonical_uuid(pg_catalog.substr(topic, 7))
            and (select auth.uid()) in (o.buyer_id, o.seller_id)
    )
$function$;

create or replace function private.is_order_evidence(
    object_id uuid
)
returns boolean
language sql
stable
set search_path to ''
as $function$
    select exists (select 1 from public.order_files as f where f.storage_object_id = object_id)
$function$;

create or replace function private.notify(
    recipients uuid[],
    about_order_id uuid,
    kind text,
    body text
)
returns void
language sql
security definer
set search_path to ''
as $function$
    insert into public.notifications (user_id, order_id, kind, body)
    select distinct recipient, about_order_id, kind, body
    from pg_catalog.unnest(recipients) as recipient
    where recipient is not null
$function$;

create or replace function private.notify_order_message()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = new.order_id;
    perform private.notify(
        array_remove(array[target.buyer_id, target.seller_id], new.sender_id),
        target.id, 'message', format('New message about %s', target.gig_title)
    );
    return null;
end;
$function$;

create or replace function private.order_action_named(
    name text
)
returns public.order_action
language plpgsql
immutable
set search_path to ''
as $function$
declare
    found public.order_action;
begin
    select a into found
    from pg_catalog.unnest(pg_catalog.enum_range(null::public.order_action)) as a
    where a::text = name;
    if found is null then
        raise exception using errcode = '22023', message = format('%s is not an order action', name);
    end if;
    return found;
end;
$function$;

create or replace function private.order_as_seen(
    target_order_id uuid
)
returns public.orders
language plpgsql
stable
set search_path to ''
as $function$
declare
    seen public.orders;
begin
    select o.* into seen from public.orders as o where o.id = target_order_id;
    return seen;
end;
$function$;

create or replace function private.order_role(
    buyer_id uuid,
    seller_id uuid
)
returns public.order_actor
language sql
stable
set search_path to ''
as $function$
    select case
        when (select auth.uid()) = buyer_id then 'buyer'
        when (select auth.uid()) = seller_id then 'seller'
        when (select private.is_admin()) then 'admin'
    end::public.order_actor
$function$;

create or replace function private.payment_mismatches(
    target public.orders,
    payment jsonb
)
returns text[]
language sql
stable
set search_path to ''
as $function$
    select pg_catalog.array_remove(array[
        case when target.whop_payment_id is not null
            then format('order %s was already paid by payment %s', target.id, target.whop_payment_id) end,
        case when target.whop_checkout_id is null
            or payment ->> 'checkout_configuration_id' is distinct from target.whop_checkout_id
            then format(
                'paid through checkout %s, not the order''s checkout %s',
                coalesce(payment ->> 'checkout_configuration_id', '(none)'), coalesce(target.whop_checkout_id, '(none)')
            ) end,
        case when payment -> 'company' ->> 'id' is distinct from (
                select s.whop_company_id from public.seller_accounts as s where s.user_id = target.seller_id
            )
            then format('paid to company %s, not the seller''s', coalesce(payment -> 'company' ->> 'id', '(none)')) end,
        case when pg_catalog.upper(payment ->> 'currency') is distinct from target.currency
            then format('paid in %s, not %s', coalesce(payment ->> 'currency', '(none)'), target.currency) end,
        case when private.whop_cents(payment -> 'total') is distinct from target.subtotal_cents
            then format(
                'a total of %s cents, not the order''s %s',
                coalesce(private.whop_cents(payment -> 'total')::text, '(none)'), target.subtotal_cents
            ) end,
        case when coalesce(private.whop_cents(payment -> 'application_fee' -> 'amount'), 0) <> target.fee_cents
            then format(
                'an application fee of %s cents, not the order''s %s',
                coalesce(private.whop_cents(payment -> 'application_fee' -> 'amount')::text, '(none)'), target.fee_cents
            ) end
    ], null)
$function$;

create or replace function private.process_locked_whop_event(
    event public.whop_events
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    outcome public.whop_event_status;
    failure_state text;
    failure_message text;
begin
    if event.status in ('processed', 'ignored', 'unsupported', 'quarantined') then
        return event.status;
    end if;

    begin
        outcome := private.handle_whop_event(event.event_type, event.payload);
    exception when others then
        get stacked diagnostics failure_state = returned_sqlstate, failure_message = message_text;
        outcome := case when failure_state = 'GF002' then 'unsupported' else 'failed' end::public.whop_event_status;
    end;

    -- A dispute carries no metadata, so one for a payment that is not ours looks like one
    -- whose payment event is late; after about a day of retries it is not late.
    if outcome = 'waiting' and event.attempts + 1 >= 12 then
        outcome := 'ignored';
        failure_state := 'P0002';
        failure_message := 'no matching order after 12 attempts';
    end if;

    update public.whop_events as e
    set status = outcome,
        attempts = e.attempts + 1,
        last_error = case when failure_state is not null then failure_state || ': ' || failure_message end,
        processed_at = case
            when outcome in ('processed', 'ignored', 'unsupported', 'quarantined') then pg_catalog.now()
        end,
        -- Losing a deadlock or a lock race to another batch says nothing about the event:
        -- it is tried again at once.
        next_attempt_at = pg_catalog.now() + case
            when failure_state in ('40P01', '40001', '55P03') then interval '0'
            else least(interval '1 minute' * pg_catalog.power(2, least(e.attempts, 9)), interval '6 hours')
        end
    where e.id = event.id;
    return outcome;
end;
$function$;

create or replace function private.quote(
    buyer_id uuid,
    target_gig_id uuid,
    target_tier public.package_tier,
    extras jsonb
)
returns jsonb
language plpgsql
stable
set search_path to ''
as $function$
declare
    gig public.gigs;
    package public.gig_packages;
    requested_extras jsonb := coalesce(extras, '[]'::jsonb);
    extra_lines jsonb;
    extras_total bigint;
    extra_days integer;
    subtotal bigint;
    platform_fee_bps integer;
    platform_fee integer;
begin
    if target_gig_id is null or target_tier is null then
        raise exception using errcode = '22004', message = 'gig_id and tier are required';
    end if;

    select g.* into gig from public.gigs as g where g.id = target_gig_id;
    if gig.id is null then
        raise exception using errcode = 'P0002', message = format('gig %s does not exist', target_gig_id);
    end if;
    if gig.status <> 'published' then
        raise exception using
            errcode = '55000',
            message = format('gig %s is %s and cannot be bought', target_gig_id, gig.status);
    end if;
    if buyer_id = gig.seller_id then
        raise exception using errcode = '22023', message = 'sellers cannot buy their own gig';
    end if;

    select p.* into package from public.gig_packages as p
    where p.gig_id = target_gig_id and p.tier = target_tier;
    if package.id is null then
        raise exception using
            errcode = 'P0002',
            message = format('gig %s has no %s package', target_gig_id, target_tier);
    end if;

    if pg_catalog.jsonb_typeof(requested_extras) <> 'array'
        or pg_catalog.jsonb_array_length(requested_extras) > 20
        or exists (
            select 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
            where pg_catalog.jsonb_typeof(item) <> 'object'
                or pg_catalog.jsonb_typeof(item -> 'quantity') <> 'number'
                or (item ->> 'extra_id') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
                or (item ->> 'quantity') !~ '^[0-9]{1,3}$'
        ) then
        raise exception using
            errcode = '22023',
            message = 'extras must be an array of at most 20 {"extra_id": uuid, "quantity": integer}';
    end if;

    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    left join public.gig_extras as e
        on e.id = (item ->> 'extra_id')::uuid and e.gig_id = target_gig_id
    where e.id is null;
    if found then
        raise exception using
            errcode = 'P0002',
            message = format('an extra does not belong to gig %s', target_gig_id);
    end if;
    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    group by item ->> 'extra_id' having pg_catalog.count(*) > 1;
    if found then
        raise exception using errcode = '22023', message = 'each extra may appear only once';
    end if;
    perform 1 from pg_catalog.jsonb_array_elements(requested_extras) as item
    join public.gig_extras as e on e.id = (item ->> 'extra_id')::uuid
    where (item ->> 'quantity')::integer not between 1 and e.max_quantity;
    if found then
        raise exception using
            errcode = '22023',
            message = 'an extra''s quantity is outside 1..its max_quantity';
    end if;

    select
        pg_catalog.jsonb_agg(
            pg_catalog.jsonb_build_object(
                'extra_id', e.id,
                'title', e.title,
                'unit_price_cents', e.price_cents,
                'quantity', (item ->> 'quantity')::integer,
                'line_total_cents', e.price_cents * (item ->> 'quantity')::integer,
                'extra_delivery_days', e.extra_delivery_days
            )
            order by e.position, e.title
        ),
        coalesce(pg_catalog.sum(e.price_cents::bigint * (item ->> 'quantity')::integer), 0),
        coalesce(pg_catalog.sum(e.extra_delivery_days), 0)
    into extra_lines, extras_total, extra_days
    from pg_catalog.jsonb_array_elements(requested_extras) as item
    join public.gig_extras as e on e.id = (item ->> 'extra_id')::uuid;

    subtotal := package.price_cents + extras_total;
    if subtotal > 100000000 then
        raise exception using errcode = '22023', message = 'an order may not exceed 1,000,000.00';
    end if;
    select s.fee_bps into platform_fee_bps from private.platform_settings as s;
    platform_fee := private.fee_cents(subtotal, platform_fee_bps);

    return pg_catalog.jsonb_build_object(
        'gig_id', gig.id,
        'gig_title', gig.title,
        'seller_id', gig.seller_id,
        'package_id', package.id,
        'tier', package.tier,
        'currency', package.currency,
        'package_price_cents', package.price_cents,
        'extras', coalesce(extra_lines, '[]'::jsonb),
        'extras_cents', extras_total,
        'subtotal_cents', subtotal,
        'fee_bps', platform_fee_bps,
        'platform_fee_cents', platform_fee,
        'seller_net_cents', subtotal - platform_fee,
        'total_cents', subtotal,
        'delivery_days', package.delivery_days + extra_days,
        'revisions_included', package.revisions_included
    );
end;
$function$;

create or replace function private.record_order_action(
    target_order_id uuid,
    requested_action public.order_action,
    details jsonb default '{}'::jsonb,
    acting_as public.order_actor default null::public.order_actor,
    at timestamp with time zone default null::timestamp with time zone
)
returns public.order_events
language plpgsql
set search_path to ''
as $function$
declare
    recorded public.order_events;
begin
    if acting_as is null and at is null then
        insert into public.order_events (order_id, action, details)
        values (target_order_id, requested_action::text, coalesce(details, '{}'::jsonb))
        returning * into recorded;
    else
        insert into public.order_events (order_id, action, details, actor, created_at)
        values (
            target_order_id, requested_action::text, coalesce(details, '{}'::jsonb), acting_as,
            coalesce(at, pg_catalog.now())
        )
        returning * into recorded;
    end if;
    return recorded;
end;
$function$;

create or replace function private.record_requirement_answers(
    target public.orders,
    answers jsonb
)
returns void
language plpgsql
security definer
set search_path to ''
as $function$
declare
    missing text;
    bad_answer text;
begin
    if pg_catalog.jsonb_typeof(answers) is distinct from 'array'
        or pg_catalog.jsonb_array_length(answers) > 50
        or exists (
            select 1 from pg_catalog.jsonb_array_elements(answers) as item
            where pg_catalog.jsonb_typeof(item) <> 'object'
                or pg_catalog.jsonb_typeof(item -> 'answer') <> 'string'
                or (item ->> 'requirement_id') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        ) then
        raise exception using
            errcode = '22023',
            message = 'answers must be an array of {"requirement_id": uuid, "answer": string}';
    end if;

    select pg_catalog.string_agg(item ->> 'requirement_id', ', ') into bad_answer
    from pg_catalog.jsonb_array_elements(answers) as item
    left join public.gig_requirements as q
        on q.id = (item ->> 'requirement_id')::uuid and q.gig_id = target.gig_id
    where q.id is null
        or pg_catalog.char_length(item ->> 'answer') > 5000
        or (q.kind = 'multiple_choice' and not (item ->> 'answer') = any(q.choices));
    if bad_answer is not null then
        raise exception using
            errcode = '22023',
            message = format('answers to requirements %s are not valid for this gig', bad_answer);
    end if;
    if exists (
        select 1 from pg_catalog.jsonb_array_elements(answers) as item
        group by item ->> 'requirement_id' having pg_catalog.count(*) > 1
    ) then
        raise exception using errcode = '22023', message = 'each requirement may be answered once';
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_literal(q.question), ', ') into missing
    from public.gig_requirements as q
    where q.gig_id = target.gig_id
        and q.required
        and not exists (
            select 1 from pg_catalog.jsonb_array_elements(answers) as item
            where (item ->> 'requirement_id')::uuid = q.id
                and pg_catalog.btrim(item ->> 'answer') <> ''
        );
    if missing is not null then
        raise exception using errcode = '22023', message = format('required questions unanswered: %s', missing);
    end if;

    insert into public.order_requirement_answers (order_id, requirement_id, question, kind, answer)
    select target.id, q.id, q.question, q.kind, pg_catalog.btrim(item ->> 'answer')
    from pg_catalog.jsonb_array_elements(answers) as item
    join public.gig_requirements as q on q.id = (item ->> 'requirement_id')::uuid
    where pg_catalog.btrim(item ->> 'answer') <> '';
end;
$function$;

create or replace function private.refund_action_for(
    target public.orders,
    amount integer
)
returns public.order_action
language sql
immutable
set search_path to ''
as $function$
    select case
        when amount = target.subtotal_cents - target.refunded_cents then 'refund_in_full'
        when target.status = 'disputed' and target.dispute_refund_cents is not null
            and target.refunded_cents + amount >= target.dispute_refund_cents then 'settle_dispute_refund'
        else 'refund_partially'
    end::public.order_action
$function$;

create or replace function private.refundable_cents(
    target public.orders
)
returns integer
language sql
stable
set search_path to ''
as $function$
    select case when target.paid_at is null then 0 else
        target.subtotal_cents - target.refunded_cents - coalesce((
            select pg_catalog.sum(r.amount_cents)::integer from public.refunds as r
            where r.order_id = target.id and r.status = 'requested'
        ), 0)
    end
$function$;

create or replace function private.whop_id(
    object jsonb,
    kind text
)
returns text
language plpgsql
immutable
set search_path to ''
as $function$
begin
    if pg_catalog.jsonb_typeof(object) is distinct from 'object'
        or pg_catalog.char_length(coalesce(object ->> 'id', '')) not between 1 and 100 then
        raise exception using errcode = '22023', message = format('a Whop %s needs an id of 1 to 100 characters', kind);
    end if;
    return object ->> 'id';
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

create or replace function public.accept_cancellation(
    order_id uuid
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'accept_cancellation');
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.accept_delivery(
    order_id uuid
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'accept_delivery');
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.apply_whop_checkout_payments(
    target_order_id uuid,
    payments jsonb
)
returns public.whop_event_status
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
        if outcome in ('processed', 'quarantined') then
            return outcome;
        end if;
    end loop;
    select o.* into target from public.orders as o where o.id = target_order_id for update;
    if target.status = 'pending_payment' and target.checkout_expires_at <= pg_catalog.now() then
        perform private.record_order_action(target.id, 'expire_checkout', '{}', 'system');
        return 'processed';
    end if;
    return 'ignored';
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
        return 'processed';
    end if;
    perform private.record_order_action(
        target.id, wanted,
        pg_catalog.jsonb_build_object(
            'reason', format('chargeback: %s', coalesce(dispute ->> 'reason', 'unknown reason')),
            'whop_dispute_id', dispute_id
        ),
        'system'
    );
    return 'processed';
end;
$function$;

create or replace function public.apply_whop_ledger_account(
    account jsonb,
    company_id text
)
returns public.whop_event_status
language sql
security definer
set search_path to ''
as $function$
    select private.apply_seller_payouts(company_id, account -> 'payout_account_details' ->> 'status')
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
        return 'ignored';
    end if;

    if outcome = 'failed' then
        if target.status <> 'pending_payment' then
            return 'ignored';
        end if;
        perform private.record_order_action(
            target.id, 'fail_payment',
            pg_catalog.jsonb_build_object('reason', pg_catalog.left(payment ->> 'failure_message', 500)), 'system'
        );
        return 'processed';
    elsif outcome = 'open' then
        return 'ignored';
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
        return 'quarantined';
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
    return 'processed';
end;
$function$;

create or replace function public.apply_whop_payout_methods(
    company_id text,
    methods jsonb
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
begin
    if pg_catalog.jsonb_typeof(methods) is distinct from 'array' then
        raise exception using errcode = '22023', message = 'methods must be a JSON array of Whop payout methods';
    end if;
    return private.apply_seller_payouts(company_id, has_method => pg_catalog.jsonb_array_length(methods) > 0);
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
        return 'ignored';
    end if;
    select o.* into target from public.orders as o where o.whop_payment_id = payment_id for update;
    if target.id is null then
        update public.quarantined_payments as q
        set refunded_at = case when status = 'succeeded' then pg_catalog.now() else q.refunded_at end,
            refund_failure = case when status <> 'succeeded' then format('Whop says %s', status) else q.refund_failure end
        where q.whop_payment_id = payment_id and q.refunded_at is null;
        if found then
            return 'processed';
        end if;
        -- Our order, whose payment Whop has not told us of yet: the refund waits for it.
        if exists (
            select 1 from public.orders as o
            where o.id = private.uuid_or_null(refund -> 'payment' -> 'metadata' ->> 'gigflow_order_id')
                and o.whop_payment_id is null
        ) then
            return 'waiting';
        end if;
        return 'ignored';
    end if;

    if exists (select 1 from public.refunds as r where r.whop_refund_id = refund_id and r.status <> 'requested') then
        return 'ignored';
    end if;
    if status in ('failed', 'canceled') then
        select r.* into request from public.refunds as r
        where r.order_id = target.id and r.status = 'requested'
            and (r.whop_refund_id = refund_id
                or (r.whop_refund_id is null and r.amount_cents = private.whop_cents(refund -> 'amount')))
        order by r.whop_refund_id is null, r.created_at
        limit 1;
        if request.id is null then
            return 'ignored';
        end if;
        perform private.record_order_action(
            target.id, 'refund_failed',
            pg_catalog.jsonb_build_object('refund_id', request.id, 'whop_refund_id', refund_id, 'reason', status), 'system'
        );
        return 'processed';
    elsif status <> 'succeeded' then
        return 'ignored';
    end if;

    amount := coalesce(private.whop_cents(refund -> 'amount'), target.subtotal_cents - target.refunded_cents);
    perform private.record_order_action(
        target.id, private.refund_action_for(target, amount),
        pg_catalog.jsonb_build_object('whop_refund_id', refund_id, 'amount_cents', amount), 'system'
    );
    return 'processed';
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
    whop_withdrawal_id text := private.whop_id(withdrawal, 'withdrawal');
    ours uuid;
    before public.withdrawals;
    after public.withdrawals;
begin
    select w.id into ours from public.withdrawals as w where w.whop_withdrawal_id = apply_whop_withdrawal.whop_withdrawal_id;
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
        return 'ignored';
    end if;
    select w.* into before from public.withdrawals as w where w.id = ours;
    after := public.record_withdrawal(ours, whop_withdrawal_id, withdrawal ->> 'status', withdrawal ->> 'error_message');
    return case
        when (after.status, after.whop_withdrawal_id) is distinct from (before.status, before.whop_withdrawal_id)
            then 'processed' else 'ignored'
    end::public.whop_event_status;
end;
$function$;

create or replace function public.attach_checkout(
    target_order_id uuid,
    whop_checkout_id text
)
returns public.orders
language plpgsql
security definer
set search_path to ''
as $function$
declare
    attached public.orders;
begin
    select o.* into attached from public.orders as o where o.id = target_order_id;
    if attached.whop_checkout_id is distinct from attach_checkout.whop_checkout_id then
        perform private.record_order_action(
            target_order_id, 'attach_checkout',
            pg_catalog.jsonb_build_object('whop_checkout_id', whop_checkout_id), 'system'
        );
        select o.* into attached from public.orders as o where o.id = target_order_id;
    end if;
    return attached;
end;
$function$;

create or replace function public.claim_quarantine_refunds(
    max_refunds integer default 20
)
returns table (
    whop_payment_id text,
    amount_cents integer
)
language sql
security definer
set search_path to ''
as $function$
    update public.quarantined_payments as q
    set refund_submitted_at = pg_catalog.now()
    where q.whop_payment_id in (
        select c.whop_payment_id from public.quarantined_payments as c
        where c.decision = 'refund' and c.refund_submitted_at is null
        order by c.decided_at
        limit least(greatest(max_refunds, 1), 100)
        for update skip locked
    )
    returning q.whop_payment_id, q.amount_cents
$function$;

create or replace function public.claim_reconciliation_work(
    max_rows integer default 500,
    recheck_after interval default '00:05:00'::interval
)
returns table (
    kind text,
    subject text,
    whop_id text,
    expired boolean
)
language plpgsql
security definer
set search_path to ''
as $function$
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
        where o.whop_payment_id is null and o.whop_checkout_id is not null and o.cancelled_at is null
        union all
        select 'refund', r.id::text, o.whop_payment_id, false
        from public.refunds as r
        join public.orders as o on o.id = r.order_id
        where r.status = 'requested' and o.whop_payment_id is not null
        union all
        select 'quarantine_refund', q.whop_payment_id, q.whop_payment_id, false
        from public.quarantined_payments as q
        where q.refund_submitted_at is not null and q.refunded_at is null
        union all
        select 'kyc', s.user_id::text, s.whop_company_id, false
        from public.seller_accounts as s
        where s.whop_company_id is not null
            and (s.kyc_status = 'pending' or (s.kyc_status = 'verified' and not s.payout_enabled))
        union all
        select 'withdrawal', w.id::text, w.whop_withdrawal_id, false
        from public.withdrawals as w
        where w.status in ('requested', 'awaiting_payment', 'in_transit') and w.whop_withdrawal_id is not null
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
$function$;

create or replace function public.claim_refunds_to_submit(
    max_refunds integer default 20,
    only_refund uuid default null::uuid
)
returns table (
    refund_id uuid,
    order_id uuid,
    whop_payment_id text,
    amount_cents integer,
    full_refund boolean
)
language plpgsql
security definer
set search_path to ''
as $function$
declare
    candidate record;
begin
    for candidate in
        select q.id, o as target
        from public.refunds as q
        join public.orders as o on o.id = q.order_id
        where q.status = 'requested' and q.submitted_at is null and o.whop_payment_id is not null
            and (only_refund is null or q.id = only_refund)
        order by q.created_at
        limit least(greatest(max_refunds, 1), 100)
        for update of q skip locked
    loop
        perform private.write_refund(candidate.target, 'submit', request_id => candidate.id);
        refund_id := candidate.id;
        order_id := (candidate.target).id;
        whop_payment_id := (candidate.target).whop_payment_id;
        select r.amount_cents into amount_cents from public.refunds as r where r.id = candidate.id;
        full_refund := amount_cents = (candidate.target).subtotal_cents - (candidate.target).refunded_cents;
        return next;
    end loop;
end;
$function$;

create or replace function public.create_pending_order(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'::jsonb,
    attribution jsonb default '{}'::jsonb
)
returns public.orders
language plpgsql
security definer
set search_path to ''
as $function$
declare
    priced jsonb;
    created public.orders;
    expires_after interval;
begin
    if buyer_id is null or not exists (select 1 from public.profiles as p where p.id = buyer_id) then
        raise exception using errcode = 'P0002', message = format('buyer %s does not exist', buyer_id);
    end if;
    if pg_catalog.jsonb_typeof(coalesce(attribution, '{}'::jsonb)) <> 'object'
        or pg_catalog.length(attribution::text) > 2000 then
        raise exception using errcode = '22023', message = 'attribution must be a small JSON object';
    end if;

    priced := private.quote(buyer_id, gig_id, tier, extras);
    select s.checkout_expires_after into expires_after from private.platform_settings as s;

    insert into public.orders (
        buyer_id, seller_id, gig_id, package_id, tier, gig_title, currency,
        package_price_cents, extras_cents, subtotal_cents, fee_bps, fee_cents,
        seller_net_cents, delivery_days, revisions_included, checkout_expires_at
    )
    values (
        buyer_id,
        (priced ->> 'seller_id')::uuid,
        gig_id,
        (priced ->> 'package_id')::uuid,
        tier,
        priced ->> 'gig_title',
        priced ->> 'currency',
        (priced ->> 'package_price_cents')::integer,
        (priced ->> 'extras_cents')::integer,
        (priced ->> 'subtotal_cents')::integer,
        (priced ->> 'fee_bps')::integer,
        (priced ->> 'platform_fee_cents')::integer,
        (priced ->> 'seller_net_cents')::integer,
        (priced ->> 'delivery_days')::integer,
        (priced ->> 'revisions_included')::integer,
        pg_catalog.now() + expires_after
    )
    returning * into created;
    if coalesce(attribution, '{}'::jsonb) <> '{}'::jsonb then
        insert into public.order_attributions (order_id, attribution) values (created.id, attribution);
    end if;

    insert into public.order_extras (
        order_id, extra_id, title, unit_price_cents, quantity, line_total_cents, extra_delivery_days
    )
    select
        created.id,
        (line ->> 'extra_id')::uuid,
        line ->> 'title',
        (line ->> 'unit_price_cents')::integer,
        (line ->> 'quantity')::integer,
        (line ->> 'line_total_cents')::integer,
        (line ->> 'extra_delivery_days')::integer
    from pg_catalog.jsonb_array_elements(priced -> 'extras') as line;

    perform private.arm_order_timers(created);
    return created;
end;
$function$;

create or replace function public.decide_quarantined_payment(
    whop_payment_id text,
    decision text
)
returns public.quarantined_payments
language plpgsql
set search_path to ''
as $function$
declare
    decided public.quarantined_payments;
begin
    update public.quarantined_payments as q
    set decision = decide_quarantined_payment.decision
    where q.whop_payment_id = decide_quarantined_payment.whop_payment_id
    returning q.* into decided;
    if decided.whop_payment_id is null then
        raise exception using
            errcode = 'P0002', message = format('no quarantined payment %s', whop_payment_id);
    end if;
    return decided;
end;
$function$;

create or replace function public.decline_cancellation(
    order_id uuid
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'decline_cancellation');
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.deliver_order(
    order_id uuid,
    message text,
    files jsonb default '[]'::jsonb
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(
        order_id, 'deliver', pg_catalog.jsonb_build_object('message', message, 'files', files)
    );
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.my_whop_link()
returns table (
    whop_user_id text,
    linked_at timestamp with time zone
)
language sql
stable
set search_path to ''
as $function$
    select l.whop_user_id, l.linked_at from private.whop_oauth_links as l
    where l.user_id = (select auth.uid())
$function$;

create or replace function public.open_dispute(
    order_id uuid,
    reason text
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'open_dispute', pg_catalog.jsonb_build_object('reason', reason));
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.order_files_to_remove(
    max_files integer default 200
)
returns table (
    order_id uuid,
    path text
)
language plpgsql
security definer
set search_path to ''
as $function$
declare
    cleared uuid;
begin
    for cleared in
        select d.order_id from private.order_deadlines as d
        where d.action = 'remove_files' and d.due_at <= pg_catalog.now()
            and not exists (
                select 1 from storage.objects as s
                where s.bucket_id = 'order-files'
                    and s.name ~>=~ (d.order_id::text || '/') and s.name ~<~ (d.order_id::text || '0')
            )
    loop
        -- The order first, as every writer of an order's timers locks it: no cycle.
        perform 1 from public.orders as o where o.id = cleared for update skip locked;
        continue when not found;
        continue when not exists (
            select 1 from private.order_deadlines as d where d.order_id = cleared and d.action = 'remove_files'
        );
        perform private.record_order_action(cleared, 'remove_files', '{}', 'system');
    end loop;
    return query
    select d.order_id, s.name
    from private.order_deadlines as d
    join storage.objects as s
        on s.bucket_id = 'order-files'
        and s.name ~>=~ (d.order_id::text || '/') and s.name ~<~ (d.order_id::text || '0')
    where d.action = 'remove_files' and d.due_at <= pg_catalog.now()
    order by d.due_at, s.name
    limit least(greatest(max_files, 1), 1000);
end;
$function$;

create or replace function public.quote_order(
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'::jsonb
)
returns jsonb
language plpgsql
stable
set search_path to ''
as $function$
begin
    return private.quote(auth.uid(), gig_id, tier, extras);
end;
$function$;

create or replace function public.record_refund_failed(
    refund_request_id uuid,
    reason text default null::text
)
returns public.refunds
language plpgsql
security definer
set search_path to ''
as $function$
declare
    failed public.refunds;
begin
    select r.* into failed from public.refunds as r where r.id = refund_request_id and r.status = 'requested';
    if failed.id is null then
        raise exception using errcode = 'P0002', message = format('no requested refund %s', refund_request_id);
    end if;
    perform private.record_order_action(
        failed.order_id, 'refund_failed',
        pg_catalog.jsonb_build_object('refund_id', failed.id, 'reason', pg_catalog.left(reason, 300)), 'system'
    );
    select r.* into failed from public.refunds as r where r.id = refund_request_id;
    return failed;
end;
$function$;

create or replace function public.request_cancellation(
    order_id uuid,
    reason text
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(
        order_id, 'request_cancellation', pg_catalog.jsonb_build_object('reason', reason)
    );
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.request_refund(
    order_id uuid,
    amount_cents integer default null::integer,
    reason text default null::text
)
returns public.refunds
language plpgsql
set search_path to ''
as $function$
declare
    recorded public.order_events;
    requested public.refunds;
begin
    recorded := private.record_order_action(
        order_id, 'request_refund', pg_catalog.jsonb_build_object('amount_cents', amount_cents, 'reason', reason)
    );
    select r.* into requested from public.refunds as r where r.id = (recorded.details ->> 'refund_id')::uuid;
    return requested;
end;
$function$;

create or replace function public.request_revision(
    order_id uuid,
    message text
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'request_revision', pg_catalog.jsonb_build_object('message', message));
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.request_withdrawal(
    seller_id uuid,
    amount_cents integer,
    currency text default 'USD'::text,
    payout_method_id text default null::text
)
returns jsonb
language plpgsql
security definer
set search_path to ''
as $function$
declare
    account public.seller_accounts;
    available bigint;
    created public.withdrawals;
begin
    select s.* into account from public.seller_accounts as s
    where s.user_id = request_withdrawal.seller_id
    for update;
    if account.user_id is null then
        raise exception using errcode = 'P0002', message = format('user %s has no seller account', seller_id);
    end if;
    if account.kyc_status <> 'verified' or account.whop_company_id is null then
        raise exception using errcode = 'GF001', message = 'withdrawals need a verified Whop account';
    end if;
    if amount_cents is null or amount_cents <= 0 then
        raise exception using errcode = '22023', message = 'amount_cents must be a positive number of cents';
    end if;
    if payout_method_id is not null and pg_catalog.char_length(payout_method_id) not between 1 and 100 then
        raise exception using errcode = '22023', message = 'payout_method_id must be 1 to 100 characters';
    end if;
    select b.available_cents into available
    from private.balances_of(account.user_id) as b
    where b.currency = pg_catalog.upper(request_withdrawal.currency);
    if coalesce(available, 0) < amount_cents then
        raise exception using
            errcode = '55000',
            message = format(
                'withdrawal of %s exceeds the available %s %s',
                amount_cents, coalesce(available, 0), pg_catalog.upper(request_withdrawal.currency)
            );
    end if;
    insert into public.withdrawals (seller_id, amount_cents, currency, whop_payout_method_id)
    values (account.user_id, amount_cents, pg_catalog.upper(request_withdrawal.currency), payout_method_id)
    returning * into created;
    return pg_catalog.jsonb_build_object(
        'withdrawal', pg_catalog.to_jsonb(created), 'whop_company_id', account.whop_company_id
    );
end;
$function$;

create or replace function public.resolve_dispute(
    order_id uuid,
    outcome text,
    refund_cents integer default null::integer,
    note text default null::text
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    if outcome is distinct from 'complete' and outcome is distinct from 'refund' then
        raise exception using errcode = '22023', message = 'outcome must be complete or refund';
    end if;
    perform private.record_order_action(
        order_id,
        case when outcome = 'complete' then 'resolve_dispute_completed' else 'resolve_dispute_refund' end::public.order_action,
        pg_catalog.jsonb_build_object('refund_cents', refund_cents, 'note', note)
    );
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.run_due_timers(
    as_of timestamp with time zone default now(),
    batch_size integer default 500
)
returns jsonb
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

create or replace function public.seller_balance(
    seller_id uuid default null::uuid
)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint,
    held_cents bigint,
    debt_cents bigint
)
language plpgsql
stable
set search_path to ''
as $function$
declare
    target_seller uuid := coalesce(seller_id, auth.uid());
begin
    if target_seller is distinct from auth.uid() and not private.is_admin() then
        raise exception using errcode = '42501', message = 'sellers see only their own balance';
    end if;
    return query select * from private.balances_of(target_seller);
end;
$function$;

create or replace function public.set_chargeback_fee_policy(
    borne_by text
)
returns text
language plpgsql
security definer
set search_path to ''
as $function$
begin
    if borne_by is null or borne_by not in ('platform', 'seller') then
        raise exception using errcode = '22023', message = 'borne_by must be platform or seller';
    end if;
    update private.platform_settings as s set chargeback_fee_borne_by = borne_by;
    return borne_by;
end;
$function$;

create or replace function public.start_order(
    order_id uuid
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(order_id, 'start_work');
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.submit_requirements(
    order_id uuid,
    answers jsonb,
    files jsonb default '[]'::jsonb
)
returns public.orders
language plpgsql
set search_path to ''
as $function$
begin
    perform private.record_order_action(
        order_id, 'submit_requirements', pg_catalog.jsonb_build_object('answers', answers, 'files', files)
    );
    return private.order_as_seen(order_id);
end;
$function$;

create or replace function public.submit_review(
    order_id uuid,
    rating integer,
    body text default ''::text
)
returns public.reviews
language plpgsql
set search_path to ''
as $function$
declare
    written public.reviews;
begin
    insert into public.reviews (order_id, rating, body)
    values (submit_review.order_id, submit_review.rating, coalesce(submit_review.body, ''))
    returning * into written;
    select r.* into written from public.reviews as r where r.id = written.id;
    return written;
end;
$function$;

alter table private.order_deadlines
add constraint order_deadlines_order_id_fkey foreign key (order_id) references public.orders (
    id
) on delete cascade;

-- A small private table (the transition edges, one settings row, the reconciliation
-- watermark): the check's scan is instant.
alter table private.order_transitions
-- squawk-ignore constraint-missing-not-valid
add constraint order_transitions_timer_from_check check ((timer_from ~ '^[a-z_]+_at$'::text));

-- A small private table (the transition edges, one settings row, the reconciliation
-- watermark): the check's scan is instant.
alter table private.order_transitions
-- squawk-ignore constraint-missing-not-valid
add constraint order_transitions_timer_runner_check check (
    (timer_runner = any(array['database'::text, 'worker'::text]))
);

-- A small private table (the transition edges, one settings row, the reconciliation
-- watermark): the check's scan is instant.
alter table private.order_transitions
-- squawk-ignore constraint-missing-not-valid
add constraint timers_are_complete check (
    (((timer_from is null) = (timer_delay is null)) and ((timer_from is null) = (timer_runner is null)))
);

-- A small private table (the transition edges, one settings row, the reconciliation
-- watermark): the check's scan is instant.
alter table private.order_transitions
-- squawk-ignore constraint-missing-not-valid
add constraint timers_are_the_systems check (
    ((timer_from is null) or (actor = 'system'::public.order_actor))
);

-- A small private table (the transition edges, one settings row, the reconciliation
-- watermark): the check's scan is instant.
alter table private.platform_settings
-- squawk-ignore constraint-missing-not-valid
add constraint platform_settings_chargeback_fee_borne_by_check check (
    (chargeback_fee_borne_by = any(array['platform'::text, 'seller'::text]))
);

alter table private.seller_payout_state
add constraint seller_payout_state_seller_id_fkey foreign key (
    seller_id
) references public.seller_accounts (user_id) on delete cascade;

-- A small private table (the transition edges, one settings row, the reconciliation
-- watermark): the check's scan is instant.
alter table private.whop_checks
-- squawk-ignore constraint-missing-not-valid
add constraint whop_checks_kind_check check (
    (
        kind
        = any(
            array['payment'::text, 'refund'::text, 'kyc'::text, 'withdrawal'::text, 'quarantine_refund'::text]
        )
    )
);

alter table public.chargebacks
add constraint chargebacks_order_id_fkey foreign key (order_id) references public.orders (
    id
) on delete restrict;

alter table public.order_attributions
add constraint order_attributions_order_id_fkey foreign key (order_id) references public.orders (
    id
) on delete cascade;

alter table public.quarantined_payments
add constraint quarantined_payments_decided_by_fkey foreign key (decided_by) references public.profiles (
    id
) on delete set null;

alter table public.quarantined_payments
add constraint quarantined_payments_order_id_fkey foreign key (order_id) references public.orders (
    id
) on delete restrict;

alter table public.seller_adjustments
add constraint seller_adjustments_order_id_fkey foreign key (order_id) references public.orders (
    id
) on delete restrict;

alter table public.seller_adjustments
add constraint seller_adjustments_seller_id_fkey foreign key (
    seller_id
) references public.seller_accounts (user_id) on delete restrict;

-- A new column, null on every row: the check passes without reading a value.
alter table public.withdrawals
-- squawk-ignore constraint-missing-not-valid
add constraint withdrawals_whop_payout_method_id_check check (
    ((char_length(whop_payout_method_id) >= 1) and (char_length(whop_payout_method_id) <= 100))
);

create view public.admin_open_chargebacks with (security_invoker = true) as
select
    c.whop_dispute_id,
    c.order_id,
    c.whop_payment_id,
    c.status,
    c.reason,
    c.amount_cents,
    c.currency,
    c.needs_response_by,
    c.status like 'warning%' or c.status = 'alert' as early_warning,
    c.updated_at
from public.chargebacks as c
where c.status not in ('won', 'lost', 'closed', 'warning_closed') and (select private.is_admin());

create view public.admin_platform_revenue with (security_invoker = true) as
with movements as (
    select
        o.currency,
        (o.paid_at at time zone 'UTC')::date as day,
        count(*) as orders_paid,
        sum(o.subtotal_cents) as gross_cents,
        sum(o.fee_cents) as fee_cents,
        0 as fee_refunded_cents,
        0 as seller_charges_cents
    from public.orders as o
    where o.paid_at is not null
    group by o.currency, (o.paid_at at time zone 'UTC')::date
    union all
    select
        o.currency,
        (r.settled_at at time zone 'UTC')::date as day,
        0 as orders_paid,
        0 as gross_cents,
        0 as fee_cents,
        sum(r.fee_refund_cents) as fee_refunded_cents,
        0 as seller_charges_cents
    from public.refunds as r
    inner join public.orders as o on r.order_id = o.id
    where r.status = 'succeeded'
    group by o.currency, (r.settled_at at time zone 'UTC')::date
    union all
    select
        a.currency,
        (a.created_at at time zone 'UTC')::date as day,
        0 as orders_paid,
        0 as gross_cents,
        0 as fee_cents,
        0 as fee_refunded_cents,
        -sum(a.amount_cents) as seller_charges_cents
    from public.seller_adjustments as a
    group by a.currency, (a.created_at at time zone 'UTC')::date
)

select
    m.day,
    m.currency,
    sum(m.orders_paid)::bigint as orders_paid,
    sum(m.gross_cents)::bigint as gross_cents,
    sum(m.fee_cents)::bigint as fee_cents,
    sum(m.fee_refunded_cents)::bigint as fee_refunded_cents,
    (sum(m.fee_cents) - sum(m.fee_refunded_cents) + sum(m.seller_charges_cents))::bigint as revenue_cents,
    sum(m.seller_charges_cents)::bigint as seller_charges_cents
from movements as m
where (select private.is_admin())
group by m.day, m.currency;

create view public.admin_quarantined_payments with (security_invoker = true) as
select
    q.whop_payment_id,
    q.order_id,
    q.reasons,
    q.amount_cents,
    q.currency,
    q.received_at,
    q.decision,
    q.decided_at,
    q.refund_submitted_at,
    q.refunded_at,
    q.refund_failure
from public.quarantined_payments as q
where (select private.is_admin());

create view public.admin_revenue_by_source with (security_invoker = true) as
select
    o.currency,
    coalesce(a.attribution ->> 'utm_source', '(direct)') as utm_source,
    coalesce(a.attribution ->> 'utm_medium', '') as utm_medium,
    coalesce(a.attribution ->> 'utm_campaign', '') as utm_campaign,
    count(*)::bigint as orders_paid,
    sum(o.subtotal_cents - o.refunded_cents)::bigint as net_sales_cents,
    sum(o.fee_cents - o.fee_refunded_cents)::bigint as revenue_cents
from public.orders as o
left join public.order_attributions as a on o.id = a.order_id
where o.paid_at is not null and (select private.is_admin())
group by
    o.currency,
    coalesce(a.attribution ->> 'utm_source', '(direct)'),
    coalesce(a.attribution ->> 'utm_medium', ''),
    coalesce(a.attribution ->> 'utm_campaign', '');

create view public.admin_seller_debts with (security_invoker = true) as
select
    s.user_id as seller_id,
    p.username,
    b.currency,
    b.debt_cents,
    b.pending_cents
from public.seller_accounts as s
inner join public.profiles as p on s.user_id = p.id
cross join lateral private.balances_of(s.user_id) as b
where b.debt_cents > 0 and (select private.is_admin());

create index order_deadlines_due_idx on private.order_deadlines using btree (due_at);

create index chargebacks_order_id_idx on public.chargebacks using btree (order_id);

-- A migration runs in a transaction, so this build blocks writes to orders while it runs
-- (it reads only the unpaid orders with a checkout, which are few). On a large live table,
-- build it first with CREATE INDEX CONCURRENTLY under this name; this then leaves it.
-- squawk-ignore require-concurrent-index-creation
create index if not exists orders_awaiting_payment_idx on public.orders using btree (checkout_expires_at)
where ((whop_payment_id is null) and (whop_checkout_id is not null) and (cancelled_at is null));

create index quarantined_payments_decided_by_idx on public.quarantined_payments using btree (decided_by);

create index quarantined_payments_order_id_idx on public.quarantined_payments using btree (order_id);

create index quarantined_payments_to_refund_idx on public.quarantined_payments using btree (decided_at)
where ((decision = 'refund'::text) and (refund_submitted_at is null));

create index seller_adjustments_order_id_idx on public.seller_adjustments using btree (order_id);

create index seller_adjustments_seller_id_idx on public.seller_adjustments using btree (seller_id, currency);

create trigger order_events_apply
before insert on public.order_events
for each row
execute function private.apply_order_event();

create trigger quarantined_payments_decided_once
before update of decision on public.quarantined_payments
for each row
execute function private.check_quarantine_decision();

create trigger reviews_complete
before insert on public.reviews
for each row
execute function private.complete_review();

create trigger reviews_released_when_both_are_in
after insert on public.reviews
for each row
execute function private.after_review();

create policy "users read their own whop link" on private.whop_oauth_links
for select
to authenticated
using ((user_id = (select auth.uid() as uid)));

create policy "admins read chargebacks" on public.chargebacks
for select
to authenticated
using ((select private.is_admin() as is_admin));

create policy "admins read order attribution" on public.order_attributions
for select
to authenticated
using ((select private.is_admin() as is_admin));

create policy "participants act on their orders" on public.order_events
for insert
to authenticated
with check ((actor_id = (select auth.uid() as uid)));

create policy "admins decide quarantined payments" on public.quarantined_payments
for update
to authenticated
using ((select private.is_admin() as is_admin))
with check ((select private.is_admin() as is_admin));

create policy "admins read quarantined payments" on public.quarantined_payments
for select
to authenticated
using ((select private.is_admin() as is_admin));

alter policy "anyone reads released reviews" on public.reviews to anon;

create policy "participants review their completed orders" on public.reviews
for insert
to authenticated
with check ((reviewer_id = (select auth.uid() as uid)));

create policy "users read released reviews and their own" on public.reviews
for select
to authenticated
using (((released_at is not null) or (reviewer_id = (select auth.uid() as uid))));

create policy "sellers read their balance adjustments" on public.seller_adjustments
for select
to authenticated
using (((seller_id = (select auth.uid() as uid)) or (select private.is_admin() as is_admin)));

comment on table private.order_deadlines is
'When each armed timer of an order is due; kept by the order state machine.';

comment on table private.seller_payout_state is
'Whop''s payout account status and payout method presence per seller; drives payout_enabled.';

comment on table public.chargebacks is
'Whop disputes (chargebacks) and their early warnings, with the deadline to respond; admin-only.';

comment on table public.order_attributions is
'Marketing attribution of an order (checkout and payment metadata); admins only.';

comment on table public.quarantined_payments is
'Payments naming one of our orders that are not its payment; an admin decides refund or keep.';

comment on table public.seller_adjustments is
'Charges (negative) and credits to a seller''s balance beyond an order''s own split.';

revoke all on function private.after_review() from public;

grant execute on function private.after_review() to postgres;

revoke all on function private.apply_order_effects(
    public.orders, public.orders, public.order_action, jsonb, timestamp with time zone
) from public;

grant execute on function private.apply_order_effects(
    public.orders, public.orders, public.order_action, jsonb, timestamp with time zone
) to postgres;

revoke all on function private.apply_order_event() from public;

grant execute on function private.apply_order_event() to postgres;

revoke all on function private.apply_seller_payouts(text, text, public.kyc_status, boolean) from public;

grant execute on function private.apply_seller_payouts(
    text, text, public.kyc_status, boolean
) to postgres;

revoke all on function private.arm_order_timers(public.orders) from public;

grant execute on function private.arm_order_timers(public.orders) to postgres;

revoke all on function private.attribution_of(jsonb) from public;

grant execute on function private.attribution_of(jsonb) to postgres;

revoke all on function private.balances_of(uuid) from public;

grant execute on function private.balances_of(uuid) to authenticated, postgres, service_role;

revoke all on function private.canonical_uuid(text) from authenticated;

grant execute on function private.canonical_uuid(text) to authenticated;

revoke all on function private.canonical_uuid(text) from service_role;

grant execute on function private.canonical_uuid(text) to service_role;

revoke all on function private.check_quarantine_decision() from public;

grant execute on function private.check_quarantine_decision() to postgres;

revoke all on function private.checked_action_details(
    public.orders, public.order_action, public.order_actor, jsonb
) from public;

grant execute on function private.checked_action_details(
    public.orders, public.order_action, public.order_actor, jsonb
) to postgres;

revoke all on function private.complete_review() from public;

grant execute on function private.complete_review() to postgres;

revoke all on function private.detail_cents(jsonb, text) from public;

grant execute on function private.detail_cents(jsonb, text) to postgres;

revoke all on function private.fee_share(public.orders, integer) from public;

grant execute on function private.fee_share(public.orders, integer) to authenticated,
postgres,
service_role;

revoke all on function private.notify(uuid[], uuid, text, text) from public;

grant execute on function private.notify(uuid[], uuid, text, text) to postgres;

revoke all on function private.order_action_named(text) from public;

grant execute on function private.order_action_named(text) to postgres;

revoke all on function private.order_as_seen(uuid) from public;

grant execute on function private.order_as_seen(uuid) to authenticated, postgres, service_role;

revoke all on function private.order_file_folder(text) from authenticated;

grant execute on function private.order_file_folder(text) to authenticated;

revoke all on function private.order_file_folder(text) from service_role;

grant execute on function private.order_file_folder(text) to service_role;

revoke all on function private.order_role(uuid, uuid) from public;

grant execute on function private.order_role(uuid, uuid) to postgres;

revoke all on function private.payment_mismatches(public.orders, jsonb) from public;

grant execute on function private.payment_mismatches(public.orders, jsonb) to postgres;

revoke all on function private.quote(uuid, uuid, public.package_tier, jsonb) from anon;

grant execute on function private.quote(uuid, uuid, public.package_tier, jsonb) to anon;

revoke all on function private.quote(uuid, uuid, public.package_tier, jsonb) from authenticated;

grant execute on function private.quote(uuid, uuid, public.package_tier, jsonb) to authenticated;

revoke all on function private.quote(uuid, uuid, public.package_tier, jsonb) from service_role;

grant execute on function private.quote(uuid, uuid, public.package_tier, jsonb) to service_role;

revoke all on function private.record_order_action(
    uuid, public.order_action, jsonb, public.order_actor, timestamp with time zone
) from public;

grant execute
on function private.record_order_action(
    uuid, public.order_action, jsonb, public.order_actor, timestamp with time zone
)
to authenticated, postgres, service_role;

revoke all on function private.record_requirement_answers(public.orders, jsonb) from public;

grant execute on function private.record_requirement_answers(public.orders, jsonb) to postgres;

revoke all on function private.refund_action_for(public.orders, integer) from public;

grant execute on function private.refund_action_for(public.orders, integer) to postgres;

revoke all on function private.whop_id(jsonb, text) from public;

grant execute on function private.whop_id(jsonb, text) to postgres;

revoke all on function private.write_refund(
    public.orders, text, integer, text, text, uuid, timestamp with time zone
) from public;

grant execute on function private.write_refund(
    public.orders, text, integer, text, text, uuid, timestamp with time zone
) to postgres;

revoke all on function public.apply_whop_checkout_payments(uuid, jsonb) from public;

grant execute on function public.apply_whop_checkout_payments(uuid, jsonb) to postgres, service_role;

revoke all on function public.apply_whop_dispute(jsonb, text) from public;

grant execute on function public.apply_whop_dispute(jsonb, text) to postgres, service_role;

revoke all on function public.apply_whop_ledger_account(jsonb, text) from public;

grant execute on function public.apply_whop_ledger_account(jsonb, text) to postgres, service_role;

revoke all on function public.apply_whop_payment(jsonb, text) from public;

grant execute on function public.apply_whop_payment(jsonb, text) to postgres, service_role;

revoke all on function public.apply_whop_payout_methods(text, jsonb) from public;

grant execute on function public.apply_whop_payout_methods(text, jsonb) to postgres, service_role;

revoke all on function public.apply_whop_refund(jsonb) from public;

grant execute on function public.apply_whop_refund(jsonb) to postgres, service_role;

revoke all on function public.apply_whop_withdrawal(jsonb, uuid, text) from public;

grant execute on function public.apply_whop_withdrawal(jsonb, uuid, text) to postgres, service_role;

revoke all on function public.claim_quarantine_refunds(integer) from public;

grant execute on function public.claim_quarantine_refunds(integer) to postgres, service_role;

revoke all on function public.decide_quarantined_payment(text, text) from public;

grant execute on function public.decide_quarantined_payment(text, text) to authenticated,
postgres,
service_role;

revoke all on function public.quote_order(uuid, public.package_tier, jsonb) from public;

grant execute on function public.quote_order(uuid, public.package_tier, jsonb) to anon,
authenticated,
postgres,
service_role;

revoke all on function public.request_withdrawal(uuid, integer, text, text) from public;

grant execute on function public.request_withdrawal(uuid, integer, text, text) to postgres,
service_role;

revoke all on function public.seller_balance(uuid) from public;

grant execute on function public.seller_balance(uuid) to authenticated, postgres, service_role;

revoke all on function public.set_chargeback_fee_policy(text) from public;

grant execute on function public.set_chargeback_fee_policy(text) to postgres, service_role;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table private.order_deadlines to postgres;

revoke all (clearance_period) on table private.platform_settings from anon;

grant select (clearance_period) on table private.platform_settings to anon;

revoke all (fee_bps) on table private.platform_settings from anon;

grant select (fee_bps) on table private.platform_settings to anon;

revoke all (clearance_period) on table private.platform_settings from authenticated;

grant select (clearance_period) on table private.platform_settings to authenticated;

revoke all (fee_bps) on table private.platform_settings from authenticated;

grant select (fee_bps) on table private.platform_settings to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table private.seller_payout_state to postgres;

revoke all (linked_at) on table private.whop_oauth_links from authenticated;

grant select (linked_at) on table private.whop_oauth_links to authenticated;

revoke all (user_id) on table private.whop_oauth_links from authenticated;

grant select (user_id) on table private.whop_oauth_links to authenticated;

revoke all (whop_user_id) on table private.whop_oauth_links from authenticated;

grant select (whop_user_id) on table private.whop_oauth_links to authenticated;

revoke all on table public.chargebacks from authenticated;

grant select on table public.chargebacks to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.chargebacks to postgres,
service_role;

revoke all on table public.order_attributions from authenticated;

grant select on table public.order_attributions to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.order_attributions to postgres,
service_role;

revoke all (action) on table public.order_events from authenticated;

grant insert (action) on table public.order_events to authenticated;

revoke all (details) on table public.order_events from authenticated;

grant insert (details) on table public.order_events to authenticated;

revoke all (order_id) on table public.order_events from authenticated;

grant insert (order_id) on table public.order_events to authenticated;

revoke all (decision) on table public.quarantined_payments from authenticated;

grant update (decision) on table public.quarantined_payments to authenticated;

revoke all on table public.quarantined_payments from authenticated;

grant select on table public.quarantined_payments to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.quarantined_payments to postgres,
service_role;

revoke all (body) on table public.reviews from authenticated;

grant insert (body) on table public.reviews to authenticated;

revoke all (order_id) on table public.reviews from authenticated;

grant insert (order_id) on table public.reviews to authenticated;

revoke all (rating) on table public.reviews from authenticated;

grant insert (rating) on table public.reviews to authenticated;

revoke all on table public.seller_adjustments from authenticated;

grant select on table public.seller_adjustments to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.seller_adjustments to postgres,
service_role;

revoke all on table public.admin_open_chargebacks from authenticated;

grant select on table public.admin_open_chargebacks to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_open_chargebacks to postgres,
service_role;

revoke all on table public.admin_platform_revenue from authenticated;

grant select on table public.admin_platform_revenue to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_platform_revenue to postgres,
service_role;

revoke all on table public.admin_quarantined_payments from authenticated;

grant select on table public.admin_quarantined_payments to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_quarantined_payments to postgres,
service_role;

revoke all on table public.admin_revenue_by_source from authenticated;

grant select on table public.admin_revenue_by_source to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_revenue_by_source to postgres,
service_role;

revoke all on table public.admin_seller_debts from authenticated;

grant select on table public.admin_seller_debts to authenticated;

grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_seller_debts to postgres,
service_role;

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.apply_whop_checkout_payments(uuid, jsonb) from public,
anon,
authenticated,
service_role;
grant execute on function public.apply_whop_checkout_payments(uuid, jsonb) to service_role;
revoke all on function public.apply_whop_dispute(jsonb, text) from public, anon, authenticated, service_role;
grant execute on function public.apply_whop_dispute(jsonb, text) to service_role;
revoke all on function public.apply_whop_ledger_account(jsonb, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.apply_whop_ledger_account(jsonb, text) to service_role;
revoke all on function public.apply_whop_payment(jsonb, text) from public, anon, authenticated, service_role;
grant execute on function public.apply_whop_payment(jsonb, text) to service_role;
revoke all on function public.apply_whop_payout_methods(text, jsonb) from public,
anon,
authenticated,
service_role;
grant execute on function public.apply_whop_payout_methods(text, jsonb) to service_role;
revoke all on function public.apply_whop_refund(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.apply_whop_refund(jsonb) to service_role;
revoke all on function public.apply_whop_withdrawal(jsonb, uuid, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.apply_whop_withdrawal(jsonb, uuid, text) to service_role;
revoke all on function public.claim_quarantine_refunds(integer) from public,
anon,
authenticated,
service_role;
grant execute on function public.claim_quarantine_refunds(integer) to service_role;
revoke all on function public.decide_quarantined_payment(text, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.decide_quarantined_payment(text, text) to authenticated;
grant execute on function public.decide_quarantined_payment(text, text) to service_role;
revoke all on function public.request_withdrawal(uuid, integer, text, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.request_withdrawal(uuid, integer, text, text) to service_role;
revoke all on function public.seller_balance(uuid) from public, anon, authenticated, service_role;
grant execute on function public.seller_balance(uuid) to authenticated;
grant execute on function public.seller_balance(uuid) to service_role;
revoke all on function public.set_chargeback_fee_policy(text) from public, anon, authenticated, service_role;
grant execute on function public.set_chargeback_fee_policy(text) to service_role;
revoke all on table public.admin_open_chargebacks from public, anon, authenticated, service_role;
grant select on table public.admin_open_chargebacks to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_open_chargebacks to service_role;
revoke all on table public.admin_platform_revenue from public, anon, authenticated, service_role;
grant select on table public.admin_platform_revenue to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_platform_revenue to service_role;
revoke all on table public.admin_quarantined_payments from public, anon, authenticated, service_role;
grant select on table public.admin_quarantined_payments to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_quarantined_payments to service_role;
revoke all on table public.admin_revenue_by_source from public, anon, authenticated, service_role;
grant select on table public.admin_revenue_by_source to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_revenue_by_source to service_role;
revoke all on table public.admin_seller_debts from public, anon, authenticated, service_role;
grant select on table public.admin_seller_debts to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.admin_seller_debts to service_role;
revoke all on table public.chargebacks from public, anon, authenticated, service_role;
grant select on table public.chargebacks to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.chargebacks to service_role;
revoke all on table public.order_attributions from public, anon, authenticated, service_role;
grant select on table public.order_attributions to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.order_attributions to service_role;
revoke all on table public.quarantined_payments from public, anon, authenticated, service_role;
grant select on table public.quarantined_payments to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.quarantined_payments to service_role;
revoke all on table public.seller_adjustments from public, anon, authenticated, service_role;
grant select on table public.seller_adjustments to authenticated;
grant delete,
insert,
references,
select,
trigger,
truncate,
update on table public.seller_adjustments to service_role;
revoke all (decision) on table public.quarantined_payments from public, anon, authenticated, service_role;
grant update (decision) on table public.quarantined_payments to authenticated;

-- The transition table as supabase/schemas/orders.sql has it.
-- Every edge, and only these: applied to any database, this leaves exactly this list.
with paid (status) as (
    values
    ('awaiting_requirements'), ('in_progress'), ('delivered'), ('revision_requested'), ('completed'),
    ('cancel_requested'), ('disputed')
),

edges (
    from_status, action, actor, to_status, notifies, timer_from, timer_delay, timer_unless, timer_runner
) as (
    values
    ('pending_payment', 'pay', 'system', 'awaiting_requirements', true, null, null, null, null),
    ('pending_payment', 'fail_payment', 'system', 'cancelled', true, null, null, null, null),
    -- Only a checkout Whop never opened expires by time: one Whop opened may have been
    -- paid with its webhook lost, so reconciliation asks Whop before it expires it.
    (
        'pending_payment', 'expire_checkout', 'system', 'cancelled', true,
        'checkout_expires_at', '0', '{whop_checkout_id}', 'database'
    ),
    ('pending_payment', 'attach_checkout', 'system', 'pending_payment', false, null, null, null, null),
    -- A payment that arrives after the order was cancelled unpaid is recorded (and, by
    -- the rule that a paid order ending cancelled is refunded, refunded in full).
    ('cancelled', 'pay', 'system', 'cancelled', true, null, null, null, null),
    (
        'cancelled', 'remove_files', 'system', 'cancelled', false,
        'cancelled_at', '0', '{delivered_at,files_removed_at}', 'worker'
    ),
    ('awaiting_requirements', 'submit_requirements', 'buyer', 'in_progress', true, null, null, null, null),
    ('awaiting_requirements', 'start_work', 'seller', 'in_progress', true, null, null, null, null),
    ('in_progress', 'deliver', 'seller', 'delivered', true, null, null, null, null),
    ('revision_requested', 'deliver', 'seller', 'delivered', true, null, null, null, null),
    ('delivered', 'request_revision', 'buyer', 'revision_requested', true, null, null, null, null),
    ('delivered', 'accept_delivery', 'buyer', 'completed', true, null, null, null, null),
    ('delivered', 'auto_complete', 'system', 'completed', true, 'delivered_at', '3 days', '{}', 'database'),
    ('in_progress', 'mark_late', 'system', 'in_progress', true, 'due_at', '0', '{late_at}', 'database'),
    (
        'in_progress', 'mark_very_late', 'system', 'in_progress', true,
        'due_at', '24 hours', '{very_late_at}', 'database'
    ),
    (
        'revision_requested', 'mark_late', 'system', 'revision_requested', true,
        'due_at', '0', '{late_at}', 'database'
    ),
    (
        'revision_requested', 'mark_very_late', 'system', 'revision_requested', true,
        'due_at', '24 hours', '{very_late_at}', 'database'
    ),
    (
        'completed', 'release_reviews', 'system', 'completed', true,
        'completed_at', '10 days', '{reviews_released_at}', 'database'
    ),
    (
        'awaiting_requirements',
        'request_cancellation',
        'buyer',
        'cancel_requested',
        true,
        null,
        null,
        null,
        null
    ),
    (
        'awaiting_requirements',
        'request_cancellation',
        'seller',
        'cancel_requested',
        true,
        null,
        null,
        null,
        null
    ),
    ('in_progress', 'request_cancellation', 'buyer', 'cancel_requested', true, null, null, null, null),
    ('in_progress', 'request_cancellation', 'seller', 'cancel_requested', true, null, null, null, null),
    ('delivered', 'request_cancellation', 'buyer', 'cancel_requested', true, null, null, null, null),
    ('delivered', 'request_cancellation', 'seller', 'cancel_requested', true, null, null, null, null),
    ('revision_requested', 'request_cancellation', 'buyer', 'cancel_requested', true, null, null, null, null),
    (
        'revision_requested',
        'request_cancellation',
        'seller',
        'cancel_requested',
        true,
        null,
        null,
        null,
        null
    ),
    ('cancel_requested', 'accept_cancellation', 'buyer', 'cancelled', true, null, null, null, null),
    ('cancel_requested', 'accept_cancellation', 'seller', 'cancelled', true, null, null, null, null),
    ('cancel_requested', 'decline_cancellation', 'buyer', null, true, null, null, null, null),
    ('cancel_requested', 'decline_cancellation', 'seller', null, true, null, null, null, null),
    (
        'cancel_requested', 'expire_cancellation_request', 'system', 'cancelled', true,
        'cancellation_requested_at', '48 hours', '{}', 'database'
    ),
    ('in_progress', 'open_dispute', 'buyer', 'disputed', true, null, null, null, null),
    ('in_progress', 'open_dispute', 'seller', 'disputed', true, null, null, null, null),
    ('revision_requested', 'open_dispute', 'buyer', 'disputed', true, null, null, null, null),
    ('revision_requested', 'open_dispute', 'seller', 'disputed', true, null, null, null, null),
    ('delivered', 'open_dispute', 'buyer', 'disputed', true, null, null, null, null),
    ('delivered', 'open_dispute', 'seller', 'disputed', true, null, null, null, null),
    ('disputed', 'resolve_dispute_completed', 'admin', 'completed', true, null, null, null, null),
    ('disputed', 'resolve_dispute_refund', 'admin', 'disputed', true, null, null, null, null),
    ('disputed', 'settle_dispute_refund', 'system', 'completed', true, null, null, null, null),
    ('disputed', 'chargeback_won', 'system', 'completed', true, null, null, null, null)
),

-- What happens to money in every paid state: a chargeback freezes it (the one in dispute
-- already is), admins ask for refunds, Whop settles them or refuses, and a chargeback
-- lost at Whop takes the payment back.
money_edges as (
    select
        paid.status as from_status,
        money.action,
        money.actor,
        coalesce(money.to_status, paid.status) as to_status
    from paid
    cross join (
        values
        ('open_dispute', 'system', 'disputed'),
        ('request_refund', 'admin', null),
        ('refund_partially', 'system', null),
        ('refund_failed', 'system', null),
        ('refund_in_full', 'system', 'refunded'),
        ('chargeback_lost', 'system', 'refunded')
    ) as money (action, actor, to_status)
    where not (paid.status = 'disputed' and money.action = 'open_dispute')
    union all
    -- A paid order that was cancelled keeps its money movements, and stays cancelled.
    select
        'cancelled' as from_status,
        money.action,
        money.actor,
        'cancelled' as to_status
    from (
        values
        ('request_refund', 'admin'), ('refund_partially', 'system'), ('refund_failed', 'system'),
        ('refund_in_full', 'system'), ('chargeback_lost', 'system')
    ) as money (action, actor)
),

typed_edges as (
    select
        from_status::public.order_status as from_status,
        action::public.order_action as action,
        actor::public.order_actor as actor,
        to_status::public.order_status as to_status,
        notifies,
        timer_from,
        timer_delay::interval as timer_delay,
        coalesce(timer_unless::text[], '{}') as timer_unless,
        timer_runner
    from edges
    union all
    select
        from_status::public.order_status,
        action::public.order_action,
        actor::public.order_actor,
        to_status::public.order_status,
        action <> 'refund_failed' as notifies,
        null as timer_from,
        null as timer_delay,
        '{}' as timer_unless,
        null as timer_runner
    from money_edges
),

removed as (
    delete from private.order_transitions as t
    where not exists (
            select 1 from typed_edges as e
            where (e.from_status, e.action, e.actor) = (t.from_status, t.action, t.actor)
        )
)

insert into private.order_transitions (
    from_status, action, actor, to_status, notifies, timer_from, timer_delay, timer_unless, timer_runner
)
select
    from_status,
    action,
    actor,
    to_status,
    notifies,
    timer_from,
    timer_delay,
    timer_unless,
    timer_runner
from typed_edges
on conflict (from_status, action, actor) do update
    set
        to_status = excluded.to_status,
        notifies = excluded.notifies,
        timer_from = excluded.timer_from,
        timer_delay = excluded.timer_delay,
        timer_unless = excluded.timer_unless,
        timer_runner = excluded.timer_runner;

-- Timer intervals an operator had changed stay what they were.
update private.order_transitions as t
set
    timer_delay = case t.action
        when 'auto_complete' then p.auto_complete_after
        when 'expire_cancellation_request' then p.cancellation_request_expires_after
        when 'mark_very_late' then p.very_late_after
        when 'release_reviews' then p.reviews_released_after
    end
from previous_timer_settings as p
where t.action in ('auto_complete', 'expire_cancellation_request', 'mark_very_late', 'release_reviews');

insert into public.order_attributions (order_id, attribution)
select
    a.order_id,
    a.attribution
from previous_attributions as a;

-- Every order's timers, armed for the state it is in.
select private.arm_order_timers(o) from public.orders as o;
revoke all (clearance_period) on table private.platform_settings from service_role;
grant select (clearance_period) on table private.platform_settings to service_role;
revoke all (fee_bps) on table private.platform_settings from service_role;
grant select (fee_bps) on table private.platform_settings to service_role;
revoke all on function private.fee_cents(bigint, integer) from public, anon, authenticated, service_role;
grant execute on function private.fee_cents(bigint, integer) to anon;
grant execute on function private.fee_cents(bigint, integer) to authenticated;
grant execute on function private.fee_cents(bigint, integer) to service_role;
