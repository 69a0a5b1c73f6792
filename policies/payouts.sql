-- Withdrawals: a seller reads their own, admins read all; only the server writes them.

create policy "sellers read their withdrawals"
on public.withdrawals
for select
to authenticated
using (seller_id = (select auth.uid()) or (select private.is_admin()));
