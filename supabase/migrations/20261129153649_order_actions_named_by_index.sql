-- Issue 17: every order action names itself, and the name was checked by listing the
-- enum's values (0.1 ms a call during paced webhooks); pg_enum's unique index answers
-- it. The function reads the catalog, so it is stable, not immutable.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

create or replace function private.order_action_named(
    name text
)
returns public.order_action
language plpgsql
stable
set search_path to ''
as $function$
begin
    -- pg_enum's unique index answers this; listing the enum's values would not.
    if name is null or not exists (
        select 1 from pg_catalog.pg_enum as e
        where e.enumtypid = 'public.order_action'::regtype and e.enumlabel = name
    ) then
        raise exception using errcode = '22023', message = format('%s is not an order action', name);
    end if;
    return name::public.order_action;
end;
$function$;
