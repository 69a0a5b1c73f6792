-- The webhook inbox is operational data: admins read it, nobody writes it but the
-- service role.

create policy "admins read the webhook inbox"
on public.whop_events
for select
to authenticated
using ((select private.is_admin()));
