-- Seller money after the sale: balances and withdrawals. Earnings clear a configurable
-- period after completion (private.platform_settings.clearance_period). A withdrawal takes
-- from the cleared amount the moment it is requested and gives it back if Whop fails,
-- cancels or denies it; a refund takes the seller's share the moment it is requested. A
-- refund that settles after the money was withdrawn, or a lost chargeback's fee the
-- seller bears, leaves a debt that later earnings pay first: available is never negative.

-- A seller's money per currency, as the caller may see it (the seller: their own; an
-- admin: anyone's):
--   pending      earnings not yet cleared (net of refunds, settled or asked for)
--   available    what may be withdrawn now
--   withdrawing  in flight at Whop
--   withdrawn    paid out
--   refunded     the seller's share given back to buyers
--   held         the seller's share of refunds asked for and not yet settled
--   debt         what the seller owes: charges and refunds beyond the cleared earnings
create or replace function private.balances_of(target_seller uuid)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint,
    held_cents bigint,
    debt_cents bigint
)
language sql
stable
set search_path = ''
as $$
    with settings as (
        select s.clearance_period from private.platform_settings as s
    ),

    orders_now as (
        select
            o.currency,
            o.net_refunded_cents,
            o.status = 'completed'
            and o.completed_at <= pg_catalog.now() - (select clearance_period from settings) as cleared,
            -- The seller's share of refunds asked for: what is left if they settle.
            coalesce((
                select pg_catalog.sum(r.amount_cents - private.fee_share(o, r.amount_cents))
                from public.refunds as r where r.order_id = o.id and r.status = 'requested'
            ), 0) as held,
            o.seller_net_cents - o.net_refunded_cents as net
        from public.orders as o
        where o.seller_id = target_seller and o.paid_at is not null
    ),

    earned as (
        select
            n.currency,
            coalesce(pg_catalog.sum(n.net - n.held) filter (where not n.cleared), 0)::bigint as pending_cents,
            coalesce(pg_catalog.sum(n.net - n.held) filter (where n.cleared), 0)::bigint as cleared_cents,
            coalesce(pg_catalog.sum(n.net_refunded_cents), 0)::bigint as refunded_cents,
            coalesce(pg_catalog.sum(n.held), 0)::bigint as held_cents
        from orders_now as n
        group by n.currency
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
    ),

    adjusted as (
        select a.currency, pg_catalog.sum(a.amount_cents)::bigint as adjustment_cents
        from public.seller_adjustments as a
        where a.seller_id = target_seller
        group by a.currency
    ),

    currencies as (
        select e.currency from earned as e
        union
        select p.currency from paid_out as p
        union
        select a.currency from adjusted as a
    ),

    totals as (
        select
            c.currency,
            coalesce(e.pending_cents, 0) as pending_cents,
            coalesce(e.cleared_cents, 0) + coalesce(a.adjustment_cents, 0)
            - coalesce(p.withdrawing_cents, 0) - coalesce(p.withdrawn_cents, 0) as spendable_cents,
            coalesce(p.withdrawing_cents, 0) as withdrawing_cents,
            coalesce(p.withdrawn_cents, 0) as withdrawn_cents,
            coalesce(e.refunded_cents, 0) as refunded_cents,
            coalesce(e.held_cents, 0) as held_cents
        from currencies as c
        left join earned as e on e.currency = c.currency
        left join paid_out as p on p.currency = c.currency
        left join adjusted as a on a.currency = c.currency
    )

    select
        t.currency,
        t.pending_cents,
        greatest(t.spendable_cents, 0),
        t.withdrawing_cents,
        t.withdrawn_cents,
        t.refunded_cents,
        t.held_cents,
        greatest(-t.spendable_cents, 0)
    from totals as t
$$;

-- The caller's balance (or any seller's, for an admin).
create or replace function public.seller_balance(seller_id uuid default null)
returns table (
    currency text,
    pending_cents bigint,
    available_cents bigint,
    withdrawing_cents bigint,
    withdrawn_cents bigint,
    refunded_cents bigint,
    held_cents bigint,
    debt_cents bigint
)
language plpgsql
stable
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

