-- The catalog: categories, gigs, their packages and extras, and the questions a seller
-- asks a buyer. Moderation, the KYC gate and the summary columns search reads are rules
-- in functions/gigs.sql; who reads and writes what is in policies/catalog.sql and
-- policies/orders.sql (requirements).

-- draft -> review (seller submits) -> published | rejected (admin);
-- published <-> paused (seller; the platform pauses on KYC loss);
-- published or paused -> review (an edit of the listing).
create type public.gig_status as enum ('draft', 'review', 'published', 'paused', 'rejected');

create type public.package_tier as enum ('basic', 'standard', 'premium');

create type public.gig_sort as enum ('relevance', 'price_low', 'price_high', 'rating', 'newest');

create type public.requirement_kind as enum ('free_text', 'multiple_choice', 'attachment');

create table public.categories (
    id bigint generated always as identity primary key,
    slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
    name text not null check (char_length(name) between 1 and 80),
    parent_id bigint references public.categories (id) on delete restrict,
    position integer not null default 0,
    constraint category_is_not_its_own_parent check (parent_id <> id)
);
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
    search_vector tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, private.tags_text(tags)), 'B')
        || setweight(to_tsvector('english'::regconfig, description), 'C')
    ) stored,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint gigs_id_currency_key unique (id, currency),
    constraint published_gigs_have_a_price check (
        status <> 'published' or (starting_price_cents is not null and published_at is not null)
    )
);
comment on table public.gigs is
'A seller''s service. Status moves only through the moderation functions; see gig_status.';
create index gigs_seller_id_idx on public.gigs (seller_id);
create index gigs_category_id_idx on public.gigs (category_id);
create index gigs_status_idx on public.gigs (status);
-- Search: every index is partial on published gigs, the only ones search returns.
create index gigs_published_search_idx on public.gigs using gin (search_vector)
where status = 'published';
-- A common word is ranked among the best gigs by quality; price, delivery time and
-- rating ride along as trailing keys so a filter is checked in the index and only the
-- gigs that pass it are fetched to test the word (at a million gigs, a word under $100
-- fetched about 28,000 gigs without them and 2,600 with them).
create index gigs_published_quality_filters_idx on public.gigs (
    quality_score, id, starting_price_cents, fastest_delivery_days, rating_avg
)
where status = 'published';
create index gigs_published_price_idx on public.gigs (starting_price_cents, id)
where status = 'published';
create index gigs_published_rating_idx on public.gigs (rating_avg, id)
where status = 'published';
create index gigs_published_newest_idx on public.gigs (published_at, id)
where status = 'published';

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

alter table public.categories enable row level security;
alter table public.gigs enable row level security;
alter table public.gig_packages enable row level security;
alter table public.gig_extras enable row level security;
alter table public.gig_requirements enable row level security;

revoke all on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements from anon, authenticated;
grant all on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements to service_role;
grant select on public.categories, public.gigs, public.gig_packages, public.gig_extras,
public.gig_requirements to anon, authenticated;

-- Sellers write their listings column by column: status, prices of record, ratings and
-- the search columns are the server's.
grant insert (id, seller_id, category_id, title, description, tags, currency)
on public.gigs to authenticated;
grant update (category_id, title, description, tags) on public.gigs to authenticated;
grant delete on public.gigs to authenticated;
grant insert (
    id, gig_id, tier, title, description, price_cents, currency, delivery_days,
    revisions_included, features
) on public.gig_packages to authenticated;
grant update (title, description, price_cents, delivery_days, revisions_included, features)
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
