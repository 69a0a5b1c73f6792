-- Reviews: one per side per completed order, hidden until both sides have reviewed or
-- the release period has passed (the release_reviews timer of a completed order), so
-- neither side can retaliate. Released buyer reviews feed the gig's and the seller's
-- rating, which search ranks by.
--
-- A participant writes a review by inserting its order, stars and text; the definer
-- trigger below checks who they are on the order and fills in the rest.

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

-- Who is reviewing whom, checked and filled in before the row is stored.
create or replace function private.complete_review()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
    reviewer public.order_actor;
begin
    select o.* into target from public.orders as o where o.id = new.order_id for update;
    reviewer := private.order_role(target.buyer_id, target.seller_id);
    if target.id is null or reviewer is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', new.order_id);
    end if;
    if reviewer not in ('buyer', 'seller') then
        raise exception using errcode = '42501', message = 'only the buyer and the seller review an order';
    end if;
    if new.rating is null or new.rating not between 1 and 5 then
        raise exception using errcode = '22023', message = 'rating must be 1 to 5 stars';
    end if;
    if pg_catalog.char_length(coalesce(new.body, '')) > 2000 then
        raise exception using errcode = '22023', message = 'a review is at most 2000 characters';
    end if;
    if target.status <> 'completed' or target.reviews_released_at is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s cannot be reviewed: it is %s%s', target.id, target.status,
                case when target.reviews_released_at is not null then ' and its review period is over' else '' end);
    end if;
    if exists (select 1 from public.reviews as r where r.order_id = target.id and r.reviewer_role = reviewer) then
        raise exception using
            errcode = '23505', message = format('the %s has already reviewed order %s', reviewer, target.id);
    end if;

    new.reviewer_id := auth.uid();
    new.reviewee_id := case when reviewer = 'buyer' then target.seller_id else target.buyer_id end;
    new.reviewer_role := reviewer;
    new.gig_id := target.gig_id;
    new.body := coalesce(pg_catalog.btrim(new.body), '');
    new.created_at := pg_catalog.now();
    new.released_at := null;
    return new;
end;
$$;

create trigger reviews_complete
before insert on public.reviews
for each row execute function private.complete_review();

-- The other party hears of it; the second review releases both (an order action).
create or replace function private.after_review()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = new.order_id;
    perform private.notify(
        array[new.reviewee_id], target.id, 'review', format('%s: the %s left a review', target.gig_title, new.reviewer_role)
    );
    if (select pg_catalog.count(*) from public.reviews as r where r.order_id = new.order_id) = 2 then
        perform private.record_order_action(new.order_id, 'release_reviews', '{}', 'system');
    end if;
    return null;
end;
$$;

create trigger reviews_released_when_both_are_in
after insert on public.reviews
for each row execute function private.after_review();

-- Buyer or seller of a completed order: 1 to 5 stars and an optional text, once.
create or replace function public.submit_review(order_id uuid, rating integer, body text default '')
returns public.reviews
language plpgsql
set search_path = ''
as $$
declare
    written public.reviews;
begin
    insert into public.reviews (order_id, rating, body)
    values (submit_review.order_id, submit_review.rating, coalesce(submit_review.body, ''))
    returning * into written;
    select r.* into written from public.reviews as r where r.id = written.id;
    return written;
end;
$$;

revoke execute on function private.refresh_ratings(uuid) from public, anon, authenticated;
revoke execute on function private.complete_review() from public, anon, authenticated;
revoke execute on function private.after_review() from public, anon, authenticated;
revoke execute on function public.submit_review(uuid, integer, text) from public, anon, authenticated;
grant execute on function public.submit_review(uuid, integer, text) to authenticated;

comment on function public.submit_review(uuid, integer, text) is
$$Review the other party of a completed order, once: rating 1 to 5 and an optional text. Hidden until
both have reviewed or 10 days have passed; released buyer reviews feed the gig's rating.
@who the order's buyer or seller
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 22023 the rating is not 1 to 5, or the text is longer than 2000 characters
@error 23505 the caller already reviewed this order
@error 55000 the order is not completed$$;
