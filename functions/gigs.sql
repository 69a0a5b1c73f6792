-- Gigs: the KYC publish gate, moderation, and the summary columns search reads.

-- The KYC gate. It runs on every insert and update, whoever writes (seller, admin,
-- service role, a future migration), so no path can leave a published gig whose seller
-- is not verified. Custom SQLSTATE GF001 lets clients tell it apart from other refusals.
create or replace function private.gig_publish_requires_verified_seller()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    if new.status = 'published' and not exists (
        select 1
        from public.seller_accounts as s
        where s.user_id = new.seller_id and s.kyc_status = 'verified'
    ) then
        raise exception using
            errcode = 'GF001',
            message = format(
                'gig %s cannot be published: its seller has not passed identity verification',
                new.id
            ),
            hint = 'The seller must complete KYC before any gig goes live.';
    end if;
    return new;
end;
$$;

revoke execute on function private.gig_publish_requires_verified_seller()
from public, anon, authenticated;

create trigger gig_publish_requires_verified_seller
before insert or update on public.gigs
for each row execute function private.gig_publish_requires_verified_seller();

-- What a buyer sees must have been reviewed: editing the listing of a live (or paused)
-- gig sends it back to review, unless the same write also moves the status itself
-- (a moderator acting on it). Also stamps when a gig goes live.
create or replace function private.gig_edit_returns_to_review()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'UPDATE'
        and old.status in ('published', 'paused')
        and new.status = old.status
        and (new.title, new.description, new.tags, new.category_id)
        is distinct from (old.title, old.description, old.tags, old.category_id) then
        new.status := 'review';
    end if;

    if tg_op = 'INSERT' and new.status = 'published' then
        new.published_at := coalesce(new.published_at, pg_catalog.now());
    elsif new.status = 'published' and old.status <> 'published' then
        new.published_at := pg_catalog.now();
        new.rejection_reason := null;
        new.paused_by_platform := false;
    end if;
    return new;
end;
$$;

revoke execute on function private.gig_edit_returns_to_review() from public, anon, authenticated;

-- Before-triggers fire in name order: this edit rule decides the status, then the KYC
-- gate (gig_publish_requires_verified_seller) judges it.
create trigger gig_edit_returns_to_review
before insert or update on public.gigs
for each row execute function private.gig_edit_returns_to_review();

-- Packages and extras are part of the listing (prices!): changing them on a live gig
-- sends it back to review. Also keeps the starting price and fastest delivery that
-- search filters and sorts on. Definer: the seller may not write gigs.status.
create or replace function private.gig_offer_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    changed_gig_id uuid;
begin
    if tg_op = 'DELETE' then
        changed_gig_id := old.gig_id;
    else
        changed_gig_id := new.gig_id;
    end if;

    update public.gigs as g
    set starting_price_cents = summary.min_price_cents,
        fastest_delivery_days = summary.min_delivery_days,
        status = case when g.status in ('published', 'paused')
            then 'review'::public.gig_status else g.status end
    from (
        select
            pg_catalog.min(p.price_cents) as min_price_cents,
            pg_catalog.min(p.delivery_days) as min_delivery_days
        from public.gig_packages as p
        where p.gig_id = changed_gig_id
    ) as summary
    where g.id = changed_gig_id;
    return null;
end;
$$;

revoke execute on function private.gig_offer_changed() from public, anon, authenticated;

create trigger gig_packages_changed
after insert or update or delete on public.gig_packages
for each row execute function private.gig_offer_changed();

create trigger gig_extras_changed
after insert or update or delete on public.gig_extras
for each row execute function private.gig_offer_changed();

