-- profiles.avatar_url took any text up to 2048 characters, such as `javascript:alert(1)`,
-- which a frontend may put in an href or src. Now it is null or an https:// URL with a
-- host and no whitespace or control characters, at most 2048 characters; anything else
-- is refused with 23514.
--
-- Data: an avatar that breaks the rule is unsafe to show, and the user can set a new one,
-- so it is cleared (null: no avatar); nothing else changes.
--
-- The check is added NOT VALID here (no scan under the ACCESS EXCLUSIVE lock, new writes
-- are checked from now on) and validated by the next migration: `supabase db push` runs
-- each file in its own transaction, so the validating scan holds only SHARE UPDATE
-- EXCLUSIVE. The old length-only check goes there too, once the new one covers it.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table public.profiles
add constraint profiles_avatar_url_is_https
check (
    (
        (char_length(avatar_url) <= 2048)
        and (avatar_url ~ '^https://[^[:space:][:cntrl:]/?#]+([/?#][^[:space:][:cntrl:]]*)?$'::text)
    )
) not valid;

update public.profiles
set avatar_url = null
where
    not (
        char_length(avatar_url) <= 2048
        and avatar_url ~ '^https://[^[:space:][:cntrl:]/?#]+([/?#][^[:space:][:cntrl:]]*)?$'
    );
