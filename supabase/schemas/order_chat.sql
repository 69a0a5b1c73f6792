-- Order chat: a Whop DM channel between the buyer's and the seller's Whop accounts, made
-- by the worker once the order is paid and both have linked Whop (functions/order_chat.sql).
-- The channel's id is on the order (public.orders.whop_dm_channel_id, read under the
-- order's policies); what it was made for, and the worker's attempts, are kept here.

-- One row per order that wants (or has) a chat: the Whop accounts it is between, the
-- channel once Whop made it, and when to try again after a failure.
create table private.order_dm_channels (
    order_id uuid primary key references public.orders (id) on delete cascade,
    buyer_whop_user_id text not null check (char_length(buyer_whop_user_id) between 1 and 100),
    seller_whop_user_id text not null check (char_length(seller_whop_user_id) between 1 and 100),
    whop_dm_channel_id text check (char_length(whop_dm_channel_id) between 1 and 100),
    wanted_at timestamptz not null default now(),
    opened_at timestamptz,
    attempts integer not null default 0 check (attempts >= 0),
    last_error text check (char_length(last_error) <= 500),
    retry_at timestamptz not null default now()
);
comment on table private.order_dm_channels is
'The Whop DM channel of each paid order whose two parties linked Whop, and the worker''s attempts at it.';
-- The worker's work list: chats wanted and not yet open, due now.
create index order_dm_channels_to_open_idx on private.order_dm_channels (retry_at)
where whop_dm_channel_id is null;
revoke all on private.order_dm_channels from public, anon, authenticated;
