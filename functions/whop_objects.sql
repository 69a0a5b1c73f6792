-- Whop's objects as Whop sends them (a webhook's `data`, or the API's answer to the
-- worker), decided here: what a status means, whether it is final, which order action or
-- record it makes. Every path that learns something from Whop (the webhook inbox, the
-- checkout return page, reconciliation, the seller routes) calls these with the object
-- untouched; the worker only fetches and forwards. Each returns what the inbox records:
-- processed (something changed), ignored (nothing to do, or not final yet), waiting
-- (depends on an object not yet seen), quarantined (a payment that is not its order's).
-- Shapes: docs/whop-api.md (the legacy v1 shape: money in decimal units, our order id in
-- the checkout metadata under gigflow_order_id). All service-role only.

-- Whop's decimal units (a JSON number or string) as integer cents, exactly: numeric is a
-- decimal type, so no binary rounding ever happens.
create or replace function private.whop_cents(amount jsonb)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
    if amount is null or pg_catalog.jsonb_typeof(amount) = 'null' then
        return null;
    end if;
    if pg_catalog.jsonb_typeof(amount) not in ('number', 'string') then
        raise exception using errcode = '22023', message = format('%s is not an amount', amount);
    end if;
    return pg_catalog.round((amount #>> '{}')::numeric * 100)::integer;
end;
$$;

-- These helpers are PL/pgSQL, like the order machine's: a SQL function with its own
-- search_path is planned again on every call, and every payment calls them.
create or replace function private.uuid_or_null(candidate text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
    return case
        when candidate ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then candidate::uuid
    end;
end;
$$;

-- An object's id, or the named refusal: an object without one cannot be recorded.
create or replace function private.whop_id(object jsonb, kind text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
    if pg_catalog.jsonb_typeof(object) is distinct from 'object'
        or pg_catalog.char_length(coalesce(object ->> 'id', '')) not between 1 and 100 then
        raise exception using errcode = '22023', message = format('a Whop %s needs an id of 1 to 100 characters', kind);
    end if;
    return object ->> 'id';
end;
$$;

-- Where the buyer came from, as it travelled through Whop with the payment's metadata.
create or replace function private.attribution_of(metadata jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
    if pg_catalog.jsonb_typeof(metadata) is distinct from 'object' then
        return '{}'::jsonb;
    end if;
    return coalesce((
        select pg_catalog.jsonb_object_agg(m.key, m.value)
        from pg_catalog.jsonb_each(metadata) as m
        where m.key in ('visitor_id', 'session_id', 'utm_source', 'utm_medium', 'utm_campaign')
            and pg_catalog.jsonb_typeof(m.value) = 'string'
    ), '{}'::jsonb);
end;
$$;

-- Why a paid payment is not this order's payment (empty: it is). Every fact must match
-- what the order and its seller say: a correctly signed event that names our order but
-- went through another checkout, to another company, or for another amount or fee is
-- not a payment of this order.
create or replace function private.payment_mismatches(target public.orders, payment jsonb)
returns text[]
language plpgsql
stable
set search_path = ''
as $$
begin
    return pg_catalog.array_remove(array[
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
    ], null);
end;
$$;

-- A Whop payment. Paid: the order's `pay` action if every fact is the order's, else the
-- payment is quarantined for an admin (one whose total Whop left out waits for Whop's
-- API to tell). Failed: the pending order's `fail_payment`. Anything else is not final.
-- `event_type` is a webhook's type: Whop's own status may be null, and then the type
-- says what happened.
create or replace function public.apply_whop_payment(payment jsonb, event_type text default null)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
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
        -- Only the order's own checkout failing gives it up: a failed payment that names
        -- the order from anyone else's checkout or company says nothing about it.
        if target.status <> 'pending_payment'
            or target.whop_checkout_id is null
            or payment ->> 'checkout_configuration_id' is distinct from target.whop_checkout_id
            or payment -> 'company' ->> 'id' is distinct from (
                select s.whop_company_id from public.seller_accounts as s where s.user_id = target.seller_id
            ) then
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
$$;

-- What Whop reports of the payments of an order's checkout (reconciliation, the checkout
-- return page): a paid one is applied; with none, a checkout past its expiry is given up.
-- Says what became of the checkout: paid, quarantined, expired, or waiting (nothing yet).
create or replace function public.apply_whop_checkout_payments(target_order_id uuid, payments jsonb)
returns text
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

-- Which money action a settled refund of `amount` is on this order: the rest of it, the
-- part that settles an admin's dispute decision, or a part.
create or replace function private.refund_action_for(target public.orders, amount integer)
returns public.order_action
language sql
immutable
set search_path = ''
as $$
    select case
        when amount = target.subtotal_cents - target.refunded_cents then 'refund_in_full'
        when target.status = 'disputed' and target.dispute_refund_cents is not null
            and target.refunded_cents + amount >= target.dispute_refund_cents then 'settle_dispute_refund'
        else 'refund_partially'
    end::public.order_action
$$;

-- A Whop refund: succeeded settles money on the order its payment paid; failed or
-- canceled closes the request it answers; pending or requires_action is not final. A
-- refund of a quarantined payment settles the quarantine's refund instead.
create or replace function public.apply_whop_refund(refund jsonb)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

-- A Whop dispute (chargeback) or its early warning. Every one is kept in chargebacks for
-- admins, with the deadline to respond. A real chargeback (needs_response, under_review)
-- freezes its order; won closes the dispute in the seller's favour; lost takes the money
-- back (refunded, the seller's share and, by the operator's policy, the fee). Warnings
-- and alerts freeze nothing.
create or replace function public.apply_whop_dispute(dispute jsonb, event_type text default null)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

-- Whop's word on a seller's payouts: the payout account status (a ledger account, or a
-- payout_account.status_updated event), a verification result, and whether a payout
-- method exists. KYC follows the status; payouts are enabled only when the account is
-- connected, verified and has a method.
create or replace function private.apply_seller_payouts(
    company_id text,
    payout_status text default null,
    kyc_signal public.kyc_status default null,
    has_method boolean default null
)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

-- A ledger account (GET /ledger_accounts/{company}): its payout account status.
create or replace function public.apply_whop_ledger_account(account jsonb, company_id text)
returns public.whop_event_status
language sql
security definer
set search_path = ''
as $$
    select private.apply_seller_payouts(company_id, account -> 'payout_account_details' ->> 'status')
$$;

-- A company's payout methods (GET /payout_methods, or one payout_method.created): some
-- exist, or none.
create or replace function public.apply_whop_payout_methods(company_id text, methods jsonb)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
begin
    if pg_catalog.jsonb_typeof(methods) is distinct from 'array' then
        raise exception using errcode = '22023', message = 'methods must be a JSON array of Whop payout methods';
    end if;
    return private.apply_seller_payouts(company_id, has_method => pg_catalog.jsonb_array_length(methods) > 0);
end;
$$;

-- A Whop withdrawal: ours by Whop's id, by the request the worker names, or the request
-- of that company and amount still waiting for Whop's id (a webhook can beat the worker's
-- own record of Whop's answer). Its status in Whop's words; one Whop adds later is kept
-- out rather than failing. A withdrawal from a seller's company that is none of ours was
-- made at Whop (the embedded payouts component withdraws directly): it is recorded once,
-- by Whop's id, and counts against the balance like ours; beyond what was available it is
-- the seller's debt (balances_of). Any other company's withdrawal is ignored.
create or replace function public.apply_whop_withdrawal(
    withdrawal jsonb, withdrawal_id uuid default null, company_id text default null
)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
declare
    reported_id text := private.whop_id(withdrawal, 'withdrawal');
    reported_company text := coalesce(withdrawal -> 'ledger_account' ->> 'company_id', company_id);
    recorded_here boolean := false;
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
            and s.whop_company_id = reported_company
            and w.amount_cents = private.whop_cents(withdrawal -> 'amount')
        order by w.created_at
        limit 1;
    end if;
    if ours is null then
        ours := private.record_withdrawal_made_at_whop(withdrawal, reported_company);
        if ours is null then
            return 'ignored'::public.whop_event_status;
        end if;
        -- Just recorded, as requested: its status follows as any report's does.
        recorded_here := true;
    end if;
    select w.* into before from public.withdrawals as w where w.id = ours;
    after := public.record_withdrawal(ours, reported_id, withdrawal ->> 'status', withdrawal ->> 'error_message');
    return case
        when recorded_here
            or (after.status, after.whop_withdrawal_id) is distinct from (before.status, before.whop_withdrawal_id)
            then 'processed' else 'ignored'
    end::public.whop_event_status;
end;
$$;

-- A withdrawal Whop reports for a seller's company that none of our requests made: the
-- row that records it (once per Whop id; a repeated report finds the same row), or null
-- when the company is no seller's. The seller's account is locked as request_withdrawal
-- and refund requests lock it, so balances are decided one after the other.
create or replace function private.record_withdrawal_made_at_whop(withdrawal jsonb, company_id text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
    reported_id text := private.whop_id(withdrawal, 'withdrawal');
    seller uuid;
    reported_cents integer := private.whop_cents(withdrawal -> 'amount');
    reported_currency text := pg_catalog.upper(withdrawal ->> 'currency');
    recorded uuid;
begin
    select s.user_id into seller from public.seller_accounts as s
    where s.whop_company_id = record_withdrawal_made_at_whop.company_id
    for update;
    if seller is null then
        return null;
    end if;
    if reported_cents is null or reported_cents <= 0 then
        raise exception using
            errcode = '22023', message = format('Whop withdrawal %s has no positive amount', reported_id);
    end if;
    if reported_currency is null or reported_currency !~ '^[A-Z]{3}$' then
        raise exception using
            errcode = '22023', message = format('Whop withdrawal %s has no currency', reported_id);
    end if;
    insert into public.withdrawals (seller_id, amount_cents, currency, whop_withdrawal_id, made_at_whop)
    values (seller, reported_cents, reported_currency, reported_id, true)
    on conflict (whop_withdrawal_id) do nothing;
    select w.id into recorded from public.withdrawals as w where w.whop_withdrawal_id = reported_id;
    return recorded;
end;
$$;

-- Admins decide what happens to a quarantined payment: refund it or keep it, once.
create or replace function private.check_quarantine_decision()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

create trigger quarantined_payments_decided_once
before update of decision on public.quarantined_payments
for each row execute function private.check_quarantine_decision();

-- Admin: refund a quarantined payment in full (the worker sends it to Whop) or keep it.
create or replace function public.decide_quarantined_payment(whop_payment_id text, decision text)
returns public.quarantined_payments
language plpgsql
set search_path = ''
as $$
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
$$;

-- Worker: the quarantined payments an admin decided to refund, each handed out once.
create or replace function public.claim_quarantine_refunds(max_refunds integer default 20)
returns table (whop_payment_id text, amount_cents integer)
language sql
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function private.whop_cents(jsonb) from public, anon, authenticated;
revoke execute on function private.uuid_or_null(text) from public, anon, authenticated;
revoke execute on function private.whop_id(jsonb, text) from public, anon, authenticated;
revoke execute on function private.attribution_of(jsonb) from public, anon, authenticated;
revoke execute on function private.payment_mismatches(public.orders, jsonb) from public, anon, authenticated;
-- Worker: Whop refused the refund of a quarantined payment; the admin sees why.
create or replace function public.record_quarantine_refund_refused(whop_payment_id text, reason text)
returns public.quarantined_payments
language sql
security definer
set search_path = ''
as $$
    update public.quarantined_payments as q
    set refund_failure = pg_catalog.left(reason, 500)
    where q.whop_payment_id = record_quarantine_refund_refused.whop_payment_id and q.refunded_at is null
    returning q.*
$$;

revoke execute on function public.apply_whop_payment(jsonb, text) from public, anon, authenticated;
revoke execute on function public.apply_whop_checkout_payments(uuid, jsonb) from public, anon, authenticated;
revoke execute on function private.refund_action_for(public.orders, integer) from public, anon, authenticated;
revoke execute on function public.apply_whop_refund(jsonb) from public, anon, authenticated;
revoke execute on function public.apply_whop_dispute(jsonb, text) from public, anon, authenticated;
revoke execute on function private.apply_seller_payouts(text, text, public.kyc_status, boolean)
from public, anon, authenticated;
revoke execute on function public.apply_whop_ledger_account(jsonb, text) from public, anon, authenticated;
revoke execute on function public.apply_whop_payout_methods(text, jsonb) from public, anon, authenticated;
revoke execute on function public.apply_whop_withdrawal(jsonb, uuid, text) from public, anon, authenticated;
revoke execute on function private.record_withdrawal_made_at_whop(jsonb, text)
from public, anon, authenticated;
revoke execute on function private.check_quarantine_decision() from public, anon, authenticated;
revoke execute on function public.decide_quarantined_payment(text, text) from public, anon, authenticated;
revoke execute on function public.claim_quarantine_refunds(integer) from public, anon, authenticated;
revoke execute on function public.record_quarantine_refund_refused(text, text)
from public, anon, authenticated;
grant execute on function public.apply_whop_payment(jsonb, text) to service_role;
grant execute on function public.apply_whop_checkout_payments(uuid, jsonb) to service_role;
grant execute on function public.apply_whop_refund(jsonb) to service_role;
grant execute on function public.apply_whop_dispute(jsonb, text) to service_role;
grant execute on function public.apply_whop_ledger_account(jsonb, text) to service_role;
grant execute on function public.apply_whop_payout_methods(text, jsonb) to service_role;
grant execute on function public.apply_whop_withdrawal(jsonb, uuid, text) to service_role;
grant execute on function public.decide_quarantined_payment(text, text) to authenticated, service_role;
grant execute on function public.claim_quarantine_refunds(integer) to service_role;
grant execute on function public.record_quarantine_refund_refused(text, text) to service_role;

comment on function public.decide_quarantined_payment(text, text) is
$$Decide a quarantined payment (a Whop payment that named an order without being its payment), once:
'refund' (the worker refunds it in full through Whop) or 'keep'.
@who admins
@error P0002 no such quarantined payment, or not an admin
@error 22023 the decision is not refund or keep
@error 55000 it was already decided$$;
