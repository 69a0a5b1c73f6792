-- Orders: the state machine as data, the order and everything hanging off it. Clients
-- never write an order: no INSERT/UPDATE/DELETE privilege on any order table except
-- their own messages and the read flag of their notifications. Every change goes through
-- a definer function (functions/order_actions.sql) that locks the order row, checks the
-- actor against private.order_transitions and appends an event. Who reads what:
-- policies/orders.sql.

-- pending_payment -> awaiting_requirements (payment verified) -> in_progress (brief
-- submitted, due date starts) -> delivered -> completed (accepted or after 3 days);
-- delivered -> revision_requested -> delivered; cancel_requested and disputed are
-- detours; cancelled and refunded are terminal. private.order_transitions has every edge.
create type public.order_status as enum (
    'pending_payment',
    'awaiting_requirements',
    'in_progress',
    'delivered',
    'revision_requested',
    'completed',
    'cancel_requested',
    'cancelled',
    'disputed',
    'refunded'
);

create type public.order_action as enum (
    'pay',
    'fail_payment',
    'expire_checkout',
    'submit_requirements',
    'start_work',
    'deliver',
    'request_revision',
    'accept_delivery',
    'auto_complete',
    'request_cancellation',
    'accept_cancellation',
    'decline_cancellation',
    'expire_cancellation_request',
    'open_dispute',
    'resolve_dispute_completed',
    'settle_dispute_refund',
    'refund_in_full'
);

create type public.order_actor as enum ('buyer', 'seller', 'admin', 'system');

create type public.refund_status as enum ('requested', 'succeeded', 'failed');

-- Transitions as data: adding a rule means adding a row. to_status null means "back to
-- where the order was before the cancellation request".
create table private.order_transitions (
    from_status public.order_status not null,
    action public.order_action not null,
    actor public.order_actor not null,
    to_status public.order_status,
    primary key (from_status, action, actor)
);
revoke all on private.order_transitions from public, anon, authenticated;

