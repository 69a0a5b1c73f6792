-- Attribution stays with the platform. prepare_checkout put the buyer's kept attribution
-- (visitor_id, session_id and the campaign) in the Whop checkout's metadata, which lives
-- on the seller's connected company, so the seller could read the buyer's visitor and
-- session ids at Whop. Only our order id and the campaign keys (utm_source, utm_medium,
-- utm_campaign) travel now; the visitor and session ids stay in order_attributions, which
-- only admins read. No data changes here: checkouts Whop already holds keep the metadata
-- they were created with.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function public.prepare_checkout(
    buyer_id uuid,
    gig_id uuid,
    tier public.package_tier,
    extras jsonb default '[]'::jsonb,
    attribution jsonb default '{}'::jsonb,
    quantity integer default 1
)
returns jsonb
language plpgsql
security definer
set search_path to ''
as $function$
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
$function$;
