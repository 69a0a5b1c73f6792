-- Issue 22: a suspended seller's withdrawals are held, and Whop's embedded payouts
-- component can withdraw too, so the worker mints its token only through
-- seller_payouts_company, which refuses a suspended seller with GF003 as
-- request_withdrawal does.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function public.seller_payouts_company(
    seller_id uuid
)
returns text
language plpgsql
stable
security definer
set search_path to ''
as $function$
begin
    if (public.seller_account_for(seller_id)).suspended_at is not null then
        raise exception using
            errcode = 'GF003',
            message = format('payouts are held while seller %s is suspended', seller_id),
            hint = 'Withdrawals resume when the platform reinstates the seller.';
    end if;
    return public.seller_whop_company(seller_id);
end;
$function$;

revoke all on function public.seller_payouts_company(uuid) from public;

grant execute on function public.seller_payouts_company(uuid) to postgres, service_role;

-- Privileges of the API roles, exactly as the sources grant them.
revoke all on function public.seller_payouts_company(uuid) from public, anon, authenticated, service_role;
grant execute on function public.seller_payouts_company(uuid) to service_role;
