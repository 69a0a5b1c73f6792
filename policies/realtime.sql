-- Live order channels. Realtime authorizes a private channel by running, as the user with
-- their claims and with realtime.topic() set to the channel, a select on
-- realtime.messages (join and receive) and an insert (send). The topic of an order's
-- channel is `order:<order_id>`: its buyer and seller join and send, nobody else.

drop policy if exists "participants join their order channels" on realtime.messages;
create policy "participants join their order channels"
on realtime.messages
for select
to authenticated
using (
    extension in ('broadcast', 'presence')
    and private.is_order_channel_participant((select realtime.topic()))
);

drop policy if exists "participants send on their order channels" on realtime.messages;
create policy "participants send on their order channels"
on realtime.messages
for insert
to authenticated
with check (
    extension in ('broadcast', 'presence')
    and private.is_order_channel_participant((select realtime.topic()))
);
