-- Reviews: one per side per completed order, hidden until both sides have reviewed or
-- the release period has passed, so neither side can retaliate. Released buyer reviews
-- feed the gig's and the seller's rating, which search ranks by.

create or replace function private.refresh_ratings(target_gig_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
    update public.gigs as g
    set rating_avg = coalesce(stats.average, 0), rating_count = stats.reviews
    from (
        select pg_catalog.round(pg_catalog.avg(r.rating), 2) as average, pg_catalog.count(*)::integer as reviews
        from public.reviews as r
        where r.gig_id = target_gig_id and r.reviewer_role = 'buyer' and r.released_at is not null
    ) as stats
    where g.id = target_gig_id;

    update public.seller_accounts as s
    set rating_avg = coalesce(stats.average, 0), rating_count = stats.reviews
    from (
        select pg_catalog.round(pg_catalog.avg(r.rating), 2) as average, pg_catalog.count(*)::integer as reviews
        from public.reviews as r
        where r.reviewee_id = (select g.seller_id from public.gigs as g where g.id = target_gig_id)
            and r.reviewer_role = 'buyer' and r.released_at is not null
    ) as stats
    where s.user_id = (select g.seller_id from public.gigs as g where g.id = target_gig_id);
$$;

revoke execute on function private.refresh_ratings(uuid) from public, anon, authenticated;

-- Publish an order's reviews (both, or the one that exists) and refresh the ratings.
create or replace function private.release_reviews(target_order_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
    released_gig_id uuid;
begin
    update public.orders as o
    set reviews_released_at = pg_catalog.now()
    where o.id = target_order_id and o.reviews_released_at is null
    returning o.gig_id into released_gig_id;
    if released_gig_id is null then
        return;
    end if;
    update public.reviews as r
    set released_at = pg_catalog.now()
    where r.order_id = target_order_id and r.released_at is null;
    perform private.refresh_ratings(released_gig_id);
end;
$$;

revoke execute on function private.release_reviews(uuid) from public, anon, authenticated;

create or replace function public.submit_review(order_id uuid, rating integer, body text default '')
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    target public.orders;
    written public.reviews;
begin
    if acting_as not in ('buyer', 'seller') then
        raise exception using errcode = '42501', message = 'only the buyer and the seller review an order';
    end if;
    if rating is null or rating not between 1 and 5 then
        raise exception using errcode = '22023', message = 'rating must be 1 to 5 stars';
    end if;
    if pg_catalog.char_length(coalesce(body, '')) > 2000 then
        raise exception using errcode = '22023', message = 'a review is at most 2000 characters';
    end if;

    select o.* into target from public.orders as o where o.id = submit_review.order_id for update;
    if target.status <> 'completed' or target.reviews_released_at is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s cannot be reviewed: it is %s%s', order_id, target.status,
                case when target.reviews_released_at is not null then ' and its review period is over' else '' end);
    end if;

    insert into public.reviews (order_id, reviewer_id, reviewee_id, reviewer_role, gig_id, rating, body)
    values (
        target.id,
        auth.uid(),
        case when acting_as = 'buyer' then target.seller_id else target.buyer_id end,
        acting_as,
        target.gig_id,
        rating,
        coalesce(pg_catalog.btrim(body), '')
    )
    on conflict on constraint one_review_per_side do nothing
    returning * into written;
    if written.id is null then
        raise exception using
            errcode = '23505',
            message = format('the %s has already reviewed order %s', acting_as, order_id);
    end if;

    if (select pg_catalog.count(*) from public.reviews as r where r.order_id = target.id) = 2 then
        perform private.release_reviews(target.id);
        select r.* into written from public.reviews as r where r.id = written.id;
    end if;
    perform private.notify(
        case when acting_as = 'buyer' then target.seller_id else target.buyer_id end,
        target.id, 'review', format('%s: the %s left a review', target.gig_title, acting_as)
    );
    return written;
end;
$$;

revoke execute on function public.submit_review(uuid, integer, text) from public, anon, authenticated;
grant execute on function public.submit_review(uuid, integer, text) to authenticated;
