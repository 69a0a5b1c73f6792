-- The Whop webhook inbox: ingest, process, retry, replay. Payloads are Whop's legacy
-- v1 shape (see whop-api.md): money in decimal dollars, our order id in the checkout
-- metadata under gigflow_order_id.

-- Whop's decimal dollars (a JSON number or string) as integer cents, exactly: numeric is
-- a decimal type, so no binary rounding ever happens.
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

revoke execute on function private.whop_cents(jsonb) from public, anon, authenticated;

create or replace function private.uuid_or_null(candidate text)
returns uuid
language sql
immutable
set search_path = ''
as $$
    select case
        when candidate ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then candidate::uuid
    end
$$;

revoke execute on function private.uuid_or_null(text) from public, anon, authenticated;

-- Store verified deliveries, many in one transaction (the worker groups the deliveries
-- that arrive together, so one commit acknowledges them all). Each element is
-- {"webhook_id": ..., "payload": {...}}; one row comes back per element, in order, with
-- the inbox id and whether that webhook-id was already stored (Standard Webhooks keeps
-- it across retries), earlier in the same batch included. Nothing is stored unless every
-- element is well formed.
create or replace function public.ingest_whop_events(deliveries jsonb)
returns table (webhook_id text, event_id bigint, duplicate boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
    malformed bigint;
    fresh text[];
begin
    if pg_catalog.jsonb_typeof(deliveries) is distinct from 'array'
        or pg_catalog.jsonb_array_length(deliveries) > 1000 then
        raise exception using errcode = '22023', message = 'deliveries must be an array of at most 1000';
    end if;
    select min(d.position) into malformed
    from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
    where pg_catalog.jsonb_typeof(d.delivery -> 'webhook_id') is distinct from 'string'
        or pg_catalog.char_length(d.delivery ->> 'webhook_id') not between 1 and 200;
    if malformed is not null then
        raise exception using
            errcode = '22023', message = format('delivery %s: webhook_id must be 1 to 200 characters', malformed);
    end if;
    select min(d.position) into malformed
    from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
    where pg_catalog.jsonb_typeof(d.delivery -> 'payload') is distinct from 'object'
        or pg_catalog.jsonb_typeof(d.delivery -> 'payload' -> 'type') is distinct from 'string'
        or pg_catalog.char_length(d.delivery -> 'payload' ->> 'type') not between 1 and 100;
    if malformed is not null then
        raise exception using
            errcode = '22023', message = format('delivery %s: payload must be a JSON object with a type', malformed);
    end if;

    -- Inserted in webhook-id order, not arrival order: two batches sharing webhook ids
    -- then wait on each other's unique-index entries in the same order, never in a cycle.
    with inserted as (
        insert into public.whop_events as e (webhook_id, event_type, payload)
        select distinct on (d.delivery ->> 'webhook_id')
            d.delivery ->> 'webhook_id', d.delivery -> 'payload' ->> 'type', d.delivery -> 'payload'
        from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
        order by d.delivery ->> 'webhook_id', d.position
        on conflict on constraint whop_events_webhook_id_key do nothing
        returning e.webhook_id
    )
    select coalesce(pg_catalog.array_agg(i.webhook_id), '{}') into fresh from inserted as i;

    -- A new statement sees what a concurrent batch committed while ours waited on it.
    return query
    select
        d.delivery ->> 'webhook_id',
        e.id,
        not (
            e.webhook_id = any(fresh)
            and d.position = min(d.position) over (partition by d.delivery ->> 'webhook_id')
        )
    from pg_catalog.jsonb_array_elements(deliveries) with ordinality as d (delivery, position)
    join public.whop_events as e on e.webhook_id = d.delivery ->> 'webhook_id'
    order by d.position;
end;
$$;

-- One delivery: the batch of one.
create or replace function public.ingest_whop_event(webhook_id text, payload jsonb)
returns table (event_id bigint, duplicate boolean)
language sql
security definer
set search_path = ''
as $$
    select stored.event_id, stored.duplicate
    from public.ingest_whop_events(
        pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object('webhook_id', webhook_id, 'payload', payload)
        )
    ) as stored
