-- What operators read: revenue, open disputes, webhook failures, sellers awaiting KYC,
-- refunds in flight. Each view is security_invoker (the reader's own RLS applies
-- underneath) and shows nothing unless the reader is an admin (or the service role).

-- Platform revenue per day: fees on payments that day, minus fees refunded that day, plus
-- what sellers were charged that day beyond their orders (a lost chargeback's fee).
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

-- Revenue per source: the attribution that travelled with each payment.
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

create view public.admin_open_disputes with (security_invoker = true) as
select
    o.id as order_id,
    o.gig_title,
    o.buyer_id,
    o.seller_id,
    o.dispute_opened_by,
    o.dispute_reason,
    o.subtotal_cents,
    o.refunded_cents,
    o.currency,
    o.updated_at
from public.orders as o
where o.status = 'disputed' and (select private.is_admin());

create view public.admin_failed_webhooks with (security_invoker = true) as
select
    e.id,
    e.webhook_id,
    e.event_type,
    e.status,
    e.attempts,
    e.last_error,
    e.received_at,
    e.next_attempt_at
from public.whop_events as e
where e.status in ('failed', 'waiting', 'unsupported') and (select private.is_admin());

create view public.admin_sellers_awaiting_kyc with (security_invoker = true) as
select
    s.user_id as seller_id,
    p.username,
    s.kyc_status,
    s.whop_company_id,
    s.kyc_updated_at
from public.seller_accounts as s
inner join public.profiles as p on s.user_id = p.id
where s.kyc_status in ('unstarted', 'pending', 'failed') and (select private.is_admin());

-- Refunds asked of Whop and not yet confirmed (an unconfirmed submission needs a look).
create view public.admin_refunds_in_flight with (security_invoker = true) as
select
    r.id as refund_id,
    r.order_id,
    r.amount_cents,
    o.currency,
    r.reason,
    r.created_at,
    r.submitted_at
from public.refunds as r
inner join public.orders as o on r.order_id = o.id
where r.status = 'requested' and (select private.is_admin());

-- Chargebacks still to answer or decide, soonest deadline first.
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

-- Payments that named one of our orders but were not its payment, and what became of them.
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

-- Sellers who owe the platform (refunds settled after their money was withdrawn, charges).
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

revoke all on public.admin_platform_revenue, public.admin_revenue_by_source,
public.admin_open_disputes, public.admin_failed_webhooks, public.admin_sellers_awaiting_kyc,
public.admin_refunds_in_flight, public.admin_open_chargebacks, public.admin_quarantined_payments,
public.admin_seller_debts from anon, authenticated;
grant select on public.admin_platform_revenue, public.admin_revenue_by_source,
public.admin_open_disputes, public.admin_failed_webhooks, public.admin_sellers_awaiting_kyc,
public.admin_refunds_in_flight, public.admin_open_chargebacks, public.admin_quarantined_payments,
public.admin_seller_debts to authenticated, service_role;

-- The API reference (docs/api.md) is generated from these.
comment on view public.admin_platform_revenue is
$$Admins: the platform's fees per day and currency, minus fees refunded and plus fees charged back to
sellers.$$;
comment on view public.admin_revenue_by_source is
$$Admins: paid orders, net sales and fees per currency and per the UTM source, medium and campaign
that travelled with the payment.$$;
comment on view public.admin_open_disputes is
$$Admins: disputed orders waiting for a decision (resolve_dispute), with who opened the dispute and
why.$$;
comment on view public.admin_failed_webhooks is
$$Admins: Whop deliveries that failed, wait for an object not yet seen, or are of a type not handled,
with the last error and the next attempt.$$;
comment on view public.admin_sellers_awaiting_kyc is
$$Admins: sellers whose identity check at Whop is not finished.$$;
comment on view public.admin_refunds_in_flight is
$$Admins: refunds asked of Whop and not yet confirmed or refused, with when they were sent.$$;
comment on view public.admin_open_chargebacks is
$$Admins: Whop disputes (chargebacks) not yet won or lost, with the deadline to respond; early
warnings flagged.$$;
comment on view public.admin_quarantined_payments is
$$Admins: Whop payments that named an order without being its payment, why, and the decision and
refund.$$;
comment on view public.admin_seller_debts is
$$Admins: sellers who owe the platform (refunds or charges after their money was withdrawn), per
currency.$$;
