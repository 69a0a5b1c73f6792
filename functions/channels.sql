-- Live order channels in Supabase Realtime; the policies are in policies/realtime.sql.

-- Private channels `order:<order_id>` (typing, who is online): the order's two parties
-- (not admins, who may see every order but have no business in its live channel).
create or replace function private.is_order_channel_participant(topic text)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (
        select 1 from public.orders as o
        where topic like 'order:%'
            and o.id = private.canonical_uuid(pg_catalog.substr(topic, 7))
            and (select auth.uid()) in (o.buyer_id, o.seller_id)
    )
$$;

revoke execute on function private.is_order_channel_participant(text) from public, anon, authenticated;
grant execute on function private.is_order_channel_participant(text) to authenticated, service_role;
