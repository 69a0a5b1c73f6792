-- Seller money and identity after the first sale: withdrawals and balances, refunds sent
-- to Whop by the worker (operators' too), Whop OAuth links and webhook secrets kept
-- encrypted, attribution kept with the payment, and admin views.

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
    settled_at timestamptz
);
comment on table public.withdrawals is
'Payouts of a seller''s available balance through Whop; written only by server functions.';
create index withdrawals_seller_id_idx on public.withdrawals (seller_id, currency);
create index withdrawals_in_flight_idx on public.withdrawals (created_at)
where status in ('requested', 'awaiting_payment', 'in_transit');
alter table public.withdrawals enable row level security;
revoke all on public.withdrawals from anon, authenticated;
grant select on public.withdrawals to authenticated;
grant all on public.withdrawals to service_role;

-- When the worker sent a requested refund to Whop (it is sent once, never again).
alter table public.refunds add column submitted_at timestamptz;
create index refunds_to_submit_idx on public.refunds (created_at)
where status = 'requested' and submitted_at is null;

create table private.whop_oauth_states (
    state_hash text primary key check (char_length(state_hash) = 64),
    user_id uuid not null references public.profiles (id) on delete cascade,
    code_verifier_ciphertext text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
);
create index whop_oauth_states_user_id_idx on private.whop_oauth_states (user_id);
revoke all on private.whop_oauth_states from public, anon, authenticated;

create table private.whop_oauth_links (
    user_id uuid primary key references public.profiles (id) on delete cascade,
    whop_user_id text not null unique check (char_length(whop_user_id) between 1 and 100),
    access_token_ciphertext text not null,
    refresh_token_ciphertext text,
    access_expires_at timestamptz not null,
    scope text,
    linked_at timestamptz not null default now(),
    refreshed_at timestamptz
);
revoke all on private.whop_oauth_links from public, anon, authenticated;

create table private.whop_webhook_endpoints (
    whop_webhook_id text primary key,
    url text not null,
    events text[] not null,
    secret_ciphertext text not null,
    created_at timestamptz not null default now()
);
revoke all on private.whop_webhook_endpoints from public, anon, authenticated;

alter table private.whop_checks drop constraint whop_checks_kind_check;
alter table private.whop_checks add constraint whop_checks_kind_check
check (kind in ('payment', 'refund', 'kyc', 'withdrawal'));

-- seller_balance gains withdrawals; its result shape changes, so it is made anew.
drop function public.seller_balance(uuid);

-- snapshot: functions/payouts.sql
-- Seller money after the sale: balances and withdrawals. Earnings clear a configurable
-- period after completion (private.platform_settings.clearance_period); a withdrawal
-- takes from the cleared amount the moment it is requested, and gives it back if Whop
-- fails, cancels or denies it.

-- A seller's money per currency: pending (not yet cleared), available (cleared, minus
-- withdrawals not failed), withdrawing (in flight at Whop), withdrawn (paid out), and
-- refunded (their share given back to buyers).
create or replace function private.balances_of(target_seller uuid)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint
)
language sql
stable
security definer
set search_path = ''
as $$
    with settings as (
        select s.clearance_period from private.platform_settings as s
    ),
    earned as (
        select
            o.currency,
            coalesce(pg_catalog.sum(o.seller_net_cents - o.net_refunded_cents) filter (
                where o.status not in ('completed', 'cancelled', 'refunded')
                    or o.completed_at > pg_catalog.now() - (select clearance_period from settings)
            ), 0)::bigint as pending_cents,
            coalesce(pg_catalog.sum(o.seller_net_cents - o.net_refunded_cents) filter (
                where o.status = 'completed'
                    and o.completed_at <= pg_catalog.now() - (select clearance_period from settings)
            ), 0)::bigint as cleared_cents,
            coalesce(pg_catalog.sum(o.net_refunded_cents), 0)::bigint as refunded_cents
        from public.orders as o
        where o.seller_id = target_seller and o.paid_at is not null
        group by o.currency
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
    )
    select
        coalesce(e.currency, p.currency),
        coalesce(e.pending_cents, 0),
        coalesce(e.cleared_cents, 0) - coalesce(p.withdrawing_cents, 0) - coalesce(p.withdrawn_cents, 0),
        coalesce(p.withdrawing_cents, 0),
        coalesce(p.withdrawn_cents, 0),
        coalesce(e.refunded_cents, 0)
    from earned as e
    full join paid_out as p on p.currency = e.currency
$$;

-- The caller's balance (or any seller's, for an admin).
create or replace function public.seller_balance(seller_id uuid default null)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    target_seller uuid := coalesce(seller_id, auth.uid());
begin
    if target_seller is distinct from auth.uid() and not private.is_admin() then
        raise exception using errcode = '42501', message = 'sellers see only their own balance';
    end if;
    return query select * from private.balances_of(target_seller);
