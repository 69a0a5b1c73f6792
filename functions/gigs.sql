-- Gigs: slugs, the moderation machine, the review rule for edits, the KYC gate and the
-- summary columns search reads. The page a buyer sees is in functions/gig_pages.sql.
--
-- Every move of a gig's status is an edge of private.gig_transitions applied by one
-- trigger, private.apply_gig_event, when a gig_events row is inserted: by the moderation
-- RPCs below (security invoker: the caller may insert the request columns), by the
-- edit triggers (any change of what buyers see), by set_seller_kyc_status, and by the
-- operators' take_down_gig and restore_gig (functions/admin_tools.sql). The
-- machine fills the row's trusted columns and moves the gig; nothing else may change a
-- gig's status.

-- A slug from a title: lowercase ASCII words joined by '-', cut at a word boundary to at
-- most 60 characters.
create or replace function private.slugify(title text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
    select coalesce(
        nullif(
            coalesce(
                (pg_catalog.regexp_match(words.joined, '^(.{1,60})(?:-|$)'))[1],
                pg_catalog.left(words.joined, 60)
            ),
            ''
        ),
        'gig'
    )
    from (
        select pg_catalog.btrim(
            pg_catalog.regexp_replace(pg_catalog.lower(coalesce(title, '')), '[^a-z0-9]+', '-', 'g'), '-'
        ) as joined
    ) as words
$$;

revoke execute on function private.slugify(text) from public, anon, authenticated;

-- A new gig gets its slug from its title, once: the plain slug when it is free, else one
-- made unique by the gig's id (definer: the slugs of other sellers' drafts count too). A
-- gig that is loaded as published (data loads, tests) is stamped.
create or replace function private.prepare_new_gig()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    base text := private.slugify(new.title);
begin
    new.slug := base;
    if exists (select 1 from public.gigs as g where g.slug = base) then
        new.slug := base || '-' || pg_catalog.left(pg_catalog.replace(new.id::text, '-', ''), 8);
        if exists (select 1 from public.gigs as g where g.slug = new.slug) then
            new.slug := base || '-' || pg_catalog.replace(new.id::text, '-', '');
        end if;
    end if;
    new.content_version := 1;
    if new.status = 'published' then
        new.published_at := coalesce(new.published_at, pg_catalog.now());
    end if;
    return new;
end;
$$;

revoke execute on function private.prepare_new_gig() from public, anon, authenticated;

create trigger gig_prepare_new
before insert on public.gigs
for each row execute function private.prepare_new_gig();

-- The KYC gate. It runs on every insert and update, whoever writes (the machine, the
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

-- The machine's own columns change only while the machine moves that gig (it names the
-- gig in a transaction-local setting), so every move made through the API is in
-- gig_events. Users cannot write these columns at all (column privileges); this holds
-- the service role to the same path. The database owner (migrations, data loads,
-- fixtures) may still set them directly. Going live stamps published_at and clears the
-- rejection and the platform's pause, whoever does it.
create or replace function private.gig_moves_only_through_events()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if (new.status, new.content_version, new.rejection_reason, new.paused_by_platform)
        is distinct from (old.status, old.content_version, old.rejection_reason, old.paused_by_platform)
        and current_user in ('anon', 'authenticated', 'service_role')
        and pg_catalog.current_setting('gigflow.moving_gig', true) is distinct from old.id::text then
        raise exception using
            errcode = '55000',
            message = format(
                'gig %s: status, content_version, rejection_reason and paused_by_platform change only through gig_events',
                old.id
            ),
            hint = 'Insert a gig_events row (or call the moderation RPC) to move a gig.';
    end if;
    if new.status = 'published' and old.status <> 'published' then
        new.published_at := pg_catalog.now();
        new.rejection_reason := null;
        new.paused_by_platform := false;
    end if;
    return new;
end;
$$;

revoke execute on function private.gig_moves_only_through_events() from public, anon, authenticated;

create trigger gig_moves_only_through_events
before update on public.gigs
for each row execute function private.gig_moves_only_through_events();

-- The machine: validates a requested move, applies it, and completes the event row.
-- The caller is the gig's seller, an admin, or a trusted server path that names the
-- actor itself (only the service role and definer functions may write `actor`). A user
-- who is neither the seller nor an admin learns nothing: the gig is "not found", as a
-- missing one is.
create or replace function private.apply_gig_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    caller uuid := auth.uid();
    caller_is_admin boolean := private.is_admin();
    asked_by_user boolean := new.actor is null;
    actors public.gig_actor [];
    gig public.gigs;
    edge private.gig_transitions;
