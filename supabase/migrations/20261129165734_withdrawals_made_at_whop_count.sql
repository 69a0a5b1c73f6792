-- Withdrawals a seller makes at Whop count in our ledger. The embedded payouts component
-- (POST /tokens/payouts, a company token) can withdraw from the seller's connected company
-- directly, and apply_whop_withdrawal ignored any withdrawal it could not match to a
-- request of ours, so seller_balance() kept showing that money as available. Now a
-- withdrawal Whop reports for a seller's company that is none of ours is recorded once
-- (by Whop's id, withdrawals.made_at_whop) and follows Whop's status like ours; the
-- balance drops, and what exceeds the available balance is debt by the existing rule
-- (balances_of: available never negative, the rest is debt). A request that Whop refused
-- after it was matched to such a withdrawal keeps the money instead of giving it back.
-- The new column has a constant default: no table rewrite. No existing row changes.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

alter table public.withdrawals
add column made_at_whop boolean not null default false;

create or replace function private.record_withdrawal_made_at_whop(
    withdrawal jsonb,
    company_id text
)
returns uuid
language plpgsql
set search_path to ''
as $function$
declare
    reported_id text := private.whop_id(withdrawal, 'withdrawal');
    seller uuid;
    reported_cents integer := private.whop_cents(withdrawal -> 'amount');
    reported_currency text := pg_catalog.upper(withdrawal ->> 'currency');
    recorded uuid;
begin
    select s.user_id into seller from public.seller_accounts as s
    where s.whop_company_id = record_withdrawal_made_at_whop.company_id
    for update;
    if seller is null then
        return null;
    end if;
    if reported_cents is null or reported_cents <= 0 then
        raise exception using
            errcode = '22023', message = format('Whop withdrawal %s has no positive amount', reported_id);
    end if;
    if reported_currency is null or reported_currency !~ '^[A-Z]{3}$' then
        raise exception using
            errcode = '22023', message = format('Whop withdrawal %s has no currency', reported_id);
    end if;
    insert into public.withdrawals (seller_id, amount_cents, currency, whop_withdrawal_id, made_at_whop)
    values (seller, reported_cents, reported_currency, reported_id, true)
    on conflict (whop_withdrawal_id) do nothing;
    select w.id into recorded from public.withdrawals as w where w.whop_withdrawal_id = reported_id;
    return recorded;
end;
$function$;

create or replace function public.apply_whop_withdrawal(
    withdrawal jsonb,
    withdrawal_id uuid default null::uuid,
    company_id text default null::text
)
returns public.whop_event_status
language plpgsql
security definer
set search_path to ''
as $function$
declare
    reported_id text := private.whop_id(withdrawal, 'withdrawal');
    reported_company text := coalesce(withdrawal -> 'ledger_account' ->> 'company_id', company_id);
    recorded_here boolean := false;
    ours uuid;
    before public.withdrawals;
    after public.withdrawals;
begin
    select w.id into ours from public.withdrawals as w where w.whop_withdrawal_id = reported_id;
    if ours is null then
        ours := withdrawal_id;
    end if;
    if ours is null then
        select w.id into ours
        from public.withdrawals as w
        join public.seller_accounts as s on s.user_id = w.seller_id
        where w.whop_withdrawal_id is null and w.status = 'requested'
            and s.whop_company_id = reported_company
            and w.amount_cents = private.whop_cents(withdrawal -> 'amount')
        order by w.created_at
        limit 1;
    end if;
    if ours is null then
        ours := private.record_withdrawal_made_at_whop(withdrawal, reported_company);
        if ours is null then
            return 'ignored'::public.whop_event_status;
        end if;
        -- Just recorded, as requested: its status follows as any report's does.
        recorded_here := true;
    end if;
    select w.* into before from public.withdrawals as w where w.id = ours;
    after := public.record_withdrawal(ours, reported_id, withdrawal ->> 'status', withdrawal ->> 'error_message');
    return case
        when recorded_here
            or (after.status, after.whop_withdrawal_id) is distinct from (before.status, before.whop_withdrawal_id)
            then 'processed' else 'ignored'
    end::public.whop_event_status;
end;
$function$;

create or replace function public.record_withdrawal_refused(
    withdrawal_id uuid,
    reason text
)
returns public.withdrawals
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;

comment on table public.withdrawals is
'Payouts of a seller''s balance through Whop, requested here or made at Whop (made_at_whop); '
'written only by server functions.';

revoke all on function private.record_withdrawal_made_at_whop(jsonb, text) from public;

grant execute on function private.record_withdrawal_made_at_whop(jsonb, text) to postgres;

revoke all on function public.record_withdrawal_refused(uuid, text) from public;

grant execute on function public.record_withdrawal_refused(uuid, text) to postgres, service_role;

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.record_withdrawal_refused(uuid, text) from public,
anon,
authenticated,
service_role;
grant execute on function public.record_withdrawal_refused(uuid, text) to service_role;
