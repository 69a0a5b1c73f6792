-- Profiles are public identity (no e-mail or other private data lives here); each user
-- edits only their own, and only the columns granted for it (never the role).

create policy "anyone reads profiles"
on public.profiles
for select
to anon, authenticated
using (true);

create policy "users update their own profile"
on public.profiles
for update
to authenticated
using (id = (select auth.uid()))
with check (id = (select auth.uid()));

-- Seller accounts hold KYC and payout state: the owner and admins read them; the owner
-- edits only the headline (column grant); everything else changes through server
-- functions.

create policy "sellers read their own account"
on public.seller_accounts
for select
to authenticated
using (user_id = (select auth.uid()));

create policy "admins read every seller account"
on public.seller_accounts
for select
to authenticated
using ((select private.is_admin()));

create policy "sellers update their own headline"
on public.seller_accounts
for update
to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