begin
    select pg_catalog.array_agg(distinct t.actor order by t.actor) into actors
    from private.gig_transitions as t
    where t.action = new.action;
    if asked_by_user and actors = array['admin']::public.gig_actor [] and not caller_is_admin then
        raise exception using
            errcode = '42501', message = format('only an admin may %s gigs', new.action);
    end if;
    -- Operators' tools are asked for through admin_actions (take_down_gig, restore_gig),
    -- whose trigger names the actor: so each one is in the audit log.
    if asked_by_user and new.action in ('take_down', 'restore') then
        raise exception using
            errcode = '42501',
            message = format('%s is an operators'' tool: call %s_gig, which records it in admin_actions',
                new.action, new.action);
    end if;

    select g.* into gig from public.gigs as g where g.id = new.gig_id for update;
    if gig.id is null then
        raise exception using errcode = 'P0002', message = format('gig %s not found', new.gig_id);
    end if;

    if asked_by_user then
        if caller is not null and caller = gig.seller_id and 'seller' = any(actors) then
            new.actor := 'seller';
        elsif caller_is_admin and 'admin' = any(actors) then
            new.actor := 'admin';
        elsif caller is not null and caller = gig.seller_id or caller_is_admin then
            raise exception using
                errcode = '42501',
                message = format(
                    'only the %s may %s a gig', pg_catalog.array_to_string(actors, ' or '), new.action
                );
        else
            raise exception using errcode = 'P0002', message = format('gig %s not found', new.gig_id);
        end if;
    end if;

    select t.* into edge
    from private.gig_transitions as t
    where t.from_status = gig.status and t.action = new.action and t.actor = new.actor;
    if edge.to_status is null then
        raise exception using
            errcode = '55000',
            message = format(
                'gig %s is %s; %s by the %s needs it to be %s',
                gig.id, gig.status, new.action, new.actor,
                coalesce((
                    select pg_catalog.string_agg(t.from_status::text, ' or ' order by t.from_status)
                    from private.gig_transitions as t
                    where t.action = new.action and t.actor = new.actor
                ), 'nothing')
            );
    end if;

    if new.action = 'submit' and not exists (
        select 1 from public.gig_packages as p where p.gig_id = gig.id and p.tier = 'basic'
    ) then
        raise exception using
            errcode = '55000', message = format('gig %s needs a basic package before review', gig.id);
    end if;
    if new.action = 'reject' and coalesce(pg_catalog.btrim(new.reason), '') = '' then
        raise exception using errcode = '22023', message = 'a rejection needs a reason of 1 to 500 characters';
    end if;
    -- A moderator decides on what they reviewed: the seller may edit a gig in review, and
    -- each edit counts a version. The service role (server automation) decides on the
    -- current content.
    if new.action in ('publish', 'reject') then
        if new.content_version is null and asked_by_user and coalesce(auth.role(), '') <> 'service_role' then
            raise exception using
                errcode = '22004',
                message = format('%s needs the content_version you reviewed', new.action),
                hint = format('gig %s is at version %s', gig.id, gig.content_version);
        end if;
        if new.content_version is distinct from gig.content_version and new.content_version is not null then
            raise exception using
                errcode = '55000',
                message = format(
                    'gig %s changed since version %s was reviewed: it is at version %s',
                    gig.id, new.content_version, gig.content_version
                );
        end if;
    end if;

    perform pg_catalog.set_config('gigflow.moving_gig', gig.id::text, true);
    update public.gigs as g
    set
        status = edge.to_status,
        content_version = g.content_version + case when new.action = 'edit' then 1 else 0 end,
        rejection_reason = case
            when new.action = 'reject' then pg_catalog.btrim(new.reason)
            when new.action = 'edit' then g.rejection_reason
        end,
        paused_by_platform = edge.to_status = 'paused' and (new.action = 'suspend' or g.paused_by_platform)
    where g.id = gig.id
    returning g.* into gig;
    perform pg_catalog.set_config('gigflow.moving_gig', '', true);

    new.actor_id := caller;
    new.from_status := edge.from_status;
    new.to_status := edge.to_status;
    new.content_version := gig.content_version;
    new.reason := nullif(pg_catalog.btrim(new.reason), '');
    new.created_at := pg_catalog.now();
    return new;
end;
$$;

revoke execute on function private.apply_gig_event() from public, anon, authenticated;

