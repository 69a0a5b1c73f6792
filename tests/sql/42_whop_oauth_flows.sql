-- Whop OAuth flows are bound to the browser and the user that started them. Each attack
-- is written as its steps: Mallory (the attacker) starts linking her GigFlow account and
-- gets Alice (the victim) to finish the flow at Whop; whatever Alice's browser or Alice's
-- session then does with Mallory's state, nothing goes on, and the state is used up.
-- The worker calls these functions as the service role; nobody else may.
begin;
select plan(22);

select tests.create_user('of_mallory');
select tests.create_user('of_alice');

-- What each browser's cookie nonce hashes to (the worker stores only the hash).
select
    encode(sha256('mallory-browser-nonce'::bytea), 'hex') as mallory_browser,
    encode(sha256('alice-browser-nonce'::bytea), 'hex') as alice_browser,
    encode(sha256('visitor-browser-nonce'::bytea), 'hex') as visitor_browser
\gset

create function pg_temp.state(label text) returns text
language sql immutable
as $$ select encode(sha256(convert_to(label, 'UTF8')), 'hex') $$;

select tests.authenticate_as_service_role();

-- Mallory starts linking, and Alice's browser completes the callback ----------------------
select begin_whop_oauth(
    'link', tests.get_user_id('of_mallory'), pg_temp.state('s1'), :'mallory_browser', 'verifier-1'
);
select is(
    (
        select format('%s %s', refusal, coalesce(code_verifier_ciphertext, 'no verifier'))
        from consume_whop_oauth_state(pg_temp.state('s1'), :'alice_browser')
    ),
    'browser_mismatch no verifier',
    'Mallory''s state completed in Alice''s browser is refused, and the verifier is withheld'
);
select throws_ok(
    format('select * from consume_whop_oauth_state(%L, %L)', pg_temp.state('s1'), :'mallory_browser'),
    '42501',
    'unknown, expired or already used OAuth state',
    'the refused attempt used the state up: not even Mallory''s own browser can finish it now'
);

-- Mallory starts linking; Alice's callback arrives without any cookie ---------------------
select begin_whop_oauth(
    'link', tests.get_user_id('of_mallory'), pg_temp.state('s2'), :'mallory_browser', 'verifier-2'
);
select is(
    (select refusal from consume_whop_oauth_state(pg_temp.state('s2'), null)),
    'browser_mismatch',
    'a callback that brings back no cookie is refused'
);

-- Mallory starts linking; Alice, signed in, completes it with her own token --------------
select begin_whop_oauth(
    'link', tests.get_user_id('of_mallory'), pg_temp.state('s3'), :'mallory_browser', 'verifier-3'
);
select is(
    (
        select format('%s %s', refusal, coalesce(code_verifier_ciphertext, 'no verifier'))
        from consume_whop_oauth_state(pg_temp.state('s3'), :'alice_browser', tests.get_user_id('of_alice'))
    ),
    'user_mismatch no verifier',
    'Mallory''s link completed with Alice''s token is refused'
);

-- Mallory starts and completes her own link ------------------------------------------------
select begin_whop_oauth(
    'link', tests.get_user_id('of_mallory'), pg_temp.state('s4'), :'mallory_browser', 'verifier-4'
);
select is(
    (
        select format('%s %s %s', purpose, user_id, code_verifier_ciphertext)
        from consume_whop_oauth_state(pg_temp.state('s4'), :'mallory_browser')
        where refusal is null
    ),
    format('link %s verifier-4', tests.get_user_id('of_mallory')),
    'the browser that started a link finishes it, for the user who started it'
);
select begin_whop_oauth(
    'link', tests.get_user_id('of_mallory'), pg_temp.state('s5'), :'mallory_browser', 'verifier-5'
);
select is(
    (
        select code_verifier_ciphertext
        from consume_whop_oauth_state(pg_temp.state('s5'), null, tests.get_user_id('of_mallory'))
        where refusal is null
    ),
    'verifier-5',
    'a link completed with the starting user''s own token needs no cookie'
);
select throws_ok(
    format('select * from consume_whop_oauth_state(%L, %L)', pg_temp.state('s4'), :'mallory_browser'),
    '42501',
    'unknown, expired or already used OAuth state',
    'a completed state cannot be replayed'
);

