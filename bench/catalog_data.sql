-- Synthetic catalog for plan tests and benchmarks: :gigs published gigs over 180
-- categories, from a seeded generator (same data every run). Word frequencies are
-- skewed like real listings: half the words come from a short list whose head is in
-- about a fifth of all gigs ("logo") and whose tail in about one percent ("bonsai");
-- the other half from 50,000 made-up terms (zq1a2b) that each match a handful of gigs.
-- Every gig contains "professional". Run as a superuser after the migrations:
--   psql -v gigs=100000 -f bench/catalog_data.sql
select setseed(0.42);

create temporary table vocabulary (rank integer primary key, word text not null);
insert into vocabulary (rank, word)
select row_number() over (), word
from unnest(string_to_array(
    'logo website design wordpress seo video writing app marketing shopify '
    || 'illustration animation editing translation social media content blog resume '
    || 'python javascript react mobile ios android landing page ecommerce email '
    || 'copywriting branding podcast voiceover music mixing mastering photo retouch '
    || 'data analysis excel dashboard scraping automation bot discord telegram '
    || 'game unity unreal 3d modeling rendering architecture interior product packaging '
    || 'label flyer poster brochure presentation pitch deck business plan legal '
    || 'proofreading ghostwriting ebook kindle cover thumbnail youtube tiktok '
    || 'instagram facebook ads google analytics keyword research backlinks audit '
    || 'speed optimization security devops kubernetes docker aws azure terraform '
    || 'database postgresql api integration stripe payment chatbot ai machine learning '
    || 'calligraphy watercolor portrait caricature tattoo embroidery crochet pattern '
    || 'genealogy astrology numerology sommelier origami bonsai harpsichord',
    ' '
)) as word;

insert into public.categories (slug, name, parent_id)
select 'bench-top-' || i, 'Bench top ' || i, null from generate_series(1, 20) as i;
insert into public.categories (slug, name, parent_id)
select 'bench-sub-' || t || '-' || s, 'Bench sub ' || t || '.' || s,
    (select id from public.categories where slug = 'bench-top-' || t)
from generate_series(1, 20) as t, generate_series(1, 9) as s;

insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at)
select gen_random_uuid(), 'authenticated', 'authenticated', 'bench' || i || '@example.test',
    jsonb_build_object('username', 'bench_seller_' || i), '{}', now()
from generate_series(1, greatest(:gigs / 20, 10)) as i;

insert into public.seller_accounts (user_id, kyc_status, kyc_updated_at)
select p.id, 'verified', now() from public.profiles as p where p.username like 'bench_seller_%';

with pools as (
    select
        array(select word from vocabulary order by rank) as words,
        array(
            select s.user_id from public.seller_accounts as s
            join public.profiles as p on p.id = s.user_id
            where p.username like 'bench\_seller\_%'
        ) as sellers,
        array(select id from public.categories where slug like 'bench-sub-%') as categories
),
draws as (
    select
        i,
        pools.sellers[1 + i % cardinality(pools.sellers)] as seller_id,
        pools.categories[1 + i % cardinality(pools.categories)] as category_id,
        array(
            select case
                when random() < 0.5
                    then pools.words[1 + floor(cardinality(pools.words) * power(random(), 1.5))::integer]
                else 'zq' || to_hex(floor(random() * 50000)::integer)
            end
            -- Correlated on i, so every gig draws its own words instead of sharing one draw.
            from generate_series(1, 13) where i is not null
        ) as w
    from generate_series(1, :gigs) as i, pools
)
insert into public.gigs (
    seller_id, category_id, title, description, tags, status, starting_price_cents,
    fastest_delivery_days, rating_avg, rating_count, published_at
)
select
    seller_id,
    category_id,
    format('I will do %s %s %s for your %s', w[1], w[2], w[3], w[4]),
    format('Professional %s and %s. I deliver %s %s with care, fast %s and unlimited %s.',
        w[5], w[6], w[7], w[8], w[9], w[10]),
    array[w[11], w[12], w[13]],
    'published',
    500 + floor(random() * 100000)::integer,
    1 + floor(random() * 14)::integer,
    round((3 + random() * 2)::numeric, 2),
    floor(random() * 400)::integer,
    now() - random() * interval '700 days'
from draws;

analyze public.gigs;
analyze private.gig_search;
analyze private.gig_title_words;
