-- GigFlow demo data: a small, believable marketplace to click through, search and test
-- against. Categories, an admin, three buyers and six sellers (four verified, one with
-- verification pending, one who has not started it), and gigs with packages and extras
-- in every state a seller sees: draft, in review and published.
--
-- Runs after the migrations, in one transaction, as `postgres` (`gigflow db reset`,
-- `supabase db reset`). Demo users have fixed ids (00000000-0000-4000-8000-0000000000NN)
-- and e-mails at gigflow.test. Gigs have ids derived from a short key (md5 of
-- 'gigflow-demo/gig/<key>'), so packages and extras name their gig by key and every
-- reset gives the same ids.
--
-- Order matters because of the catalog triggers: gigs go in as drafts, then their
-- packages and extras (which also fill starting_price_cents), and only then are gigs
-- submitted and, for verified sellers, published through the moderation machine; the
-- KYC gate refuses any other seller's gig (GF001).

-- A reset of a hosted project keeps auth.users, so demo users from an earlier seed would
-- still be there (without profiles): start them over.
delete from auth.users
where email like '%@gigflow.test';

-- Categories ---------------------------------------------------------------------------

with top_level as (
    insert into public.categories (slug, name, position)
    values
    ('graphics-design', 'Graphics & Design', 1),
    ('programming-tech', 'Programming & Tech', 2),
    ('writing-translation', 'Writing & Translation', 3),
    ('digital-marketing', 'Digital Marketing', 4),
    ('video-animation', 'Video & Animation', 5)
    returning id, slug
)

insert into public.categories (slug, name, parent_id, position)
select
    sub.slug,
    sub.name,
    top_level.id as parent_id,
    sub.position
from (
    values
    ('graphics-design', 'logo-design', 'Logo Design', 1),
    ('graphics-design', 'brand-identity', 'Brand Identity', 2),
    ('graphics-design', 'illustration', 'Illustration', 3),
    ('programming-tech', 'website-development', 'Website Development', 1),
    ('programming-tech', 'wordpress', 'WordPress', 2),
    ('programming-tech', 'devops-cloud', 'DevOps & Cloud', 3),
    ('writing-translation', 'articles-blog-posts', 'Articles & Blog Posts', 1),
    ('writing-translation', 'translation', 'Translation', 2),
    ('writing-translation', 'resume-writing', 'Resume Writing', 3),
    ('digital-marketing', 'seo', 'Search Engine Optimization (SEO)', 1),
    ('digital-marketing', 'social-media-marketing', 'Social Media Marketing', 2),
    ('digital-marketing', 'email-marketing', 'Email Marketing', 3),
    ('video-animation', 'video-editing', 'Video Editing', 1),
    ('video-animation', 'explainer-videos', 'Explainer Videos', 2),
    ('video-animation', 'logo-animation', 'Logo Animation', 3)
) as sub (parent_slug, slug, name, position)
inner join top_level on sub.parent_slug = top_level.slug;

-- Users --------------------------------------------------------------------------------

-- The trigger on auth.users creates each profile (username and display name from the
-- user metadata; role admin from the app metadata, buyer otherwise).
insert into auth.users (
    id, aud, role, email, raw_user_meta_data, raw_app_meta_data,
    created_at, updated_at, email_confirmed_at
)
select
    u.id::uuid as id,
    'authenticated' as aud,
    'authenticated' as role,
    u.email,
    jsonb_build_object('username', u.username, 'display_name', u.display_name) as raw_user_meta_data,
    '{"provider": "email", "providers": ["email"]}'::jsonb || u.app_meta::jsonb as raw_app_meta_data,
    now() - make_interval(days => u.age_days) as created_at,
    now() - make_interval(days => u.age_days) as updated_at,
    now() - make_interval(days => u.age_days) as email_confirmed_at
from (
    values
    (
        '00000000-0000-4000-8000-000000000001', 'admin@gigflow.test', 'gigflow_admin',
        'GigFlow Admin', '{"user_role": "admin"}', 1000
    ),
    (
        '00000000-0000-4000-8000-000000000002', 'priya@gigflow.test', 'priya_raman',
        'Priya Raman', '{}', 300
    ),
    (
        '00000000-0000-4000-8000-000000000003', 'tom@gigflow.test', 'tom_becker',
        'Tom Becker', '{}', 150
    ),
    (
        '00000000-0000-4000-8000-000000000004', 'lucia@gigflow.test', 'lucia_ferrante',
        'Lucía Ferrante', '{}', 40
    ),
    (
        '00000000-0000-4000-8000-000000000011', 'mara@gigflow.test', 'mara_designs',
        'Mara Okafor', '{}', 700
    ),
    (
        '00000000-0000-4000-8000-000000000012', 'devon@gigflow.test', 'devon_codes',
        'Devon Whitaker', '{}', 760
    ),
    (
        '00000000-0000-4000-8000-000000000013', 'samira@gigflow.test', 'inkwell_sam',
        'Samira Haddad', '{}', 900
    ),
    (
        '00000000-0000-4000-8000-000000000014', 'jenna@gigflow.test', 'growthloop_jen',
        'Jenna Alvarez', '{}', 700
    ),
    (
        '00000000-0000-4000-8000-000000000015', 'kenji@gigflow.test', 'frame_by_kenji',
        'Kenji Sato', '{}', 40
    ),
    (
        '00000000-0000-4000-8000-000000000016', 'nadia@gigflow.test', 'nadia_paints',
        'Nadia Petrova', '{}', 10
    )
) as u (id, email, username, display_name, app_meta, age_days);

update public.profiles as p
set
    bio = b.bio,
    country = b.country,
    languages = b.languages::text[],
    created_at = u.created_at
from
    (
        values
        (
            'gigflow_admin', null, '{en}',
            'Keeping GigFlow friendly and fair. If something looks off, message me.'
        ),
        (
            'priya_raman', null, '{en}',
            'I run a small loose-leaf tea shop in Leicester and hire freelancers for '
            || 'everything I can''t do myself.'
        ),
        (
            'tom_becker', null, '{de,en}',
            'Co-founder of a two-person scheduling startup in Berlin. Usually looking for '
            || 'design and development help on short notice.'
        ),
        (
            'lucia_ferrante', null, '{it,en}',
            'Wedding planner in Florence, always on the hunt for great calligraphers and '
            || 'video editors.'
        ),
        (
            'mara_designs', 'PT', '{en,pt}',
            'Brand designer from Lagos, now in Lisbon. Nine years of logos, identities and '
            || 'hand lettering for startups, cafés and the occasional rock band. I answer '
            || 'messages within a few hours, Monday to Saturday.'
        ),
        (
            'devon_codes', 'US', '{en}',
            'Full stack developer in Portland. WordPress since 2012, Next.js and Supabase '
            || 'these days, Kubernetes when it is actually needed. I explain what I did in '
            || 'plain English.'
        ),
        (
            'inkwell_sam', 'FR', '{en,fr,ar}',
            'Former newspaper editor, now a writer and translator (English, French, Arabic). '
            || 'I write for people first and search engines second.'
        ),
        (
            'growthloop_jen', 'US', '{en,es}',
            'SEO and email marketer in Austin. I help small online stores get found and turn '
            || 'one-time buyers into regulars.'
        ),
        (
            'frame_by_kenji', 'CA', '{en,ja}',
            'Videographer and editor from Osaka, based in Vancouver. Weddings, podcasts and '
            || 'anything with a story.'
        ),
        (
            'nadia_paints', null, '{en,ru,uk}',
            'Illustrator and translator from Kharkiv: storybook pet portraits, and websites '
            || 'in Russian and Ukrainian.'
        )
    ) as b (username, country, languages, bio),
    auth.users as u
where
    p.username = b.username
    and u.id = p.id;

-- Seller accounts ------------------------------------------------------------------------

-- A Whop company is linked when verification starts, so the pending seller has one too;
-- only verified sellers get payouts.
insert into public.seller_accounts (
    user_id, headline, kyc_status, kyc_updated_at, whop_company_id, payout_enabled, created_at
)
select
    p.id as user_id,
    s.headline,
    s.kyc_status::public.kyc_status as kyc_status,
    case when s.kyc_status <> 'unstarted' then now() end as kyc_updated_at,
    s.whop_company_id,
    s.kyc_status = 'verified' as payout_enabled,
    p.created_at
from (
    values
    (
        'mara_designs', 'verified', 'biz_demo_mara',
        'Logos, brand identities and hand-lettered calligraphy that stay simple at any size'
    ),
    (
        'devon_codes', 'verified', 'biz_demo_devon',
        'WordPress, Next.js and Kubernetes developer who ships fast and documents everything'
    ),
    (
        'inkwell_sam', 'verified', 'biz_demo_samira',
        'SEO blog posts, website copy and English, French and Arabic translation'
    ),
    (
        'growthloop_jen', 'verified', 'biz_demo_jenna',
        'Technical SEO, Meta ads and Klaviyo flows for small online stores'
    ),
    (
        'frame_by_kenji', 'pending', 'biz_demo_kenji',
        'Cinematic wedding films and video podcast editing'
    ),
    (
        'nadia_paints', 'unstarted', null,
        'Storybook pet portraits and Russian and Ukrainian translation'
    )
) as s (username, kyc_status, whop_company_id, headline)
inner join public.profiles as p on s.username = p.username;

-- Gigs ---------------------------------------------------------------------------------

