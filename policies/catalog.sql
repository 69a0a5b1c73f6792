-- The catalog: categories are public; a gig is public once published, and always
-- visible to its seller and to admins. Packages and extras are visible exactly when
-- their gig is (the subquery on gigs runs under the gigs policies) and writable only by
-- the gig's seller. Statuses never change here: only the moderation functions move them.

create policy "anyone reads categories"
on public.categories
for select
to anon, authenticated
using (true);

create policy "anyone reads published gigs"
on public.gigs
for select
to anon, authenticated
using (status = 'published');

create policy "sellers read their own gigs"
on public.gigs
for select
to authenticated
using (seller_id = (select auth.uid()));

create policy "admins read every gig"
on public.gigs
for select
to authenticated
using ((select private.is_admin()));

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
