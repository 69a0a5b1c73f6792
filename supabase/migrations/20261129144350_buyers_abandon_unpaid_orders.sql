-- A buyer may give up an unpaid order, and the worker gives one up when Whop refuses to
-- open its checkout (the next migration adds the edges and the cap on unpaid orders).
-- A new enum value cannot be used in the transaction that adds it, and supabase db push
-- runs each migration in one, so it comes first, on its own.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter type public.order_action add value 'abandon_checkout' after 'remove_files';
