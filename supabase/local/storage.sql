-- Local stand-in for the `storage` schema of a Supabase project (Supabase Storage).
--
-- NOT a migration: a hosted project has this already. The build tool applies it (as a
-- superuser) only when the database has no `storage` schema. It reproduces what our
-- migrations and policies meet there:
-- * buckets and objects with their real column names, owned by supabase_storage_admin,
--   RLS enabled, ALL granted to the API roles (policies are the whole authorization);
-- * storage.foldername(), storage.filename(), storage.extension();
-- * direct deletes refused (42501) unless the Storage API's own setting allows them;
-- * a migration (role postgres) may insert buckets and create policies, but ALTER TABLE
--   on storage.objects and COMMENT ON POLICY there fail with 42501, as on hosted projects.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'supabase_storage_admin') then
        create role supabase_storage_admin nologin noinherit createrole;
    end if;
end
$$;

create schema storage authorization supabase_storage_admin;
comment on schema storage is 'gigflow local stand-in for the Supabase storage schema';
grant usage on schema storage to postgres, anon, authenticated, service_role;

create table storage.buckets (
    id text primary key,
    name text not null,
    owner uuid,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    public boolean default false,
    avif_autodetection boolean default false,
    file_size_limit bigint,
    allowed_mime_types text[],
    owner_id text
);
create unique index bname on storage.buckets (name);

create table storage.objects (
    id uuid primary key default gen_random_uuid(),
    bucket_id text references storage.buckets (id),
    name text,
    owner uuid,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    last_accessed_at timestamptz default now(),
    metadata jsonb,
    path_tokens text[] generated always as (string_to_array(name, '/')) stored,
    version text,
    owner_id text,
    user_metadata jsonb
);
create unique index bucketid_objname on storage.objects (bucket_id, name);
create index name_prefix_search on storage.objects (name text_pattern_ops);

create function storage.foldername(name text)
returns text[]
language plpgsql
immutable
as $$
declare
    parts text[];
begin
    select string_to_array(name, '/') into parts;
    return parts[1:array_length(parts, 1) - 1];
end
$$;

create function storage.filename(name text)
returns text
language plpgsql
immutable
as $$
declare
    parts text[];
begin
    select string_to_array(name, '/') into parts;
    return parts[array_length(parts, 1)];
end
$$;

create function storage.extension(name text)
returns text
language plpgsql
immutable
as $$
declare
    parts text[];
    filename text;
begin
    select string_to_array(name, '/') into parts;
    select parts[array_length(parts, 1)] into filename;
    return reverse(split_part(reverse(filename), '.', 1));
end
$$;

create function storage.protect_delete()
returns trigger
language plpgsql
as $$
begin
    if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
        raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
        using errcode = '42501', hint = 'This prevents accidental data loss from orphaned objects.';
    end if;
    return null;
end
$$;

create trigger protect_buckets_delete before delete on storage.buckets
for each statement execute function storage.protect_delete();
create trigger protect_objects_delete before delete on storage.objects
for each statement execute function storage.protect_delete();

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
alter function storage.foldername(text) owner to supabase_storage_admin;
alter function storage.filename(text) owner to supabase_storage_admin;
alter function storage.extension(text) owner to supabase_storage_admin;
alter function storage.protect_delete() owner to supabase_storage_admin;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role, postgres;
grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
to anon, authenticated, service_role, postgres;

-- postgres may create policies and triggers on these tables (it acts with the owner's
-- rights here), but what hosted projects refuse is refused after the fact.
grant supabase_storage_admin to postgres;

create function storage.refuse_platform_table_changes()
returns event_trigger
language plpgsql
as $$
declare
    command record;
begin
    -- The platform's own roles may, and so may the stand-in while it sets itself up (on a
    -- plain PostgreSQL that is postgres, the same role migrations run as).
    if (session_user in ('supabase_admin', 'supabase_storage_admin', 'supabase_realtime_admin')
            and current_user = session_user)
        or current_setting('gigflow.platform_setup', true) = 'on' then
        return;
    end if;
    for command in select * from pg_event_trigger_ddl_commands() loop
        if (command.command_tag = 'ALTER TABLE'
                and command.object_identity in ('storage.objects', 'storage.buckets', 'realtime.messages'))
            or (command.command_tag = 'COMMENT' and command.object_type = 'policy'
                and (command.object_identity like '% on storage.%'
                    or command.object_identity like '% on realtime.%')) then
            raise exception 'must be owner of table %', command.object_identity using errcode = '42501';
        end if;
    end loop;
end
$$;

-- (Through execute: sqlfluff cannot parse CREATE EVENT TRIGGER.)
do $$
begin
    execute 'create event trigger gigflow_standin_platform_tables on ddl_command_end'
        ' execute function storage.refuse_platform_table_changes()';
end
$$;
