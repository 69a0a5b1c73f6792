-- The title words search merges (private.gig_title_words) against their spec: while a
-- gig is in search, each word of its approved title and tags (as English text search
-- spells it), and each pair of them one or two words apart, is there once with the gig's
-- rank key, and nothing else is; an approved
-- edit swaps the words, a new rating moves them to the new rank, and leaving search takes
-- them away. Two common words are then found together, in rank order, page by page.
begin;

select plan(10);

select tests.create_user('tw_seller');
select tests.create_user('tw_admin', '{"user_role": "admin"}');
insert into public.seller_accounts (user_id, kyc_status) values (tests.get_user_id('tw_seller'), 'verified');
insert into public.categories (slug, name) values ('tw-category', 'Title words');

-- A gig with `title`, submitted by its seller and published by an admin.
create function pg_temp.live_gig(title text) returns uuid language plpgsql as $$
declare
    made uuid;
begin
    perform tests.authenticate_as('tw_seller');
    insert into public.gigs (category_id, title, description)
    values ((select c.id from public.categories as c where c.slug = 'tw-category'), title, 'Drawn by hand')
    returning id into made;
    insert into public.gig_packages (gig_id, tier, title, price_cents, currency, delivery_days)
    values (made, 'basic', 'Basic', 2000, 'USD', 2);
    perform public.submit_gig_for_review(made);
    perform tests.authenticate_as('tw_admin');
    perform public.publish_gig(made, (select g.content_version from public.gigs as g where g.id = made));
    perform tests.clear_authentication();
    return made;
end;
$$;

create function pg_temp.rank_of(gig uuid) returns bigint language sql as $$
    select s.rank_key from private.gig_search as s where s.gig_id = gig
$$;

-- The words held for a rank key, in byte order.
create function pg_temp.words_at(rank bigint) returns text [] language sql as $$
    select coalesce(array_agg(w.lexeme order by w.lexeme collate "C"), '{}') from private.gig_title_words as w where w.rank_key = rank
$$;

select pg_temp.live_gig('Narwhal sketches in ink') as gig \gset
select is(
    pg_temp.words_at(pg_temp.rank_of(:'gig')), '{ink,narwhal,"narwhal 1 sketch","narwhal 3 ink",sketch,"sketch 2 ink"}',
    'a published gig''s title words and word pairs are held'
);

-- An approved edit: the new title and tags replace the old words.
select pg_temp.rank_of(:'gig') as first_rank \gset
select tests.authenticate_as('tw_seller');
update public.gigs set title = 'Axolotl portraits in ink', tags = '{glitter}' where id = :'gig';
select tests.authenticate_as('tw_admin');
select (public.publish_gig(:'gig', (select content_version from public.gigs where id = :'gig'))).status;
select tests.clear_authentication();
select is(
    pg_temp.words_at(pg_temp.rank_of(:'gig')),
    '{axolotl,"axolotl 1 portrait","axolotl 3 ink",glitter,ink,"ink 1 glitter",portrait,"portrait 2 ink","portrait 3 glitter"}',
    'once an edit is approved, its title and tag words and pairs are held'
);
select is(
    (select count(*)::integer from private.gig_title_words where lexeme in ('narwhal', 'sketch')), 0,
    'the old title''s words are gone'
);
select is(pg_temp.words_at(:first_rank), '{}', 'nothing is left at a rank the gig no longer holds');

-- A new rating moves the gig's rank, and its words with it.
select pg_temp.rank_of(:'gig') as rated_from \gset
update public.gigs set rating_avg = 5, rating_count = 40 where id = :'gig';
select isnt(pg_temp.rank_of(:'gig'), :rated_from::bigint, 'a new rating gives the gig a new rank');
select is(
    pg_temp.words_at(pg_temp.rank_of(:'gig')),
    '{axolotl,"axolotl 1 portrait","axolotl 3 ink",glitter,ink,"ink 1 glitter",portrait,"portrait 2 ink","portrait 3 glitter"}',
    'its words moved to the new rank'
);
select is(pg_temp.words_at(:rated_from), '{}', 'and left the old one');

-- Two words found together, best first, a page at a time: 25 gigs hold both, 25 one.
select pg_temp.live_gig(format('Capybara %s mural', case when n % 2 = 0 then 'watercolour' else 'charcoal' end))
from generate_series(1, 50) as n;
update public.gigs set rating_count = 3, rating_avg = (random() * 5)::numeric(3, 2)
where title like 'Capybara %';
analyze private.gig_title_words;
create function pg_temp.walk(query text) returns uuid [] language plpgsql as $$
declare
    seen uuid [] := '{}';
    page uuid [];
    cursor_text text;
begin
    perform tests.authenticate_as_anon();
    loop
        select array_agg(s.gig_id order by s.ordinality), (array_agg(s.next_cursor order by s.ordinality desc))[1]
        into page, cursor_text
        from public.search_gigs(search_query => query, after_cursor => cursor_text, page_size => 4)
            with ordinality as s;
        seen := seen || coalesce(page, '{}');
        exit when coalesce(cardinality(page), 0) < 4;
    end loop;
    perform tests.clear_authentication();
    return seen;
end;
$$;
select is(
    pg_temp.walk('capybara watercolour'),
    (select array_agg(g.id order by g.quality_score desc, s.rank_key desc) from public.gigs as g
     inner join private.gig_search as s on g.id = s.gig_id where g.title like 'Capybara watercolour %'),
    'two words: every gig with both, best rated first, each once'
);
select is(
    pg_temp.walk('"watercolour mural" capybara'),
    (select array_agg(g.id order by g.quality_score desc, s.rank_key desc) from public.gigs as g
     inner join private.gig_search as s on g.id = s.gig_id where g.title like 'Capybara watercolour mural'),
    'a phrase and a word: the same gigs in the same order'
);

-- Leaving search takes the words away.
select tests.authenticate_as('tw_seller');
select (public.pause_gig(:'gig')).status;
select tests.clear_authentication();
select is(
    (select count(*)::integer from private.gig_title_words where lexeme = 'axolotl'), 0,
    'a paused gig''s words are gone'
);

select * from finish();
rollback;
