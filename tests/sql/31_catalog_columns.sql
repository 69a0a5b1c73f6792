-- The column audit of the catalog (issue 16 #7): for every table and view of the catalog
-- and each API role, the columns it may read, stated by hand from the spec. Rows are the
-- access matrix's business (30): what this file says is which facts a visitor or another
-- user can ever learn. Nothing here may hold an e-mail, a Whop id, KYC details, a
-- balance or a role: those stay in seller_accounts, which only its owner and admins read
-- (rows), and in auth.users, which the API does not expose.
begin;

create temporary table readable (relation text, role text, columns text [], primary key (relation, role));
insert into readable values
-- Public identity: every column is public by design (nothing private lives there).
('public.profiles', 'anon', '{avatar_url,bio,country,created_at,display_name,id,languages,updated_at,username}'),
('public.profiles', 'authenticated', '{avatar_url,bio,country,created_at,display_name,id,languages,updated_at,username}'),
-- KYC, Whop company and payouts: signed-in users only, and RLS shows a user only their
-- own row (admins every row).
('public.seller_accounts', 'anon', '{}'),
-- A suspension's reason too: the seller and admins only.
('public.seller_accounts', 'authenticated', '{created_at,headline,kyc_status,kyc_updated_at,payout_enabled,rating_avg,rating_count,suspended_at,suspension_reason,updated_at,user_id,whop_company_id}'),
-- A seller's public facts, copied from the account by triggers: verified and suspended
-- are booleans, never the KYC state, dates or a suspension's reason.
('public.seller_stats', 'anon', '{completed_orders,headline,member_since,rating_avg,rating_count,suspended,user_id,verified}'),
('public.seller_stats', 'authenticated', '{completed_orders,headline,member_since,rating_avg,rating_count,suspended,user_id,verified}'),
('public.seller_profiles', 'anon', '{avatar_url,bio,completed_orders,country,display_name,headline,languages,member_since,rating_avg,rating_count,seller_id,suspended,username,verified}'),
('public.seller_profiles', 'authenticated', '{avatar_url,bio,completed_orders,country,display_name,headline,languages,member_since,rating_avg,rating_count,seller_id,suspended,username,verified}'),
-- Categories: RLS shows visitors the listed ones only.
('public.categories', 'anon', '{active,id,listed,name,parent_id,position,slug}'),
('public.categories', 'authenticated', '{active,id,listed,name,parent_id,position,slug}'),
-- Gigs: every column, on the rows RLS shows (published gigs to everyone; a seller's own
-- and, to admins, all). On a published gig rejection_reason is null and
-- paused_by_platform false, so neither says anything about the seller to others.
('public.gigs', 'anon', '{category_id,content_version,created_at,currency,description,fastest_delivery_days,id,paused_by_platform,published_at,quality_score,rating_avg,rating_count,rejection_reason,seller_id,slug,starting_price_cents,status,tags,title,updated_at}'),
('public.gigs', 'authenticated', '{category_id,content_version,created_at,currency,description,fastest_delivery_days,id,paused_by_platform,published_at,quality_score,rating_avg,rating_count,rejection_reason,seller_id,slug,starting_price_cents,status,tags,title,updated_at}'),
('public.gig_packages', 'anon', '{created_at,currency,delivery_days,description,features,gig_id,id,max_quantity,price_cents,revisions_included,tier,title,updated_at}'),
('public.gig_packages', 'authenticated', '{created_at,currency,delivery_days,description,features,gig_id,id,max_quantity,price_cents,revisions_included,tier,title,updated_at}'),
('public.gig_extras', 'anon', '{created_at,currency,description,extra_delivery_days,gig_id,id,max_quantity,position,price_cents,title,updated_at}'),
('public.gig_extras', 'authenticated', '{created_at,currency,description,extra_delivery_days,gig_id,id,max_quantity,position,price_cents,title,updated_at}'),
('public.gig_requirements', 'anon', '{choices,created_at,gig_id,id,kind,position,question,required,updated_at}'),
('public.gig_requirements', 'authenticated', '{choices,created_at,gig_id,id,kind,position,question,required,updated_at}'),
('public.gig_faqs', 'anon', '{answer,created_at,gig_id,id,position,question,updated_at}'),
('public.gig_faqs', 'authenticated', '{answer,created_at,gig_id,id,position,question,updated_at}'),
('public.gig_media', 'anon', '{created_at,gig_id,id,is_cover,mime_type,path,position,storage_object_id}'),
('public.gig_media', 'authenticated', '{created_at,gig_id,id,is_cover,mime_type,path,position,storage_object_id}'),
-- A gig's history: its seller and admins only (rows); visitors nothing.
('public.gig_events', 'anon', '{}'),
('public.gig_events', 'authenticated', '{action,actor,actor_id,content_version,created_at,from_status,gig_id,id,reason,to_status}'),
-- The search table: only published gigs' public fields; read through search_gigs.
('private.gig_search', 'anon', '{category_id,fastest_delivery_days,gig_id,published_at,quality_score,rank_key,rating_avg,search_id,search_vector,seller_id,starting_price_cents,title_vector}'),
('private.gig_search', 'authenticated', '{category_id,fastest_delivery_days,gig_id,published_at,quality_score,rank_key,rating_avg,search_id,search_vector,seller_id,starting_price_cents,title_vector}'),
('private.gig_transitions', 'anon', '{}'),
('private.gig_transitions', 'authenticated', '{}'),
-- The operators' audit log: visitors nothing; signed-in users the columns, and RLS shows
-- its rows to admins only.
('public.admin_actions', 'anon', '{}'),
('public.admin_actions', 'authenticated', '{action,admin_id,category_id,created_at,details,gig_id,id,reason,seller_id}');

select plan((select count(*)::integer from readable) + 3);

select is(
    array(
        select a.attname::text
        from pg_catalog.pg_attribute as a
        where a.attrelid = r.relation::regclass and a.attnum > 0 and not a.attisdropped
            and has_column_privilege(r.role, a.attrelid, a.attnum, 'select')
        order by 1
    ),
    r.columns,
    format('%s reads exactly these columns of %s', r.role, r.relation)
)
from readable as r
order by r.relation, r.role;

-- Nobody but the owner and admins learns who is an admin, a seller's KYC state or Whop id.
select tests.create_user('cc_seller');
select tests.create_user('cc_stranger');
select tests.create_user('cc_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status, whop_company_id)
values (tests.get_user_id('cc_seller'), 'pending', 'biz_cc_seller');

select tests.authenticate_as('cc_stranger');
select is(
    (select count(*) from public.seller_accounts where user_id = tests.get_user_id('cc_seller')),
    0::bigint,
    'another user cannot read a seller''s KYC state or Whop company'
);
select is(
    (select to_jsonb(s) - 'member_since' from public.seller_profiles as s where s.username = 'cc_seller'),
    jsonb_build_object(
        'seller_id', tests.get_user_id('cc_seller'), 'username', 'cc_seller', 'display_name', 'Cc_Seller',
        'avatar_url', null, 'bio', '', 'languages', '[]'::jsonb, 'country', null, 'headline', '',
        'verified', false, 'rating_avg', 0, 'rating_count', 0, 'completed_orders', 0, 'suspended', false
    ),
    'what another user reads of a seller is their public page, verified as a plain boolean'
);
select tests.authenticate_as_anon();
select is(
    (select to_jsonb(p) - '{id,username,display_name,created_at,updated_at}'::text [] from public.profiles as p
     where p.username = 'cc_admin'),
    (select to_jsonb(p) - '{id,username,display_name,created_at,updated_at}'::text [] from public.profiles as p
     where p.username = 'cc_stranger'),
    'a visitor cannot tell an admin''s profile from anyone else''s'
);

select * from finish();
rollback;
