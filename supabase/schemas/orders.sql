-- Orders: the state machine as data, the order and everything hanging off it. Clients
-- never write an order table directly but for their own messages, the read flag of their
-- notifications and the order's action log: an action is a row a participant inserts
-- into public.order_events, and the definer trigger on it (functions/order_machine.sql)
-- locks the order, checks the edge in private.order_transitions, applies it and fills in
-- who acted and what changed. Who reads what: policies/orders.sql.

-- The states; each names the actions that leave it (every edge, with its actor, is a row
-- of private.order_transitions below).
create type public.order_status as enum (
    -- created with its Whop checkout: pay, fail_payment, expire_checkout, attach_checkout
    'pending_payment',
    -- paid, waiting for the brief: submit_requirements (buyer), start_work (seller),
    -- request_cancellation, the money actions
    'awaiting_requirements',
    -- the due date runs: deliver (seller), request_cancellation, open_dispute, mark_late,
    -- mark_very_late, the money actions
    'in_progress',
    -- request_revision or accept_delivery (buyer), auto_complete (after 3 days),
    -- request_cancellation, open_dispute, the money actions
    'delivered',
    -- deliver again (seller), request_cancellation, open_dispute, late marks, money actions
    'revision_requested',
    -- done: release_reviews (when both reviewed, or after 10 days), a chargeback
    -- (open_dispute by the system), the money actions
    'completed',
    -- accept_cancellation or decline_cancellation (the other party), or
    -- expire_cancellation_request (after 48 hours); a chargeback; the money actions
    'cancel_requested',
    -- terminal; a payment arriving late (pay), its files removed (remove_files), refunds
    'cancelled',
    -- resolve_dispute_completed or resolve_dispute_refund (admin), settle_dispute_refund,
    -- chargeback_won, chargeback_lost, the money actions
    'disputed',
    -- terminal: refunded in full
    'refunded'
);