-- Every gig starts as a draft (the column default). Ratings are set directly: there are
-- no demo orders behind them.
insert into public.gigs (
    id, seller_id, category_id, title, description, tags, currency,
    rating_avg, rating_count, created_at
)
select
    md5('gigflow-demo/gig/' || g.gig_key)::uuid as id,
    p.id as seller_id,
    c.id as category_id,
    g.title,
    -- Descriptions are wrapped to fit the line length: a line break inside a paragraph
    -- becomes a space, a blank line stays a paragraph break.
    regexp_replace(
        regexp_replace(g.description, '([^\n])\n[ \t]*(?=[^\n])', '\1 ', 'g'),
        '\n\n[ \t]*', e'\n\n', 'g'
    ) as description,
    g.tags,
    'USD' as currency,
    g.rating_avg,
    g.rating_count,
    now() - make_interval(days => g.age_days) as created_at
from (
    values
    -- Mara Okafor: logos, branding, illustration, motion.
    (
        'mara-minimalist-logo', 'mara_designs', 'logo-design', 610, 4.92, 318,
        'I will design a clean, minimalist logo for your startup or small business',
        array['logo', 'logo design', 'minimalist logo', 'branding', 'startup', 'vector'],
        $$Hi, I'm Mara. I have spent the last nine years designing logos for startups,
        cafés, clinics and the occasional rock band, and I still start every project with
        a pencil, not a template. A good logo is simple enough to work at 16 pixels in a
        browser tab and strong enough to sit above a storefront.

        Before I draw anything, I'll ask about your audience, your competitors and the
        feeling you want people to have when they see your brand. Then I sketch, pick the
        strongest directions and refine them in vector. Every concept is original: no
        stock icons, no recycled marks.

        You get print-ready vector files (AI, SVG, PDF), transparent PNGs, and a one-page
        guide showing how to use your new logo on light and dark backgrounds.$$
    ),
    (
        'mara-brand-identity', 'mara_designs', 'brand-identity', 540, 4.88, 97,
        'I will create a complete brand identity kit with logo, color palette and style guide',
        array['brand identity', 'branding', 'logo', 'style guide', 'color palette', 'typography'],
        $$Your logo is only one piece of how people recognize you. In this gig I build the
        whole system around it: a primary logo and its variations, a color palette with
        accessible contrast, a type pairing, and a brand style guide your team (or the
        next freelancer) can actually follow.

        We start with a short questionnaire and, if you like, a 30-minute call. I present
        a moodboard first so we agree on a direction before I spend time on details,
        which saves both of us a lot of revisions.

        Great for new businesses, rebrands, and founders who are tired of their website,
        packaging and social posts all looking slightly different.$$
    ),
    (
        'mara-calligraphy', 'mara_designs', 'logo-design', 200, 5.00, 23,
        'I will hand letter a custom calligraphy logo, signature or wedding monogram',
        array['calligraphy', 'hand lettering', 'monogram', 'wedding', 'signature logo', 'logo'],
        $$Calligraphy is my favourite part of the job. Every piece in this gig is written
        by hand with a pointed pen or brush, then scanned and cleaned up in vector so it
        stays crisp on anything from a wax seal to a shop window.

        It works beautifully for wedding monograms, signature-style logos for
        photographers and beauty brands, wine and candle labels, and tattoo designs. Tell
        me the words, the mood (romantic, bold, playful, old-world) and where it will be
        used, and I'll write several variations for you to pick from.

        Please note: I letter in the Latin alphabet only.$$
    ),
    (
        'mara-vintage-badge', 'mara_designs', 'logo-design', 460, 4.71, 54,
        'I will draw a vintage badge logo for your brewery, barbershop or coffee brand',
        array['vintage logo', 'badge logo', 'retro', 'brewery', 'barbershop', 'coffee', 'logo'],
        $$Think roasted coffee sacks, hand-painted barbershop windows and old beer labels.
        I draw detailed vintage and retro badge logos with custom lettering and small
        illustrations, in a style that still prints cleanly on cups, shirts and signage.

        Send me your name, founding year and anything that makes your place yours: the dog
        that sleeps by the door, the mountain behind the brewery, the tool your
        grandfather used. Those details are what make a badge feel real.

        Every badge comes with a simplified version for small sizes, because detailed art
        that turns into a blur on an Instagram avatar helps no one.$$
    ),
    (
        'mara-watercolor-book', 'mara_designs', 'illustration', 380, 4.95, 41,
        'I will illustrate your children''s book in a soft watercolor style',
        array['childrens book', 'picture book', 'watercolor', 'illustration', 'character design'],
        $$I paint gentle, textured watercolor illustrations for picture books: cozy
        kitchens, curious animals and kids who look like real kids. Everything is painted
        on paper and finished digitally, so you get the warmth of real pigment with files
        your printer will love.

        We begin with character sketches, then rough layouts for each spread so you can
        check the pacing and leave room for text. Only when you are happy with the layout
        do I start painting.

        I work with self-publishing authors and small presses, and I'm happy to format
        files for KDP or IngramSpark.$$
    ),
    (
        'mara-social-templates', 'mara_designs', 'brand-identity', 90, 4.60, 12,
        'I will design on-brand social media templates you can edit in Canva',
        array['social media', 'canva', 'instagram templates', 'branding', 'graphic design'],
        $$Posting every day is hard enough without redesigning every post. I build a set of
        Canva templates around your logo, colors and fonts, so you (or your assistant) can
        swap in a photo and some text and publish in minutes.

        Each set covers the posts you actually make: announcements, quotes, product
        highlights, testimonials and carousels. Templates are shared straight to your
        Canva account, and I include a short video showing how to edit them without
        breaking the layout.$$
    ),
    (
        'mara-logo-animation', 'mara_designs', 'logo-animation', 300, 4.83, 66,
        'I will animate your logo into a smooth 5 second intro for YouTube and video',
        array['logo animation', 'intro', 'video', 'motion graphics', 'youtube', 'logo'],
        $$Since I design a lot of logos, clients kept asking me to make them move, so now I
        do. I animate your existing logo in After Effects with clean, purposeful motion: a
        line that draws itself, a mark that unfolds, a wordmark that slides into place. No
        lens flares, no random explosions.

        Send me your vector logo (AI, SVG or PDF). If you only have a PNG, I can usually
        rebuild it for the animation. You'll get an MP4 for YouTube and presentations, and
        a transparent version you can drop over any video.$$
    ),
    (
        'mara-explainer-video', 'mara_designs', 'explainer-videos', 250, 4.90, 38,
        'I will create a 2D animated explainer video for your SaaS product',
        array['explainer video', '2d animation', 'motion graphics', 'saas', 'video', 'animation'],
        $$A good explainer video answers three questions in about a minute: what is this,
        who is it for, and why should I care. I write (or polish) the script with you,
        storyboard every scene, and animate it in a flat, friendly style that matches your
        brand colors.

        I work with a small team of voice actors in English, Spanish and German, so a
        professional voiceover is included in every package. Music is licensed for
        commercial use, paid ads included.

        Recent projects: onboarding videos for a scheduling app, a hero video for a
        fintech landing page, and a series of short feature demos for a B2B dashboard.$$
    ),
    (
        'mara-packaging', 'mara_designs', 'brand-identity', 12, 0, 0,
        'I will design product packaging and labels that are ready for print',
        array['packaging design', 'label design', 'product packaging', 'print', 'dieline'],
        $$I design boxes, pouches, jars and labels that look good on a shelf and in a
        product photo. I work from your printer's dieline, set up bleed and color
        properly, and send files your printer can run without a single email asking for
        fixes.

        Tell me about your product, where it sells and who buys it. I'll send two
        directions, then we refine the one you like.$$
    ),

    -- Devon Whitaker: WordPress, web apps, DevOps.
    (
        'devon-wordpress-site', 'devon_codes', 'wordpress', 700, 4.87, 212,
        'I will build a fast, responsive WordPress website for your business',
        array['wordpress', 'website', 'business website', 'elementor', 'responsive design'],
        $$I've built more than 300 WordPress websites for dentists, law firms, bakeries,
        SaaS companies and everything in between. What you get is a clean, fast website
        you can edit yourself, not a tangle of plugins held together with hope.

        I build on a lightweight theme with Elementor or the block editor (your choice),
        set up contact forms, basic on-page SEO, Google Analytics and a security plugin,
        and make sure everything looks right on phones first. Before handover I record a
        short video walking you through editing pages and posts.

        Please have your logo, text and photos ready. No copy yet? I can recommend a
        writer, or use placeholder text while you work on it.$$
    ),
    (
        'devon-wordpress-fix', 'devon_codes', 'wordpress', 520, 4.94, 156,
        'I will fix WordPress errors, plugin conflicts and the white screen of death',
        array['wordpress', 'wordpress fix', 'bug fix', 'php', 'plugin', 'website'],
        $$Site down? Critical error after an update? Admin panel stuck in a redirect loop?
        I fix broken WordPress sites quickly and, more importantly, tell you what actually
        went wrong so it doesn't happen again next Tuesday.

        I always take a full backup before touching anything, and I work on a staging copy
        when the problem allows it. Typical fixes: PHP version conflicts, broken plugin or
        theme updates, database connection errors, mixed content after moving to HTTPS,
        and hacked sites spamming pharmacy links.

        Message me before ordering with a short description and, if you can, a screenshot
        of the error. If I can't fix it, you don't pay.$$
    ),
    (
        'devon-woocommerce', 'devon_codes', 'wordpress', 480, 4.78, 88,
        'I will set up a WooCommerce store on WordPress with payments and shipping',
        array['woocommerce', 'wordpress', 'ecommerce', 'online store', 'stripe', 'shipping'],
        $$I set up WooCommerce stores that are ready to take real orders: products and
        variations, Stripe and PayPal payments, shipping zones and rates, taxes, and the
        order emails your customers actually read.

        If you're moving from Etsy, Shopify or a spreadsheet, I can import your products in
        bulk with images, SKUs and stock levels. I also make sure checkout is fast on
        mobile, because that's where most abandoned carts come from.

        You'll get a short training session on managing orders, refunds and coupons, plus
        a checklist for launch day.$$
    ),
    (
        'devon-wordpress-speed', 'devon_codes', 'wordpress', 430, 4.81, 130,
        'I will speed up your WordPress website and pass Core Web Vitals',
        array['wordpress', 'speed optimization', 'core web vitals', 'pagespeed', 'seo', 'caching'],
        $$A slow website costs you visitors and search rankings. I'll profile your
        WordPress site, find what's really slowing it down (usually a heavy theme, a page
        builder loading everything everywhere, or huge images) and fix it properly.

        The work covers caching, image compression and modern formats, lazy loading,
        removing unused CSS and JavaScript, database cleanup and, when it helps, a CDN. I
        share before and after reports from PageSpeed Insights and GTmetrix so you can see
        the difference.

        I don't promise a perfect 100 on every site, because some plugins make that
        impossible. I do promise an honest assessment before you order.$$
    ),
    (
        'devon-landing-page', 'devon_codes', 'website-development', 350, 4.90, 74,
        'I will code a responsive landing page from your Figma design',
        array['landing page', 'html', 'tailwind css', 'figma to html', 'react', 'website'],
        $$Send me your Figma file and I'll turn it into a pixel-accurate, responsive landing
        page built with semantic HTML and Tailwind CSS (or React and Next.js if you prefer
        components). Clean, commented code, and no frameworks you didn't ask for.

        I pay attention to the details designers care about: spacing, font rendering,
        hover states, and how the layout behaves between the breakpoints the design didn't
        cover. Pages are accessible, fast and score well on Lighthouse out of the box.

        No design yet? Have a look at my WordPress website gig instead, or ask me for a
        designer recommendation.$$
    ),
    (
        'devon-nextjs-saas', 'devon_codes', 'website-development', 150, 4.97, 31,
        'I will develop a full stack web app with Next.js, Supabase and Stripe',
        array['next.js', 'supabase', 'postgresql', 'stripe', 'saas', 'full stack', 'typescript'],
        $$Have an idea for a SaaS or an internal tool? I build production-ready web apps with
        Next.js, TypeScript and Supabase: authentication, Postgres with row level
        security, file storage, and Stripe subscriptions that handle upgrades, downgrades
        and failed payments correctly.

        I work in small milestones with a live preview link from day one, so you see
        progress every few days instead of a big reveal at the end. The code lives in your
        GitHub repository from the first commit and comes with tests for the parts that
        touch money and permissions.

        Please message me before ordering so we can scope the project together. Larger
        apps are split into several orders.$$
    ),
    (
        'devon-kubernetes', 'devon_codes', 'devops-cloud', 120, 4.98, 19,
        'I will set up a production Kubernetes cluster with Helm, autoscaling and CI/CD',
        array['kubernetes', 'helm', 'devops', 'docker', 'github actions', 'terraform', 'aws'],
        $$I set up Kubernetes clusters on EKS, GKE or DigitalOcean that a small team can
        actually operate: infrastructure as code with Terraform, Helm charts for your
        services, horizontal autoscaling, TLS with cert-manager, and a GitHub Actions
        pipeline that builds, tests and deploys on every merge.

        Monitoring is included (Prometheus, Grafana dashboards and alerts that go to
        Slack), because a cluster you can't see into is a cluster you can't trust.

        Honest advice: if you run two containers and a database, you probably don't need
        Kubernetes yet. I'll tell you so before you order, and suggest something
        simpler.$$
    ),
    (
        'devon-docker-aws', 'devon_codes', 'devops-cloud', 330, 4.76, 45,
        'I will dockerize your app and deploy it to AWS with zero downtime',
        array['docker', 'aws', 'ecs', 'devops', 'deployment', 'nginx'],
        $$Still deploying by logging into a server and running git pull? I'll containerize
        your Node, Python, PHP or Ruby app with a small, secure Dockerfile and deploy it to
        AWS ECS or a plain EC2 instance with rolling updates, so releases stop being
        scary.

        I also set up environment variables and secrets properly (no more .env files in
        the repository), health checks, logs in CloudWatch and automatic restarts.
        Everything is documented in a README your next developer will thank you for.$$
    ),
    (
        'devon-wordpress-migration', 'devon_codes', 'wordpress', 8, 0, 0,
        'I will migrate your website from Wix or Squarespace to WordPress',
        array['wordpress', 'website migration', 'wix', 'squarespace', 'seo'],
        $$Outgrown Wix or Squarespace? I move your pages, blog posts, images and forms to a
        self-hosted WordPress website, keep your URLs (or redirect them) so you don't lose
        search rankings, and make the new site look like the old one, or better.

        I'm still putting the finishing touches on this offer. Message me if you'd like
        to be one of the first clients at an early price.$$
    ),

    -- Samira Haddad: writing, translation, resumes.
    (
        'samira-seo-blog', 'inkwell_sam', 'articles-blog-posts', 820, 4.89, 401,
        'I will write SEO blog posts that people actually finish reading',
        array['seo', 'blog writing', 'content writing', 'article writing', 'copywriting'],
        $$I'm Samira, a former newspaper editor turned content writer. I write
        well-researched, SEO-friendly blog posts for SaaS, health and wellness, travel and
        personal finance brands, and I write them for humans first.

        Every article starts with keyword and competitor research, so we know what the top
        results cover and what they miss. Then I build a clear structure with useful
        headings, real examples and sources you can check. Posts come with a meta title,
        a meta description and internal linking suggestions.

        No AI-spun filler, no keyword stuffing. If a post doesn't sound like something your
        best customer would forward to a friend, I rewrite it.$$
    ),
    (
        'samira-website-copy', 'inkwell_sam', 'articles-blog-posts', 600, 4.93, 112,
        'I will write conversion-focused website copy for your homepage and about page',
        array['website copy', 'copywriting', 'landing page', 'brand voice', 'website'],
        $$Your website has about five seconds to tell a visitor they're in the right place.
        I write homepage, about, services and landing page copy that is clear first and
        clever second, in a voice that sounds like you on a good day.

        We start with a questionnaire and a short call about your customers, their
        problems and the objections you hear most. I deliver the copy in a Google Doc laid
        out like the page, with headlines, subheads, buttons and notes for your designer.

        I've written for coaches, architects, SaaS founders and one very successful dog
        groomer.$$
    ),
    (
        'samira-translation', 'inkwell_sam', 'translation', 760, 4.97, 238,
        'I will translate English to French or Arabic with a native speaker''s ear',
        array['translation', 'french', 'arabic', 'english', 'localization', 'proofreading'],
        $$I grew up between Beirut and Lyon and have translated professionally for twelve
        years. I translate English into French and Arabic (and both into English):
        websites, marketing material, app interfaces, contracts and academic papers.

        I translate meaning, not just words, so your text reads as if it had been written
        in French or Arabic in the first place. For Arabic I adapt to Modern Standard
        Arabic or a more conversational Levantine tone, depending on your audience.

        No machine translation pasted in and polished. Every job is proofread a second
        time the next day, with fresh eyes.$$
    ),
    (
        'samira-resume', 'inkwell_sam', 'resume-writing', 680, 4.84, 187,
        'I will rewrite your resume and LinkedIn profile for tech and product roles',
        array['resume', 'cv', 'linkedin', 'cover letter', 'career', 'resume writing'],
        $$Recruiters spend seconds on a resume before deciding. I rewrite yours so those
        seconds count: achievements with numbers instead of lists of duties, a clean
        layout that gets through applicant tracking systems, and a summary that says what
        you do and why it matters.

        I specialise in software engineers, designers, product managers, and people moving
        into tech from teaching, hospitality or the military. Send me your current resume
        and two or three job ads you love, and I'll take it from there.

        You'll receive an editable Word or Google Docs file and a PDF.$$
    ),
    (
        'samira-podcast-notes', 'inkwell_sam', 'articles-blog-posts', 60, 4.70, 9,
        'I will turn your podcast episodes into show notes, blog posts and newsletters',
        array['podcast', 'show notes', 'content repurposing', 'newsletter', 'blog post'],
        $$You spend hours recording a great podcast episode, and then it disappears after
        launch week. I listen to every episode in full (no auto-summaries) and turn it into
        show notes with timestamps, a standalone blog post that ranks for what your guest
        talked about, and a short newsletter that gets people to press play.

        Works with audio or video podcasts on any platform: just send a link or the
        file.$$
    ),
    (
        'samira-app-localization', 'inkwell_sam', 'translation', 15, 0, 0,
        'I will localize your app or game strings into French and Arabic',
        array['localization', 'app localization', 'french', 'arabic', 'translation', 'game'],
        $$I translate app and game interfaces from JSON, XLIFF, .strings and .po files, keep
        placeholders and plural rules intact, and check the result in context from your
        screenshots. For Arabic I also flag layouts that will break in right-to-left.

        Pricing for very large string files is still being worked out.$$
    ),
    (
        'samira-cover-letter', 'inkwell_sam', 'resume-writing', 240, 4.55, 28,
        'I will write a tailored cover letter for the job you really want',
        array['cover letter', 'job application', 'resume', 'career'],
        $$Generic cover letters get skimmed. I write a one-page letter for one specific job
        ad: why this company, why you, and one story that proves it. Send me the ad, your
        resume and anything you'd like to highlight, and you'll get a letter that sounds
        like a confident version of you.$$
    ),

    -- Jenna Alvarez: SEO, social, email, short-form video.
    (
        'jenna-seo-audit', 'growthloop_jen', 'seo', 640, 4.91, 143,
        'I will do a technical SEO audit of your website with a prioritized fix list',
        array['seo', 'seo audit', 'technical seo', 'google search console', 'website audit'],
        $$Most SEO audits are 80-page PDFs nobody reads. Mine is a prioritized list: what is
        hurting your rankings, how much it matters, and exactly how to fix it, written so
        your developer can start the same day.

        I crawl your whole website, go through Google Search Console and Analytics with
        you, and check indexing, site structure, internal links, Core Web Vitals, schema
        markup, duplicate content, and what your competitors rank for that you don't.

        Works for WordPress, Shopify, Webflow and custom sites. For sites over 10,000
        pages, please message me first.$$
    ),
    (
        'jenna-local-seo', 'growthloop_jen', 'seo', 410, 4.66, 58,
        'I will set up local SEO and optimize your Google Business Profile',
        array['local seo', 'google business profile', 'seo', 'citations', 'google maps'],
        $$If you run a restaurant, clinic, salon or any business people search for "near
        me", your Google Business Profile matters more than your website. I optimize it
        from top to bottom: categories, services, photos, opening hours, and a review
        strategy that doesn't annoy your customers.

        I also clean up your listings across the major directories so your name, address
        and phone number match everywhere, one of the biggest local ranking factors. You
        get a simple monthly routine to keep it all fresh.$$
    ),
    (
        'jenna-keyword-research', 'growthloop_jen', 'seo', 500, 4.80, 77,
        'I will do keyword research and build a content plan around buyer intent',
        array['keyword research', 'seo', 'content strategy', 'content plan', 'ahrefs'],
        $$Ranking for the wrong keywords is just a slower way of getting no customers. I find
        the searches your buyers actually make, group them into topics and turn them into a
        content plan: which pages to create, which to update, and in what order.

        Every keyword comes with search volume, difficulty, intent and the page that should
        target it. I use Ahrefs and Search Console data, plus a healthy dose of common
        sense.$$
    ),
    (
        'jenna-social-media', 'growthloop_jen', 'social-media-marketing', 280, 4.58, 36,
        'I will manage your Instagram and TikTok content calendar',
        array['social media', 'instagram', 'tiktok', 'content calendar', 'reels'],
        $$I plan, create and schedule Instagram and TikTok content for small brands: posts,
        carousels, reels and stories, built around what your audience saves and shares,
        not just what is trending this week.

        You approve the whole calendar before anything goes live. I write captions in your
        brand voice, research hashtags, reply to comments during business hours, and send
        a short report at the end of each month with what worked and what we'll change.$$
    ),
    (
        'jenna-meta-ads', 'growthloop_jen', 'social-media-marketing', 390, 4.73, 64,
        'I will set up Facebook and Instagram ad campaigns that reach real buyers',
        array['facebook ads', 'instagram ads', 'meta ads', 'social media', 'retargeting'],
        $$I set up Meta ad campaigns for ecommerce stores and local businesses: pixel and
        Conversions API tracking, audiences built from your customers and website
        visitors, retargeting, and ad creative tested in a structured way, so you learn
        something from every dollar you spend.

        Before launch I review your offer and landing page, because no ad can fix a
        checkout that doesn't convert. Ad spend is paid directly to Meta and is not
        included in the price.$$
    ),
    (
        'jenna-klaviyo-flows', 'growthloop_jen', 'email-marketing', 220, 4.95, 52,
        'I will build Klaviyo email flows that recover sales for your Shopify store',
        array['email marketing', 'klaviyo', 'shopify', 'email automation', 'abandoned cart'],
        $$Email is the channel you own, and for most Shopify stores the automated flows
        quietly make more money than any campaign. I set up the flows that matter: welcome
        series, abandoned cart, browse abandonment, post-purchase and win-back, each
        written and designed to match your brand.

        I also clean up your list, add sign-up forms that don't feel spammy, and build
        segments so people stop getting discounts they didn't need. You'll see the revenue
        per flow in your Klaviyo dashboard within a few weeks.$$
    ),
    (
        'jenna-newsletter', 'growthloop_jen', 'email-marketing', 20, 0, 0,
        'I will write and design your weekly email newsletter in Mailchimp',
        array['newsletter', 'mailchimp', 'email marketing', 'copywriting', 'email'],
        $$Consistency is what makes a newsletter work, and it is also the first thing to
        slip when you're busy. I write and design your weekly newsletter in Mailchimp: a
        short story, your news or offers, and one clear call to action.

        Send me links, notes or a voice memo on Monday, and it lands in your subscribers'
        inboxes on Thursday.$$
    ),
    (
        'jenna-short-videos', 'growthloop_jen', 'video-editing', 270, 4.86, 91,
        'I will edit your long videos into YouTube Shorts, Reels and TikToks',
        array['video editing', 'youtube shorts', 'reels', 'tiktok', 'captions', 'video'],
        $$Your webinars, podcasts and YouTube videos are full of 30-second moments that would
        do great on short-form platforms. I find them and cut them into vertical videos
        with punchy hooks, animated captions, zooms and b-roll, exported and ready to
        post.

        I've edited short-form video for coaches, SaaS founders and a couple of chefs.
        Every clip is picked by a human who has watched your whole video, not by an
        automatic clipping tool.$$
    ),

    -- Kenji Sato (verification pending): video.
    (
        'kenji-wedding-film', 'frame_by_kenji', 'video-editing', 25, 0, 0,
        'I will edit your wedding footage into a cinematic highlight film',
        array['wedding video', 'video editing', 'cinematic', 'highlight film', 'color grading'],
        $$I'm Kenji, a videographer from Osaka now based in Vancouver. I edit wedding
        footage into cinematic highlight films that feel the way the day felt: the nervous
        laughter before the ceremony, the vows, the speeches and the chaos on the dance
        floor.

        Send me your raw footage from any camera or phone. I handle syncing, color
        grading, audio cleanup for the vows and speeches, and music licensed for sharing
        online. You'll get a 3 to 5 minute highlight film and, with the bigger packages,
        the full ceremony.$$
    ),
    (
        'kenji-video-podcast', 'frame_by_kenji', 'video-editing', 18, 0, 0,
        'I will edit your video podcast with multicam cuts, captions and clean audio',
        array['podcast', 'video podcast', 'podcast editing', 'multicam', 'captions', 'youtube'],
        $$Recording a podcast on video is the easy part. I do the rest: syncing two to four
        cameras, cutting between speakers naturally, removing long pauses and the ums you
        wish you hadn't said, leveling and denoising the audio, and adding captions, lower
        thirds and chapter markers for YouTube.

        I work from Riverside, Zoom, SquadCast or your own cameras, and can deliver the
        full episode plus short clips for social media.$$
    ),
    (
        'kenji-3d-logo-reveal', 'frame_by_kenji', 'logo-animation', 5, 0, 0,
        'I will make a 3D logo reveal intro for your YouTube channel',
        array['3d logo', 'logo animation', 'intro', 'blender', 'youtube'],
        $$Metal, glass, neon or clay: I model your logo in Blender, light it like a product
        shot, and animate a short, dramatic reveal for your channel intro. Still tuning
        the packages for this one.$$
    ),

    -- Nadia Petrova (verification not started): illustration, translation.
    (
        'nadia-pet-portrait', 'nadia_paints', 'illustration', 3, 0, 0,
        'I will paint a digital portrait of your pet in a cozy storybook style',
        array['pet portrait', 'digital painting', 'illustration', 'dog portrait', 'gift'],
        $$Send me a few photos of your dog, cat, rabbit or lizard, and I'll paint them as
        the hero of their own storybook: a reading nook, a garden, a tiny knitted scarf.
        Portraits make lovely gifts and print beautifully up to A3.

        I paint in Procreate with textured brushes, so the result feels handmade rather
        than filtered.$$
    ),
    (
        'nadia-russian-translation', 'nadia_paints', 'translation', 2, 0, 0,
        'I will translate your website from English into Russian and Ukrainian',
        array['translation', 'russian', 'ukrainian', 'website translation', 'localization'],
        $$Native Russian and Ukrainian speaker with a degree in linguistics from Kharkiv. I
        translate websites, online shops and marketing copy, and adapt idioms, units and
        date formats instead of translating them literally.$$
    )
) as g (gig_key, seller, category, age_days, rating_avg, rating_count, title, tags, description)
inner join public.profiles as p on g.seller = p.username
inner join public.categories as c on g.category = c.slug;

