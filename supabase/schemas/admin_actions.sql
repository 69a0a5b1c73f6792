-- Operators' tools and their audit log. Every tool (suspend or reinstate a seller, take
-- down or restore a gig, create, rename, move, reorder, deactivate or reactivate a
-- category) is a row of public.admin_actions: the tool's RPC (security invoker,
-- functions/admin_tools.sql) inserts the request columns, and a definer trigger checks
-- the caller is an admin, applies the action and fills in who acted and what changed.
-- So nothing an operator does escapes the log, and the log is never rewritten: rows are
-- never updated or deleted, by anyone. Admins read it (policies/admin_actions.sql).

-- What an operator did; each names the target column it fills.
create type public.admin_action as enum (
    -- seller_id: their gigs leave search and cannot be bought, withdrawals are held, open
    -- orders continue; the seller is told why
    'suspend_seller',
    -- seller_id: all of that undone
    'reinstate_seller',
    -- gig_id (and its seller_id): published or paused -> taken_down through the gig machine
    'take_down_gig',
    -- gig_id (and its seller_id): taken_down -> published
    'restore_gig',
    -- category_id (assigned): a new category; details {slug, name, parent_id, position}
    'create_category',
    -- category_id: details {name}
    'rename_category',
    -- category_id: details {parent_id} (null: top level)
    'move_category',
    -- category_id: details {position}
    'reorder_category',
    -- category_id: it and the categories under it leave browsing, their gigs search
    'deactivate_category',
    -- category_id
    'reactivate_category'
);

create table public.admin_actions (
    id bigint generated always as identity primary key,
    action public.admin_action not null,
    -- Who: the admin's user id; null when the service role (the server) acted. No
    -- foreign keys here: the log outlives the accounts, gigs and categories it names.
    admin_id uuid,
    -- On what: the seller (suspensions, and the seller of a gig acted on), the gig, or the
    -- category.
    seller_id uuid,
    gig_id uuid,
    category_id bigint,
    -- Why: required for sellers and gigs, optional for categories.
    reason text check (char_length(reason) between 1 and 500),
    -- Asked for: the tool's arguments; recorded: what changed ({"name": {"from", "to"}}, the
    -- gig's move, the suspension lifted).
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    created_at timestamptz not null default now(),
    constraint admin_actions_name_their_target check (
        case
            when action in ('suspend_seller', 'reinstate_seller')
                then seller_id is not null and gig_id is null and category_id is null
            when action in ('take_down_gig', 'restore_gig')
                then gig_id is not null and category_id is null
            else category_id is not null and seller_id is null and gig_id is null
        end
    ),
    constraint sanctions_have_a_reason check (
        reason is not null
        or action not in ('suspend_seller', 'reinstate_seller', 'take_down_gig', 'restore_gig')
    )
);
comment on table public.admin_actions is
'Append-only audit log of operators'' tools: who (admin_id), what (action), on what (seller_id, gig_id, '
'category_id), when (created_at), why (reason) and what changed (details). Admins only.';
create index admin_actions_seller_id_idx on public.admin_actions (seller_id, id) where seller_id is not null;
create index admin_actions_gig_id_idx on public.admin_actions (gig_id, id) where gig_id is not null;
create index admin_actions_category_id_idx on public.admin_actions (category_id, id)
where category_id is not null;

alter table public.admin_actions enable row level security;

revoke all on public.admin_actions from anon, authenticated, service_role;
-- Read and appended, never changed: not even the service role may update, delete or
-- truncate (and a trigger refuses it to the owner too).
grant select, insert on public.admin_actions to service_role;
grant select on public.admin_actions to authenticated;
-- Asking for an action: who acted and when are the trigger's to write.
grant insert (action, seller_id, gig_id, category_id, reason, details)
on public.admin_actions to authenticated;
