-- The webhook inbox is operational data: admins read it, nobody writes it but the
-- service role.

create policy "admins read the webhook inbox"
on public.whop_events
for select
to authenticated
using ((select private.is_admin()));

create policy "admins read quarantined payments"
on public.quarantined_payments
for select
to authenticated
using ((select private.is_admin()));

-- Only the decision (column privileges), once (a trigger).
create policy "admins decide quarantined payments"
on public.quarantined_payments
for update
to authenticated
using ((select private.is_admin()))
with check ((select private.is_admin()));