-- Packages -----------------------------------------------------------------------------

-- Every gig has a basic package; most also standard and premium. A key that names no
-- gig fails the foreign key instead of being skipped.
insert into public.gig_packages (
    gig_id, tier, title, description, price_cents, currency, delivery_days,
    revisions_included, features
)
select
    md5('gigflow-demo/gig/' || pk.gig_key)::uuid as gig_id,
    pk.tier::public.package_tier as tier,
    pk.title,
    pk.description,
    pk.price_cents,
    'USD' as currency,
    pk.delivery_days,
    pk.revisions_included,
    pk.features
from (
    values
    (
        'mara-minimalist-logo', 'basic', 'Starter', 4500, 3, 2,
        'One original logo concept, refined in vector.',
        array['1 logo concept', 'transparent png', 'high-resolution jpg']
    ),
    (
        'mara-minimalist-logo', 'standard', 'Business', 9500, 5, 4,
        'Three concepts to choose from, plus the full source files.',
        array['3 logo concepts', 'vector source files', 'transparent png', 'light and dark versions']
    ),
    (
        'mara-minimalist-logo', 'premium', 'Brand ready', 19000, 7, 10,
        'Five concepts, the complete file set and a short usage guide.',
        array['5 logo concepts', 'vector source files', 'social media kit', 'favicon', 'usage guide']
    ),
    (
        'mara-brand-identity', 'basic', 'Essentials', 18000, 7, 2,
        'Logo, palette and fonts for a brand that is just starting out.',
        array['primary logo', 'color palette', 'font pairing', 'vector files']
    ),
    (
        'mara-brand-identity', 'standard', 'Identity', 42000, 12, 4,
        'The full logo suite and a 10-page style guide.',
        array['primary and secondary logo', 'icon mark', 'color palette', '10-page style guide']
    ),
    (
        'mara-brand-identity', 'premium', 'Complete brand', 95000, 21, 6,
        'Everything in Identity, plus stationery and social media templates.',
        array[
            'full logo suite', '20-page brand book', 'business card and letterhead',
            '6 social media templates', 'brand moodboard'
        ]
    ),
    (
        'mara-calligraphy', 'basic', 'Signature', 6000, 4, 2,
        'One name or short word in a single calligraphy style.',
        array['1 lettering style', 'vector file', 'transparent png']
    ),
    (
        'mara-calligraphy', 'standard', 'Monogram', 14000, 6, 3,
        'Initials and full names combined into a monogram.',
        array['2 styles to choose from', 'monogram and full lockup', 'vector file', 'print-ready pdf']
    ),
    (
        'mara-calligraphy', 'premium', 'Wedding suite', 26000, 10, 5,
        'A monogram plus matching lettering for invitations and signage.',
        array[
            'monogram', 'names and date lockup', 'welcome sign lettering', 'menu headings',
            'all source files'
        ]
    ),
    (
        'mara-vintage-badge', 'basic', 'Badge', 3500, 4, 2,
        'One badge logo with custom lettering.',
        array['1 concept', 'vector file', 'transparent png']
    ),
    (
        'mara-vintage-badge', 'standard', 'Badge and icon', 8000, 6, 3,
        'The badge plus a simplified icon for small sizes.',
        array['2 concepts', 'simplified icon', 'one-color version', 'vector source']
    ),
    (
        'mara-vintage-badge', 'premium', 'Merch pack', 15000, 9, 5,
        'Everything prepared for screen printing and signage.',
        array[
            '3 concepts', 'icon and wordmark versions', 'screen-print separations',
            'cup and t-shirt mockups', 'vector source'
        ]
    ),
    (
        'mara-watercolor-book', 'basic', 'Character sheet', 12000, 5, 2,
        'One main character in three poses, to try the style.',
        array['1 character', '3 poses', 'color palette', 'high-resolution files']
    ),
    (
        'mara-watercolor-book', 'standard', 'Five spreads', 60000, 21, 3,
        'Five full illustrated spreads with layout sketches.',
        array['5 double-page spreads', 'layout sketches', 'space planned for text', '300 dpi files']
    ),
    (
        'mara-watercolor-book', 'premium', 'Full picture book', 150000, 45, 4,
        'Up to 14 spreads and a cover for a standard 32-page picture book.',
        array[
            '14 double-page spreads', 'front and back cover', 'character sheets',
            'kdp-ready files', 'commercial rights'
        ]
    ),
    (
        'mara-social-templates', 'basic', 'Starter set', 4000, 3, 1,
        'Six editable Instagram post templates.',
        array['6 post templates', 'canva link', 'how-to video']
    ),
    (
        'mara-social-templates', 'standard', 'Content kit', 8500, 5, 2,
        'Posts, stories and a carousel in one consistent look.',
        array['12 post templates', '6 story templates', '1 carousel template', 'canva link']
    ),
    (
        'mara-social-templates', 'premium', 'Full kit', 16000, 7, 3,
        'Templates for every channel you post on.',
        array[
            '20 post templates', '10 story templates', '3 carousel templates',
            'linkedin banner', 'youtube thumbnail template'
        ]
    ),
    (
        'mara-logo-animation', 'basic', 'Simple reveal', 3000, 2, 2,
        'A clean logo reveal of three to five seconds.',
        array['5 second animation', '1080p mp4', 'background music']
    ),
    (
        'mara-logo-animation', 'standard', 'Intro and outro', 7000, 4, 3,
        'A matching intro and outro for your channel.',
        array['intro and outro', '4k mp4', 'transparent mov', 'sound effects']
    ),
    (
        'mara-logo-animation', 'premium', 'Brand motion', 14000, 6, 5,
        'Logo animation plus lower thirds and an end screen.',
        array[
            'intro and outro', '3 lower thirds', 'end screen', '4k and transparent files',
            'after effects project'
        ]
    ),
    (
        'mara-explainer-video', 'basic', '30 seconds', 35000, 10, 2,
        'A short explainer for a landing page or an ad.',
        array['30 second video', 'script polish', 'professional voiceover', 'licensed music']
    ),
    (
        'mara-explainer-video', 'standard', '60 seconds', 80000, 14, 3,
        'The classic explainer, script to final render.',
        array['60 second video', 'scriptwriting', 'storyboard', 'voiceover', 'licensed music', '4k']
    ),
    (
        'mara-explainer-video', 'premium', '90 seconds and cutdowns', 150000, 21, 4,
        'A longer explainer plus two short cutdowns for paid ads.',
        array[
            '90 second video', 'scriptwriting', 'storyboard', 'voiceover',
            'two 15 second cutdowns', 'subtitles', 'source files'
        ]
    ),
    (
        'mara-packaging', 'basic', 'Label', 7500, 5, 2,
        'One label for a bottle, jar or can.',
        array['1 label', 'print-ready pdf', 'dieline setup']
    ),
    (
        'mara-packaging', 'standard', 'Box or pouch', 16000, 8, 3,
        'One box or pouch design on your printer''s dieline.',
        array['1 box or pouch', '3d mockup', 'print-ready files']
    ),
    (
        'mara-packaging', 'premium', 'Product line', 38000, 14, 4,
        'A consistent look across up to four product variants.',
        array['up to 4 variants', '3d mockups', 'print-ready files', 'source files']
    ),
    (
        'devon-wordpress-site', 'basic', 'One page', 25000, 5, 2,
        'A single-page website, great for a launch or a portfolio.',
        array['1 page', 'responsive design', 'contact form', 'speed optimization']
    ),
    (
        'devon-wordpress-site', 'standard', 'Business site', 60000, 10, 3,
        'Up to six pages for a small business.',
        array[
            'up to 6 pages', 'responsive design', 'contact form', 'on-page seo basics',
            'google analytics', 'training video'
        ]
    ),
    (
        'devon-wordpress-site', 'premium', 'Growth site', 120000, 18, 5,
        'Up to twelve pages with a blog, bookings and a newsletter signup.',
        array[
            'up to 12 pages', 'blog setup', 'booking integration', 'newsletter signup',
            'on-page seo', '30 days of support'
        ]
    ),
    (
        'devon-wordpress-fix', 'basic', 'Quick fix', 2500, 1, 1,
        'One specific error or small issue.',
        array['1 issue fixed', 'full backup first', 'explanation of the cause']
    ),
    (
        'devon-wordpress-fix', 'standard', 'Deep fix', 6000, 2, 2,
        'Several related issues or a tricky plugin conflict.',
        array['up to 3 issues', 'staging copy', 'plugin and theme updates', 'full backup']
    ),
    (
        'devon-wordpress-fix', 'premium', 'Rescue', 12000, 3, 3,
        'A hacked or completely broken site brought back to life.',
        array[
            'malware cleanup', 'security hardening', 'core and plugin reinstall',
            'uptime monitoring', 'written report'
        ]
    ),
    (
        'devon-woocommerce', 'basic', 'Store setup', 30000, 5, 2,
        'WooCommerce added to your existing WordPress site.',
        array['up to 20 products', 'stripe and paypal', 'shipping zones', 'tax settings']
    ),
    (
        'devon-woocommerce', 'standard', 'Full store', 70000, 10, 3,
        'A new store with theme, products and payments.',
        array[
            'store design', 'up to 100 products', 'payments and shipping', 'order emails',
            'training session'
        ]
    ),
    (
        'devon-woocommerce', 'premium', 'Store and migration', 140000, 20, 4,
        'Move an existing shop to WooCommerce without losing orders or rankings.',
        array[
            'product and customer import', 'order history migration', '301 redirects',
            'payments and shipping', '60 days of support'
        ]
    ),
    (
        'devon-wordpress-speed', 'basic', 'Tune-up', 4000, 2, 1,
        'The quick wins: caching and images.',
        array['caching setup', 'image optimization', 'before and after report']
    ),
    (
        'devon-wordpress-speed', 'standard', 'Core Web Vitals', 9000, 3, 2,
        'Everything needed to pass Core Web Vitals on a typical site.',
        array['everything in tune-up', 'css and js optimization', 'database cleanup', 'lcp and cls fixes']
    ),
    (
        'devon-wordpress-speed', 'premium', 'Heavy sites', 18000, 5, 3,
        'For large stores and sites built with heavy page builders.',
        array[
            'everything in core web vitals', 'cdn setup', 'server-level caching',
            'cart fragments fix', '30-day follow-up'
        ]
    ),
    (
        'devon-landing-page', 'basic', 'Simple page', 15000, 3, 2,
        'Up to four sections as static HTML.',
        array['up to 4 sections', 'responsive', 'tailwind css', 'source code']
    ),
    (
        'devon-landing-page', 'standard', 'Full landing page', 35000, 5, 3,
        'A complete landing page with animations and a working form.',
        array['up to 10 sections', 'animations', 'contact form', 'lighthouse 90+']
    ),
    (
        'devon-landing-page', 'premium', 'React landing page', 70000, 8, 4,
        'Built in Next.js with a CMS, deployed and ready for A/B tests.',
        array['next.js or react', 'cms integration', 'analytics hooks', 'deployment', 'source code']
    ),
    (
        'devon-nextjs-saas', 'basic', 'One feature', 60000, 10, 2,
        'One well-scoped feature or a small prototype.',
        array['1 core feature', 'auth and database', 'deployed preview', 'github repository']
    ),
    (
        'devon-nextjs-saas', 'standard', 'MVP', 95000, 21, 3,
        'A minimum viable product you can put in front of real users.',
        array[
            'up to 5 screens', 'supabase auth and database', 'row level security',
            'stripe checkout', 'deployment'
        ]
    ),
    (
        'devon-nextjs-saas', 'premium', 'Launch-ready SaaS', 150000, 40, 5,
        'Subscriptions, an admin dashboard and tests, ready to launch.',
        array[
            'up to 12 screens', 'stripe subscriptions', 'admin dashboard',
            'email notifications', 'automated tests', '60 days of support'
        ]
    ),
    (
        'devon-kubernetes', 'basic', 'Cluster review', 30000, 4, 1,
        'An audit of your existing cluster with a prioritized fix list.',
        array['security and cost review', 'written report', '1 hour call']
    ),
    (
        'devon-kubernetes', 'standard', 'Cluster setup', 90000, 10, 2,
        'A new cluster in Terraform with your first three services.',
        array[
            'terraform cluster', 'helm charts for 3 services', 'autoscaling',
            'tls and ingress', 'ci/cd pipeline'
        ]
    ),
    (
        'devon-kubernetes', 'premium', 'Production platform', 150000, 20, 3,
        'Cluster setup plus monitoring, alerting and a staging environment.',
        array[
            'everything in cluster setup', 'prometheus and grafana', 'alerting',
            'staging environment', 'runbook and handover'
        ]
    ),
    (
        'devon-docker-aws', 'basic', 'Dockerize', 12000, 2, 2,
        'A production Dockerfile and a local setup that matches it.',
        array['dockerfile', 'docker compose for local development', 'readme']
    ),
    (
        'devon-docker-aws', 'standard', 'Deploy to AWS', 30000, 5, 2,
        'Your container running on ECS or EC2 behind HTTPS.',
        array['dockerfile', 'ecs or ec2 deployment', 'https', 'health checks', 'cloudwatch logs']
    ),
    (
        'devon-docker-aws', 'premium', 'Full pipeline', 65000, 9, 3,
        'Automated, zero-downtime releases from every merge.',
        array[
            'everything in deploy to aws', 'github actions ci/cd', 'staging environment',
            'database backups', 'zero-downtime releases'
        ]
    ),
    (
        'devon-wordpress-migration', 'basic', 'Up to 5 pages', 20000, 5, 2,
        'A small site moved over with its URLs intact.',
        array['up to 5 pages', 'url redirects', 'image transfer']
    ),
    (
        'devon-wordpress-migration', 'standard', 'Up to 15 pages', 45000, 9, 3,
        'A larger site, blog posts and forms included.',
        array['up to 15 pages', 'blog post import', 'url redirects', 'form setup']
    ),
    (
        'samira-seo-blog', 'basic', '600 words', 3000, 3, 1,
        'One short, focused blog post.',
        array['600 words', 'keyword research', 'meta description']
    ),
    (
        'samira-seo-blog', 'standard', '1,200 words', 7500, 4, 2,
        'One in-depth article.',
        array[
            '1,200 words', 'keyword research', 'meta title and description',
            'internal links', 'royalty-free images'
        ]
    ),
    (
        'samira-seo-blog', 'premium', 'Four posts', 16000, 10, 3,
        'Four 1,000-word posts for your monthly content plan.',
        array['4 posts of 1,000 words', 'content brief for each', 'seo optimization', 'images']
    ),
    (
        'samira-website-copy', 'basic', 'One page', 9000, 4, 2,
        'Copy for one page, up to 500 words.',
        array['1 page up to 500 words', 'headline options', 'call to action']
    ),
    (
        'samira-website-copy', 'standard', 'Core pages', 22000, 7, 3,
        'Homepage, about and services.',
        array['3 core pages', 'brand voice notes', 'seo keywords']
    ),
    (
        'samira-website-copy', 'premium', 'Full website', 45000, 12, 4,
        'Up to seven pages and a welcome email sequence.',
        array['up to 7 pages', 'brand voice guide', 'seo keywords', 'welcome email sequence']
    ),
    (
        'samira-translation', 'basic', '500 words', 2000, 1, 1,
        'Up to 500 words in one language pair.',
        array['500 words', 'proofreading', 'one language pair']
    ),
    (
        'samira-translation', 'standard', '2,000 words', 7000, 3, 2,
        'Up to 2,000 words with a glossary of key terms.',
        array['2,000 words', 'proofreading', 'glossary of key terms']
    ),
    (
        'samira-translation', 'premium', '5,000 words', 16000, 6, 3,
        'Up to 5,000 words, formatting kept, with a cultural review.',
        array['5,000 words', 'proofreading', 'glossary', 'formatting kept', 'cultural review']
    ),
    (
        'samira-resume', 'basic', 'Resume polish', 4500, 3, 1,
        'Your resume rewritten and laid out cleanly.',
        array['resume rewrite', 'ats-friendly layout', 'pdf and docx']
    ),
    (
        'samira-resume', 'standard', 'Resume and LinkedIn', 9500, 4, 2,
        'Resume plus your LinkedIn headline and about section.',
        array['resume rewrite', 'linkedin headline and about', 'keyword optimization']
    ),
    (
        'samira-resume', 'premium', 'Job search kit', 17500, 6, 3,
        'Everything you need for the next application.',
        array[
            'resume rewrite', 'full linkedin profile', 'cover letter template',
            '30-minute interview prep call'
        ]
    ),
    (
        'samira-podcast-notes', 'basic', 'Show notes', 2500, 2, 1,
        'Show notes for one episode.',
        array['show notes', 'timestamps', 'guest links']
    ),
    (
        'samira-podcast-notes', 'standard', 'Show notes and blog', 6000, 3, 2,
        'Show notes plus a blog post built from the episode.',
        array['show notes', '800-word blog post', 'pull quotes for social media']
    ),
    (
        'samira-podcast-notes', 'premium', 'Full repurpose', 14000, 5, 2,
        'One episode turned into a week of content.',
        array['show notes', '1,200-word blog post', 'newsletter', '5 social captions']
    ),
    (
        'samira-app-localization', 'basic', 'Up to 500 strings', 9000, 3, 2,
        'Up to 500 interface strings into one language.',
        array['up to 500 strings', 'one language', 'placeholders preserved']
    ),
    (
        'samira-cover-letter', 'basic', 'One letter', 1500, 2, 2,
        'One letter for one job ad.',
        array['1 tailored letter', 'docx and pdf']
    ),
    (
        'jenna-seo-audit', 'basic', 'Quick audit', 8000, 3, 1,
        'Sites up to 100 pages.',
        array['up to 100 pages', 'prioritized fix list', 'search console review']
    ),
    (
        'jenna-seo-audit', 'standard', 'Full audit', 18000, 5, 2,
        'Sites up to 1,000 pages, with a competitor gap analysis.',
        array[
            'up to 1,000 pages', 'prioritized fix list', 'competitor gap analysis',
            'schema review', 'video walkthrough'
        ]
    ),
    (
        'jenna-seo-audit', 'premium', 'Audit and fixes', 35000, 10, 3,
        'The full audit, and I implement the fixes myself.',
        array['full audit', 'fixes on wordpress or shopify', '30-day ranking report']
    ),
    (
        'jenna-local-seo', 'basic', 'Profile tune-up', 6000, 3, 1,
        'Your Google Business Profile, optimized.',
        array['profile optimization', 'category and service review', 'photo guidelines']
    ),
    (
        'jenna-local-seo', 'standard', 'Local SEO setup', 14000, 7, 2,
        'Profile, citations and a review routine.',
        array['profile optimization', '20 citations', 'review request templates', 'local keywords']
    ),
    (
        'jenna-local-seo', 'premium', 'Multi-location', 26000, 14, 2,
        'Local SEO for businesses with up to three locations.',
        array['up to 3 locations', '50 citations', 'location page copy', 'monthly report']
    ),
    (
        'jenna-keyword-research', 'basic', '50 keywords', 5000, 2, 1,
        'A focused list for one product or service.',
        array['50 keywords', 'search intent', 'difficulty scores']
    ),
    (
        'jenna-keyword-research', 'standard', '200 keywords and plan', 12000, 4, 2,
        'Keywords grouped into topics, with a three-month plan.',
        array['200 keywords', 'topic clusters', '3-month content plan']
    ),
    (
        'jenna-keyword-research', 'premium', 'Full strategy', 24000, 7, 3,
        'Six months of content mapped out, with briefs to start.',
        array[
            '500 keywords', 'topic clusters', '6-month content plan', '5 content briefs',
            'competitor analysis'
        ]
    ),
    (
        'jenna-social-media', 'basic', 'Two weeks', 15000, 14, 1,
        'Two weeks of content to see how we work together.',
        array['6 posts', '2 reels', 'captions and hashtags', 'scheduling']
    ),
    (
        'jenna-social-media', 'standard', 'One month', 35000, 30, 2,
        'A full month of posts, reels and stories.',
        array['12 posts', '4 reels', 'stories', 'comment replies', 'monthly report']
    ),
    (
        'jenna-social-media', 'premium', 'Two months', 65000, 60, 3,
        'Two months, so the strategy has time to work.',
        array['24 posts', '8 reels', 'stories', 'comment replies', 'monthly reports']
    ),
    (
        'jenna-meta-ads', 'basic', 'Campaign setup', 12000, 3, 1,
        'One campaign, set up properly.',
        array['1 campaign', 'pixel check', '3 ad variations']
    ),
    (
        'jenna-meta-ads', 'standard', 'Full funnel', 28000, 6, 2,
        'Prospecting and retargeting with server-side tracking.',
        array['prospecting and retargeting', 'conversions api', '6 ad variations', 'audience research']
    ),
    (
        'jenna-meta-ads', 'premium', 'Setup and 30 days', 60000, 30, 2,
        'The full funnel, then a month of management.',
        array[
            'full funnel setup', '30 days of management', 'weekly optimization',
            'creative testing', 'monthly report'
        ]
    ),
    (
        'jenna-klaviyo-flows', 'basic', 'Two flows', 20000, 5, 2,
        'The two flows that earn the most.',
        array['welcome series', 'abandoned cart', 'copy and design']
    ),
    (
        'jenna-klaviyo-flows', 'standard', 'Core flows', 45000, 10, 3,
        'Five flows, a sign-up form and segments.',
        array['5 flows', 'sign-up form', 'segmentation', 'copy and design']
    ),
    (
        'jenna-klaviyo-flows', 'premium', 'Full email program', 90000, 18, 4,
        'Every flow a store needs, plus campaign templates.',
        array['8 flows', 'sign-up forms', 'segmentation', '4 campaign templates', '60-day review']
    ),
    (
        'jenna-newsletter', 'basic', 'One issue', 5000, 2, 1,
        'One newsletter, written and designed.',
        array['1 newsletter', 'mailchimp design', 'subject line options']
    ),
    (
        'jenna-newsletter', 'standard', 'Four issues', 18000, 28, 2,
        'A month of weekly issues.',
        array['4 weekly issues', 'template design', 'a/b tested subject lines']
    ),
    (
        'jenna-newsletter', 'premium', 'A quarter', 48000, 90, 2,
        'Three months of weekly issues.',
        array['12 weekly issues', 'template design', 'monthly stats report']
    ),
    (
        'jenna-short-videos', 'basic', '3 shorts', 4500, 2, 1,
        'Three vertical clips from one video.',
        array['3 vertical videos', 'animated captions', 'up to 60 seconds each']
    ),
    (
        'jenna-short-videos', 'standard', '10 shorts', 11000, 4, 2,
        'Ten clips with hooks and b-roll.',
        array['10 vertical videos', 'animated captions', 'hooks and b-roll', 'cover frames']
    ),
    (
        'jenna-short-videos', 'premium', '30 shorts', 24000, 10, 3,
        'A month of daily short-form content.',
        array['30 vertical videos', 'animated captions', 'hooks and b-roll', 'posting calendar']
    ),
    (
        'kenji-wedding-film', 'basic', 'Highlight film', 20000, 7, 2,
        'A three to five minute highlight film.',
        array['3-5 minute film', 'color grading', 'licensed music']
    ),
    (
        'kenji-wedding-film', 'standard', 'Highlights and ceremony', 40000, 14, 2,
        'The highlight film plus the full ceremony and speeches.',
        array['highlight film', 'full ceremony edit', 'speeches edit', 'color grading']
    ),
    (
        'kenji-wedding-film', 'premium', 'The whole story', 75000, 21, 3,
        'Everything, plus a teaser and a documentary edit of the day.',
        array['highlight film', 'ceremony and speeches', '1-minute teaser', 'documentary edit']
    ),
    (
        'kenji-video-podcast', 'basic', 'Cut and clean', 6000, 2, 1,
        'One episode up to 60 minutes, cut and cleaned up.',
        array['up to 60 minutes', 'multicam cut', 'audio cleanup']
    ),
    (
        'kenji-video-podcast', 'standard', 'Full episode', 12000, 3, 2,
        'Ready to publish on YouTube.',
        array['up to 60 minutes', 'multicam cut', 'audio cleanup', 'captions', 'chapter markers']
    ),
    (
        'kenji-video-podcast', 'premium', 'Episode and clips', 20000, 5, 2,
        'The full episode plus clips to promote it.',
        array['full episode edit', '5 vertical clips', 'youtube thumbnail', 'show notes draft']
    ),
    (
        'kenji-3d-logo-reveal', 'basic', 'Standard reveal', 5000, 3, 2,
        'A five second 3D reveal of your logo.',
        array['5 second 3d reveal', '1080p mp4']
    ),
    (
        'nadia-pet-portrait', 'basic', 'Simple portrait', 3500, 5, 2,
        'One pet on a simple painted background.',
        array['1 pet', 'simple background', 'high-resolution file']
    ),
    (
        'nadia-pet-portrait', 'standard', 'Storybook scene', 7000, 7, 2,
        'One pet in a fully illustrated scene.',
        array['1 pet', 'illustrated scene', 'print-ready file']
    ),
    (
        'nadia-pet-portrait', 'premium', 'Family portrait', 14000, 10, 3,
        'Up to three pets together in one scene.',
        array['up to 3 pets', 'illustrated scene', 'print-ready file', 'phone wallpaper version']
    ),
    (
        'nadia-russian-translation', 'basic', '1,000 words', 3000, 2, 1,
        'Up to 1,000 words into one language.',
        array['1,000 words', 'one target language']
    ),
    (
        'nadia-russian-translation', 'standard', '3,000 words', 8000, 4, 2,
        'Up to 3,000 words with a glossary.',
        array['3,000 words', 'one target language', 'glossary']
    ),
    (
        'nadia-russian-translation', 'premium', '3,000 words, both languages', 15000, 7, 2,
        'Up to 3,000 words into Russian and Ukrainian.',
        array['3,000 words', 'russian and ukrainian', 'glossary', 'proofreading']
    )
) as pk (
    gig_key, tier, title, price_cents, delivery_days, revisions_included, description, features
);

