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
revoke execute on function private.withdrawal_status_of(text) from public, anon, authenticated;
revoke execute on function public.record_withdrawal(uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.seller_balance(uuid) to authenticated, service_role;
grant execute on function public.request_withdrawal(uuid, integer, text) to service_role;
grant execute on function public.record_withdrawal(uuid, text, text, text) to service_role;