end;
$$;

-- Reserve a withdrawal of at most the available balance. The seller's account row is
-- locked first, so two requests at once are decided one after the other and can never
-- overdraw. Returns the withdrawal and the Whop company that pays it.
create or replace function public.request_withdrawal(
    seller_id uuid, amount_cents integer, currency text default 'USD'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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
    insert into public.withdrawals (seller_id, amount_cents, currency)
    values (account.user_id, amount_cents, pg_catalog.upper(request_withdrawal.currency))
    returning * into created;
    return pg_catalog.jsonb_build_object(
        'withdrawal', pg_catalog.to_jsonb(created), 'whop_company_id', account.whop_company_id
    );
end;
$$;

-- What Whop says of a withdrawal (its answer to our request, a webhook, reconciliation).
-- Final states stay final; a repeated or stale report changes nothing.
create or replace function public.record_withdrawal(
    withdrawal_id uuid,
    whop_withdrawal_id text,
    status public.withdrawal_status,
    failure_reason text default null
)
returns public.withdrawals
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.withdrawals;
begin
    select w.* into target from public.withdrawals as w where w.id = withdrawal_id for update;
    if target.id is null then
        raise exception using errcode = 'P0002', message = format('withdrawal %s not found', withdrawal_id);
    end if;
    if target.whop_withdrawal_id is not null and whop_withdrawal_id is not null
        and target.whop_withdrawal_id <> record_withdrawal.whop_withdrawal_id then
        raise exception using
            errcode = '22023',
            message = format('withdrawal %s is Whop withdrawal %s', withdrawal_id, target.whop_withdrawal_id);
    end if;
    if target.status in ('completed', 'failed', 'canceled', 'denied') then
        return target;
    end if;
    update public.withdrawals as w
    set whop_withdrawal_id = coalesce(w.whop_withdrawal_id, record_withdrawal.whop_withdrawal_id),
        status = record_withdrawal.status,
        failure_reason = pg_catalog.left(record_withdrawal.failure_reason, 500),
        settled_at = case
            when record_withdrawal.status in ('completed', 'failed', 'canceled', 'denied') then pg_catalog.now()
        end,
        updated_at = pg_catalog.now()
    where w.id = target.id
    returning w.* into target;
    return target;
end;
$$;

-- Operators: how long earnings wait after completion before they can be withdrawn (the
-- window for disputes and chargebacks).
create or replace function public.set_clearance_period(days integer)
returns interval
language plpgsql
security definer
set search_path = ''
as $$
declare
    period interval;
begin
    if days is null or days not between 0 and 180 then
        raise exception using errcode = '22023', message = 'days must be between 0 and 180';
    end if;
    update private.platform_settings as s
    set clearance_period = pg_catalog.make_interval(days => set_clearance_period.days)
    returning s.clearance_period into period;
    return period;
end;
$$;

revoke execute on function private.balances_of(uuid) from public, anon, authenticated;
revoke execute on function public.set_clearance_period(integer) from public, anon, authenticated;
grant execute on function public.set_clearance_period(integer) to service_role;
revoke execute on function public.seller_balance(uuid) from public, anon;
revoke execute on function public.request_withdrawal(uuid, integer, text) from public, anon, authenticated;
revoke execute on function public.record_withdrawal(uuid, text, public.withdrawal_status, text)
from public, anon, authenticated;
grant execute on function public.seller_balance(uuid) to authenticated, service_role;
grant execute on function public.request_withdrawal(uuid, integer, text) to service_role;
grant execute on function public.record_withdrawal(uuid, text, public.withdrawal_status, text)
to service_role;
-- end snapshot: functions/payouts.sql

-- snapshot: functions/refunds.sql
-- Refunds go out through Whop. A refund is requested here (an admin's decision, a paid
-- order cancelled, a dispute resolved with a refund), submitted to Whop once by the
-- worker, and settled only when Whop confirms it (webhook or reconciliation, through
-- record_refund). Submission is claimed and stamped before the call, so a refund is
-- never sent twice, even when a worker dies mid-call.

-- Admin: refund an order fully (amount_cents null) or partly.
create or replace function public.request_refund(
    order_id uuid, amount_cents integer default null, reason text default null
)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
    amount integer;
    requested public.refunds;
begin
    if not private.is_admin() then
        raise exception using errcode = '42501', message = 'only an admin refunds an order';
    end if;
    target := private.lock_order(order_id);
    if target.paid_at is null then
        raise exception using errcode = '55000', message = format('order %s was never paid', target.id);
    end if;
    amount := coalesce(amount_cents, private.refundable_cents(target));
    if amount <= 0 or amount > private.refundable_cents(target) then
        raise exception using
            errcode = '22023',
            message = format(
                'refund of %s is not between 1 and the %s left to refund on order %s',
                amount, private.refundable_cents(target), target.id
            );
    end if;
    insert into public.refunds (order_id, amount_cents, reason, requested_by)
    values (
        target.id, amount,
        coalesce(pg_catalog.left(pg_catalog.btrim(reason), 500), 'refunded by an operator'),
        auth.uid()
    )
    returning * into requested;
    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target.id, 'admin', auth.uid(), 'refund_requested', target.status, target.status,
        pg_catalog.jsonb_build_object('refund_id', requested.id, 'amount_cents', amount)
    );
    return requested;