-- The actions; each names the states it moves between and who may take it.
create type public.order_action as enum (
    -- system (Whop's payment): pending_payment -> awaiting_requirements, cancelled -> cancelled
    'pay',
    -- system (Whop's failed payment): pending_payment -> cancelled
    'fail_payment',
    -- system (timer when Whop never opened the checkout; reconciliation when Whop says
    -- it was not paid): pending_payment -> cancelled
    'expire_checkout',
    -- buyer: awaiting_requirements -> in_progress (the due date starts)
    'submit_requirements',
    -- seller: awaiting_requirements -> in_progress without the brief
    'start_work',
    -- seller: in_progress, revision_requested -> delivered
    'deliver',
    -- buyer, within the package's revisions: delivered -> revision_requested
    'request_revision',
    -- buyer: delivered -> completed
    'accept_delivery',
    -- system (timer, 3 days after delivery): delivered -> completed
    'auto_complete',
    -- buyer or seller: awaiting_requirements .. revision_requested -> cancel_requested
    'request_cancellation',
    -- the other party: cancel_requested -> cancelled
    'accept_cancellation',
    -- the other party: cancel_requested -> back to where the order was
    'decline_cancellation',
    -- system (timer, 48 hours): cancel_requested -> cancelled
    'expire_cancellation_request',
    -- buyer or seller (in_progress .. delivered), or the system on a chargeback (any paid
    -- state): -> disputed
    'open_dispute',
    -- admin: disputed -> completed
    'resolve_dispute_completed',
    -- system (the refund an admin decided has settled): disputed -> completed
    'settle_dispute_refund',
    -- system (Whop refunded what was left): a paid state -> refunded (cancelled stays)
    'refund_in_full',
    -- system (the Whop checkout exists): pending_payment -> pending_payment
    'attach_checkout',
    -- admin: a paid state -> itself, asking Whop for money back
    'request_refund',
    -- system (Whop refunded part of it): a paid state -> itself
    'refund_partially',
    -- system (Whop refused a requested refund): a paid state -> itself
    'refund_failed',
    -- admin: disputed -> disputed, a refund asked for; it settles the dispute when Whop
    -- confirms it (settle_dispute_refund)
    'resolve_dispute_refund',
    -- system (timer at the due date): in_progress, revision_requested -> itself
    'mark_late',
    -- system (timer a day after it): in_progress, revision_requested -> itself
    'mark_very_late',
    -- system (timer 10 days after completion, or the second review): completed -> itself
    'release_reviews',
    -- system (Whop: the chargeback was won): disputed -> completed
    'chargeback_won',
    -- system (Whop: the chargeback was lost): a paid state -> refunded (cancelled stays)
    'chargeback_lost',
    -- system (the worker removed, through Storage, the files of an order cancelled before
    -- any delivery): cancelled -> cancelled
    'remove_files',
    -- buyer (gives up an unpaid order), or the system (Whop refused to open its
    -- checkout): pending_payment -> cancelled
    'abandon_checkout'
);

create type public.order_actor as enum ('buyer', 'seller', 'admin', 'system');

create type public.refund_status as enum ('requested', 'succeeded', 'failed');

-- Transitions as data: adding a rule means adding a row. to_status null means "back to
-- where the order was before the cancellation request". A timer is an edge with
-- timer_from (the order's timestamp it counts from), timer_delay and timer_runner (the
-- database's run_due_timers, or the worker for what needs an outbound call): it is armed
-- while the order is in from_status, unless one of the columns in timer_unless is set.
create table private.order_transitions (
    from_status public.order_status not null,
    action public.order_action not null,
    actor public.order_actor not null,
    to_status public.order_status,
    -- Whether the parties hear of it (an attached checkout or removed files are not news).
    notifies boolean not null default true,
    timer_from text check (timer_from ~ '^[a-z_]+_at$'),
    timer_delay interval,
    timer_unless text[] not null default '{}',
    timer_runner text check (timer_runner in ('database', 'worker')),
    primary key (from_status, action, actor),
    constraint timers_are_complete check (
        (timer_from is null) = (timer_delay is null) and (timer_from is null) = (timer_runner is null)
    ),
    constraint timers_are_the_systems check (timer_from is null or actor = 'system')
);
revoke all on private.order_transitions from public, anon, authenticated;

-- Every edge, and only these: applied to any database, this leaves exactly this list.
with paid (status) as (
    values
    ('awaiting_requirements'), ('in_progress'), ('delivered'), ('revision_requested'), ('completed'),
    ('cancel_requested'), ('disputed')
),

edges (
    from_status, action, actor, to_status, notifies, timer_from, timer_delay, timer_unless, timer_runner
) as (
    values
    ('pending_payment', 'pay', 'system', 'awaiting_requirements', true, null, null, null, null),
    ('pending_payment', 'fail_payment', 'system', 'cancelled', true, null, null, null, null),
    -- Only a checkout Whop never opened expires by time: one Whop opened may have been
    -- paid with its webhook lost, so reconciliation asks Whop before it expires it.
    (
        'pending_payment', 'expire_checkout', 'system', 'cancelled', true,
        'checkout_expires_at', '0', '{whop_checkout_id}', 'database'
    ),
    ('pending_payment', 'attach_checkout', 'system', 'pending_payment', false, null, null, null, null),
    -- Nobody else is told: the buyer chose it or saw the refusal. A checkout page left
    -- open stays payable at Whop; paid after this, the order is refunded in full.
    ('pending_payment', 'abandon_checkout', 'buyer', 'cancelled', false, null, null, null, null),
    ('pending_payment', 'abandon_checkout', 'system', 'cancelled', false, null, null, null, null),
    -- A payment that arrives after the order was cancelled unpaid is recorded (and, by
    -- the rule that a paid order ending cancelled is refunded, refunded in full).
    ('cancelled', 'pay', 'system', 'cancelled', true, null, null, null, null),
    (
        'cancelled', 'remove_files', 'system', 'cancelled', false,
        'cancelled_at', '0', '{delivered_at,files_removed_at}', 'worker'
    ),
    ('awaiting_requirements', 'submit_requirements', 'buyer', 'in_progress', true, null, null, null, null),
    ('awaiting_requirements', 'start_work', 'seller', 'in_progress', true, null, null, null, null),
    ('in_progress', 'deliver', 'seller', 'delivered', true, null, null, null, null),
    ('revision_requested', 'deliver', 'seller', 'delivered', true, null, null, null, null),
    ('delivered', 'request_revision', 'buyer', 'revision_requested', true, null, null, null, null),
    ('delivered', 'accept_delivery', 'buyer', 'completed', true, null, null, null, null),
    ('delivered', 'auto_complete', 'system', 'completed', true, 'delivered_at', '3 days', '{}', 'database'),
    ('in_progress', 'mark_late', 'system', 'in_progress', true, 'due_at', '0', '{late_at}', 'database'),
    (
        'in_progress', 'mark_very_late', 'system', 'in_progress', true,
        'due_at', '24 hours', '{very_late_at}', 'database'
    ),
    (
        'revision_requested', 'mark_late', 'system', 'revision_requested', true,
        'due_at', '0', '{late_at}', 'database'
    ),
    (
        'revision_requested', 'mark_very_late', 'system', 'revision_requested', true,
        'due_at', '24 hours', '{very_late_at}', 'database'
    ),
    (
        'completed', 'release_reviews', 'system', 'completed', true,
        'completed_at', '10 days', '{reviews_released_at}', 'database'
    ),
    (
        'awaiting_requirements',
        'request_cancellation',
        'buyer',
        'cancel_requested',
        true,
        null,
        null,
        null,
        null
    ),
    (
        'awaiting_requirements',
        'request_cancellation',
        'seller',
        'cancel_requested',
        true,
        null,
        null,
        null,
        null
    ),
    ('in_progress', 'request_cancellation', 'buyer', 'cancel_requested', true, null, null, null, null),
    ('in_progress', 'request_cancellation', 'seller', 'cancel_requested', true, null, null, null, null),
    ('delivered', 'request_cancellation', 'buyer', 'cancel_requested', true, null, null, null, null),
    ('delivered', 'request_cancellation', 'seller', 'cancel_requested', true, null, null, null, null),
    ('revision_requested', 'request_cancellation', 'buyer', 'cancel_requested', true, null, null, null, null),
    (
        'revision_requested',
        'request_cancellation',
        'seller',
        'cancel_requested',
        true,
        null,
        null,
        null,
        null
    ),
    ('cancel_requested', 'accept_cancellation', 'buyer', 'cancelled', true, null, null, null, null),
    ('cancel_requested', 'accept_cancellation', 'seller', 'cancelled', true, null, null, null, null),
    ('cancel_requested', 'decline_cancellation', 'buyer', null, true, null, null, null, null),
    ('cancel_requested', 'decline_cancellation', 'seller', null, true, null, null, null, null),
    (
        'cancel_requested', 'expire_cancellation_request', 'system', 'cancelled', true,
        'cancellation_requested_at', '48 hours', '{}', 'database'
    ),
    ('in_progress', 'open_dispute', 'buyer', 'disputed', true, null, null, null, null),
    ('in_progress', 'open_dispute', 'seller', 'disputed', true, null, null, null, null),
    ('revision_requested', 'open_dispute', 'buyer', 'disputed', true, null, null, null, null),
    ('revision_requested', 'open_dispute', 'seller', 'disputed', true, null, null, null, null),
    ('delivered', 'open_dispute', 'buyer', 'disputed', true, null, null, null, null),
    ('delivered', 'open_dispute', 'seller', 'disputed', true, null, null, null, null),
    ('disputed', 'resolve_dispute_completed', 'admin', 'completed', true, null, null, null, null),
    ('disputed', 'resolve_dispute_refund', 'admin', 'disputed', true, null, null, null, null),
    ('disputed', 'settle_dispute_refund', 'system', 'completed', true, null, null, null, null),
    ('disputed', 'chargeback_won', 'system', 'completed', true, null, null, null, null)
),

-- What happens to money in every paid state: a chargeback freezes it (the one in dispute
-- already is), admins ask for refunds, Whop settles them or refuses, and a chargeback
-- lost at Whop takes the payment back.
money_edges as (
    select
        paid.status as from_status,
        money.action,
        money.actor,
        coalesce(money.to_status, paid.status) as to_status
    from paid
    cross join (
        values
        ('open_dispute', 'system', 'disputed'),
        ('request_refund', 'admin', null),
        ('refund_partially', 'system', null),
        ('refund_failed', 'system', null),
        ('refund_in_full', 'system', 'refunded'),
        ('chargeback_lost', 'system', 'refunded')
    ) as money (action, actor, to_status)
    where not (paid.status = 'disputed' and money.action = 'open_dispute')
    union all
    -- A paid order that was cancelled keeps its money movements, and stays cancelled.
    select
        'cancelled' as from_status,
        money.action,
        money.actor,
        'cancelled' as to_status
    from (
        values
        ('request_refund', 'admin'), ('refund_partially', 'system'), ('refund_failed', 'system'),
        ('refund_in_full', 'system'), ('chargeback_lost', 'system')
    ) as money (action, actor)
),

typed_edges as (
    select
        from_status::public.order_status as from_status,
        action::public.order_action as action,
        actor::public.order_actor as actor,
        to_status::public.order_status as to_status,
        notifies,
        timer_from,
        timer_delay::interval as timer_delay,
        coalesce(timer_unless::text[], '{}') as timer_unless,
        timer_runner
    from edges
    union all
    select
        from_status::public.order_status,
        action::public.order_action,
        actor::public.order_actor,
        to_status::public.order_status,
        action <> 'refund_failed' as notifies,
        null as timer_from,
        null as timer_delay,
        '{}' as timer_unless,
        null as timer_runner
    from money_edges
),

removed as (
    delete from private.order_transitions as t
    where not exists (
            select 1 from typed_edges as e
            where (e.from_status, e.action, e.actor) = (t.from_status, t.action, t.actor)
        )
)

insert into private.order_transitions (
    from_status, action, actor, to_status, notifies, timer_from, timer_delay, timer_unless, timer_runner
)
select
    from_status,
    action,
    actor,
    to_status,
    notifies,
    timer_from,
    timer_delay,
    timer_unless,
    timer_runner
from typed_edges
on conflict (from_status, action, actor) do update
    set
        to_status = excluded.to_status,
        notifies = excluded.notifies,
        timer_from = excluded.timer_from,
        timer_delay = excluded.timer_delay,
        timer_unless = excluded.timer_unless,
        timer_runner = excluded.timer_runner;

create table public.orders (
    id uuid primary key default gen_random_uuid(),
    buyer_id uuid not null references public.profiles (id) on delete restrict,
    seller_id uuid not null references public.seller_accounts (user_id) on delete restrict,
    gig_id uuid not null references public.gigs (id) on delete restrict,
    package_id uuid references public.gig_packages (id) on delete set null,
    tier public.package_tier not null,
    gig_title text not null,
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    -- The package's unit price; the order buys `quantity` of it.
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
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- When the worker finished removing the files of an order cancelled before delivery.
    files_removed_at timestamptz,
    -- The order's chat: the Whop DM channel between the buyer's and the seller's Whop
    -- accounts, set once both have linked Whop after payment (attach_whop_dm_channel,
    -- functions/order_chat.sql, checks it).
    whop_dm_channel_id text,
    -- How many of the package the buyer ordered (1 to the package's max_quantity).
    quantity integer not null default 1 check (quantity between 1 and 100),
    constraint buyer_is_not_the_seller check (buyer_id <> seller_id),
    constraint subtotal_adds_up check (subtotal_cents = package_price_cents * quantity + extras_cents),
    constraint fee_and_net_split_the_subtotal check (fee_cents + seller_net_cents = subtotal_cents),
    constraint refunds_within_payment check (
        refunded_cents between 0 and subtotal_cents
        and fee_refunded_cents <= fee_cents
        and net_refunded_cents <= seller_net_cents
        and fee_refunded_cents + net_refunded_cents = refunded_cents
    ),
    constraint revisions_within_allowance check (revisions_used <= revisions_included),
    constraint dispute_refund_within_payment check (dispute_refund_cents <= subtotal_cents)
)
-- Room on each page for the new version of a row: a transition then stays on its page.
with (fillfactor = 80);
comment on table public.orders is
'One purchase. Written only by definer functions; status moves only along private.order_transitions.';
create index orders_buyer_id_idx on public.orders (buyer_id, created_at desc);
create index orders_seller_id_idx on public.orders (seller_id, created_at desc);
create index orders_gig_id_idx on public.orders (gig_id);
create index orders_package_id_idx on public.orders (package_id);
-- What reconciliation asks Whop about: checkouts Whop knows of, not yet paid or given up.
-- No index of orders names status or a timestamp a transition moves, so the common
-- transitions are HOT updates (the timers' work lists are private.order_deadlines).
create index orders_awaiting_payment_idx on public.orders (checkout_expires_at)
where whop_payment_id is null and whop_checkout_id is not null and cancelled_at is null;

-- The armed timers: one row per (order, timer edge), kept by the state machine as the
-- order moves, read by run_due_timers and the worker.
create table private.order_deadlines (
    order_id uuid not null references public.orders (id) on delete cascade,
    action public.order_action not null,
    due_at timestamptz not null,
    primary key (order_id, action)
);
comment on table private.order_deadlines is
'When each armed timer of an order is due; kept by the order state machine.';
create index order_deadlines_due_idx on private.order_deadlines (due_at);
revoke all on private.order_deadlines from public, anon, authenticated;

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

-- Where the buyer came from (UTM tags, visitor and session ids), as it travelled with the
-- checkout and the payment: operators' data, never the seller's, so not on the order.
create table public.order_attributions (
    order_id uuid primary key references public.orders (id) on delete cascade,
    attribution jsonb not null default '{}' check (jsonb_typeof(attribution) = 'object'),
    updated_at timestamptz not null default now()
);
comment on table public.order_attributions is
'Marketing attribution of an order (checkout and payment metadata); admins only.';

-- Money moved between a seller and the platform outside an order's own split: the fee a
-- seller owes when a chargeback is lost and the operator's policy has sellers cover it.
-- Written only by the order state machine; part of the seller's balance.
create table public.seller_adjustments (
    id uuid primary key default gen_random_uuid(),
    seller_id uuid not null references public.seller_accounts (user_id) on delete restrict,
    order_id uuid references public.orders (id) on delete restrict,
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    amount_cents integer not null check (amount_cents <> 0),
    reason text not null check (char_length(reason) between 1 and 500),
    created_at timestamptz not null default now()
);
comment on table public.seller_adjustments is
'Charges (negative) and credits to a seller''s balance beyond an order''s own split.';
create index seller_adjustments_seller_id_idx on public.seller_adjustments (seller_id, currency);
create index seller_adjustments_order_id_idx on public.seller_adjustments (order_id);

-- Chargebacks and their early warnings as Whop reports them (dispute.*, dispute_alert.*):
-- what operators must answer, and by when.
create table public.chargebacks (
    whop_dispute_id text primary key check (char_length(whop_dispute_id) between 1 and 100),
    order_id uuid references public.orders (id) on delete restrict,
    whop_payment_id text check (char_length(whop_payment_id) <= 100),
    status text not null check (char_length(status) between 1 and 40),
    reason text check (char_length(reason) <= 500),
    amount_cents integer check (amount_cents >= 0),
    currency text check (currency ~ '^[A-Z]{3}$'),
    needs_response_by timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.chargebacks is
'Whop disputes (chargebacks) and their early warnings, with the deadline to respond; admin-only.';
create index chargebacks_order_id_idx on public.chargebacks (order_id);

alter table public.orders enable row level security;
alter table public.order_extras enable row level security;
alter table public.order_requirement_answers enable row level security;
alter table public.order_deliveries enable row level security;
alter table public.order_messages enable row level security;
alter table public.order_events enable row level security;
alter table public.notifications enable row level security;
alter table public.refunds enable row level security;
alter table public.reviews enable row level security;
alter table public.order_attributions enable row level security;
alter table public.seller_adjustments enable row level security;
alter table public.chargebacks enable row level security;

revoke all on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.reviews, public.order_attributions, public.seller_adjustments,
public.chargebacks
from anon, authenticated;
grant all on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.reviews, public.order_attributions, public.seller_adjustments,
public.chargebacks
to service_role;

grant select on public.reviews to anon, authenticated;
grant select on public.orders, public.order_extras, public.order_requirement_answers,
public.order_deliveries, public.order_messages, public.order_events, public.notifications,
public.refunds, public.order_attributions, public.seller_adjustments, public.chargebacks
to authenticated;
grant insert (order_id, body) on public.order_messages to authenticated;
-- An action on an order is the row a participant adds to its log: which order, which
-- action, its details. Who acted, from and to which state and when are the state
-- machine's to write; only server paths may name an actor or a time.
grant insert (order_id, action, details) on public.order_events to authenticated;
-- A review names its order, its stars and its text; the rest is the server's.
grant insert (order_id, rating, body) on public.reviews to authenticated;
grant update (read_at) on public.notifications to authenticated;

-- Participants get live updates; Realtime applies the same RLS before sending a change.
alter publication supabase_realtime add table public.orders, public.order_messages,
public.notifications;