-- Extras -------------------------------------------------------------------------------

insert into public.gig_extras (
    gig_id, title, description, price_cents, currency, extra_delivery_days, max_quantity,
    position
)
select
    md5('gigflow-demo/gig/' || e.gig_key)::uuid as gig_id,
    e.title,
    e.description,
    e.price_cents,
    'USD' as currency,
    e.extra_delivery_days,
    e.max_quantity,
    e.position
from (
    values
    (
        'mara-minimalist-logo', 1, 'Extra-fast delivery', 2500, 0, 1,
        'Your concepts one day sooner.'
    ),
    (
        'mara-minimalist-logo', 2, 'Additional logo concept', 1500, 1, 5,
        'One more original direction to compare.'
    ),
    (
        'mara-minimalist-logo', 3, 'Stationery design', 3000, 2, 1,
        'Business card and letterhead using your new logo.'
    ),
    (
        'mara-brand-identity', 1, 'Brand pattern', 6000, 3, 1,
        'A repeatable pattern for packaging, backgrounds and tissue paper.'
    ),
    (
        'mara-brand-identity', 2, 'Extra brand book pages', 2500, 1, 5,
        'More guide pages, for example photography style or tone of voice.'
    ),
    (
        'mara-calligraphy', 1, 'Original ink artwork by post', 4500, 5, 1,
        'The hand-written original on cotton paper, posted to you.'
    ),
    (
        'mara-calligraphy', 2, 'Foil-ready file', 2000, 1, 1,
        'A separate layer prepared for gold foil or letterpress printing.'
    ),
    (
        'mara-vintage-badge', 1, 'Custom illustration inside the badge', 4000, 2, 1,
        'A detailed drawing of your mascot, building or product.'
    ),
    (
        'mara-vintage-badge', 2, 'T-shirt mockups', 1500, 1, 3,
        'Three realistic mockups for your merch store.'
    ),
    (
        'mara-watercolor-book', 1, 'Extra spread', 11000, 4, 10,
        'One more double-page illustration in the same style.'
    ),
    (
        'mara-watercolor-book', 2, 'Print formatting for KDP', 5000, 2, 1,
        'Interior and cover files set up to Amazon KDP specifications.'
    ),
    (
        'mara-watercolor-book', 3, 'Merchandise license', 20000, 0, 1,
        'Use the illustrations on prints, mugs and plush toys.'
    ),
    (
        'mara-social-templates', 1, 'Pinterest pin templates', 2000, 1, 2,
        'Five tall templates sized for Pinterest.'
    ),
    (
        'mara-logo-animation', 1, 'Custom sound design', 2500, 1, 1,
        'Original sound effects timed to the animation.'
    ),
    (
        'mara-logo-animation', 2, 'Vertical version', 1500, 1, 1,
        'A 9:16 cut of the animation for Reels and TikTok.'
    ),
    (
        'mara-explainer-video', 1, 'Subtitles in another language', 4000, 2, 5,
        'Translated, timed captions, burned in or as an SRT file.'
    ),
    (
        'mara-explainer-video', 2, 'Extra 10 seconds of animation', 7500, 2, 6,
        'For when the story needs a little more room.'
    ),
    (
        'mara-packaging', 1, 'Photorealistic 3D render', 3500, 2, 3,
        'A studio-style render of your product for the online shop.'
    ),
    (
        'devon-wordpress-site', 1, 'Extra page', 4500, 1, 10,
        'One more page designed and built in the same style.'
    ),
    (
        'devon-wordpress-site', 2, 'Hosting and domain setup', 5000, 1, 1,
        'I set up hosting, DNS, SSL and your business email.'
    ),
    (
        'devon-wordpress-site', 3, 'Monthly maintenance', 4000, 0, 6,
        'Updates, backups and uptime monitoring, per month.'
    ),
    (
        'devon-wordpress-fix', 1, 'Emergency start within 2 hours', 3000, 0, 1,
        'I drop what I''m doing and start on your site right away.'
    ),
    (
        'devon-woocommerce', 1, 'Product upload, per 50 products', 4000, 2, 10,
        'More products entered with images, variations and stock levels.'
    ),
    (
        'devon-woocommerce', 2, 'Subscription products', 8000, 2, 1,
        'Recurring products with WooCommerce Subscriptions.'
    ),
    (
        'devon-wordpress-speed', 1, 'Another website', 3500, 2, 5,
        'The same optimization for another site you own.'
    ),
    (
        'devon-landing-page', 1, 'Deploy and connect your domain', 2000, 0, 1,
        'Live on your domain with HTTPS, on Vercel, Netlify or your host.'
    ),
    (
        'devon-landing-page', 2, 'Dark mode', 5000, 1, 1,
        'A second color theme that follows the visitor''s system setting.'
    ),
    (
        'devon-nextjs-saas', 1, 'Extra week of development', 45000, 7, 4,
        'Another week of focused work on your backlog.'
    ),
    (
        'devon-nextjs-saas', 2, 'Code review of your existing app', 15000, 2, 1,
        'A written review of security, performance and structure.'
    ),
    (
        'devon-kubernetes', 1, 'Additional service', 12000, 2, 8,
        'Helm chart and pipeline for one more service.'
    ),
    (
        'devon-kubernetes', 2, 'Handover session', 15000, 1, 1,
        'A recorded two-hour session with your team.'
    ),
    (
        'devon-docker-aws', 1, 'Database migration to RDS', 15000, 2, 1,
        'Your database moved to managed Postgres or MySQL.'
    ),
    (
        'samira-seo-blog', 1, 'Upload to WordPress', 1000, 0, 4,
        'Formatted and scheduled in your WordPress dashboard, per post.'
    ),
    (
        'samira-seo-blog', 2, 'Extra 500 words', 2500, 1, 6,
        'For topics that deserve more depth.'
    ),
    (
        'samira-seo-blog', 3, 'Expert interview', 4000, 2, 2,
        'I interview someone on your team and weave in their quotes.'
    ),
    (
        'samira-website-copy', 1, 'Extra page', 6000, 2, 5,
        'Copy for one more page, up to 500 words.'
    ),
    (
        'samira-translation', 1, 'Statement of accuracy', 2500, 1, 1,
        'A signed statement that the translation is complete and accurate.'
    ),
    (
        'samira-translation', 2, 'Extra 500 words', 1800, 1, 10,
        'Another 500 words in the same language pair.'
    ),
    (
        'samira-resume', 1, 'Rush delivery in 24 hours', 3000, 0, 1,
        'For the application that closes tomorrow.'
    ),
    (
        'samira-resume', 2, 'Additional resume version', 3500, 2, 3,
        'A second version aimed at a different kind of role.'
    ),
    (
        'samira-podcast-notes', 1, 'Cleaned-up transcript', 2000, 1, 4,
        'A readable transcript without the ums and crosstalk.'
    ),
    (
        'samira-cover-letter', 1, 'Letter for another job', 1200, 1, 5,
        'The same care, for a second job ad.'
    ),
    (
        'jenna-seo-audit', 1, 'One-hour strategy call', 7500, 0, 2,
        'We go through the findings live with your team.'
    ),
    (
        'jenna-seo-audit', 2, 'Monthly ranking report', 5000, 0, 6,
        'Rankings, traffic and what changed, per month.'
    ),
    (
        'jenna-local-seo', 1, 'Ten more citations', 3000, 2, 5,
        'Listings in ten more directories relevant to your industry.'
    ),
    (
        'jenna-keyword-research', 1, 'Content brief', 2500, 1, 10,
        'A detailed brief a writer can follow for one article.'
    ),
    (
        'jenna-social-media', 1, 'Extra reel', 3500, 1, 8,
        'One more short-form video, edited from your footage.'
    ),
    (
        'jenna-social-media', 2, 'Paid boost setup', 5000, 1, 1,
        'Your best posts boosted to a tested audience.'
    ),
    (
        'jenna-meta-ads', 1, 'Ad copy variations', 2000, 1, 4,
        'Five more headline and primary text variations.'
    ),
    (
        'jenna-klaviyo-flows', 1, 'Campaign email', 6000, 1, 8,
        'One campaign email, written, designed and scheduled.'
    ),
    (
        'jenna-klaviyo-flows', 2, 'SMS messages', 8000, 2, 1,
        'Matching SMS messages for the abandoned cart flow.'
    ),
    (
        'jenna-short-videos', 1, 'Spanish captions', 1500, 1, 10,
        'Translated captions for one batch of clips.'
    ),
    (
        'jenna-short-videos', 2, 'Music and sound effects', 1000, 0, 1,
        'Royalty-free music and sound effects on every clip.'
    ),
    (
        'kenji-wedding-film', 1, 'Teaser within 48 hours', 6000, 0, 1,
        'A 60-second teaser to share while you wait for the film.'
    ),
    (
        'kenji-video-podcast', 1, 'Extra 30 minutes of footage', 3000, 1, 4,
        'For episodes that run long.'
    ),
    (
        'nadia-pet-portrait', 1, 'Additional pet', 2500, 2, 4,
        'One more pet in the same portrait.'
    ),
    (
        'nadia-pet-portrait', 2, 'Printed and framed A4 copy', 4500, 5, 2,
        'A giclée print in a simple oak frame, posted to you.'
    ),
    (
        'nadia-russian-translation', 1, 'Second proofreader', 2000, 1, 1,
        'A second native linguist proofreads the translation.'
    )
) as e (
    gig_key, position, title, price_cents, extra_delivery_days, max_quantity, description
);

