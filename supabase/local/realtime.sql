-- Local stand-in for the part of the `realtime` schema that authorizes private channels
-- (Supabase Realtime broadcast and presence).
--
-- NOT a migration: a hosted project has this already. The build tool applies it (as a
-- superuser) only when the database has no `realtime` schema. Realtime authorizes a
-- private channel by running, as the user's role with their JWT claims and with
-- `realtime.topic` set to the channel's topic, a select on realtime.messages (to join and
-- receive) and an insert into it (to send); the policies there are the whole rule.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'supabase_realtime_admin') then
        create role supabase_realtime_admin nologin noinherit;
    end if;
end
$$;

create schema realtime authorization supabase_realtime_admin;
comment on schema realtime is 'gigflow local stand-in for the Supabase realtime schema';
grant usage on schema realtime to postgres, anon, authenticated, service_role;

create table realtime.messages (
    topic text not null,
    extension text not null,
    payload jsonb,
    event text,
    private boolean default false,
    updated_at timestamp without time zone not null default now(),
    inserted_at timestamp without time zone not null default now(),
    id uuid not null default gen_random_uuid(),
    primary key (id, inserted_at)
);
create index messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
where extension = 'broadcast' and private is true;

create function realtime.topic()
returns text
language sql
stable
as $$
    select nullif(current_setting('realtime.topic', true), '')::text
$$;

alter table realtime.messages enable row level security;
alter table realtime.messages owner to supabase_realtime_admin;
alter function realtime.topic() owner to supabase_realtime_admin;
grant select, insert, update, delete on realtime.messages to anon, authenticated, service_role, postgres;
grant execute on function realtime.topic() to anon, authenticated, service_role, postgres;
grant supabase_realtime_admin to postgres;
