-- RUM, the text index that returns matches in rank order (supabase/schemas/search.sql),
-- before the search table's indexes that use it. Written by hand: `supabase db diff`
-- plans no CREATE EXTENSION, and refuses an index on an extension the target lacks.
-- On Supabase the postgres role may create it (a privileged extension); `make test`
-- and the bench set up the same locally (scripts/install-os-deps.sh).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

create extension if not exists rum with schema private;
