-- Files in Supabase Storage. The Storage API runs every read and write of an object as the
-- requesting user (role and JWT claims), so the policies on storage.objects are the whole
-- authorization, signed URLs included. These helpers give those policies one reading of
-- each path convention, and record which files a delivery or a brief refers to: the
-- evidence nobody may overwrite or delete. The order-file helpers read orders and order
-- files as the caller, under the caller's own policies there.
--
--   order-files/<order_id>/requirements/<file>   the buyer, while the brief is open
--   order-files/<order_id>/deliveries/<file>     the seller, while work is under way
--   gig-media/<seller_id>/<gig_id>/<file>        the gig's seller
--   avatars/<user_id>/<file>                     the user

-- The parts of an object name, or null unless it has exactly `depth` parts, none empty,
-- none a dot segment. Percent-encoded or doubled separators are not decoded: they make
-- the name fail the exact comparisons the callers do.
create or replace function private.path_parts(object_name text, depth integer)
returns text[]
language sql
immutable
set search_path = ''
as $$
    select case
        when object_name is null or pg_catalog.char_length(object_name) > 1024 then null
        when pg_catalog.cardinality(pg_catalog.string_to_array(object_name, '/')) <> depth then null
        when exists (
            select 1 from pg_catalog.unnest(pg_catalog.string_to_array(object_name, '/')) as part
            where part in ('', '.', '..')
        ) then null
        else pg_catalog.string_to_array(object_name, '/')
    end
$$;

-- A canonical (lowercase) uuid, or null: '<ORDER-ID>' or '<order-id>x' are not the order.
create or replace function private.canonical_uuid(candidate text)
returns uuid
language sql
immutable
set search_path = ''
as $$
    select case
        when candidate ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then candidate::uuid
    end
$$;

-- The order and folder (requirements | deliveries) an order-files name is in.
create or replace function private.order_file_folder(object_name text, out order_id uuid, out folder text)
language sql
immutable
set search_path = ''
as $$
    select private.canonical_uuid(parts[1]), parts[2]
    from (select private.path_parts(object_name, 3) as parts) as p
    where parts[2] in ('requirements', 'deliveries') and private.canonical_uuid(parts[1]) is not null
$$;