end;
$$;

-- Worker: the requested refunds to send to Whop now, each handed out once. `only_refund`
-- claims one named refund (an operator's, sent at once).
create or replace function public.claim_refunds_to_submit(
    max_refunds integer default 20, only_refund uuid default null
)
returns table (
    refund_id uuid, order_id uuid, whop_payment_id text, amount_cents integer, full_refund boolean
)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    with claimed as (
        update public.refunds as r
        set submitted_at = pg_catalog.now()
        where r.id in (
            select q.id from public.refunds as q
            join public.orders as o on o.id = q.order_id
            where q.status = 'requested' and q.submitted_at is null and o.whop_payment_id is not null
                and (only_refund is null or q.id = only_refund)
            order by q.created_at
            limit least(greatest(max_refunds, 1), 100)
            for update of q skip locked
        )
        returning r.id, r.order_id, r.amount_cents
    )
    select c.id, c.order_id, o.whop_payment_id, c.amount_cents,
        c.amount_cents = o.subtotal_cents - o.refunded_cents
    from claimed as c
    join public.orders as o on o.id = c.order_id;
end;
$$;

revoke execute on function public.request_refund(uuid, integer, text) from public, anon, authenticated;
revoke execute on function public.claim_refunds_to_submit(integer, uuid) from public, anon, authenticated;
grant execute on function public.request_refund(uuid, integer, text) to authenticated, service_role;
grant execute on function public.claim_refunds_to_submit(integer, uuid) to service_role;
-- end snapshot: functions/refunds.sql

-- snapshot: functions/worker_support.sql
-- What the worker needs beyond the order actions: checkout preparation, seller onboarding
-- and applying what Whop's API reports through the very handlers the webhooks use. All
-- service-role only.

-- Create the pending order and say where its money goes. A seller without a Whop
-- company cannot take payments, and nothing is written then.
create or replace function public.prepare_checkout(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]',
    attribution jsonb default '{}'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    company_id text;
    created public.orders;
begin
    select s.whop_company_id into company_id
    from public.gigs as g
    join public.seller_accounts as s on s.user_id = g.seller_id
    where g.id = prepare_checkout.gig_id;
    if company_id is null and exists (select 1 from public.gigs as g where g.id = prepare_checkout.gig_id) then
        raise exception using
            errcode = '55000',
            message = format('the seller of gig %s cannot take payments yet', prepare_checkout.gig_id);
    end if;
    created := public.create_pending_order(buyer_id, gig_id, tier, extras, attribution);
    return pg_catalog.jsonb_build_object('order', pg_catalog.to_jsonb(created), 'whop_company_id', company_id);
end;
$$;

-- The seller account behind a user, for onboarding and KYC sync.
create or replace function public.seller_account_for(seller_id uuid)
returns public.seller_accounts
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    account public.seller_accounts;
begin
    select s.* into account from public.seller_accounts as s where s.user_id = seller_account_for.seller_id;
    if account.user_id is null then
        raise exception using
            errcode = 'P0002',
            message = format('user %s has no seller account: call become_seller first', seller_id);
    end if;
    return account;
end;
$$;

-- Remember the seller's Whop connected company, once: linking another one is refused.
create or replace function public.link_whop_company(seller_id uuid, whop_company_id text)
returns public.seller_accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
    account public.seller_accounts := public.seller_account_for(seller_id);
begin
    if pg_catalog.char_length(coalesce(whop_company_id, '')) not between 1 and 64 then
        raise exception using errcode = '22023', message = 'whop_company_id must be 1 to 64 characters';
    end if;
    if account.whop_company_id is not null and account.whop_company_id <> link_whop_company.whop_company_id then
        raise exception using
            errcode = '55000',
            message = format('seller %s is already linked to Whop company %s', seller_id, account.whop_company_id);
    end if;
    update public.seller_accounts as s
    set whop_company_id = link_whop_company.whop_company_id,
        kyc_status = case when s.kyc_status = 'unstarted' then 'pending'::public.kyc_status else s.kyc_status end,
        kyc_updated_at = pg_catalog.now()
    where s.user_id = link_whop_company.seller_id
    returning s.* into account;
    return account;
end;
$$;

-- An order, as the checkout return page may ask about it: only its buyer.
create or replace function public.order_checkout(target_order_id uuid, buyer_id uuid)
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
    where o.id = target_order_id and o.buyer_id = order_checkout.buyer_id;
    if found_order.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return found_order;
end;
$$;

-- The caller's part in an order, for its chat: buyer or seller, and nobody else (who
-- learns only that there is no such order).
create or replace function public.order_participant(target_order_id uuid, user_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o where o.id = target_order_id;
    if found_order.id is null or order_participant.user_id not in (found_order.buyer_id, found_order.seller_id) then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return case when found_order.buyer_id = order_participant.user_id then 'buyer' else 'seller' end;
end;
$$;

-- Apply a Whop object read from the API (a payment for the checkout return page, a
-- ledger account's payout status for KYC sync, anything reconciliation finds) through
-- the same handler as the webhook carrying it. Returns what the inbox would record.
create or replace function public.apply_whop_object(
    event_type text,
    data jsonb,
    company_id text default null
)
returns public.whop_event_status
language sql
security definer
set search_path = ''
as $$
    select private.handle_whop_event(
        event_type,
        pg_catalog.jsonb_build_object('type', event_type, 'company_id', company_id, 'data', data)
    )
$$;

revoke execute on function public.prepare_checkout(uuid, uuid, public.package_tier, jsonb, jsonb)
from public, anon, authenticated;
revoke execute on function public.seller_account_for(uuid) from public, anon, authenticated;
revoke execute on function public.link_whop_company(uuid, text) from public, anon, authenticated;
revoke execute on function public.order_checkout(uuid, uuid) from public, anon, authenticated;
revoke execute on function public.apply_whop_object(text, jsonb, text) from public, anon, authenticated;
revoke execute on function public.order_participant(uuid, uuid) from public, anon, authenticated;
grant execute on function public.prepare_checkout(uuid, uuid, public.package_tier, jsonb, jsonb)
to service_role;
grant execute on function public.seller_account_for(uuid) to service_role;
grant execute on function public.link_whop_company(uuid, text) to service_role;
grant execute on function public.order_checkout(uuid, uuid) to service_role;
grant execute on function public.apply_whop_object(text, jsonb, text) to service_role;
grant execute on function public.order_participant(uuid, uuid) to service_role;
-- end snapshot: functions/worker_support.sql

-- snapshot: functions/whop_accounts.sql
-- Secrets the platform keeps for Whop: OAuth sign-in state (PKCE), linked Whop accounts
-- with their tokens, and the signing secrets of the webhooks the platform created. They
-- live in `private` (never exposed by the API) and only as ciphertext: the key is in
-- the worker's settings, never in the database. Service role only, except that a user
-- may see whether their own Whop account is linked.

-- Start a Whop OAuth sign-in: remember the state (by its hash) and the PKCE verifier.
create or replace function public.begin_whop_oauth(
    user_id uuid, state_hash text, code_verifier_ciphertext text, lifetime_seconds integer default 600
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
    expires timestamptz := pg_catalog.now() + pg_catalog.make_interval(secs => lifetime_seconds);
begin
    if lifetime_seconds is null or lifetime_seconds not between 60 and 3600 then
        raise exception using errcode = '22023', message = 'lifetime_seconds must be between 60 and 3600';
    end if;
    if pg_catalog.char_length(coalesce(state_hash, '')) <> 64 then
        raise exception using errcode = '22023', message = 'state_hash must be a hex SHA-256';
    end if;
    delete from private.whop_oauth_states as s where s.expires_at < pg_catalog.now() - interval '1 day';
    insert into private.whop_oauth_states (state_hash, user_id, code_verifier_ciphertext, expires_at)
    values (state_hash, user_id, code_verifier_ciphertext, expires);
    return expires;
end;
$$;

-- Finish it: the state is good once, before it expires.
create or replace function public.consume_whop_oauth_state(state_hash text)
returns table (user_id uuid, code_verifier_ciphertext text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    update private.whop_oauth_states as s
    set used_at = pg_catalog.now()
    where s.state_hash = consume_whop_oauth_state.state_hash
        and s.used_at is null and s.expires_at > pg_catalog.now()
    returning s.user_id, s.code_verifier_ciphertext;
    if not found then
        raise exception using errcode = '42501', message = 'unknown, expired or already used OAuth state';
    end if;
end;
$$;

-- Link (or re-link) a user's Whop account by the Whop user id Whop vouched for. One Whop
-- account belongs to one user.
create or replace function public.link_whop_account(
    user_id uuid,
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz,
    scope text default null
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
begin
    if exists (
        select 1 from private.whop_oauth_links as l
        where l.whop_user_id = link_whop_account.whop_user_id and l.user_id <> link_whop_account.user_id
    ) then
        raise exception using
            errcode = '23505', message = 'this Whop account is already linked to another user';
    end if;
    insert into private.whop_oauth_links as l (
        user_id, whop_user_id, access_token_ciphertext, refresh_token_ciphertext, access_expires_at, scope
    )
    values (
        link_whop_account.user_id, whop_user_id, access_token_ciphertext, refresh_token_ciphertext,
        access_expires_at, scope
    )
    on conflict on constraint whop_oauth_links_pkey do update
    set whop_user_id = excluded.whop_user_id,
        access_token_ciphertext = excluded.access_token_ciphertext,
        refresh_token_ciphertext = excluded.refresh_token_ciphertext,
        access_expires_at = excluded.access_expires_at,
        scope = excluded.scope,
        linked_at = pg_catalog.now(),
        refreshed_at = null;
    return pg_catalog.now();
end;
$$;

-- A user's link, tokens as ciphertext (none when not linked).
create or replace function public.whop_account_link(user_id uuid)
returns table (
    whop_user_id text,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
    select l.whop_user_id, l.access_token_ciphertext, l.refresh_token_ciphertext, l.access_expires_at
    from private.whop_oauth_links as l
    where l.user_id = whop_account_link.user_id
$$;

-- After a refresh: the new tokens, unless the link was removed meanwhile.
create or replace function public.store_refreshed_whop_tokens(
    user_id uuid,
    access_token_ciphertext text,
    refresh_token_ciphertext text,
    access_expires_at timestamptz
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    update private.whop_oauth_links as l
    set access_token_ciphertext = store_refreshed_whop_tokens.access_token_ciphertext,
        refresh_token_ciphertext = coalesce(
            store_refreshed_whop_tokens.refresh_token_ciphertext, l.refresh_token_ciphertext
        ),
        access_expires_at = store_refreshed_whop_tokens.access_expires_at,
        refreshed_at = pg_catalog.now()
    where l.user_id = store_refreshed_whop_tokens.user_id;
    return found;
end;
$$;

-- Unlink: the link goes, and its tokens are returned once so the worker can revoke them.
create or replace function public.unlink_whop_account(user_id uuid)
returns table (whop_user_id text, access_token_ciphertext text, refresh_token_ciphertext text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    return query
    delete from private.whop_oauth_links as l
    where l.user_id = unlink_whop_account.user_id
    returning l.whop_user_id, l.access_token_ciphertext, l.refresh_token_ciphertext;
    if not found then
        raise exception using errcode = 'P0002', message = 'no Whop account is linked';
    end if;
end;
$$;

-- The signed-in user's own link, without its tokens.
create or replace function public.my_whop_link()
returns table (whop_user_id text, linked_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
    select l.whop_user_id, l.linked_at from private.whop_oauth_links as l
    where l.user_id = (select auth.uid())
$$;

-- Webhooks the platform created at Whop, with their signing secrets (shown by Whop once).
create or replace function public.save_whop_webhook_endpoint(
    whop_webhook_id text, url text, events text[], secret_ciphertext text
)
returns void
language sql
security definer
set search_path = ''
as $$
    insert into private.whop_webhook_endpoints as e (whop_webhook_id, url, events, secret_ciphertext)
    values (whop_webhook_id, url, events, secret_ciphertext)
    on conflict on constraint whop_webhook_endpoints_pkey do update
    set url = excluded.url, events = excluded.events, secret_ciphertext = excluded.secret_ciphertext
$$;

create or replace function public.whop_webhook_endpoints()
returns table (whop_webhook_id text, url text, events text[], secret_ciphertext text)
language sql
stable
security definer
set search_path = ''
as $$
    select e.whop_webhook_id, e.url, e.events, e.secret_ciphertext
    from private.whop_webhook_endpoints as e
    order by e.created_at
$$;

create or replace function public.forget_whop_webhook_endpoint(whop_webhook_id text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    delete from private.whop_webhook_endpoints as e
    where e.whop_webhook_id = forget_whop_webhook_endpoint.whop_webhook_id;
    return found;
end;
$$;

-- Key rotation: every stored ciphertext, and a compare-and-swap to replace one with the
-- same secret under the new key.
create or replace function public.stored_ciphertexts()
returns table (kind text, id text, ciphertext text)
language sql
stable
security definer
set search_path = ''
as $$
    select 'oauth_access', l.user_id::text, l.access_token_ciphertext from private.whop_oauth_links as l
    union all
    select 'oauth_refresh', l.user_id::text, l.refresh_token_ciphertext from private.whop_oauth_links as l
    where l.refresh_token_ciphertext is not null
    union all
    select 'oauth_verifier', s.state_hash, s.code_verifier_ciphertext from private.whop_oauth_states as s
    where s.used_at is null and s.expires_at > pg_catalog.now()
    union all
    select 'webhook_secret', e.whop_webhook_id, e.secret_ciphertext from private.whop_webhook_endpoints as e
$$;

create or replace function public.replace_ciphertext(
    kind text, id text, old_ciphertext text, new_ciphertext text
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
    case kind
        when 'oauth_access' then
            update private.whop_oauth_links as l set access_token_ciphertext = new_ciphertext
            where l.user_id::text = id and l.access_token_ciphertext = old_ciphertext;
        when 'oauth_refresh' then
            update private.whop_oauth_links as l set refresh_token_ciphertext = new_ciphertext
            where l.user_id::text = id and l.refresh_token_ciphertext = old_ciphertext;
        when 'oauth_verifier' then
            update private.whop_oauth_states as s set code_verifier_ciphertext = new_ciphertext
            where s.state_hash = id and s.code_verifier_ciphertext = old_ciphertext;
        when 'webhook_secret' then
            update private.whop_webhook_endpoints as e set secret_ciphertext = new_ciphertext
            where e.whop_webhook_id = id and e.secret_ciphertext = old_ciphertext;
        else
            raise exception using errcode = '22023', message = format('unknown ciphertext kind %s', kind);
    end case;
    return found;
end;
$$;

revoke execute on function public.begin_whop_oauth(uuid, text, text, integer)
from public, anon, authenticated;
revoke execute on function public.consume_whop_oauth_state(text) from public, anon, authenticated;
revoke execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text)
from public, anon, authenticated;
revoke execute on function public.whop_account_link(uuid) from public, anon, authenticated;
revoke execute on function public.store_refreshed_whop_tokens(uuid, text, text, timestamptz)
from public, anon, authenticated;
revoke execute on function public.unlink_whop_account(uuid) from public, anon, authenticated;
revoke execute on function public.my_whop_link() from public, anon, authenticated;
revoke execute on function public.save_whop_webhook_endpoint(text, text, text[], text)
from public, anon, authenticated;
revoke execute on function public.whop_webhook_endpoints() from public, anon, authenticated;
revoke execute on function public.forget_whop_webhook_endpoint(text) from public, anon, authenticated;
revoke execute on function public.stored_ciphertexts() from public, anon, authenticated;
revoke execute on function public.replace_ciphertext(text, text, text, text) from public, anon, authenticated;
grant execute on function public.begin_whop_oauth(uuid, text, text, integer) to service_role;
grant execute on function public.consume_whop_oauth_state(text) to service_role;
grant execute on function public.link_whop_account(uuid, text, text, text, timestamptz, text) to service_role;
grant execute on function public.whop_account_link(uuid) to service_role;
grant execute on function public.store_refreshed_whop_tokens(uuid, text, text, timestamptz) to service_role;
grant execute on function public.unlink_whop_account(uuid) to service_role;
grant execute on function public.my_whop_link() to authenticated;
grant execute on function public.save_whop_webhook_endpoint(text, text, text[], text) to service_role;
grant execute on function public.whop_webhook_endpoints() to service_role;
grant execute on function public.forget_whop_webhook_endpoint(text) to service_role;
grant execute on function public.stored_ciphertexts() to service_role;
grant execute on function public.replace_ciphertext(text, text, text, text) to service_role;
-- end snapshot: functions/whop_accounts.sql

-- snapshot: functions/webhooks.sql
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

-- Store a verified delivery. Returns the inbox id and whether it was a duplicate (same
-- webhook-id header: Standard Webhooks keeps it across retries).
create or replace function public.ingest_whop_event(webhook_id text, payload jsonb)
returns table (event_id bigint, duplicate boolean)
language plpgsql
security definer
set search_path = ''
as $$
begin
    if pg_catalog.char_length(coalesce(webhook_id, '')) not between 1 and 200 then
        raise exception using errcode = '22023', message = 'webhook_id must be 1 to 200 characters';
    end if;
    if pg_catalog.jsonb_typeof(payload) is distinct from 'object'
        or pg_catalog.jsonb_typeof(payload -> 'type') is distinct from 'string'
        or pg_catalog.char_length(payload ->> 'type') not between 1 and 100 then
        raise exception using errcode = '22023', message = 'payload must be a JSON object with a type';
    end if;

    return query
    insert into public.whop_events as e (webhook_id, event_type, payload)
    values (ingest_whop_event.webhook_id, payload ->> 'type', payload)
    on conflict on constraint whop_events_webhook_id_key do nothing
    returning e.id, false;
    if not found then
        return query
        select e.id, true from public.whop_events as e where e.webhook_id = ingest_whop_event.webhook_id;
    end if;
end;
$$;

-- The order a payment belongs to: by our metadata, else by the Whop payment id.
create or replace function private.order_for_payment(payment jsonb)
returns public.orders
language sql
stable
security definer
set search_path = ''
as $$
    select o.* from public.orders as o
    where o.id = private.uuid_or_null(payment -> 'metadata' ->> 'gigflow_order_id')
        or o.whop_payment_id = payment ->> 'id'
    order by o.id = private.uuid_or_null(payment -> 'metadata' ->> 'gigflow_order_id') desc
    limit 1
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
                coalesce(data ->> 'currency', target.currency)
            );
            -- Where the buyer came from, as it travelled through Whop with the payment.
            update public.orders as o
            set attribution = o.attribution || coalesce((
                select pg_catalog.jsonb_object_agg(m.key, m.value)
                from pg_catalog.jsonb_each(coalesce(data -> 'metadata', '{}'::jsonb)) as m
                where m.key in ('visitor_id', 'session_id', 'utm_source', 'utm_medium', 'utm_campaign')
                    and pg_catalog.jsonb_typeof(m.value) = 'string'
            ), '{}'::jsonb)
            where o.id = target.id;
            -- A refund or dispute delivered before this payment waits with backoff; it
            -- can apply now, so it need not wait out its delay.
            update public.whop_events as e
            set next_attempt_at = pg_catalog.now()
            where e.status = 'waiting' and e.payload -> 'data' -> 'payment' ->> 'id' = data ->> 'id';
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
            where s.whop_company_id = coalesce(payload ->> 'company_id', data ->> 'company_id');
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
            if withdrawal_id is null or data ->> 'status' not in (
                'requested', 'awaiting_payment', 'in_transit', 'completed', 'failed', 'canceled', 'denied'
            ) then
                return 'ignored'::public.whop_event_status;
            end if;
            perform public.record_withdrawal(
                withdrawal_id, data ->> 'id', (data ->> 'status')::public.withdrawal_status,
                data ->> 'error_message'
            );
            return 'processed'::public.whop_event_status;

        else
            return 'ignored'::public.whop_event_status;
    end case;
end;
$$;

revoke execute on function private.handle_whop_event(text, jsonb) from public, anon, authenticated;

-- Process one stored event in the caller's transaction. Skips an event another worker
-- holds, and one already settled (so replays and races are harmless). A handler error
-- is caught in a subtransaction: its effects roll back, the event is marked failed with
-- the error and retried later with exponential backoff (1 minute doubling, at most 6 h).
create or replace function public.process_whop_event(event_id bigint)
returns public.whop_event_status
language plpgsql
security definer
set search_path = ''
as $$
declare
    event public.whop_events;
    outcome public.whop_event_status;
    failure_state text;
    failure_message text;
begin
    select e.* into event from public.whop_events as e where e.id = event_id for update skip locked;
    if event.id is null then
        return null;
    end if;
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
        next_attempt_at = pg_catalog.now()
            + least(interval '1 minute' * pg_catalog.power(2, least(e.attempts, 9)), interval '6 hours')
    where e.id = event.id;
    return outcome;
end;
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

revoke execute on function public.ingest_whop_event(text, jsonb) from public, anon, authenticated;
revoke execute on function public.process_whop_event(bigint) from public, anon, authenticated;
revoke execute on function public.due_whop_events(integer) from public, anon, authenticated;
revoke execute on function public.requeue_whop_events(bigint[]) from public, anon, authenticated;
grant execute on function public.ingest_whop_event(text, jsonb) to service_role;
grant execute on function public.process_whop_event(bigint) to service_role;
grant execute on function public.due_whop_events(integer) to service_role;
grant execute on function public.requeue_whop_events(bigint[]) to service_role;
-- end snapshot: functions/webhooks.sql

-- snapshot: functions/reconciliation.sql
-- Reconciliation: webhooks are the fast path, Whop's API the source of truth. The worker
-- asks Whop about everything still waiting on it and applies the answer through the
-- webhook handlers (apply_whop_object), so the two paths cannot disagree. These
-- functions hand out what to ask about, remember when each thing was last asked about
-- (the watermark), and cancel checkouts Whop confirmed unpaid. All service-role only.

-- Claim what is waiting on Whop and was not asked about within `recheck_after`: pending
-- payments (by checkout), requested refunds (by payment), sellers whose KYC is pending (by
-- company), withdrawals in flight (by Whop's id). An expired checkout is due again after a
-- minute, since it must be settled.
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
        where o.status = 'pending_payment' and o.whop_checkout_id is not null
        union all
        select 'refund', r.id::text, o.whop_payment_id, false
        from public.refunds as r
        join public.orders as o on o.id = r.order_id
        where r.status = 'requested' and o.whop_payment_id is not null
        union all
        select 'kyc', s.user_id::text, s.whop_company_id, false
        from public.seller_accounts as s
        where s.kyc_status = 'pending' and s.whop_company_id is not null
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

-- Whop says this expired checkout was never paid: the order is cancelled. Anything else
-- (not pending, not expired, no checkout) is refused, so a stale answer cannot cancel a
-- paid order.
create or replace function public.expire_unpaid_checkout(target_order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders := private.lock_order(target_order_id);
begin
    if target.status <> 'pending_payment' or target.whop_checkout_id is null
        or target.checkout_expires_at > pg_catalog.now() then
        raise exception using
            errcode = '55000',
            message = format('order %s is not an expired checkout awaiting payment', target_order_id);
    end if;
    return private.apply_order_action(target.id, 'expire_checkout', 'system');
end;
$$;

revoke execute on function public.claim_reconciliation_work(integer, interval)
from public, anon, authenticated;
revoke execute on function public.expire_unpaid_checkout(uuid) from public, anon, authenticated;
grant execute on function public.claim_reconciliation_work(integer, interval) to service_role;
grant execute on function public.expire_unpaid_checkout(uuid) to service_role;
-- end snapshot: functions/reconciliation.sql

-- snapshot: policies/payouts.sql
-- Withdrawals: a seller reads their own, admins read all; only the server writes them.

create policy "sellers read their withdrawals"
on public.withdrawals
for select
to authenticated
using (seller_id = (select auth.uid()) or (select private.is_admin()));
-- end snapshot: policies/payouts.sql

-- Admin views. security_invoker: the reader's own RLS applies underneath, and each view
-- also shows nothing unless the reader is an admin (or the service role).

-- Platform revenue per day: fees on payments that day, minus fees refunded that day.
create view public.admin_platform_revenue with (security_invoker = true) as
with movements as (
    select
        o.currency,
        (o.paid_at at time zone 'UTC')::date as day,
        count(*) as orders_paid,
        sum(o.subtotal_cents) as gross_cents,
        sum(o.fee_cents) as fee_cents,
        0 as fee_refunded_cents
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
        sum(r.fee_refund_cents) as fee_refunded_cents
    from public.refunds as r
    inner join public.orders as o on r.order_id = o.id
    where r.status = 'succeeded'
    group by o.currency, (r.settled_at at time zone 'UTC')::date
)

select
    m.day,
    m.currency,
    sum(m.orders_paid)::bigint as orders_paid,
    sum(m.gross_cents)::bigint as gross_cents,
    sum(m.fee_cents)::bigint as fee_cents,
    sum(m.fee_refunded_cents)::bigint as fee_refunded_cents,
    (sum(m.fee_cents) - sum(m.fee_refunded_cents))::bigint as revenue_cents
from movements as m
where (select private.is_admin())
group by m.day, m.currency;

-- Revenue per source: the attribution that travelled with each payment.
create view public.admin_revenue_by_source with (security_invoker = true) as
select
    o.currency,
    coalesce(o.attribution ->> 'utm_source', '(direct)') as utm_source,
    coalesce(o.attribution ->> 'utm_medium', '') as utm_medium,
    coalesce(o.attribution ->> 'utm_campaign', '') as utm_campaign,
    count(*)::bigint as orders_paid,
    sum(o.subtotal_cents - o.refunded_cents)::bigint as net_sales_cents,
    sum(o.fee_cents - o.fee_refunded_cents)::bigint as revenue_cents
from public.orders as o
where o.paid_at is not null and (select private.is_admin())
group by
    o.currency,
    coalesce(o.attribution ->> 'utm_source', '(direct)'),
    coalesce(o.attribution ->> 'utm_medium', ''),
    coalesce(o.attribution ->> 'utm_campaign', '');

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

revoke all on public.admin_platform_revenue, public.admin_revenue_by_source,
public.admin_open_disputes, public.admin_failed_webhooks, public.admin_sellers_awaiting_kyc,
public.admin_refunds_in_flight from anon, authenticated;
grant select on public.admin_platform_revenue, public.admin_revenue_by_source,
public.admin_open_disputes, public.admin_failed_webhooks, public.admin_sellers_awaiting_kyc,
public.admin_refunds_in_flight to authenticated, service_role;
