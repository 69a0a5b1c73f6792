-- Order files in Supabase Storage. Buckets and which objects a brief or a delivery
-- cites; who may upload and read what is in policies/storage.sql, the checks and the
-- evidence rule in functions/files.sql.

-- Buckets: size limits and MIME types that fit each use. Idempotent, so it also settles
-- buckets made by hand in the dashboard.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
(
    'order-files', 'order-files', false, 52428800,
    array[
        'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml',
        'application/pdf', 'application/zip', 'text/plain', 'text/csv', 'video/mp4',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation'
    ]
),
(
    'gig-media', 'gig-media', true, 10485760,
    array['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4']
),
('avatars', 'avatars', true, 2097152, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update
    set
        name = excluded.name,
        public = excluded.public,
        file_size_limit = excluded.file_size_limit,
        allowed_mime_types = excluded.allowed_mime_types;

-- Which Storage objects a brief or a delivery refers to: the evidence in a dispute.
create table public.order_files (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    storage_object_id uuid not null,
    folder text not null check (folder in ('requirements', 'deliveries')),
    delivery_id uuid references public.order_deliveries (id) on delete cascade,
    name text not null,
    size_bytes bigint,
    mime_type text,
    uploaded_by uuid not null references public.profiles (id) on delete restrict,
    attached_at timestamptz not null default now(),
    constraint order_files_storage_object_id_key unique (storage_object_id),
    constraint deliveries_name_their_delivery check ((folder = 'deliveries') = (delivery_id is not null))
);
comment on table public.order_files is
'Files a brief or a delivery refers to, as Storage recorded them; they can no longer be replaced or removed.';
create index order_files_order_id_idx on public.order_files (order_id);
create index order_files_delivery_id_idx on public.order_files (delivery_id);
create index order_files_uploaded_by_idx on public.order_files (uploaded_by);
alter table public.order_files enable row level security;
revoke all on public.order_files from anon, authenticated;
grant select on public.order_files to authenticated;
grant all on public.order_files to service_role;
