-- The operators' audit log: admins read it and append to it (each tool's RPC inserts the
-- request, a definer trigger applies it and completes the row). Nobody updates or
-- deletes a row: there is no policy for it, no privilege, and a trigger refuses it.

create policy "admins read the audit log"
on public.admin_actions
for select
to authenticated
using ((select private.is_admin()));

create policy "admins log their own actions"
on public.admin_actions
for insert
to authenticated
with check ((select private.is_admin()));
