-- A gig page in one call. Invoker rights throughout: every part is read under the
-- caller's RLS, so an unpublished gig is "not found" for anyone but its seller and
-- admins, exactly as a missing one is.

-- Released buyer reviews of a gig, newest first, keyset-paged by (released_at, id).
-- Cursors are opaque to clients: base64url of the last row's release time and id.
create or replace function public.gig_reviews(
    gig_id uuid,
    after_cursor text default null,
    page_size integer default 10
)
returns table (
    review_id uuid,
    rating integer,
    body text,
    released_at timestamptz,
    reviewer_username text,
    reviewer_display_name text,
    reviewer_avatar_url text,
    next_cursor text
)
language plpgsql
stable
set search_path = ''
as $$
declare
    after_released_at timestamptz;
    after_review_id uuid;
begin
    if page_size is null or page_size not between 1 and 50 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 50';
    end if;
    if after_cursor is not null then
        begin
            select (decoded ->> 't')::timestamptz, (decoded ->> 'i')::uuid
            into strict after_released_at, after_review_id
            from (
                select pg_catalog.convert_from(
                    pg_catalog.decode(
                        pg_catalog.translate(after_cursor, '-_', '+/')
                        || pg_catalog.repeat('=', (4 - pg_catalog.length(after_cursor) % 4) % 4),
                        'base64'
                    ),
                    'UTF8'
                )::jsonb as decoded
            ) as c;
        exception when others then
            after_released_at := null;
        end;
        if after_released_at is null or after_review_id is null then
            raise exception using errcode = '22023', message = 'after_cursor is not a valid cursor';
        end if;
    end if;
    if not exists (select 1 from public.gigs as g where g.id = gig_reviews.gig_id) then
        raise exception using errcode = 'P0002', message = format('gig %s not found', gig_reviews.gig_id);
    end if;

    return query
    select
        r.id,
        r.rating,
        r.body,
        r.released_at,
        p.username,
        p.display_name,
        p.avatar_url,
        pg_catalog.translate(
            pg_catalog.encode(
                pg_catalog.convert_to(
                    pg_catalog.jsonb_build_object(
                        't', pg_catalog.to_char(r.released_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                        'i', r.id
                    )::text,
                    'UTF8'
                ),
                'base64'
            ),
            E'+/=\n',
            '-_'
        )
    from public.reviews as r
    inner join public.profiles as p on r.reviewer_id = p.id
    where
        r.gig_id = gig_reviews.gig_id
        and r.reviewer_role = 'buyer'
        and r.released_at is not null
        and (after_cursor is null or (r.released_at, r.id) < (after_released_at, after_review_id))
    order by r.released_at desc, r.id desc
    limit page_size;
end;
$$;

comment on function public.gig_reviews(uuid, text, integer) is
$$Released buyer reviews of a gig, newest first. Pass the last row's next_cursor as after_cursor for
the next page; page_size is 1 to 50.
@who anyone who can see the gig
@error P0002 no such gig (an unpublished gig is not found unless it is yours, or you are an admin)
@error 22023 page_size or after_cursor is invalid$$;

revoke execute on function public.gig_reviews(uuid, text, integer) from public, anon, authenticated;
grant execute on function public.gig_reviews(uuid, text, integer) to anon, authenticated, service_role;

-- Everything a gig page shows, as one JSON document (shape in the comment below).
create or replace function public.get_gig(
    slug text default null,
    gig_id uuid default null,
    reviews_page_size integer default 10
)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
    gig public.gigs;
begin
    if (slug is null) = (gig_id is null) then
        raise exception using errcode = '22023', message = 'name the gig by exactly one of slug or gig_id';
    end if;
    select g.* into gig
    from public.gigs as g
    where g.id = get_gig.gig_id or g.slug = get_gig.slug;
    if gig.id is null then
        raise exception using
            errcode = 'P0002', message = format('gig %s not found', coalesce(get_gig.slug, get_gig.gig_id::text));
    end if;

    return pg_catalog.jsonb_build_object(
        'gig', pg_catalog.jsonb_build_object(
            'id', gig.id,
            'slug', gig.slug,
            'title', gig.title,
            'description', gig.description,
            'tags', gig.tags,
            'currency', gig.currency,
            'status', gig.status,
            'content_version', gig.content_version,
            'rejection_reason', gig.rejection_reason,
            'starting_price_cents', gig.starting_price_cents,
            'fastest_delivery_days', gig.fastest_delivery_days,
            'rating_avg', gig.rating_avg,
            'rating_count', gig.rating_count,
            'published_at', gig.published_at
        ),
        'category', (
            select pg_catalog.jsonb_build_object('id', c.id, 'slug', c.slug, 'name', c.name)
            from public.categories as c where c.id = gig.category_id
        ),
        'packages', coalesce((
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object(
                    'id', p.id, 'tier', p.tier, 'title', p.title, 'description', p.description,
                    'price_cents', p.price_cents, 'currency', p.currency, 'delivery_days', p.delivery_days,
                    'revisions_included', p.revisions_included, 'features', p.features,
                    'max_quantity', p.max_quantity
                )
                order by p.tier
            )
            from public.gig_packages as p where p.gig_id = gig.id
        ), '[]'::jsonb),
        'extras', coalesce((
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object(
                    'id', e.id, 'title', e.title, 'description', e.description, 'price_cents', e.price_cents,
                    'currency', e.currency, 'extra_delivery_days', e.extra_delivery_days,
                    'max_quantity', e.max_quantity
                )
                order by e.position, e.id
            )
            from public.gig_extras as e where e.gig_id = gig.id
        ), '[]'::jsonb),
        'requirements', coalesce((
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object(
                    'id', q.id, 'question', q.question, 'kind', q.kind, 'choices', q.choices,
                    'required', q.required
                )
                order by q.position, q.id
            )
            from public.gig_requirements as q where q.gig_id = gig.id
        ), '[]'::jsonb),
        'faqs', coalesce((
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object('id', f.id, 'question', f.question, 'answer', f.answer)
                order by f.position, f.id
            )
            from public.gig_faqs as f where f.gig_id = gig.id
        ), '[]'::jsonb),
        'media', coalesce((
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object(
                    'path', m.path, 'is_cover', m.is_cover, 'mime_type', m.mime_type
                )
                order by m.is_cover desc, m.position, m.id
            )
            from public.gig_media as m where m.gig_id = gig.id
        ), '[]'::jsonb),
        'seller', (
            select pg_catalog.to_jsonb(s) from public.seller_profiles as s where s.seller_id = gig.seller_id
        ),
        'reviews', coalesce((
            select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r))
            from public.gig_reviews(gig.id, null, reviews_page_size) as r
        ), '[]'::jsonb)
    );
