-- Issue 17, webhooks: the checks every Whop payment passes through (payment_mismatches,
-- attribution_of, uuid_or_null) become PL/pgSQL, as the order machine's helpers did: a
-- SQL function with its own search_path is planned again on every call.
-- pg_stat_user_functions during paced webhook deliveries: payment_mismatches from 0.47
-- to 0.14 ms a payment. create or replace keeps each function's grants.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.attribution_of(
    metadata jsonb
)
returns jsonb
language plpgsql
immutable
set search_path to ''
as $function$
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
$function$;

create or replace function private.payment_mismatches(
    target public.orders,
    payment jsonb
)
returns text[]
language plpgsql
stable
set search_path to ''
as $function$
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
$function$;

create or replace function private.uuid_or_null(
    candidate text
)
returns uuid
language plpgsql
immutable
set search_path to ''
as $function$
begin
    return case
        when candidate ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then candidate::uuid
    end;
end;
$function$;