-- One place that moves a gig between moderation states: locks the row so concurrent
-- moderation cannot interleave, checks the actor and the current state, and names the
-- gig and its state in every refusal.
create or replace function private.move_gig(
    target_gig_id uuid,
    actor text,
    allowed_from public.gig_status[],
    new_status public.gig_status,
    reason text default null
)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    select * into gig from public.gigs where id = target_gig_id for update;

    if gig.id is null or (actor = 'seller' and gig.seller_id is distinct from auth.uid()) then
        raise exception using
            errcode = 'P0002',
            message = format('gig %s not found', target_gig_id);
    end if;

    if actor = 'admin' and not private.is_admin() then
        raise exception using
            errcode = '42501',
            message = 'only an admin may moderate gigs';
    end if;

    if not gig.status = any(allowed_from) then
        raise exception using
            errcode = '55000',
            message = format(
                'gig %s is %s; this action needs it to be %s',
                target_gig_id, gig.status, pg_catalog.array_to_string(allowed_from, ' or ')
            );
    end if;

    update public.gigs
    set status = new_status,
        rejection_reason = reason,
        paused_by_platform = false
    where id = target_gig_id
    returning * into gig;
    return gig;
end;
$$;

revoke execute on function private.move_gig(uuid, text, public.gig_status[], public.gig_status, text)
from public, anon, authenticated;

-- A seller asks for their draft (or a rejected gig, once fixed) to be reviewed. A gig
-- without a basic package cannot be bought, so it cannot be submitted either.
create or replace function public.submit_gig_for_review(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.require_user();
    if exists (select 1 from public.gigs as g where g.id = submit_gig_for_review.gig_id)
        and not exists (
            select 1 from public.gig_packages as p
            where p.gig_id = submit_gig_for_review.gig_id and p.tier = 'basic'
        ) then
        raise exception using
            errcode = '55000',
            message = format('gig %s needs a basic package before review', gig_id);
    end if;
    return private.move_gig(gig_id, 'seller', array['draft', 'rejected']::public.gig_status [], 'review');
end;
$$;

create or replace function public.pause_gig(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.move_gig(gig_id, 'seller', array['published']::public.gig_status [], 'paused');
end;
$$;

-- Unpausing goes straight back live (the listing was reviewed and has not changed since:
-- an edit would have moved it to review); the KYC gate still has the last word.
create or replace function public.unpause_gig(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.move_gig(gig_id, 'seller', array['paused']::public.gig_status [], 'published');
end;
$$;

create or replace function public.publish_gig(gig_id uuid)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.move_gig(gig_id, 'admin', array['review']::public.gig_status [], 'published');
end;
$$;

create or replace function public.reject_gig(gig_id uuid, reason text)
returns public.gigs
language plpgsql
security definer
set search_path = ''
as $$
begin
    if pg_catalog.char_length(pg_catalog.btrim(coalesce(reason, ''))) not between 1 and 500 then
        raise exception using
            errcode = '22023',
            message = 'a rejection needs a reason of 1 to 500 characters';
    end if;
    return private.move_gig(
        gig_id, 'admin', array['review']::public.gig_status [], 'rejected', pg_catalog.btrim(reason)
    );
end;
$$;

revoke execute on function public.submit_gig_for_review(uuid) from public, anon, authenticated;
revoke execute on function public.pause_gig(uuid) from public, anon, authenticated;
revoke execute on function public.unpause_gig(uuid) from public, anon, authenticated;
revoke execute on function public.publish_gig(uuid) from public, anon, authenticated;
revoke execute on function public.reject_gig(uuid, text) from public, anon, authenticated;
grant execute on function public.submit_gig_for_review(uuid) to authenticated;
grant execute on function public.pause_gig(uuid) to authenticated;
grant execute on function public.unpause_gig(uuid) to authenticated;
grant execute on function public.publish_gig(uuid) to authenticated, service_role;
grant execute on function public.reject_gig(uuid, text) to authenticated, service_role;

-- Policy helper: is the signed-in user the seller of this gig? Definer, so the answer
-- does not depend on which gigs the caller may read.
create or replace function private.sells_gig(target_gig_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1 from public.gigs as g
        where g.id = target_gig_id and g.seller_id = (select auth.uid())
    )
$$;

revoke execute on function private.sells_gig(uuid) from public, anon, authenticated;
grant execute on function private.sells_gig(uuid) to authenticated, service_role;