end;
$$;

comment on function public.get_gig(text, uuid, integer) is
$$Everything a gig page shows, in one call, named by slug or by gig_id (exactly one). Returns {gig:
{id, slug, title, description, tags, currency, status, content_version, rejection_reason,
starting_price_cents, fastest_delivery_days, rating_avg, rating_count, published_at}, category: {id,
slug, name}, packages: [{id, tier, title, description, price_cents, currency, delivery_days,
revisions_included, features, max_quantity (the most of it one order may buy)}], extras: [{id,
title, description, price_cents, currency, extra_delivery_days, max_quantity}], requirements: [{id,
question, kind, choices, required}], faqs: [{id, question, answer}], media: [{path, is_cover,
mime_type}] (cover first; paths in the public gig-media bucket), seller: a seller_profiles row,
reviews: the first reviews_page_size rows of gig_reviews (continue with gig_reviews and the last
next_cursor)}.
@who anyone; an unpublished gig only its seller and admins
@error P0002 no such gig (an unpublished gig is not found unless it is yours, or you are an admin)
@error 22023 neither or both of slug and gig_id, or reviews_page_size outside 1 to 50$$;

revoke execute on function public.get_gig(text, uuid, integer) from public, anon, authenticated;
grant execute on function public.get_gig(text, uuid, integer) to anon, authenticated, service_role;
