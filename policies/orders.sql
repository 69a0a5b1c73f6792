-- Orders and everything hanging off them: the buyer, the seller and admins see them;
-- nobody else does. Nobody writes them but the state machine, which acts on the rows
-- participants add to an order's log (order_events), filling in who acted.

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

-- The state machine has checked the action and named the caller as its actor by now.
create policy "participants act on their orders"
on public.order_events
for insert
to authenticated
with check (actor_id = (select auth.uid()));

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
to anon
using (released_at is not null);

create policy "users read released reviews and their own"
on public.reviews
for select
to authenticated
using (released_at is not null or reviewer_id = (select auth.uid()));

-- The review trigger has checked the order and named the caller as the reviewer by now.
create policy "participants review their completed orders"
on public.reviews
for insert
to authenticated
with check (reviewer_id = (select auth.uid()));

create policy "sellers read their balance adjustments"
on public.seller_adjustments
for select
to authenticated
using (seller_id = (select auth.uid()) or (select private.is_admin()));

create policy "admins read chargebacks"
on public.chargebacks
for select
to authenticated
using ((select private.is_admin()));

create policy "admins read order attribution"
on public.order_attributions
for select
to authenticated
using ((select private.is_admin()));
