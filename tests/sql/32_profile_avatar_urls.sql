-- A profile's avatar_url is what a frontend puts in an img src or a link's href: a
-- signed-in user updating their own profile (as PostgREST runs `PATCH /profiles`) may set
-- it to null or an https:// URL without whitespace, at most 2048 characters; anything
-- else (a javascript: or data: URL, plain http, no host, whitespace) is refused with
-- 23514 and the stored avatar stays as it was.
begin;
select plan(14);

select tests.create_user('av_user');

-- The write PostgREST makes for the signed-in user; its outcome, undone.
create function pg_temp.set_avatar(url text)
returns text
language sql
as $$
    select tests.write_outcome(format(
        'update public.profiles set avatar_url = %L where id = %L', url, tests.get_user_id('av_user')
    ))
$$;

select tests.authenticate_as('av_user');
select is(pg_temp.set_avatar('https://cdn.example.test/avatars/av.png'), 'ok', 'an https URL is accepted');
select is(
    pg_temp.set_avatar('https://cdn.example.test/a/b.webp?size=128&v=2#top'), 'ok',
    'with a path, query and fragment too'
);
select is(pg_temp.set_avatar(null), 'ok', 'null (no avatar) is accepted');
select is(
    pg_temp.set_avatar('https://cdn.example.test/' || repeat('a', 2048 - 25)), 'ok',
    'a URL of exactly 2048 characters is accepted'
);
select is(pg_temp.set_avatar('javascript:alert(1)'), '23514', 'a javascript: URL is refused');
select is(pg_temp.set_avatar('JavaScript:alert(document.cookie)//https://'), '23514', 'in any case');
select is(
    pg_temp.set_avatar('data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+'), '23514',
    'a data: URL is refused'
);
select is(pg_temp.set_avatar('http://cdn.example.test/av.png'), '23514', 'plain http is refused');
select is(pg_temp.set_avatar('https://'), '23514', 'an https URL needs a host');
select is(
    pg_temp.set_avatar('https://cdn.example.test/a b.png'), '23514', 'a URL with a space is refused'
);
select is(
    pg_temp.set_avatar(e'https://cdn.example.test/av.png\n" onerror="alert(1)'), '23514',
    'a URL with a line break is refused'
);
select is(
    pg_temp.set_avatar(' https://cdn.example.test/av.png'), '23514', 'leading whitespace is refused'
);
select is(
    pg_temp.set_avatar('https://cdn.example.test/' || repeat('a', 2048 - 24)), '23514',
    'a URL over 2048 characters is refused'
);

-- A refused write leaves the avatar as it was.
update public.profiles set avatar_url = 'https://cdn.example.test/kept.png' where id = tests.get_user_id('av_user');
select pg_temp.set_avatar('javascript:alert(1)');
select is(
    (select avatar_url from public.profiles where id = tests.get_user_id('av_user')),
    'https://cdn.example.test/kept.png',
    'and the avatar stays as it was'
);

select * from finish();
rollback;
