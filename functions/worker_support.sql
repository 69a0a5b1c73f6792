-- What the worker needs beyond the order actions and Whop's objects: checkout
-- preparation, seller onboarding, and who may ask about an order. All service-role only.

-- Create the pending order (`quantity` of the package, priced in SQL) and say where its
-- money goes. A seller without a Whop company cannot take payments, and nothing is
-- written then.
create or replace function public.prepare_checkout(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]',
    attribution jsonb default '{}',
    quantity integer default 1
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
    created := public.create_pending_order(buyer_id, gig_id, tier, extras, attribution, quantity);
    -- What travels in the checkout's metadata, which lives on the seller's company at Whop
    -- where the seller can read it: our order id and the campaign (utm_source, utm_medium,
    -- utm_campaign) only. The buyer's visitor and session ids stay in order_attributions,
    -- for admins.
    return pg_catalog.jsonb_build_object(
        'order', pg_catalog.to_jsonb(created),
        'whop_company_id', company_id,
        'metadata', pg_catalog.jsonb_build_object('gigflow_order_id', created.id) || coalesce((
            select pg_catalog.jsonb_object_agg(kept.key, kept.value)
            from public.order_attributions as a
            cross join lateral pg_catalog.jsonb_each(a.attribution) as kept
            where a.order_id = created.id and kept.key in ('utm_source', 'utm_medium', 'utm_campaign')
        ), '{}'::jsonb)
    );
end;
$$;

-- Worker: Whop would not open the checkout of an order just created (or the call's
-- outcome is unknown, and the buyer never got its page): the order is given up, so a
-- refused checkout leaves no unpaid order behind.
create or replace function public.checkout_refused(target_order_id uuid, reason text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    given_up public.orders;
begin
    perform private.record_order_action(
        target_order_id, 'abandon_checkout', pg_catalog.jsonb_build_object('reason', reason), 'system'
    );
    select o.* into given_up from public.orders as o where o.id = target_order_id;
    return given_up;
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

-- What the checkout return page may ask Whop about: the order (only its buyer's), and the
-- checkout to ask about while the order still waits for its payment (null otherwise:
-- there is nothing Whop could change).
create or replace function public.checkout_to_confirm(target_order_id uuid, buyer_id uuid)
returns table (order_id uuid, status public.order_status, ask_whop_about text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o
    where o.id = target_order_id and o.buyer_id = checkout_to_confirm.buyer_id;
    if found_order.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    order_id := found_order.id;
    status := found_order.status;
    ask_whop_about := case when found_order.status = 'pending_payment' then found_order.whop_checkout_id end;
    return next;
end;
$$;

-- The seller's Whop connected company, for the routes that act on it (KYC sync, payout
-- methods, embedded components): a seller who has not onboarded is told to.
create or replace function public.seller_whop_company(seller_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    company_id text := (public.seller_account_for(seller_id)).whop_company_id;
begin
    if company_id is null then
        raise exception using
            errcode = '55000', message = 'onboard with Whop first: POST /sellers/onboard';
    end if;
    return company_id;
end;
$$;

revoke execute on function public.prepare_checkout(uuid, uuid, public.package_tier, jsonb, jsonb, integer)
from public, anon, authenticated;
revoke execute on function public.seller_account_for(uuid) from public, anon, authenticated;
revoke execute on function public.link_whop_company(uuid, text) from public, anon, authenticated;
revoke execute on function public.checkout_to_confirm(uuid, uuid) from public, anon, authenticated;
revoke execute on function public.seller_whop_company(uuid) from public, anon, authenticated;
grant execute on function public.prepare_checkout(uuid, uuid, public.package_tier, jsonb, jsonb, integer)
to service_role;
grant execute on function public.seller_account_for(uuid) to service_role;
revoke execute on function public.checkout_refused(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_refused(uuid, text) to service_role;
grant execute on function public.link_whop_company(uuid, text) to service_role;
grant execute on function public.checkout_to_confirm(uuid, uuid) to service_role;
grant execute on function public.seller_whop_company(uuid) to service_role;
