-- Gig media in Supabase Storage: gig-media/<seller_id>/<gig_id>/<file>. The bucket is
-- public, so a file is served by its URL without asking any policy; the policies on
-- storage.objects (policies/storage.sql) decide who uploads, replaces, removes and lists.
-- What a gig page shows is its gig_media rows (cover and gallery), checked here against
-- what Storage recorded. Any write to a gig's folder is a change of what buyers can see:
-- it goes through the machine's edit rule (functions/gigs.sql) like every other part.

-- The caller's own gig, under the caller's own folder. Invoker: it reads gigs under the
-- caller's RLS, where a seller always sees their own gigs. A uuid's text is its
-- canonical form, so '<GIG-ID>' or '<gig-id>x' name no gig.
create or replace function private.is_own_gig_media(object_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (
        select 1
        from private.path_parts(object_name, 3) as parts
        inner join public.gigs as g on g.id::text = parts[2]
        where parts[1] = (select auth.uid())::text and g.seller_id = (select auth.uid())
    )
$$;

revoke execute on function private.is_own_gig_media(text) from public, anon, authenticated;
grant execute on function private.is_own_gig_media(text) to authenticated, service_role;

-- A gig_media row names an object the gig's seller uploaded to that gig's folder; what
-- is recorded (Storage's id and MIME type) comes from Storage, never from the client.
-- Definer: it reads storage.objects whatever the caller may list.
create or replace function private.check_gig_media()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    gig_seller_id uuid;
    parts text [] := private.path_parts(new.path, 3);
    found_object record;
begin
    select g.seller_id into gig_seller_id from public.gigs as g where g.id = new.gig_id;
    if parts is null
        or private.canonical_uuid(parts[1]) is distinct from gig_seller_id
        or private.canonical_uuid(parts[2]) is distinct from new.gig_id then
        raise exception using
            errcode = '22023',
            message = format('media path %s is not in the gig''s folder <seller_id>/%s/<file>', new.path, new.gig_id);
    end if;
    select o.id, o.metadata ->> 'mimetype' as mime_type into found_object
    from storage.objects as o
    where o.bucket_id = 'gig-media' and o.name = new.path and o.owner_id = gig_seller_id::text;
    if found_object.id is null then
        raise exception using
            errcode = '22023',
            message = format('gig-media/%s does not exist: upload the file first', new.path);
    end if;
    if new.is_cover and coalesce(found_object.mime_type, '') not like 'image/%' then
        raise exception using errcode = '22023', message = format('the cover %s must be an image', new.path);
    end if;
    if tg_op = 'INSERT' and (select pg_catalog.count(*) from public.gig_media as m where m.gig_id = new.gig_id) >= 20 then
        raise exception using errcode = '22023', message = format('gig %s already has 20 media files', new.gig_id);
    end if;
    new.storage_object_id := found_object.id;
    new.mime_type := found_object.mime_type;
    return new;
end;
$$;

revoke execute on function private.check_gig_media() from public, anon, authenticated;

create trigger check_gig_media
before insert or update on public.gig_media
for each row execute function private.check_gig_media();

-- Uploads, replacements and removals in a gig's folder are edits of that gig. A removed
-- file leaves the gallery with it.
create or replace function private.gig_media_object_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    object_row storage.objects;
    parts text [];
begin
    if tg_op = 'DELETE' then
        object_row := old;
        delete from public.gig_media as m where m.storage_object_id = old.id;
    else
        object_row := new;
    end if;
    parts := private.path_parts(object_row.name, 3);
    if parts is not null and object_row.bucket_id = 'gig-media' then
        perform private.record_gig_edit(g.id)
        from public.gigs as g
        where g.id = private.canonical_uuid(parts[2]) and g.seller_id = private.canonical_uuid(parts[1]);
    end if;
    return null;
end;
$$;

revoke execute on function private.gig_media_object_changed() from public, anon, authenticated;

create trigger gig_media_object_written
after insert or update on storage.objects
for each row when (new.bucket_id = 'gig-media')
execute function private.gig_media_object_changed();

create trigger gig_media_object_removed
after delete on storage.objects
for each row when (old.bucket_id = 'gig-media')
execute function private.gig_media_object_changed();
