-- Files in Supabase Storage. Every Storage API call runs as the requesting user, so these
-- policies on storage.objects are the whole authorization (a signed URL needs select).
-- Path conventions and the helpers are in functions/files.sql. Buckets without a policy
-- here are closed to the API roles. The platform owns storage.objects and a rebuild of
-- our schemas leaves its policies in place, hence drop-if-exists before each one.

-- order-files (private): the order's participants, and admins for disputes.
drop policy if exists "participants read their order files" on storage.objects;
create policy "participants read their order files"
on storage.objects
for select
to authenticated
using (bucket_id = 'order-files' and private.can_read_order_file(name));

drop policy if exists "buyers upload briefs and sellers upload deliveries" on storage.objects;
create policy "buyers upload briefs and sellers upload deliveries"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and private.can_upload_order_file(name)
);

drop policy if exists "uploaders replace their order files until submitted" on storage.objects;
create policy "uploaders replace their order files until submitted"
on storage.objects
for update
to authenticated
using (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and not private.is_order_evidence(id)
)
with check (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and private.can_upload_order_file(name)
);

drop policy if exists "uploaders remove their order files until submitted" on storage.objects;
create policy "uploaders remove their order files until submitted"
on storage.objects
for delete
to authenticated
using (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and not private.is_order_evidence(id)
);

-- gig-media and avatars are public buckets: Storage serves their files by URL
-- (getPublicUrl, /object/public/...) without asking any policy. A SELECT policy here
-- only decides who may list a folder, download through the authenticated API, sign a
-- URL, or upsert (an upsert reads the object first). So nobody may list the whole
-- bucket: splinter's lint 0025 flags a public bucket with a broad SELECT policy. Each
-- user lists their own folder (what an uploader needs); admins list gig media to
-- moderate it. A gig page names its files (get_gig: media paths).
drop policy if exists "sellers and admins list gig media" on storage.objects;
create policy "sellers and admins list gig media"
on storage.objects
for select
to authenticated
using (bucket_id = 'gig-media' and (private.is_own_gig_media(name) or (select private.is_admin())));

drop policy if exists "sellers upload media of their gigs" on storage.objects;
create policy "sellers upload media of their gigs"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'gig-media' and owner_id = (select auth.uid())::text and private.is_own_gig_media(name)
);

drop policy if exists "sellers replace media of their gigs" on storage.objects;
create policy "sellers replace media of their gigs"
on storage.objects
for update
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name))
with check (
    bucket_id = 'gig-media' and owner_id = (select auth.uid())::text and private.is_own_gig_media(name)
);

drop policy if exists "sellers remove media of their gigs" on storage.objects;
create policy "sellers remove media of their gigs"
on storage.objects
for delete
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name));

-- An earlier version let anyone list avatars; that policy names no private function, so
-- a rebuild of a local database (which drops `private`) would keep it.
drop policy if exists "anyone reads avatars" on storage.objects;
drop policy if exists "users list their own avatars" on storage.objects;
create policy "users list their own avatars"
on storage.objects
for select
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text);

drop policy if exists "users upload their avatar" on storage.objects;
create policy "users upload their avatar"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'avatars'
    and owner_id = (select auth.uid())::text
    and (private.path_parts(name, 2))[1] = (select auth.uid())::text
);

drop policy if exists "users replace their avatar" on storage.objects;
create policy "users replace their avatar"
on storage.objects
for update
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text)
with check (
    bucket_id = 'avatars'
    and owner_id = (select auth.uid())::text
    and (private.path_parts(name, 2))[1] = (select auth.uid())::text
);

drop policy if exists "users remove their avatar" on storage.objects;
create policy "users remove their avatar"
on storage.objects
for delete
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text);

-- What a brief or a delivery refers to, as Storage recorded it: participants read it.
create policy "participants read their order files records"
on public.order_files
for select
to authenticated
using (private.can_see_order(order_id));