-- Reserve a withdrawal of at most the available balance, to Whop's default payout method
-- or the one named; none while the seller is suspended (GF003). The seller's account row
-- is locked first (refund requests lock it too), so withdrawals and refunds of the same
-- money are decided one after the other and can never both have it. Returns the
-- withdrawal and the Whop company that pays it.
create or replace function public.request_withdrawal(
    seller_id uuid, amount_cents integer, currency text default 'USD', payout_method_id text default null
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
    if account.suspended_at is not null then
        raise exception using
            errcode = 'GF003',
            message = format('withdrawals are held while seller %s is suspended', account.user_id),
            hint = 'The balance stays; withdrawals resume when the platform reinstates the seller.';
    end if;
    if account.kyc_status <> 'verified' or account.whop_company_id is null then
        raise exception using errcode = 'GF001', message = 'withdrawals need a verified Whop account';
    end if;
    if amount_cents is null or amount_cents <= 0 then
        raise exception using errcode = '22023', message = 'amount_cents must be a positive number of cents';
    end if;
    if payout_method_id is not null and pg_catalog.char_length(payout_method_id) not between 1 and 100 then
        raise exception using errcode = '22023', message = 'payout_method_id must be 1 to 100 characters';
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
    insert into public.withdrawals (seller_id, amount_cents, currency, whop_payout_method_id)
    values (account.user_id, amount_cents, pg_catalog.upper(request_withdrawal.currency), payout_method_id)
    returning * into created;
    return pg_catalog.jsonb_build_object(
        'withdrawal', pg_catalog.to_jsonb(created), 'whop_company_id', account.whop_company_id
    );
end;
$$;

-- The company whose payouts a seller may manage in Whop's embedded payouts component
-- (which can withdraw too): none while the seller is suspended (GF003), as for
-- request_withdrawal; otherwise their Whop company (seller_whop_company).
create or replace function public.seller_payouts_company(seller_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if (public.seller_account_for(seller_id)).suspended_at is not null then
        raise exception using
            errcode = 'GF003',
            message = format('payouts are held while seller %s is suspended', seller_id),
            hint = 'Withdrawals resume when the platform reinstates the seller.';
    end if;
    return public.seller_whop_company(seller_id);
end;
$$;

revoke execute on function public.seller_payouts_company(uuid) from public, anon, authenticated;
grant execute on function public.seller_payouts_company(uuid) to service_role;

-- Whop's word for a withdrawal's state as ours, or null for one we do not know (Whop
-- may add states: such a report is kept out rather than failing).
create or replace function private.withdrawal_status_of(whop_status text)
returns public.withdrawal_status
language sql
stable
set search_path = ''
as $$
    select known from pg_catalog.unnest(pg_catalog.enum_range(null::public.withdrawal_status)) as known
    where known::text = whop_status
$$;

-- What Whop says of a withdrawal (its answer to our request, a webhook, reconciliation),
-- in Whop's words. Final states stay final; a repeated or stale report changes nothing,
-- and a state we do not know records Whop's id but leaves the state as it was.
create or replace function public.record_withdrawal(
    withdrawal_id uuid,
    whop_withdrawal_id text,
    status text,
    failure_reason text default null
)
returns public.withdrawals
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.withdrawals;
    reported public.withdrawal_status := private.withdrawal_status_of(record_withdrawal.status);
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
        status = coalesce(reported, w.status),
        failure_reason = pg_catalog.left(record_withdrawal.failure_reason, 500),
        settled_at = case
            when reported in ('completed', 'failed', 'canceled', 'denied') then pg_catalog.now()
        end,
        updated_at = pg_catalog.now()
    where w.id = target.id
    returning w.* into target;
    return target;
end;
$$;

-- Whop refused to make a withdrawal the worker asked for: it failed, and the money is the
-- seller's to withdraw again. A request that already carries a Whop id was matched, while
-- waiting for Whop's answer, to a withdrawal of the same company and amount that the
-- seller made at Whop (apply_whop_withdrawal): that one is real, so the row stays, as
-- made at Whop, and keeps the money.
create or replace function public.record_withdrawal_refused(withdrawal_id uuid, reason text)
returns public.withdrawals
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.withdrawals;
begin
    update public.withdrawals as w
    set made_at_whop = true, updated_at = pg_catalog.now()
    where w.id = record_withdrawal_refused.withdrawal_id and w.whop_withdrawal_id is not null
    returning w.* into target;
    if target.id is not null then
        return target;
    end if;
    return public.record_withdrawal(withdrawal_id, null, 'failed', pg_catalog.left(reason, 500));
end;
$$;

-- A seller's withdrawal, for the worker's answer to them (only their own).
create or replace function public.seller_withdrawal(seller_id uuid, withdrawal_id uuid)
returns public.withdrawals
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found public.withdrawals;
begin
    select w.* into found from public.withdrawals as w
    where w.id = seller_withdrawal.withdrawal_id and w.seller_id = seller_withdrawal.seller_id;
    if found.id is null then
        raise exception using errcode = 'P0002', message = format('withdrawal %s not found', withdrawal_id);
    end if;
    return found;
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
grant execute on function private.balances_of(uuid) to authenticated, service_role;
revoke execute on function public.set_clearance_period(integer) from public, anon, authenticated;
revoke execute on function public.seller_withdrawal(uuid, uuid) from public, anon, authenticated;
grant execute on function public.seller_withdrawal(uuid, uuid) to service_role;
revoke execute on function public.record_withdrawal_refused(uuid, text) from public, anon, authenticated;
grant execute on function public.record_withdrawal_refused(uuid, text) to service_role;
grant execute on function public.set_clearance_period(integer) to service_role;
revoke execute on function public.seller_balance(uuid) from public, anon;
revoke execute on function public.request_withdrawal(uuid, integer, text, text) from public,
anon,
authenticated;
revoke execute on function private.withdrawal_status_of(text) from public, anon, authenticated;
revoke execute on function public.record_withdrawal(uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.seller_balance(uuid) to authenticated, service_role;
grant execute on function public.request_withdrawal(uuid, integer, text, text) to service_role;
grant execute on function public.record_withdrawal(uuid, text, text, text) to service_role;

comment on function public.seller_balance(uuid) is
$$A seller's money per currency: pending_cents (earned, not yet cleared), available_cents (cleared,
minus withdrawals, refunds asked for and debt; never negative), withdrawing_cents, withdrawn_cents,
refunded_cents (their share given back), held_cents (their share of refunds asked for, not yet
settled), debt_cents (refunds or charges after the money was withdrawn; later earnings pay it first).
seller_id: null for the caller; an admin may name any seller.
@who sellers (their own), admins (anyone's)
@error 42501 not signed in, or another seller's balance$$;
