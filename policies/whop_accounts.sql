-- Linked Whop accounts: a user reads only their own link (and only the columns without
-- tokens: column privileges). The worker reads and writes links as the service role.

create policy "users read their own whop link"
on private.whop_oauth_links
for select
to authenticated
using (user_id = (select auth.uid()));