create trigger apply_gig_event
before insert on public.gig_events
for each row execute function private.apply_gig_event();

-- The log is append-only, whoever asks: its rows go only with their gig (a seller
-- deletes a draft; the foreign key's cascade finds the gig already gone).
create or replace function private.gig_events_are_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'DELETE' and not exists (select 1 from public.gigs as g where g.id = old.gig_id) then
        return old;
    end if;
    raise exception using
        errcode = '42501', message = 'gig_events is append-only: rows are never changed or removed';
end;
$$;

revoke execute on function private.gig_events_are_append_only() from public, anon, authenticated;

create trigger gig_events_are_append_only
before update or delete on public.gig_events
for each row execute function private.gig_events_are_append_only();

-- What buyers see changed: the machine's `edit` (a live gig goes back to review, a gig
-- in review counts a new version). One rule for the gig, its packages, extras,
-- questions, FAQ and media (functions/gig_media.sql for Storage). A gig deleted in the
-- same statement has nothing left to review.
create or replace function private.record_gig_edit(target_gig_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
    if exists (select 1 from public.gigs as g where g.id = target_gig_id) then
        insert into public.gig_events (gig_id, action, actor, actor_id)
        values (target_gig_id, 'edit', 'seller', auth.uid());
    end if;
end;
$$;

revoke execute on function private.record_gig_edit(uuid) from public, anon, authenticated;

create or replace function private.gig_listing_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform private.record_gig_edit(new.id);
    return null;
end;
$$;

revoke execute on function private.gig_listing_changed() from public, anon, authenticated;

create trigger gig_listing_changed
after update of title, description, tags, category_id on public.gigs
for each row
when (
    old.title is distinct from new.title
    or old.description is distinct from new.description
    or old.tags is distinct from new.tags
    or old.category_id is distinct from new.category_id
)
execute function private.gig_listing_changed();

-- A part of the gig changed. Packages also set the starting price and fastest delivery
-- that search filters and sorts on (definer: the seller may not write those columns).
create or replace function private.gig_part_changed()
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
    perform private.record_gig_edit(changed_gig_id);

    if tg_table_name = 'gig_packages' then
        update public.gigs as g
        set starting_price_cents = summary.min_price_cents,
            fastest_delivery_days = summary.min_delivery_days
        from (
            select
                pg_catalog.min(p.price_cents) as min_price_cents,
                pg_catalog.min(p.delivery_days) as min_delivery_days
            from public.gig_packages as p
            where p.gig_id = changed_gig_id
        ) as summary
        where g.id = changed_gig_id;
    end if;
    return null;
end;
$$;

revoke execute on function private.gig_part_changed() from public, anon, authenticated;

create trigger gig_packages_changed
after insert or update or delete on public.gig_packages
for each row execute function private.gig_part_changed();

create trigger gig_extras_changed
after insert or update or delete on public.gig_extras
for each row execute function private.gig_part_changed();

create trigger gig_requirements_changed
after insert or update or delete on public.gig_requirements
for each row execute function private.gig_part_changed();

create trigger gig_faqs_changed
after insert or update or delete on public.gig_faqs
for each row execute function private.gig_part_changed();

create trigger gig_media_changed
after insert or update or delete on public.gig_media
for each row execute function private.gig_part_changed();

-- The moderation RPCs. Invoker rights: each asks the machine for a move by inserting a
-- gig_events row (the columns a user may write), then returns the gig as the caller
-- sees it.
create or replace function private.request_gig_move(
    target_gig_id uuid,
    requested public.gig_action,
    reason text default null,
    content_version integer default null
)
returns public.gigs
language plpgsql
set search_path = ''
as $$
declare
    moved public.gigs;
begin
    if target_gig_id is null then
        raise exception using errcode = '22004', message = 'gig_id must not be null';
    end if;
    insert into public.gig_events (gig_id, action, reason, content_version)
    values (target_gig_id, requested, request_gig_move.reason, request_gig_move.content_version);
    select g.* into moved from public.gigs as g where g.id = target_gig_id;
    return moved;
end;
$$;

revoke execute on function private.request_gig_move(uuid, public.gig_action, text, integer)
from public, anon, authenticated;
grant execute on function private.request_gig_move(uuid, public.gig_action, text, integer)
to authenticated, service_role;

create or replace function public.submit_gig_for_review(gig_id uuid)
returns public.gigs
language plpgsql
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.request_gig_move(gig_id, 'submit');
end;
$$;

create or replace function public.pause_gig(gig_id uuid)
returns public.gigs
language plpgsql
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.request_gig_move(gig_id, 'pause');
end;
$$;

-- Unpausing goes straight back live: the listing was reviewed and has not changed since
-- (an edit would have moved it to review); the KYC gate still has the last word.
create or replace function public.unpause_gig(gig_id uuid)
returns public.gigs
language plpgsql
set search_path = ''
as $$
begin
    perform private.require_user();
    return private.request_gig_move(gig_id, 'unpause');
end;
$$;

create or replace function public.publish_gig(gig_id uuid, content_version integer default null)
returns public.gigs
language plpgsql
set search_path = ''
as $$
begin
    if coalesce(auth.role(), '') <> 'service_role' then
        perform private.require_user();
    end if;
    return private.request_gig_move(gig_id, 'publish', null, content_version);
end;
$$;

create or replace function public.reject_gig(gig_id uuid, reason text, content_version integer default null)
returns public.gigs
language plpgsql
set search_path = ''
as $$
begin
    if coalesce(auth.role(), '') <> 'service_role' then
        perform private.require_user();
    end if;
    if pg_catalog.char_length(pg_catalog.btrim(coalesce(reason, ''))) not between 1 and 500 then
        raise exception using
            errcode = '22023',
            message = 'a rejection needs a reason of 1 to 500 characters';
    end if;
    return private.request_gig_move(gig_id, 'reject', reason, content_version);
end;
$$;

comment on function public.submit_gig_for_review(uuid) is
$$Ask for a draft (or a rejected gig, once fixed) to be reviewed: draft or rejected -> review. Needs a
basic package.
@who the gig's seller
@error 42501 not signed in
@error P0002 no such gig, or not yours
@error 55000 the gig is not draft or rejected, or has no basic package$$;
comment on function public.pause_gig(uuid) is
$$Take a live gig off the market: published -> paused.
@who the gig's seller
@error 42501 not signed in
@error P0002 no such gig, or not yours
@error 55000 the gig is not published$$;
comment on function public.unpause_gig(uuid) is
$$Put a paused gig back on the market: paused -> published (needs a verified seller).
@who the gig's seller
@error 42501 not signed in
@error P0002 no such gig, or not yours
@error 55000 the gig is not paused
@error GF001 the seller has not passed identity verification$$;
comment on function public.publish_gig(uuid, integer) is
$$Publish a gig in review: review -> published. content_version is the gigs.content_version the
moderator reviewed; if the seller edited the gig since, nothing is published.
@who admins (content_version required); the service role (may omit it)
@error 42501 not signed in, or not an admin
@error P0002 no such gig
@error 22004 content_version missing
@error 55000 the gig is not in review, or changed since the version reviewed
@error GF001 the seller has not passed identity verification$$;
comment on function public.reject_gig(uuid, text, integer) is
$$Send a gig in review back to its seller with a reason: review -> rejected. content_version as for
publish_gig.
@who admins (content_version required); the service role (may omit it)
@error 42501 not signed in, or not an admin
@error P0002 no such gig
@error 22023 the reason is empty or longer than 500 characters
@error 22004 content_version missing
@error 55000 the gig is not in review, or changed since the version reviewed$$;

revoke execute on function public.submit_gig_for_review(uuid) from public, anon, authenticated;
revoke execute on function public.pause_gig(uuid) from public, anon, authenticated;
revoke execute on function public.unpause_gig(uuid) from public, anon, authenticated;
revoke execute on function public.publish_gig(uuid, integer) from public, anon, authenticated;
revoke execute on function public.reject_gig(uuid, text, integer) from public, anon, authenticated;
grant execute on function public.submit_gig_for_review(uuid) to authenticated;
grant execute on function public.pause_gig(uuid) to authenticated;
grant execute on function public.unpause_gig(uuid) to authenticated;
grant execute on function public.publish_gig(uuid, integer) to authenticated, service_role;
grant execute on function public.reject_gig(uuid, text, integer) to authenticated, service_role;

-- Policy helper: is the signed-in user the seller of this gig? Invoker: it reads gigs
-- under the caller's own RLS, where a seller always sees their own gigs.
create or replace function private.sells_gig(target_gig_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (
        select 1 from public.gigs as g
        where g.id = target_gig_id and g.seller_id = (select auth.uid())
    )
$$;

revoke execute on function private.sells_gig(uuid) from public, anon, authenticated;
grant execute on function private.sells_gig(uuid) to authenticated, service_role;
