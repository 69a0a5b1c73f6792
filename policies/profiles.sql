-- Profiles are public identity (nothing private lives there: e-mail stays in auth.users,
-- admin status in app_metadata); each user edits only their own, and only the columns
-- granted for it.

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

-- Seller accounts hold KYC and payout state: the owner and admins read them; a user
-- opens their own (become_seller) and edits only the headline (column grants);
-- everything else changes through server functions.

create policy "sellers and admins read seller accounts"
on public.seller_accounts
for select
to authenticated
using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "users open their own seller account"
on public.seller_accounts
for insert
to authenticated
with check (user_id = (select auth.uid()));

create policy "sellers update their own headline"
on public.seller_accounts
for update
to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- The public facts about sellers: anyone reads them; triggers write them.
create policy "anyone reads seller stats"
on public.seller_stats
for select
to anon, authenticated
using (true);
