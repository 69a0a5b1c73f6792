-- Validate profiles_avatar_url_is_https, added NOT VALID by the previous migration (whose
-- data change cleared every avatar that breaks it), in a transaction of its own: the scan
-- holds SHARE UPDATE EXCLUSIVE, so reads and writes of profiles go on meanwhile. Then the
-- old length-only check, which the new one includes, is dropped.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter table public.profiles
validate constraint profiles_avatar_url_is_https;

-- The new check keeps the old one's guarantee (at most 2048 characters) and adds to it.
alter table public.profiles
-- squawk-ignore ban-drop-constraint
drop constraint profiles_avatar_url_check;
