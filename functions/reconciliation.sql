-- Reconciliation: webhooks are the fast path, Whop's API the source of truth. The worker
-- asks Whop about everything still waiting on it and hands the answers to the same entry
-- points as the webhooks (functions/whop_objects.sql), so the two paths cannot disagree.
-- This hands out what to ask about and remembers when each thing was last asked about
-- (the watermark). Service-role only.

-- Claim what is waiting on Whop and was not asked about within `recheck_after`: pending
-- payments (by checkout), requested refunds and refunds of quarantined payments (by
-- payment), sellers whose KYC is pending or whose payouts are not enabled yet (by
-- company: ledger account and payout methods), withdrawals in flight (by Whop's
-- id). An expired checkout is due again after a minute, since it must be settled.
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
$$;

revoke execute on function public.claim_reconciliation_work(integer, interval)
from public, anon, authenticated;
grant execute on function public.claim_reconciliation_work(integer, interval) to service_role;
