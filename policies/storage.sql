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

-- gig-media (public read): anyone sees media of published gigs; the seller manages
-- their own gig's media.
drop policy if exists "anyone reads media of published gigs" on storage.objects;
create policy "anyone reads media of published gigs"
on storage.objects
for select
to anon, authenticated
using (bucket_id = 'gig-media' and private.is_published_gig_media(name));

drop policy if exists "sellers read their own gig media" on storage.objects;
create policy "sellers read their own gig media"
on storage.objects
for select
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name));

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

-- avatars (public read): everyone reads; each user manages the files in their folder.
drop policy if exists "anyone reads avatars" on storage.objects;
create policy "anyone reads avatars"
on storage.objects
for select
to anon, authenticated
using (bucket_id = 'avatars');

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
