-- The Whop webhook inbox: ingest, process, retry, replay. Payloads are Whop's legacy
-- v1 shape (see whop-api.md): money in decimal dollars, our order id in the checkout
-- metadata under gigflow_order_id.

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

-- One event's effect: the entry point for the Whop object it carries
-- (functions/whop_objects.sql). Returns the inbox status it ends in; raises on failure
-- (the caller records the error and schedules a retry).
create or replace function private.handle_whop_event(event_type text, payload jsonb)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
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
$$;

revoke execute on function private.process_locked_whop_event(public.whop_events)
from public, anon, authenticated;

-- How many events one call of process_whop_events takes (the worker asks; the number
-- lives here only): 50 keeps the subtransactions within what each backend caches (64),
-- so snapshots of other sessions stay cheap.
create or replace function public.whop_events_per_call()
returns integer
language sql
immutable
set search_path = ''
as $$
    select 50
$$;

-- Process stored events in one transaction, in the order given, each in its own
-- subtransaction: one event's failure is recorded on it and leaves the others' effects.
-- Events another worker holds are skipped (and not returned).
create or replace function public.process_whop_events(event_ids bigint[])
returns table (event_id bigint, status public.whop_event_status)
language plpgsql
security definer
set search_path = ''
as $$
declare
    claimed public.whop_events;
begin
    if pg_catalog.cardinality(event_ids) > public.whop_events_per_call() then
        raise exception using
            errcode = '22023', message = format('at most %s events per call', public.whop_events_per_call());
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
revoke execute on function public.whop_events_per_call() from public, anon, authenticated;
grant execute on function public.whop_events_per_call() to service_role;
