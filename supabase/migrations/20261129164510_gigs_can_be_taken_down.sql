-- The gig states and actions the next migration's operators' tools use (issue 22,
-- "Operators' tools"): an admin takes a live gig down (published -> taken_down) and
-- restores it (taken_down -> published), as edges of the gig moderation machine. New
-- enum values cannot be used in the transaction that adds them, and supabase db push
-- runs each migration in one, so they come first, on their own.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter type public.gig_status add value 'taken_down' after 'rejected';
alter type public.gig_action add value 'take_down' after 'edit';
alter type public.gig_action add value 'restore' after 'take_down';