-- Statuses -----------------------------------------------------------------------------

-- Every move goes through the moderation machine (gig_events), as a seller and an admin
-- would make it; the seed names the actor itself, as server paths do. Every gig of a
-- verified seller is submitted and published except a few drafts they are still
-- working on; Kenji has submitted two gigs, which an admin cannot publish until his KYC
-- passes.
insert into public.gig_events (gig_id, action, actor)
select
    g.id,
    'submit' as action,
    'seller' as actor
from public.gigs as g
inner join public.seller_accounts as s on g.seller_id = s.user_id
where
    (
        s.kyc_status = 'verified'
        and g.id not in (
            select md5('gigflow-demo/gig/' || d.gig_key)::uuid
            from (
                values ('mara-packaging'), ('devon-wordpress-migration'), ('samira-app-localization')
            ) as d (gig_key)
        )
    )
    or g.id in (
        md5('gigflow-demo/gig/kenji-wedding-film')::uuid,
        md5('gigflow-demo/gig/kenji-video-podcast')::uuid
    );

insert into public.gig_events (gig_id, action, actor)
select
    g.id,
    'publish' as action,
    'admin' as actor
from public.gigs as g
inner join public.seller_accounts as s on g.seller_id = s.user_id
where g.status = 'review' and s.kyc_status = 'verified';

-- Publishing stamps now(); spread the dates so "newest" has something to sort (the
-- publication date is not something buyers review, so this is no edit).
update public.gigs
set published_at = created_at + interval '1 day'
where status = 'published';

-- Seller ratings summarize their published gigs.
update public.seller_accounts as s
set
    rating_avg = r.rating_avg,
    rating_count = r.rating_count
from (
    select
        seller_id,
        round(sum(rating_avg * rating_count) / nullif(sum(rating_count), 0), 2) as rating_avg,
        sum(rating_count)::integer as rating_count
    from public.gigs
    where status = 'published'
    group by seller_id
) as r
where
    s.user_id = r.seller_id
    and r.rating_count > 0;