$$;

-- The order a payment belongs to: by our metadata, else by the Whop payment id. Two
-- lookups rather than one OR, so each is a single primary or unique index probe.
create or replace function private.order_for_payment(payment jsonb)
returns public.orders
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o
    where o.id = private.uuid_or_null(payment -> 'metadata' ->> 'gigflow_order_id');
    if found_order.id is null then
        select o.* into found_order from public.orders as o where o.whop_payment_id = payment ->> 'id';
    end if;
    return found_order;
end;
$$;

revoke execute on function private.order_for_payment(jsonb) from public, anon, authenticated;

-- KYC signals from Whop, mapped to our four states (whop-api.md section 4).
create or replace function private.kyc_status_from_whop(event_type text, data jsonb)
returns public.kyc_status
language sql
immutable
set search_path = ''
as $$
    select case
        when event_type = 'verification.succeeded' then 'verified'
        when event_type = 'identity_profile.approved' then 'verified'
        when event_type = 'identity_profile.rejected' then 'failed'
        when event_type = 'identity_profile.needs_action' then 'pending'
        when event_type = 'payout_account.status_updated' then
            case data ->> 'status'
                when 'connected' then 'verified'
                when 'verification_failed' then 'failed'
                when 'disabled' then 'failed'
                when 'action_required' then 'pending'
                when 'pending_verification' then 'pending'
            end
    end::public.kyc_status
$$;

revoke execute on function private.kyc_status_from_whop(text, jsonb) from public, anon, authenticated;

