-- The catalog: listed categories are public (deactivating a category unlists it and
-- those under it; admins still see them); a gig is public once published, and always
-- visible to its seller and to admins. Its parts (packages, extras, questions, FAQ,
-- media) are visible exactly when the gig is (the subquery on gigs runs under the gigs
-- policy) and writable only by the gig's seller. Statuses never change here: only the
-- machine moves them (gig_events). One permissive policy per table, role and command:
-- who may do something is one condition, read in one place.

create policy "anyone reads listed categories, admins all"
on public.categories
for select
to anon, authenticated
using (listed or (select private.is_admin()));

create policy "anyone reads published gigs, sellers their own, admins all"
on public.gigs
for select
to anon, authenticated
using (
    status = 'published'
    or seller_id = (select auth.uid())
    or (select private.is_admin())
);

create policy "sellers create draft gigs"
on public.gigs
for insert
to authenticated
with check (seller_id = (select auth.uid()) and status = 'draft');

create policy "sellers edit their own gigs"
on public.gigs
for update
to authenticated
using (seller_id = (select auth.uid()))
with check (seller_id = (select auth.uid()));

create policy "sellers delete their unpublished gigs"
on public.gigs
for delete
to authenticated
using (seller_id = (select auth.uid()) and status in ('draft', 'rejected'));

create policy "packages are visible with their gig"
on public.gig_packages
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_packages.gig_id
));

create policy "sellers add packages to their gigs"
on public.gig_packages
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit packages of their gigs"
on public.gig_packages
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete packages of their gigs"
on public.gig_packages
for delete
to authenticated
using (private.sells_gig(gig_id));

create policy "extras are visible with their gig"
on public.gig_extras
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_extras.gig_id
));

create policy "sellers add extras to their gigs"
on public.gig_extras
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit extras of their gigs"
on public.gig_extras
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete extras of their gigs"
on public.gig_extras
for delete
to authenticated
using (private.sells_gig(gig_id));

-- Questions are public with their gig; a buyer keeps seeing them for gigs they ordered
-- (to answer them after the gig is paused or changed). Visitors have no orders, and no
-- right to read the orders table, hence a policy per role.
create policy "visitors read the requirements of visible gigs"
on public.gig_requirements
for select
to anon
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_requirements.gig_id
));

create policy "users read requirements of visible gigs and gigs they ordered"
on public.gig_requirements
for select
to authenticated
using (
    exists (
        select 1 from public.gigs as g
        where g.id = gig_requirements.gig_id
    )
    or exists (
        select 1 from public.orders as o
        where o.gig_id = gig_requirements.gig_id and o.buyer_id = (select auth.uid())
    )
);

create policy "sellers add requirements to their gigs"
on public.gig_requirements
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit requirements of their gigs"
on public.gig_requirements
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete requirements of their gigs"
on public.gig_requirements
for delete
to authenticated
using (private.sells_gig(gig_id));

create policy "faqs are visible with their gig"
on public.gig_faqs
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_faqs.gig_id
));

create policy "sellers add faqs to their gigs"
on public.gig_faqs
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers edit faqs of their gigs"
on public.gig_faqs
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers delete faqs of their gigs"
on public.gig_faqs
for delete
to authenticated
using (private.sells_gig(gig_id));

create policy "media is visible with its gig"
on public.gig_media
for select
to anon, authenticated
using (exists (
    select 1 from public.gigs as g
    where g.id = gig_media.gig_id
));

create policy "sellers add media to their gigs"
on public.gig_media
for insert
to authenticated
with check (private.sells_gig(gig_id));

create policy "sellers arrange media of their gigs"
on public.gig_media
for update
to authenticated
using (private.sells_gig(gig_id))
with check (private.sells_gig(gig_id));

create policy "sellers remove media of their gigs"
on public.gig_media
for delete
to authenticated
using (private.sells_gig(gig_id));

-- A gig's history: its seller and admins. Asking for a move: the row must name the
-- caller as its actor (the machine writes actor_id; the check holds it to that).
create policy "sellers and admins read a gig's history"
on public.gig_events
for select
to authenticated
using ((select private.is_admin()) or private.sells_gig(gig_id));

create policy "users ask for gig moves in their own name"
on public.gig_events
for insert
to authenticated
with check (actor_id = (select auth.uid()));
