-- The Whop webhook inbox and reconciliation's watermark. The worker verifies a
-- delivery's signature, stores it here (unique by webhook id) and only then answers 2xx;
-- processing happens from the inbox (functions/webhooks.sql), each event in its own
-- subtransaction, retried with backoff until it succeeds. Reconciliation
-- (functions/reconciliation.sql) asks Whop about what webhooks may have missed.

-- received -> processed | ignored (not ours / nothing to do) | unsupported (a payload
-- shape we do not read) | waiting (depends on an event not yet seen) | failed (handler
-- error, retried with backoff) | quarantined (a payment that names one of our orders but
-- is not that order's payment: kept for an admin, never applied, never retried); waiting
-- and failed go back through processing.
create type public.whop_event_status as enum (
    'received', 'processed', 'ignored', 'unsupported', 'waiting', 'failed', 'quarantined'
);

create table public.whop_events (
    id bigint generated always as identity primary key,
    webhook_id text not null unique check (char_length(webhook_id) between 1 and 200),
    event_type text not null check (char_length(event_type) between 1 and 100),
    payload jsonb not null check (jsonb_typeof(payload) = 'object'),
    status public.whop_event_status not null default 'received',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    received_at timestamptz not null default now(),
    processed_at timestamptz
);
comment on table public.whop_events is
'Every verified Whop webhook delivery, kept at least 30 days for dedup; admin-only.';
create index whop_events_due_idx on public.whop_events (next_attempt_at)
where status in ('received', 'waiting', 'failed');
-- What a waiting refund or dispute waits for: its payment.
create index whop_events_waiting_payment_idx
on public.whop_events ((payload -> 'data' -> 'payment' ->> 'id'))
where status = 'waiting';

alter table public.whop_events enable row level security;
revoke all on public.whop_events from anon, authenticated;
grant all on public.whop_events to service_role;
grant select on public.whop_events to authenticated;

-- When reconciliation last asked Whop about each open item: several workers share the
-- work (claim_reconciliation_work) and nothing is asked about twice in one interval.
create table private.whop_checks (
    kind text not null check (kind in ('payment', 'refund', 'kyc', 'withdrawal', 'quarantine_refund')),
    subject text not null check (char_length(subject) between 1 and 100),
    checked_at timestamptz not null default now(),
    constraint whop_checks_pkey primary key (kind, subject)
);
comment on table private.whop_checks is
'When reconciliation last asked Whop about an open payment, refund or KYC check.';
revoke all on private.whop_checks from public, anon, authenticated;

-- Payments that name one of our orders but are not its payment (another checkout, another
-- company, another amount or fee, or a second payment of a paid order): never applied.
-- An admin decides: refund it (the worker sends a full refund to Whop once) or keep it.
create table public.quarantined_payments (
    whop_payment_id text primary key check (char_length(whop_payment_id) between 1 and 100),
    order_id uuid references public.orders (id) on delete restrict,
    reasons text[] not null check (cardinality(reasons) > 0),
    amount_cents integer,
    currency text check (currency ~ '^[A-Z]{3}$'),
    payment jsonb not null check (jsonb_typeof(payment) = 'object'),
    received_at timestamptz not null default now(),
    decision text not null default 'undecided' check (decision in ('undecided', 'refund', 'keep')),
    decided_by uuid references public.profiles (id) on delete set null,
    decided_at timestamptz,
    refund_submitted_at timestamptz,
    refunded_at timestamptz,
    refund_failure text check (char_length(refund_failure) <= 500),
    constraint decisions_are_stamped check ((decision = 'undecided') = (decided_at is null))
);
comment on table public.quarantined_payments is
'Payments naming one of our orders that are not its payment; an admin decides refund or keep.';
create index quarantined_payments_order_id_idx on public.quarantined_payments (order_id);
create index quarantined_payments_decided_by_idx on public.quarantined_payments (decided_by);
create index quarantined_payments_to_refund_idx on public.quarantined_payments (decided_at)
where decision = 'refund' and refund_submitted_at is null;
alter table public.quarantined_payments enable row level security;
revoke all on public.quarantined_payments from anon, authenticated;
grant all on public.quarantined_payments to service_role;
grant select on public.quarantined_payments to authenticated;
-- Admins decide, and only that (the policy and the trigger in functions/whop_objects.sql).
grant update (decision) on public.quarantined_payments to authenticated;