-- One event's effect. Returns the inbox status it ends in; raises on failure (the caller
-- records the error and schedules a retry).
create or replace function private.handle_whop_event(event_type text, payload jsonb)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
declare
    data jsonb := payload -> 'data';
    target public.orders;
    request_id uuid;
    seller uuid;
    new_kyc public.kyc_status;
    withdrawal_id uuid;
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

    case
        when event_type = 'payment.succeeded' then
            target := private.order_for_payment(data);
            if target.id is null then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_payment(
                target.id,
                data ->> 'id',
                coalesce(private.whop_cents(data -> 'total'), target.subtotal_cents),
                coalesce(data ->> 'currency', target.currency),
                -- Where the buyer came from, as it travelled through Whop with the payment.
                coalesce((
                    select pg_catalog.jsonb_object_agg(m.key, m.value)
                    from pg_catalog.jsonb_each(coalesce(data -> 'metadata', '{}'::jsonb)) as m
                    where m.key in ('visitor_id', 'session_id', 'utm_source', 'utm_medium', 'utm_campaign')
                        and pg_catalog.jsonb_typeof(m.value) = 'string'
                ), '{}'::jsonb)
            );
            -- A refund or dispute delivered before this payment waits with backoff; it
            -- can apply now, so it need not wait out its delay. One another worker holds
            -- is being tried right now: skipping it keeps two batches from waiting on
            -- each other. (whop_events_waiting_payment_idx finds them without reading
            -- the backlog.)
            update public.whop_events as e
            set next_attempt_at = pg_catalog.now()
            where e.id in (
                select w.id from public.whop_events as w
                where w.status = 'waiting' and w.payload -> 'data' -> 'payment' ->> 'id' = data ->> 'id'
                for update skip locked
            );
            return 'processed'::public.whop_event_status;

        when event_type = 'payment.failed' then
            target := private.order_for_payment(data);
            if target.id is null or target.status <> 'pending_payment' then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_payment_failed(target.id, data ->> 'failure_message');
            return 'processed'::public.whop_event_status;

        when event_type in ('refund.created', 'refund.updated') then
            target := private.order_for_payment(data -> 'payment');
            if data ->> 'status' in ('pending', 'requires_action') then
                return 'ignored'::public.whop_event_status;
            end if;
            -- A refund names its payment and carries the checkout metadata: with neither
            -- matching, the payment was not one of ours.
            if target.id is null
                and private.uuid_or_null(data -> 'payment' -> 'metadata' ->> 'gigflow_order_id') is null then
                return 'ignored'::public.whop_event_status;
            end if;
            if target.id is null or target.paid_at is null then
                -- The payment's own event has not been processed yet: try again later.
                return 'waiting'::public.whop_event_status;
            end if;
            select r.id into request_id from public.refunds as r
            where r.order_id = target.id and r.status = 'requested'
                and (r.whop_refund_id = data ->> 'id'
                    or (r.whop_refund_id is null and r.amount_cents = private.whop_cents(data -> 'amount')))
            order by r.whop_refund_id is null, r.created_at
            limit 1;
            if data ->> 'status' in ('failed', 'canceled') then
                if request_id is not null then
                    perform public.record_refund_failed(request_id, data ->> 'status');
                end if;
                return 'processed'::public.whop_event_status;
            end if;
            if data ->> 'status' is distinct from 'succeeded' then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_refund(
                target.id,
                data ->> 'id',
                coalesce(private.whop_cents(data -> 'amount'), target.subtotal_cents - target.refunded_cents),
                request_id
            );
            return 'processed'::public.whop_event_status;

        when event_type in ('dispute.created', 'dispute.updated') then
            target := private.order_for_payment(data -> 'payment');
            if target.id is null then
                return 'waiting'::public.whop_event_status;
            end if;
            -- Early warnings are not chargebacks; a real one freezes the order once.
            if data ->> 'status' in ('needs_response', 'under_review')
                and exists (
                    select 1 from private.order_transitions as t
                    where t.from_status = target.status and t.action = 'open_dispute' and t.actor = 'system'
                ) then
                perform private.apply_order_action(
                    target.id, 'open_dispute', 'system',
                    pg_catalog.jsonb_build_object(
                        'reason', format('chargeback: %s', coalesce(data ->> 'reason', 'unknown reason')),
                        'whop_dispute_id', data ->> 'id'
                    )
                );
                return 'processed'::public.whop_event_status;
            end if;
            return 'ignored'::public.whop_event_status;

        when event_type in (
            'verification.succeeded', 'payout_account.status_updated',
            'identity_profile.approved', 'identity_profile.rejected', 'identity_profile.needs_action'
        ) then
            new_kyc := private.kyc_status_from_whop(event_type, data);
            select s.user_id into seller from public.seller_accounts as s
            where s.whop_company_id = coalesce(payload ->> 'company_id', data ->> 'company_id')
                -- A status the seller already has changes nothing.
                and s.kyc_status is distinct from new_kyc;
            if new_kyc is null or seller is null then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.set_seller_kyc_status(seller, new_kyc);
            return 'processed'::public.whop_event_status;

        when event_type in ('withdrawal.created', 'withdrawal.updated') then
            -- Ours by Whop's id, or the request of that company and amount still waiting
            -- for the id (the webhook can beat the worker's own record of the answer).
            select w.id into withdrawal_id from public.withdrawals as w
            where w.whop_withdrawal_id = data ->> 'id';
            if withdrawal_id is null then
                select w.id into withdrawal_id
                from public.withdrawals as w
                join public.seller_accounts as s on s.user_id = w.seller_id
                where w.whop_withdrawal_id is null and w.status = 'requested'
                    and s.whop_company_id = coalesce(
                        data -> 'ledger_account' ->> 'company_id', payload ->> 'company_id'
                    )
                    and w.amount_cents = private.whop_cents(data -> 'amount')
                order by w.created_at
                limit 1;
            end if;
            if withdrawal_id is null or private.withdrawal_status_of(data ->> 'status') is null then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_withdrawal(
                withdrawal_id, data ->> 'id', data ->> 'status', data ->> 'error_message'
            );
            return 'processed'::public.whop_event_status;

        else
            return 'ignored'::public.whop_event_status;
    end case;
end;
$$;

revoke execute on function private.handle_whop_event(text, jsonb) from public, anon, authenticated;

-- Process one event the caller holds locked. Skips one already settled (so replays and
-- races are harmless). A handler error is caught in a subtransaction: its effects roll
-- back, the event is marked failed with the error and retried later with exponential
-- backoff (1 minute doubling, at most 6 h).
create or replace function private.process_locked_whop_event(event public.whop_events)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
declare
    outcome public.whop_event_status;
    failure_state text;
    failure_message text;
begin
    if event.status in ('processed', 'ignored', 'unsupported') then
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
        processed_at = case when outcome in ('processed', 'ignored', 'unsupported') then pg_catalog.now() end,
        -- Losing a deadlock or a lock race to another batch says nothing about the event:
        -- it is tried again at once.
        next_attempt_at = pg_catalog.now() + case
            when failure_state in ('40P01', '40001', '55P03') then interval '0'
            else least(interval '1 minute' * pg_catalog.power(2, least(e.attempts, 9)), interval '6 hours')
        end
    where e.id = event.id;
    return outcome;
end;
$$;

revoke execute on function private.process_locked_whop_event(public.whop_events)
from public, anon, authenticated;

-- Process stored events in one transaction, in the order given, each in its own
-- subtransaction: one event's failure is recorded on it and leaves the others' effects.
-- Events another worker holds are skipped (and not returned). At most 50 per call, so
-- the subtransactions stay within what each backend caches (64) and snapshots of other
-- sessions stay cheap.
create or replace function public.process_whop_events(event_ids bigint[])
returns table (event_id bigint, status public.whop_event_status)
language plpgsql
security definer
set search_path = ''
as $$
declare
    claimed public.whop_events;
begin
    if pg_catalog.cardinality(event_ids) > 50 then
        raise exception using errcode = '22023', message = 'at most 50 events per call';
    end if;
    for claimed in
        select e.* from public.whop_events as e
        join pg_catalog.unnest(event_ids) with ordinality as wanted (id, position) on wanted.id = e.id
        order by wanted.position
        for update of e skip locked
    loop
        event_id := claimed.id;
        status := private.process_locked_whop_event(claimed);
        return next;
    end loop;
end;
$$;

-- One event: null when another worker holds it.
create or replace function public.process_whop_event(event_id bigint)
returns public.whop_event_status
language sql
security definer
set search_path = ''
as $$
    select processed.status from public.process_whop_events(array[event_id]) as processed
$$;

-- Events due for (another) try, oldest first.
create or replace function public.due_whop_events(max_events integer default 100)
returns setof bigint
language sql
stable
security definer
set search_path = ''
as $$
    select e.id from public.whop_events as e
    where e.status in ('received', 'waiting', 'failed') and e.next_attempt_at <= pg_catalog.now()
    order by e.next_attempt_at, e.id
    limit least(greatest(max_events, 1), 1000)
$$;

-- Operator command: put events back in line now (by id, or every failed one).
create or replace function public.requeue_whop_events(event_ids bigint[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
    requeued integer;
begin
    update public.whop_events as e
    set status = 'received', next_attempt_at = pg_catalog.now()
    where (event_ids is null and e.status in ('failed', 'waiting'))
        or e.id = any(event_ids);
    get diagnostics requeued = row_count;
    return requeued;
end;
$$;

revoke execute on function public.ingest_whop_events(jsonb) from public, anon, authenticated;
revoke execute on function public.ingest_whop_event(text, jsonb) from public, anon, authenticated;
revoke execute on function public.process_whop_events(bigint[]) from public, anon, authenticated;
revoke execute on function public.process_whop_event(bigint) from public, anon, authenticated;
revoke execute on function public.due_whop_events(integer) from public, anon, authenticated;
revoke execute on function public.requeue_whop_events(bigint[]) from public, anon, authenticated;
grant execute on function public.ingest_whop_events(jsonb) to service_role;
grant execute on function public.ingest_whop_event(text, jsonb) to service_role;
grant execute on function public.process_whop_events(bigint[]) to service_role;
grant execute on function public.process_whop_event(bigint) to service_role;
grant execute on function public.due_whop_events(integer) to service_role;
grant execute on function public.requeue_whop_events(bigint[]) to service_role;
