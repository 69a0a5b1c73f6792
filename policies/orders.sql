-- Orders and everything hanging off them: the buyer, the seller and admins see them;
-- nobody else does, and nobody writes them directly: the order functions do.

create policy "participants read their orders"
on public.orders
for select
to authenticated
using (
    buyer_id = (select auth.uid())
    or seller_id = (select auth.uid())
    or (select private.is_admin())
);

create policy "participants read their order extras"
on public.order_extras
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their requirement answers"
on public.order_requirement_answers
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their deliveries"
on public.order_deliveries
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their order events"
on public.order_events
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their refunds"
on public.refunds
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants read their order messages"
on public.order_messages
for select
to authenticated
using (private.can_see_order(order_id));

create policy "participants send messages on their orders"
on public.order_messages
for insert
to authenticated
with check (sender_id = (select auth.uid()) and private.can_see_order(order_id));

create policy "users read their notifications"
on public.notifications
for select
to authenticated
using (user_id = (select auth.uid()));

create policy "users mark their notifications read"
on public.notifications
for update
to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- Released reviews are public; before release only their author sees them.
create policy "anyone reads released reviews"
on public.reviews
for select
to anon, authenticated
using (released_at is not null);

create policy "reviewers read their own reviews"
on public.reviews
for select
to authenticated
using (reviewer_id = (select auth.uid()));