-- Every edge, and only these: applied to any database, this leaves exactly this list.
with edges (from_status, action, actor, to_status) as (
    values
    ('pending_payment', 'pay', 'system', 'awaiting_requirements'),
    ('pending_payment', 'fail_payment', 'system', 'cancelled'),
    ('pending_payment', 'expire_checkout', 'system', 'cancelled'),
    -- A payment that arrives after the order was cancelled unpaid is recorded (and, by
    -- the rule that a paid order ending cancelled is refunded, refunded in full).
    ('cancelled', 'pay', 'system', 'cancelled'),
    ('awaiting_requirements', 'submit_requirements', 'buyer', 'in_progress'),
    ('awaiting_requirements', 'start_work', 'seller', 'in_progress'),
    ('in_progress', 'deliver', 'seller', 'delivered'),
    ('revision_requested', 'deliver', 'seller', 'delivered'),
    ('delivered', 'request_revision', 'buyer', 'revision_requested'),
    ('delivered', 'accept_delivery', 'buyer', 'completed'),
    ('delivered', 'auto_complete', 'system', 'completed'),
    ('awaiting_requirements', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('awaiting_requirements', 'request_cancellation', 'seller', 'cancel_requested'),
    ('in_progress', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('in_progress', 'request_cancellation', 'seller', 'cancel_requested'),
    ('delivered', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('delivered', 'request_cancellation', 'seller', 'cancel_requested'),
    ('revision_requested', 'request_cancellation', 'buyer', 'cancel_requested'),
    ('revision_requested', 'request_cancellation', 'seller', 'cancel_requested'),
    ('cancel_requested', 'accept_cancellation', 'buyer', 'cancelled'),
    ('cancel_requested', 'accept_cancellation', 'seller', 'cancelled'),
    ('cancel_requested', 'decline_cancellation', 'buyer', null),
    ('cancel_requested', 'decline_cancellation', 'seller', null),
    ('cancel_requested', 'expire_cancellation_request', 'system', 'cancelled'),
    ('in_progress', 'open_dispute', 'buyer', 'disputed'),
    ('in_progress', 'open_dispute', 'seller', 'disputed'),
    ('revision_requested', 'open_dispute', 'buyer', 'disputed'),
    ('revision_requested', 'open_dispute', 'seller', 'disputed'),
    ('delivered', 'open_dispute', 'buyer', 'disputed'),
    ('delivered', 'open_dispute', 'seller', 'disputed'),
    -- A chargeback opened at Whop freezes the order like a dispute between the parties.
    ('awaiting_requirements', 'open_dispute', 'system', 'disputed'),
    ('in_progress', 'open_dispute', 'system', 'disputed'),
    ('delivered', 'open_dispute', 'system', 'disputed'),
    ('revision_requested', 'open_dispute', 'system', 'disputed'),
    ('completed', 'open_dispute', 'system', 'disputed'),
    ('cancel_requested', 'open_dispute', 'system', 'disputed'),
    ('disputed', 'resolve_dispute_completed', 'admin', 'completed'),
    ('disputed', 'settle_dispute_refund', 'system', 'completed'),
    ('awaiting_requirements', 'refund_in_full', 'system', 'refunded'),
    ('in_progress', 'refund_in_full', 'system', 'refunded'),
    ('delivered', 'refund_in_full', 'system', 'refunded'),
    ('revision_requested', 'refund_in_full', 'system', 'refunded'),
    ('completed', 'refund_in_full', 'system', 'refunded'),
    ('cancel_requested', 'refund_in_full', 'system', 'refunded'),
    ('disputed', 'refund_in_full', 'system', 'refunded')
),

typed_edges as (
    select
        from_status::public.order_status as from_status,
        action::public.order_action as action,
        actor::public.order_actor as actor,
        to_status::public.order_status as to_status
    from edges
),

removed as (
    delete from private.order_transitions as t
    where not exists (
            select 1 from typed_edges as e
            where (e.from_status, e.action, e.actor) = (t.from_status, t.action, t.actor)
        )
)

insert into private.order_transitions (from_status, action, actor, to_status)
select
    from_status,
    action,
    actor,
    to_status
from typed_edges
on conflict (from_status, action, actor) do update set to_status = excluded.to_status;

create table public.orders (
    id uuid primary key default gen_random_uuid(),
    buyer_id uuid not null references public.profiles (id) on delete restrict,
    seller_id uuid not null references public.seller_accounts (user_id) on delete restrict,
    gig_id uuid not null references public.gigs (id) on delete restrict,
    package_id uuid references public.gig_packages (id) on delete set null,
    tier public.package_tier not null,
    gig_title text not null,
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    package_price_cents integer not null check (package_price_cents > 0),
    extras_cents integer not null default 0 check (extras_cents >= 0),
    subtotal_cents integer not null,
    fee_bps integer not null check (fee_bps between 0 and 5000),
    fee_cents integer not null check (fee_cents >= 0),
    seller_net_cents integer not null check (seller_net_cents >= 0),
    refunded_cents integer not null default 0,
    fee_refunded_cents integer not null default 0 check (fee_refunded_cents >= 0),
    net_refunded_cents integer not null default 0 check (net_refunded_cents >= 0),
    delivery_days integer not null check (delivery_days > 0),
    revisions_included integer not null check (revisions_included >= 0),
    revisions_used integer not null default 0 check (revisions_used >= 0),
    status public.order_status not null default 'pending_payment',
    status_before_cancellation_request public.order_status,
    cancellation_requested_by public.order_actor,
    cancellation_requested_at timestamptz,
    dispute_opened_by public.order_actor,
    dispute_reason text check (char_length(dispute_reason) <= 2000),
    dispute_refund_cents integer check (dispute_refund_cents > 0),
    whop_checkout_id text unique,
    whop_payment_id text unique,
    checkout_expires_at timestamptz not null,
    paid_at timestamptz,
    started_at timestamptz,
    due_at timestamptz,
    late_at timestamptz,
    very_late_at timestamptz,
    delivered_at timestamptz,
    completed_at timestamptz,
    cancelled_at timestamptz,
    reviews_released_at timestamptz,
    attribution jsonb not null default '{}' check (jsonb_typeof(attribution) = 'object'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- When the worker finished removing the files of an order cancelled before delivery.
    files_removed_at timestamptz,
    constraint buyer_is_not_the_seller check (buyer_id <> seller_id),
    constraint subtotal_adds_up check (subtotal_cents = package_price_cents + extras_cents),
    constraint fee_and_net_split_the_subtotal check (fee_cents + seller_net_cents = subtotal_cents),
    constraint refunds_within_payment check (
        refunded_cents between 0 and subtotal_cents
        and fee_refunded_cents <= fee_cents
        and net_refunded_cents <= seller_net_cents
        and fee_refunded_cents + net_refunded_cents = refunded_cents
    ),
    constraint revisions_within_allowance check (revisions_used <= revisions_included),
    constraint dispute_refund_within_payment check (dispute_refund_cents <= subtotal_cents)
);
comment on table public.orders is
'One purchase. Written only by definer functions; status moves only along private.order_transitions.';
create index orders_buyer_id_idx on public.orders (buyer_id, created_at desc);
create index orders_seller_id_idx on public.orders (seller_id, created_at desc);
create index orders_gig_id_idx on public.orders (gig_id);
create index orders_package_id_idx on public.orders (package_id);
-- The timers' work lists.
create index orders_awaiting_payment_idx on public.orders (checkout_expires_at)
where status = 'pending_payment';
create index orders_delivered_idx on public.orders (delivered_at)
where status = 'delivered';
create index orders_cancellation_requested_idx on public.orders (cancellation_requested_at)
where status = 'cancel_requested';
create index orders_due_idx on public.orders (due_at)
where status in ('in_progress', 'revision_requested') and very_late_at is null;
create index orders_reviews_pending_idx on public.orders (completed_at)
where status = 'completed' and reviews_released_at is null;
-- The worker's pass over files to remove: the orders still to clear.
create index orders_files_to_remove_idx on public.orders (cancelled_at)
where status = 'cancelled' and delivered_at is null and files_removed_at is null;

create table public.order_extras (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    extra_id uuid references public.gig_extras (id) on delete set null,
    title text not null,
    unit_price_cents integer not null check (unit_price_cents > 0),
    quantity integer not null check (quantity between 1 and 10),
    line_total_cents integer not null,
    extra_delivery_days integer not null check (extra_delivery_days >= 0),
    constraint line_total_adds_up check (line_total_cents = unit_price_cents * quantity)
);
create index order_extras_order_id_idx on public.order_extras (order_id);
create index order_extras_extra_id_idx on public.order_extras (extra_id);

create table public.order_requirement_answers (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    requirement_id uuid references public.gig_requirements (id) on delete set null,
    question text not null,
    kind public.requirement_kind not null,
    answer text not null check (char_length(answer) between 1 and 5000),
    answered_at timestamptz not null default now()
);
create index order_requirement_answers_order_id_idx on public.order_requirement_answers (order_id);
create index order_requirement_answers_requirement_id_idx
on public.order_requirement_answers (requirement_id);

create table public.order_deliveries (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    message text not null check (char_length(message) between 1 and 5000),
    files jsonb not null default '[]' check (
        jsonb_typeof(files) = 'array' and jsonb_array_length(files) <= 20
    ),
    delivered_by uuid not null references public.profiles (id) on delete restrict,
    created_at timestamptz not null default now()
);
create index order_deliveries_order_id_idx on public.order_deliveries (order_id, created_at);
create index order_deliveries_delivered_by_idx on public.order_deliveries (delivered_by);

create table public.order_messages (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    sender_id uuid not null default auth.uid() references public.profiles (id) on delete restrict,
    body text not null check (char_length(btrim(body)) between 1 and 5000),
    created_at timestamptz not null default now()
);
create index order_messages_order_id_idx on public.order_messages (order_id, created_at);
create index order_messages_sender_id_idx on public.order_messages (sender_id);

-- Append-only: one row per applied transition (and per late mark), never changed.
create table public.order_events (
    id bigint generated always as identity primary key,
    order_id uuid not null references public.orders (id) on delete cascade,
    actor public.order_actor not null,
    -- No foreign key: the log keeps who acted even after that account is gone (and an
    -- ON DELETE action would have to update an append-only row).
    actor_id uuid,
    action text not null,
    from_status public.order_status not null,
    to_status public.order_status not null,
    details jsonb not null default '{}',
    created_at timestamptz not null default now()
);
create index order_events_order_id_idx on public.order_events (order_id, id);

create table public.notifications (
    id bigint generated always as identity primary key,
    user_id uuid not null references public.profiles (id) on delete cascade,
    order_id uuid references public.orders (id) on delete cascade,
    kind text not null,
    body text not null,
    read_at timestamptz,
    created_at timestamptz not null default now()
);
create index notifications_user_id_idx on public.notifications (user_id, id desc);
create index notifications_order_id_idx on public.notifications (order_id);

-- Refund requests and Whop-confirmed refunds. Only succeeded rows move money; the order
-- keeps running totals that constraints hold within what was paid.
create table public.refunds (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete restrict,
    amount_cents integer not null check (amount_cents > 0),
    fee_refund_cents integer check (fee_refund_cents >= 0),
    net_refund_cents integer check (net_refund_cents >= 0),
    status public.refund_status not null default 'requested',
    reason text not null check (char_length(reason) between 1 and 500),
    whop_refund_id text unique,
    requested_by uuid references public.profiles (id) on delete set null,
    created_at timestamptz not null default now(),
    settled_at timestamptz,
    -- When the worker sent a requested refund to Whop (it is sent once, never again).
    submitted_at timestamptz,
    constraint succeeded_refunds_are_split check (
        status <> 'succeeded'
        or (fee_refund_cents + net_refund_cents = amount_cents and settled_at is not null)
    )
);
create index refunds_order_id_idx on public.refunds (order_id);
create index refunds_requested_by_idx on public.refunds (requested_by);
create index refunds_requested_idx on public.refunds (created_at) where status = 'requested';
create index refunds_to_submit_idx on public.refunds (created_at)
where status = 'requested' and submitted_at is null;

create table public.reviews (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    reviewer_id uuid not null references public.profiles (id) on delete cascade,
    reviewee_id uuid not null references public.profiles (id) on delete cascade,
    reviewer_role public.order_actor not null check (reviewer_role in ('buyer', 'seller')),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    rating integer not null check (rating between 1 and 5),
    body text not null default '' check (char_length(body) <= 2000),
    created_at timestamptz not null default now(),
    released_at timestamptz,
    constraint one_review_per_side unique (order_id, reviewer_role)
);
comment on table public.reviews is
'Hidden until both sides reviewed or the release period passed; then public.';
create index reviews_reviewer_id_idx on public.reviews (reviewer_id);
create index reviews_reviewee_id_idx on public.reviews (reviewee_id);
create index reviews_gig_id_idx on public.reviews (gig_id);

create trigger orders_touch_updated_at
before update on public.orders
for each row execute function private.touch_updated_at();

alter table public.orders enable row level security;
alter table public.order_extras enable row level security;
alter table public.order_requirement_answers enable row level security;
alter table public.order_deliveries enable row level security;
alter table public.order_messages enable row level security;
alter table public.order_events enable row level security;
alter table public.notifications enable row level security;
alter table public.refunds enable row level security;
alter table public.reviews enable row level security;

revoke all on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.reviews
from anon, authenticated;
grant all on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.reviews
to service_role;

grant select on public.reviews to anon, authenticated;
grant select on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds to authenticated;
grant insert (order_id, body) on public.order_messages to authenticated;
grant update (read_at) on public.notifications to authenticated;

-- Participants get live updates; Realtime applies the same RLS before sending a change.
alter publication supabase_realtime add table public.orders, public.order_messages,
public.notifications;