-- The order's buyer, its seller and admins read its files (admins: for disputes): the
-- people who may see the order.
create or replace function private.can_read_order_file(object_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (
        select 1 from public.orders as o
        where o.id = (private.order_file_folder(object_name)).order_id
    )
$$;

-- The buyer uploads to requirements/ while the brief is open; the seller to deliveries/
-- while the work is in progress or a revision is asked for.
create or replace function private.can_upload_order_file(object_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (
        select 1
        from public.orders as o
        cross join private.order_file_folder(object_name) as f
        where o.id = f.order_id
            and (
                (f.folder = 'requirements' and o.buyer_id = (select auth.uid())
                    and o.status = 'awaiting_requirements')
                or (f.folder = 'deliveries' and o.seller_id = (select auth.uid())
                    and o.status in ('in_progress', 'revision_requested'))
            )
    )
$$;

-- A file a submitted brief or delivery refers to: evidence, never replaced or removed.
-- (Whoever may touch an order file may see the order's file records.)
create or replace function private.is_order_evidence(object_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (select 1 from public.order_files as f where f.storage_object_id = object_id)
$$;

-- Record the files a brief or a delivery refers to. Each reference is {"path": name in
-- order-files}; it must be an object that exists in this order's folder for `folder`,
-- uploaded by the caller. What is stored (id, name, size, MIME type) is what Storage
-- recorded, never what the client claims. Returns the stored references.
create or replace function private.attach_order_files(
    target_order_id uuid,
    folder text,
    refs jsonb,
    delivery_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    reference jsonb;
    found_object record;
    attached jsonb := '[]'::jsonb;
begin
    if pg_catalog.jsonb_typeof(coalesce(refs, '[]'::jsonb)) <> 'array'
        or pg_catalog.jsonb_array_length(coalesce(refs, '[]'::jsonb)) > 20 then
        raise exception using errcode = '22023', message = 'files must be an array of at most 20 {"path": …}';
    end if;
    for reference in select * from pg_catalog.jsonb_array_elements(coalesce(refs, '[]'::jsonb)) loop
        select o.id, o.name, o.metadata into found_object
        from storage.objects as o
        where o.bucket_id = 'order-files'
            and o.name = reference ->> 'path'
            and (private.order_file_folder(o.name)).order_id = target_order_id
            and (private.order_file_folder(o.name)).folder = attach_order_files.folder
            and o.owner_id = (select auth.uid())::text;
        if found_object.id is null then
            raise exception using
                errcode = '22023',
                message = format(
                    'file %s is not a file you uploaded to order-files/%s/%s/',
                    coalesce(reference ->> 'path', reference::text), target_order_id, folder
                );
        end if;
        insert into public.order_files (
            order_id, storage_object_id, folder, delivery_id, name, size_bytes, mime_type, uploaded_by
        )
        values (
            target_order_id, found_object.id, attach_order_files.folder, attach_order_files.delivery_id,
            found_object.name, (found_object.metadata ->> 'size')::bigint,
            found_object.metadata ->> 'mimetype', (select auth.uid())
        )
        on conflict on constraint order_files_storage_object_id_key do nothing;
        if not found then
            raise exception using
                errcode = '23505', message = format('file %s is already attached', found_object.name);
        end if;
        attached := attached || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'object_id', found_object.id,
            'path', found_object.name,
            'size', (found_object.metadata ->> 'size')::bigint,
            'mime_type', found_object.metadata ->> 'mimetype'
        ));
    end loop;
    return attached;
end;
$$;

-- Files of orders cancelled before any delivery (their remove_files timer is due), for
-- the worker to remove through the Storage API (direct deletes are refused). An order
-- with nothing left gets its remove_files action, which disarms the timer. An order's
-- files are the names from '<id>/' up to '<id>0' ('0' follows '/'), compared bytewise
-- (~>=~, ~<~): the range Storage's text_pattern_ops index on name answers, in any
-- collation, where a LIKE with a computed prefix scans every file.
create or replace function public.order_files_to_remove(max_files integer default 200)
returns table (order_id uuid, path text)
language plpgsql
security definer
set search_path = ''
as $$
declare
    cleared uuid;
begin
    for cleared in
        select d.order_id from private.order_deadlines as d
        where d.action = 'remove_files' and d.due_at <= pg_catalog.now()
            and not exists (
                select 1 from storage.objects as s
                where s.bucket_id = 'order-files'
                    and s.name ~>=~ (d.order_id::text || '/') and s.name ~<~ (d.order_id::text || '0')
            )
    loop
        -- The order first, as every writer of an order's timers locks it: no cycle.
        perform 1 from public.orders as o where o.id = cleared for update skip locked;
        continue when not found;
        continue when not exists (
            select 1 from private.order_deadlines as d where d.order_id = cleared and d.action = 'remove_files'
        );
        perform private.record_order_action(cleared, 'remove_files', '{}', 'system');
    end loop;
    return query
    select d.order_id, s.name
    from private.order_deadlines as d
    join storage.objects as s
        on s.bucket_id = 'order-files'
        and s.name ~>=~ (d.order_id::text || '/') and s.name ~<~ (d.order_id::text || '0')
    where d.action = 'remove_files' and d.due_at <= pg_catalog.now()
    order by d.due_at, s.name
    limit least(greatest(max_files, 1), 1000);
end;
$$;

revoke execute on function private.path_parts(text, integer) from public, anon, authenticated;
revoke execute on function private.canonical_uuid(text) from public, anon, authenticated;
revoke execute on function private.order_file_folder(text) from public, anon, authenticated;
revoke execute on function private.can_read_order_file(text) from public, anon, authenticated;
revoke execute on function private.can_upload_order_file(text) from public, anon, authenticated;
revoke execute on function private.is_order_evidence(uuid) from public, anon, authenticated;
revoke execute on function private.attach_order_files(uuid, text, jsonb, uuid) from public,
anon,
authenticated;
revoke execute on function public.order_files_to_remove(integer) from public, anon, authenticated;
-- Policies on storage.objects run as the requesting role.
grant execute on function private.path_parts(text, integer) to authenticated, service_role;
grant execute on function private.canonical_uuid(text) to authenticated, service_role;
grant execute on function private.order_file_folder(text) to authenticated, service_role;
grant execute on function private.can_read_order_file(text) to authenticated, service_role;
grant execute on function private.can_upload_order_file(text) to authenticated, service_role;
grant execute on function private.is_order_evidence(uuid) to authenticated, service_role;
grant execute on function public.order_files_to_remove(integer) to service_role;
