-- Two fixes to the search table's trigger met in a merge: it reads the gig as it is now,
-- never from NEW (the search branch: an edit of a live gig left its unreviewed text in
-- search), and it keeps the operators' rules (a suspended seller's gigs and unlisted
-- categories stay out) by handing that row to put_gig_search. The previous migration's
-- body had only the first; this one has both. No data changes: no gig moved between them.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.sync_gig_search()
returns trigger
language plpgsql
security definer
set search_path to ''
as $function$
declare
    gig public.gigs;
begin
    select g.* into gig from public.gigs as g where g.id = new.id;
    if gig.id is null then
        delete from private.gig_search as s where s.gig_id = new.id;
    else
        perform private.put_gig_search(gig);
    end if;
    return null;
end;
$function$;
