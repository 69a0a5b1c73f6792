-- Seller money after the sale: withdrawals of the available balance through Whop. The
-- balance and the withdrawal rules are in functions/payouts.sql.

-- Whop's own withdrawal states (whop-api.md); record_withdrawal maps Whop's words here.
create type public.withdrawal_status as enum (
    'requested', 'awaiting_payment', 'in_transit', 'completed', 'failed', 'canceled', 'denied'
);

create table public.withdrawals (
    id uuid primary key default gen_random_uuid(),
    seller_id uuid not null references public.seller_accounts (user_id) on delete restrict,
    amount_cents integer not null check (amount_cents > 0),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    status public.withdrawal_status not null default 'requested',
    whop_withdrawal_id text unique check (char_length(whop_withdrawal_id) between 1 and 100),
    failure_reason text check (char_length(failure_reason) <= 500),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    settled_at timestamptz,
    -- The seller's Whop payout method it goes to; null: Whop's default for the company.
    whop_payout_method_id text check (char_length(whop_payout_method_id) between 1 and 100),
    -- Made at Whop, not through GigFlow: the embedded payouts component (POST
    -- /tokens/payouts) can withdraw from the seller's company directly. Whop reported it
    -- (apply_whop_withdrawal), and it counts against the balance like any other.
    made_at_whop boolean not null default false
);
comment on table public.withdrawals is
'Payouts of a seller''s balance through Whop, requested here or made at Whop (made_at_whop); '
'written only by server functions.';
create index withdrawals_seller_id_idx on public.withdrawals (seller_id, currency);
create index withdrawals_in_flight_idx on public.withdrawals (created_at)
where status in ('requested', 'awaiting_payment', 'in_transit');
alter table public.withdrawals enable row level security;
revoke all on public.withdrawals from anon, authenticated;
grant select on public.withdrawals to authenticated;
grant all on public.withdrawals to service_role;

-- What Whop says of each seller's payouts: the payout account's status (ledger account)
-- and whether a payout method exists. seller_accounts.payout_enabled follows from them.
create table private.seller_payout_state (
    seller_id uuid primary key references public.seller_accounts (user_id) on delete cascade,
    payout_account_status text check (char_length(payout_account_status) <= 40),
    has_payout_method boolean not null default false,
    updated_at timestamptz not null default now()
);
comment on table private.seller_payout_state is
'Whop''s payout account status and payout method presence per seller; drives payout_enabled.';
revoke all on private.seller_payout_state from public, anon, authenticated;
