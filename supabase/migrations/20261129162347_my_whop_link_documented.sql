-- Issue 19: my_whop_link gets the comment docs/api.md is generated from.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

comment on function public.my_whop_link() is
'The caller''s linked Whop account: one row {whop_user_id (Whop''s OAuth sub), linked_at}, or none.
Never the tokens. Link with the worker''s POST /oauth/whop/start, unlink with DELETE /oauth/whop/link.
@who signed-in users (their own link)';
