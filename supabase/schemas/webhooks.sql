-- The Whop webhook inbox and reconciliation's watermark. The worker verifies a
-- delivery's signature, stores it here (unique by webhook id) and only then answers 2xx;
-- processing happens from the inbox (functions/webhooks.sql), each event in its own
-- subtransaction, retried with backoff until it succeeds. Reconciliation
-- (functions/reconciliation.sql) asks Whop about what webhooks may have missed.

-- received -> processed | ignored (not ours / nothing to do) | unsupported (a payload
-- shape we do not read) | waiting (depends on an event not yet seen) | failed (handler
-- error, retried with backoff); waiting and failed go back through processing.
create type public.whop_event_status as enum (
    'received', 'processed', 'ignored', 'unsupported', 'waiting', 'failed'
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
    kind text not null check (kind in ('payment', 'refund', 'kyc', 'withdrawal')),
    subject text not null check (char_length(subject) between 1 and 100),
    checked_at timestamptz not null default now(),
    constraint whop_checks_pkey primary key (kind, subject)
);
comment on table private.whop_checks is
'When reconciliation last asked Whop about an open payment, refund or KYC check.';
revoke all on private.whop_checks from public, anon, authenticated;
