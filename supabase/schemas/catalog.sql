-- The catalog: categories, gigs, their packages, extras, FAQ, media and the questions a
-- seller asks a buyer, and the moderation machine that moves a gig between states. The
-- machine, the KYC gate, the review rule for edits and the summary columns are rules in
-- functions/gigs.sql and functions/gig_media.sql; who reads and writes what is in
-- policies/catalog.sql. Search reads its own table (supabase/schemas/search.sql).

-- Where a gig is in moderation. Every move is a row of private.gig_transitions, applied
-- by private.apply_gig_event (functions/gigs.sql), which appends a gig_events row.
--   draft      new; seller: submit -> review; seller: edit -> draft
--   review     admin: publish -> published, reject -> rejected; seller: edit -> review
--              (publish and reject name the content_version the moderator saw)
--   published  seller: pause -> paused, edit -> review; platform: suspend -> paused
--              (the seller's KYC stopped being verified)
--   paused     seller: unpause -> published (the KYC gate has the last word), edit -> review
--   rejected   seller: submit -> review, edit -> rejected
--   taken_down admin: restore -> published (the KYC gate has the last word); nothing
--              else, edits included, so what comes back is what was taken down
--              (published or paused: admin take_down -> taken_down, through take_down_gig)
create type public.gig_status as enum ('draft', 'review', 'published', 'paused', 'rejected', 'taken_down');
comment on type public.gig_status is
'draft -submit-> review -publish-> published <-pause/unpause-> paused; review -reject-> rejected '
'-submit-> review; an edit of published or paused -> review; KYC loss: published -suspend-> paused; '
'an operator: published or paused -take_down-> taken_down -restore-> published.';

-- What moves a gig (private.gig_transitions names who may, from where, to where).
-- take_down and restore are operators' tools: asked for only through take_down_gig and
-- restore_gig, which log them in admin_actions (functions/admin_tools.sql).
create type public.gig_action as enum (
    'submit', 'publish', 'reject', 'pause', 'unpause', 'suspend', 'edit', 'take_down', 'restore'
);

-- Who moves it: the gig's seller, an admin (app_metadata.user_role, or the service role),
-- or the platform itself (set_seller_kyc_status).
create type public.gig_actor as enum ('seller', 'admin', 'platform');

create type public.package_tier as enum ('basic', 'standard', 'premium');

create type public.gig_sort as enum ('relevance', 'price_low', 'price_high', 'rating', 'newest');

create type public.requirement_kind as enum ('free_text', 'multiple_choice', 'attachment');

-- The category tree operators manage (create_category and the other tools in
-- functions/admin_tools.sql). A category is never deleted while gigs name it; an
-- operator deactivates it instead: `listed` (kept by functions/categories.sql) is false
-- when it or any category above it is inactive, and the gigs of an unlisted category
-- leave search and browsing but stay published, reachable by their page and buyable.
create table public.categories (
    id bigint generated always as identity primary key,
    slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
    name text not null check (char_length(name) between 1 and 80),
    parent_id bigint references public.categories (id) on delete restrict,
    position integer not null default 0,
    active boolean not null default true,
    listed boolean not null default true,
    constraint category_is_not_its_own_parent check (parent_id <> id),
    constraint unlisted_when_inactive check (active or not listed)
);
comment on table public.categories is
'The category tree. Visitors see listed categories (active, under active parents); admins all.';
create index categories_parent_id_idx on public.categories (parent_id);

create table public.gigs (
    id uuid primary key default gen_random_uuid(),
    seller_id uuid not null default auth.uid()
    references public.seller_accounts (user_id) on delete cascade,
    category_id bigint not null references public.categories (id) on delete restrict,
    title text not null check (char_length(title) between 10 and 120),
    description text not null default '' check (char_length(description) <= 10000),
    tags text[] not null default '{}' check (
        cardinality(tags) <= 10 and private.tags_are_valid(tags)
    ),
    currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    status public.gig_status not null default 'draft',
    rejection_reason text check (char_length(rejection_reason) <= 500),
    paused_by_platform boolean not null default false,
    published_at timestamptz,
    -- Kept by a trigger on gig_packages: what search filters and sorts on.
    starting_price_cents integer check (starting_price_cents > 0),
    fastest_delivery_days integer check (fastest_delivery_days > 0),
    rating_avg numeric(3, 2) not null default 0 check (rating_avg between 0 and 5),
    rating_count integer not null default 0 check (rating_count >= 0),
    -- Bayesian average (prior: 4 stars worth 5 reviews), so one 5-star review does not
    -- outrank a hundred 4.9s.
    quality_score numeric(6, 4) generated always as (
        round((rating_avg * rating_count + 20) / (rating_count + 5), 4)
    ) stored,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- From the title when the gig is made (functions/gigs.sql), then never changed, so
    -- links stay valid.
    slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 100),
    -- Counts the changes of what buyers see (the gig, its packages, extras, questions,
    -- FAQ and media); a moderator publishes or rejects the version they reviewed.
    content_version integer not null default 1 check (content_version > 0),
    constraint gigs_id_currency_key unique (id, currency),
    constraint gigs_slug_key unique (slug),
    constraint published_gigs_have_a_price check (
        status <> 'published' or (starting_price_cents is not null and published_at is not null)
    )
);
comment on table public.gigs is
'A seller''s service. Status moves only through gig_events (the moderation machine); see gig_status.';
create index gigs_seller_id_idx on public.gigs (seller_id);
create index gigs_category_id_idx on public.gigs (category_id);
create index gigs_status_idx on public.gigs (status);