-- Signing in with Whop: the browser is all a flow has ------------------------------------
select begin_whop_oauth('sign_in', null, pg_temp.state('s6'), :'visitor_browser', 'verifier-6');
select is(
    (select refusal from consume_whop_oauth_state(pg_temp.state('s6'), :'alice_browser')),
    'browser_mismatch',
    'a sign-in started in one browser cannot be finished in another'
);
select begin_whop_oauth('sign_in', null, pg_temp.state('s7'), :'visitor_browser', 'verifier-7');
select is(
    (
        select refusal
        from consume_whop_oauth_state(pg_temp.state('s7'), :'alice_browser', tests.get_user_id('of_alice'))
    ),
    'browser_mismatch',
    'nor does a signed-in user''s token stand in for the browser that started a sign-in'
);
select begin_whop_oauth('sign_in', null, pg_temp.state('s8'), :'visitor_browser', 'verifier-8');
select is(
    (
        select format('%s %s %s', purpose, coalesce(user_id::text, 'no user'), code_verifier_ciphertext)
        from consume_whop_oauth_state(pg_temp.state('s8'), :'visitor_browser')
        where refusal is null
    ),
    'sign_in no user verifier-8',
    'the browser that started a sign-in finishes it'
);

-- Starting needs a complete description -------------------------------------------------
select throws_ok(
    format('select begin_whop_oauth(''link'', null, %L, %L, ''v'')', pg_temp.state('s9'), :'mallory_browser'),
    '22023',
    'linking names the user who links; signing in names none',
    'a link names the user who links'
);
select throws_ok(
    format(
        'select begin_whop_oauth(''sign_in'', %L, %L, %L, ''v'')',
        tests.get_user_id('of_alice'), pg_temp.state('s10'), :'mallory_browser'
    ),
    '22023',
    'linking names the user who links; signing in names none',
    'a sign-in names no user'
);
select throws_ok(
    format(
        'select begin_whop_oauth(''link'', %L, %L, ''short'', ''v'')',
        tests.get_user_id('of_alice'),
        pg_temp.state('s11')
    ),
    '22023',
    'state_hash and browser_binding_hash must be hex SHA-256',
    'a flow is always bound to a browser'
);

-- An expired state ---------------------------------------------------------------------
select begin_whop_oauth(
    'link', tests.get_user_id('of_mallory'), pg_temp.state('s12'), :'mallory_browser', 'verifier-12'
);
select tests.clear_authentication();
update private.whop_oauth_states set expires_at = now() - interval '1 second'
where state_hash = pg_temp.state('s12');
select tests.authenticate_as_service_role();
select throws_ok(
    format('select * from consume_whop_oauth_state(%L, %L)', pg_temp.state('s12'), :'mallory_browser'),
    '42501',
    'unknown, expired or already used OAuth state',
    'an expired state is refused'
);

-- One Whop account, one GigFlow user ----------------------------------------------------
select link_whop_account(tests.get_user_id('of_alice'), 'user_of_alice', 'a', 'r', now() + interval '1 hour');
select throws_ok(
    format(
        'select link_whop_account(%L, ''user_of_alice'', ''a'', ''r'', now() + interval ''1 hour'')',
        tests.get_user_id('of_mallory')
    ),
    '23505',
    'this Whop account is already linked to another user',
    'Mallory cannot take over the Whop account linked to Alice'
);
select tests.clear_authentication();
select is(
    (
        select user_id from private.whop_oauth_links
        where whop_user_id = 'user_of_alice'
    ),
    tests.get_user_id('of_alice'),
    'and it stays Alice''s'
);
select tests.authenticate_as_service_role();
select is(
    whop_sign_in_user('user_of_alice'),
    tests.get_user_id('of_alice'),
    'signing in with a linked Whop account finds the user it is linked to'
);
select is(whop_sign_in_user('user_of_nobody'), null, 'an unlinked Whop account finds nobody');

-- Only the worker --------------------------------------------------------------------------
select tests.act_as('of_mallory');
select throws_ok(
    format(
        'select begin_whop_oauth(''link'', %L, %L, %L, ''v'')',
        tests.get_user_id('of_mallory'), pg_temp.state('s13'), :'mallory_browser'
    ),
    '42501',
    null,
    'a signed-in user cannot start a flow in SQL'
);
select throws_ok(
    format('select * from consume_whop_oauth_state(%L, %L)', pg_temp.state('s13'), :'mallory_browser'),
    '42501',
    null,
    'nor finish one'
);
select throws_ok(
    'select whop_sign_in_user(''user_of_alice'')',
    '42501',
    null,
    'nor look up who a Whop account signs in as'
);
select tests.act_as('anon');
select throws_ok(
    'select whop_sign_in_user(''user_of_alice'')',
    '42501',
    null,
    'nor can a visitor'
);

select * from finish();
rollback;