create table public.gig_packages (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null,
    tier public.package_tier not null,
    title text not null check (char_length(title) between 1 and 60),
    description text not null default '' check (char_length(description) <= 1000),
    price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    delivery_days integer not null check (delivery_days between 1 and 90),
    revisions_included integer not null default 1 check (revisions_included between 0 and 20),
    features text[] not null default '{}' check (cardinality(features) <= 20),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- How many of this package one order may buy (the order's quantity, 1 to this).
    max_quantity integer not null default 1 check (max_quantity between 1 and 100),
    constraint one_package_per_tier unique (gig_id, tier),
    -- A package is priced in its gig's currency.
    constraint gig_packages_gig_currency_fkey foreign key (gig_id, currency)
    references public.gigs (id, currency) on delete cascade
);
create index gig_packages_gig_id_currency_idx on public.gig_packages (gig_id, currency);

create table public.gig_extras (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null,
    title text not null check (char_length(title) between 1 and 80),
    description text not null default '' check (char_length(description) <= 500),
    price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    extra_delivery_days integer not null default 0 check (extra_delivery_days between 0 and 30),
    max_quantity integer not null default 1 check (max_quantity between 1 and 10),
    position integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint gig_extras_gig_currency_fkey foreign key (gig_id, currency)
    references public.gigs (id, currency) on delete cascade
);
create index gig_extras_gig_id_currency_idx on public.gig_extras (gig_id, currency);

create table public.gig_requirements (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    position integer not null default 0,
    question text not null check (char_length(question) between 1 and 500),
    kind public.requirement_kind not null default 'free_text',
    choices text[] not null default '{}' check (cardinality(choices) <= 20),
    required boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint choices_only_for_multiple_choice check (
        (kind = 'multiple_choice') = (cardinality(choices) >= 2)
    )
);
comment on table public.gig_requirements is
'What a seller asks the buyer after payment; the order starts once the required ones are answered.';
create index gig_requirements_gig_id_idx on public.gig_requirements (gig_id, position);

-- Questions a buyer may have before ordering, answered by the seller on the gig page.
create table public.gig_faqs (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    position integer not null default 0,
    question text not null check (char_length(question) between 1 and 300),
    answer text not null check (char_length(answer) between 1 and 2000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.gig_faqs is
'Frequently asked questions on a gig page; part of what moderators review.';
create index gig_faqs_gig_id_idx on public.gig_faqs (gig_id, position);

-- The cover image and the gallery: objects the seller uploaded to
-- gig-media/<seller_id>/<gig_id>/. The row names the object by path; the server checks
-- it exists there and records Storage's id and MIME type (functions/gig_media.sql).
create table public.gig_media (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    path text not null check (char_length(path) between 1 and 1024),
    position integer not null default 0,
    is_cover boolean not null default false,
    storage_object_id uuid not null,
    mime_type text,
    created_at timestamptz not null default now(),
    constraint gig_media_gig_id_path_key unique (gig_id, path)
);
comment on table public.gig_media is
'A gig''s cover image and gallery: paths of objects in the gig-media bucket, under the gig''s folder.';
create unique index gig_media_one_cover_idx on public.gig_media (gig_id) where is_cover;
create index gig_media_storage_object_id_idx on public.gig_media (storage_object_id);

-- The moderation machine as data: who (actor) may do what (action) to a gig in which
-- state, and where it goes. private.apply_gig_event reads it for every move.
create table private.gig_transitions (
    from_status public.gig_status not null,
    action public.gig_action not null,
    actor public.gig_actor not null,
    to_status public.gig_status not null,
    primary key (from_status, action, actor)
);
comment on table private.gig_transitions is
'Every allowed gig move: from a status, an action by an actor, to a status.';

insert into private.gig_transitions (from_status, action, actor, to_status)
values
('draft', 'submit', 'seller', 'review'),
('rejected', 'submit', 'seller', 'review'),
('review', 'publish', 'admin', 'published'),
('review', 'reject', 'admin', 'rejected'),
('published', 'pause', 'seller', 'paused'),
('paused', 'unpause', 'seller', 'published'),
('published', 'suspend', 'platform', 'paused'),
('draft', 'edit', 'seller', 'draft'),
('review', 'edit', 'seller', 'review'),
('published', 'edit', 'seller', 'review'),
('paused', 'edit', 'seller', 'review'),
('rejected', 'edit', 'seller', 'rejected'),
('published', 'take_down', 'admin', 'taken_down'),
('paused', 'take_down', 'admin', 'taken_down'),
('taken_down', 'restore', 'admin', 'published');

revoke all on private.gig_transitions from public, anon, authenticated;

-- Every move of every gig, appended by the machine and never changed. It is also how a
-- move is asked for: the moderation RPCs insert (gig_id, action, reason,
-- content_version); the trigger checks the caller and the transition, moves the gig,
-- and fills the trusted columns (actor, actor_id, from/to status, created_at), which
-- users may not write.
create table public.gig_events (
    id bigint generated always as identity primary key,
    gig_id uuid not null references public.gigs (id) on delete cascade,
    action public.gig_action not null,
    actor public.gig_actor,
    actor_id uuid,
    from_status public.gig_status,
    to_status public.gig_status,
    -- Asked for: the version the moderator saw (publish, reject); recorded: the gig's
    -- content version after the move.
    content_version integer check (content_version > 0),
    reason text check (char_length(reason) between 1 and 500),
    created_at timestamptz not null default now()
);
comment on table public.gig_events is
'Append-only log of gig moves (and the way to ask for one): who did what, from which status to which.';
create index gig_events_gig_id_idx on public.gig_events (gig_id, id);

create trigger gigs_touch_updated_at
before update on public.gigs
for each row execute function private.touch_updated_at();

create trigger gig_packages_touch_updated_at
before update on public.gig_packages
for each row execute function private.touch_updated_at();

create trigger gig_extras_touch_updated_at
before update on public.gig_extras
for each row execute function private.touch_updated_at();

create trigger gig_requirements_touch_updated_at
before update on public.gig_requirements
for each row execute function private.touch_updated_at();

create trigger gig_faqs_touch_updated_at
before update on public.gig_faqs
for each row execute function private.touch_updated_at();

alter table public.categories enable row level security;
alter table public.gigs enable row level security;
alter table public.gig_packages enable row level security;
alter table public.gig_extras enable row level security;
alter table public.gig_requirements enable row level security;
alter table public.gig_faqs enable row level security;
alter table public.gig_media enable row level security;
alter table public.gig_events enable row level security;

revoke all on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements, public.gig_faqs, public.gig_media, public.gig_events
from anon, authenticated;
grant all on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements, public.gig_faqs, public.gig_media, public.gig_events to service_role;
grant select on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements, public.gig_faqs, public.gig_media to anon, authenticated;
grant select on public.gig_events to authenticated;

-- Sellers write their listings column by column: status, versions, slugs, prices of
-- record, ratings and Storage's facts about media are the server's.
grant insert (id, seller_id, category_id, title, description, tags, currency)
on public.gigs to authenticated;
grant update (category_id, title, description, tags) on public.gigs to authenticated;
grant delete on public.gigs to authenticated;
grant insert (
    id, gig_id, tier, title, description, price_cents, currency, delivery_days,
    revisions_included, features, max_quantity
) on public.gig_packages to authenticated;
grant update (title, description, price_cents, delivery_days, revisions_included, features, max_quantity)
on public.gig_packages to authenticated;
grant delete on public.gig_packages to authenticated;
grant insert (
    id, gig_id, title, description, price_cents, currency, extra_delivery_days,
    max_quantity, position
) on public.gig_extras to authenticated;
grant update (title, description, price_cents, extra_delivery_days, max_quantity, position)
on public.gig_extras to authenticated;
grant delete on public.gig_extras to authenticated;
grant insert (gig_id, position, question, kind, choices, required)
on public.gig_requirements to authenticated;
grant update (position, question, kind, choices, required) on public.gig_requirements
to authenticated;
grant delete on public.gig_requirements to authenticated;
grant insert (id, gig_id, position, question, answer) on public.gig_faqs to authenticated;
grant update (position, question, answer) on public.gig_faqs to authenticated;
grant delete on public.gig_faqs to authenticated;
grant insert (id, gig_id, path, position, is_cover) on public.gig_media to authenticated;
grant update (position, is_cover) on public.gig_media to authenticated;
grant delete on public.gig_media to authenticated;
-- Asking for a move: the trusted columns are filled by the machine.
grant insert (gig_id, action, reason, content_version) on public.gig_events to authenticated;
