-- Order files in Supabase Storage and live order channels in Supabase Realtime, both
-- authorized by policies (see policies/storage.sql, policies/realtime.sql). Briefs and
-- deliveries now take file references, checked against what Storage recorded.

-- Buckets: size limits and MIME types that fit each use. Idempotent, so the migration
-- also settles buckets made by hand in the dashboard.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
(
    'order-files', 'order-files', false, 52428800,
    array[
        'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml',
        'application/pdf', 'application/zip', 'text/plain', 'text/csv', 'video/mp4',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation'
    ]
),
(
    'gig-media', 'gig-media', true, 10485760,
    array['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4']
),
('avatars', 'avatars', true, 2097152, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update
    set
        name = excluded.name,
        public = excluded.public,
        file_size_limit = excluded.file_size_limit,
        allowed_mime_types = excluded.allowed_mime_types;

-- Which Storage objects a brief or a delivery refers to: the evidence in a dispute.
create table public.order_files (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references public.orders (id) on delete cascade,
    storage_object_id uuid not null,
    folder text not null check (folder in ('requirements', 'deliveries')),
    delivery_id uuid references public.order_deliveries (id) on delete cascade,
    name text not null,
    size_bytes bigint,
    mime_type text,
    uploaded_by uuid not null references public.profiles (id) on delete restrict,
    attached_at timestamptz not null default now(),
    constraint order_files_storage_object_id_key unique (storage_object_id),
    constraint deliveries_name_their_delivery check ((folder = 'deliveries') = (delivery_id is not null))
);
comment on table public.order_files is
'Files a brief or a delivery refers to, as Storage recorded them; they can no longer be replaced or removed.';
create index order_files_order_id_idx on public.order_files (order_id);
create index order_files_delivery_id_idx on public.order_files (delivery_id);
create index order_files_uploaded_by_idx on public.order_files (uploaded_by);
alter table public.order_files enable row level security;
revoke all on public.order_files from anon, authenticated;
grant select on public.order_files to authenticated;
grant all on public.order_files to service_role;

-- When the worker finished removing the files of an order cancelled before delivery.
alter table public.orders add column files_removed_at timestamptz;

-- Briefs gain file references; the old signature goes so PostgREST sees one function.
drop function public.submit_requirements(uuid, jsonb);

-- snapshot: functions/files.sql
-- Files in Supabase Storage. The Storage API runs every read and write of an object as the
-- requesting user (role and JWT claims), so the policies on storage.objects are the whole
-- authorization, signed URLs included. These helpers give those policies one reading of
-- each path convention (security definer: they look at orders and gigs whatever the
-- caller may read), and record which files a delivery or a brief refers to: the evidence
-- nobody may overwrite or delete.
--
--   order-files/<order_id>/requirements/<file>   the buyer, while the brief is open
--   order-files/<order_id>/deliveries/<file>     the seller, while work is under way
--   gig-media/<seller_id>/<gig_id>/<file>        the gig's seller
--   avatars/<user_id>/<file>                     the user

-- The parts of an object name, or null unless it has exactly `depth` parts, none empty,
-- none a dot segment. Percent-encoded or doubled separators are not decoded: they make
-- the name fail the exact comparisons the callers do.
create or replace function private.path_parts(object_name text, depth integer)
returns text[]
language sql
immutable
set search_path = ''
as $$
    select case
        when object_name is null or pg_catalog.char_length(object_name) > 1024 then null
        when pg_catalog.cardinality(pg_catalog.string_to_array(object_name, '/')) <> depth then null
        when exists (
            select 1 from pg_catalog.unnest(pg_catalog.string_to_array(object_name, '/')) as part
            where part in ('', '.', '..')
        ) then null
        else pg_catalog.string_to_array(object_name, '/')
    end
$$;

-- A canonical (lowercase) uuid, or null: '<ORDER-ID>' or '<order-id>x' are not the order.
create or replace function private.canonical_uuid(candidate text)
returns uuid
language sql
immutable
set search_path = ''
as $$
    select case
        when candidate ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then candidate::uuid
    end
$$;

-- The order and folder (requirements | deliveries) an order-files name is in.
create or replace function private.order_file_folder(object_name text, out order_id uuid, out folder text)
language sql
immutable
set search_path = ''
as $$
    select private.canonical_uuid(parts[1]), parts[2]
    from (select private.path_parts(object_name, 3) as parts) as p
    where parts[2] in ('requirements', 'deliveries') and private.canonical_uuid(parts[1]) is not null
$$;

-- The order's buyer, its seller and admins read its files (admins: for disputes).
create or replace function private.can_read_order_file(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.orders as o
        where o.id = (private.order_file_folder(object_name)).order_id
            and (
                o.buyer_id = (select auth.uid())
                or o.seller_id = (select auth.uid())
                or (select private.is_admin())
            )
    )
$$;

-- The buyer uploads to requirements/ while the brief is open; the seller to deliveries/
-- while the work is in progress or a revision is asked for.
create or replace function private.can_upload_order_file(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.orders as o
        cross join private.order_file_folder(object_name) as f
        where o.id = f.order_id
            and (
                (f.folder = 'requirements' and o.buyer_id = (select auth.uid())
                    and o.status = 'awaiting_requirements')
                or (f.folder = 'deliveries' and o.seller_id = (select auth.uid())
                    and o.status in ('in_progress', 'revision_requested'))
            )
    )
$$;

-- A file a submitted brief or delivery refers to: evidence, never replaced or removed.
create or replace function private.is_order_evidence(object_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (select 1 from public.order_files as f where f.storage_object_id = object_id)
$$;

-- Media of a published gig, under its seller's folder: readable by anyone.
create or replace function private.is_published_gig_media(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.gigs as g
        cross join private.path_parts(object_name, 3) as parts
        where g.id = private.canonical_uuid(parts[2])
            and g.seller_id = private.canonical_uuid(parts[1])
            and g.status = 'published'
    )
$$;

-- The caller's own gig, under the caller's own folder.
create or replace function private.is_own_gig_media(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.gigs as g
        cross join private.path_parts(object_name, 3) as parts
        where g.id = private.canonical_uuid(parts[2])
            and g.seller_id = private.canonical_uuid(parts[1])
            and g.seller_id = (select auth.uid())
    )
$$;

-- Record the files a brief or a delivery refers to. Each reference is {"path": name in
-- order-files}; it must be an object that exists in this order's folder for `folder`,
-- uploaded by the caller. What is stored (id, name, size, MIME type) is what Storage
-- recorded, never what the client claims. Returns the stored references.
create or replace function private.attach_order_files(
    target_order_id uuid,
    folder text,
    refs jsonb,
    delivery_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    reference jsonb;
    found_object record;
    attached jsonb := '[]'::jsonb;
begin
    if pg_catalog.jsonb_typeof(coalesce(refs, '[]'::jsonb)) <> 'array'
        or pg_catalog.jsonb_array_length(coalesce(refs, '[]'::jsonb)) > 20 then
        raise exception using errcode = '22023', message = 'files must be an array of at most 20 {"path": …}';
    end if;
    for reference in select * from pg_catalog.jsonb_array_elements(coalesce(refs, '[]'::jsonb)) loop
        select o.id, o.name, o.metadata into found_object
        from storage.objects as o
        where o.bucket_id = 'order-files'
            and o.name = reference ->> 'path'
            and (private.order_file_folder(o.name)).order_id = target_order_id
            and (private.order_file_folder(o.name)).folder = attach_order_files.folder
            and o.owner_id = (select auth.uid())::text;
        if found_object.id is null then
            raise exception using
                errcode = '22023',
                message = format(
                    'file %s is not a file you uploaded to order-files/%s/%s/',
                    coalesce(reference ->> 'path', reference::text), target_order_id, folder
                );
        end if;
        insert into public.order_files (
            order_id, storage_object_id, folder, delivery_id, name, size_bytes, mime_type, uploaded_by
        )
        values (
            target_order_id, found_object.id, attach_order_files.folder, attach_order_files.delivery_id,
            found_object.name, (found_object.metadata ->> 'size')::bigint,
            found_object.metadata ->> 'mimetype', (select auth.uid())
        )
        on conflict on constraint order_files_storage_object_id_key do nothing;
        if not found then
            raise exception using
                errcode = '23505', message = format('file %s is already attached', found_object.name);
        end if;
        attached := attached || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'object_id', found_object.id,
            'path', found_object.name,
            'size', (found_object.metadata ->> 'size')::bigint,
            'mime_type', found_object.metadata ->> 'mimetype'
        ));
    end loop;
    return attached;
end;
$$;

-- Files of orders cancelled before any delivery, for the worker to remove through the
-- Storage API (direct deletes are refused). An order with nothing left is marked done.
create or replace function public.order_files_to_remove(max_files integer default 200)
returns table (order_id uuid, path text)
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.orders as o
    set files_removed_at = pg_catalog.now()
    where o.status = 'cancelled' and o.delivered_at is null and o.files_removed_at is null
        and not exists (
            select 1 from storage.objects as s
            where s.bucket_id = 'order-files' and s.name like o.id::text || '/%'
        );
    return query
    select o.id, s.name
    from public.orders as o
    join storage.objects as s on s.bucket_id = 'order-files' and s.name like o.id::text || '/%'
    where o.status = 'cancelled' and o.delivered_at is null and o.files_removed_at is null
    order by o.cancelled_at, s.name
    limit least(greatest(max_files, 1), 1000);
end;
$$;

revoke execute on function private.path_parts(text, integer) from public, anon, authenticated;
revoke execute on function private.canonical_uuid(text) from public, anon, authenticated;
revoke execute on function private.order_file_folder(text) from public, anon, authenticated;
revoke execute on function private.can_read_order_file(text) from public, anon, authenticated;
revoke execute on function private.can_upload_order_file(text) from public, anon, authenticated;
revoke execute on function private.is_order_evidence(uuid) from public, anon, authenticated;
revoke execute on function private.is_published_gig_media(text) from public, anon, authenticated;
revoke execute on function private.is_own_gig_media(text) from public, anon, authenticated;
revoke execute on function private.attach_order_files(uuid, text, jsonb, uuid) from public,
anon,
authenticated;
revoke execute on function public.order_files_to_remove(integer) from public, anon, authenticated;
-- Policies on storage.objects run as the requesting role.
grant execute on function private.path_parts(text, integer) to authenticated, service_role;
grant execute on function private.can_read_order_file(text) to authenticated, service_role;
grant execute on function private.can_upload_order_file(text) to authenticated, service_role;
grant execute on function private.is_order_evidence(uuid) to authenticated, service_role;
grant execute on function private.is_published_gig_media(text) to anon, authenticated, service_role;
grant execute on function private.is_own_gig_media(text) to authenticated, service_role;
grant execute on function public.order_files_to_remove(integer) to service_role;
-- end snapshot: functions/files.sql

-- snapshot: functions/channels.sql
-- Live order channels in Supabase Realtime; the policies are in policies/realtime.sql.

-- Private channels `order:<order_id>` (typing, who is online): the order's two parties.
create or replace function private.is_order_channel_participant(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1 from public.orders as o
        where topic like 'order:%'
            and o.id = private.canonical_uuid(pg_catalog.substr(topic, 7))
            and (select auth.uid()) in (o.buyer_id, o.seller_id)
    )
$$;

revoke execute on function private.is_order_channel_participant(text) from public, anon, authenticated;
grant execute on function private.is_order_channel_participant(text) to authenticated, service_role;
-- end snapshot: functions/channels.sql

-- snapshot: functions/order_actions.sql
-- The order state machine. One function applies every action: it locks the order row,
-- finds the edge (from status, action, actor) in private.order_transitions, moves the
-- order, appends an event and notifies the other party. The RPCs below only work out who
-- is acting and validate their payload.

create or replace function private.notify(
    recipient_id uuid,
    about_order_id uuid,
    kind text,
    body text
)
returns void
language sql
security definer
set search_path = ''
as $$
    insert into public.notifications (user_id, order_id, kind, body)
    values (recipient_id, about_order_id, kind, body)
$$;

revoke execute on function private.notify(uuid, uuid, text, text) from public, anon, authenticated;

-- Who the signed-in user is on this order. Strangers get "not found", never a hint that
-- the order exists.
create or replace function private.order_actor(target_order_id uuid)
returns public.order_actor
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    user_id uuid := private.require_user();
    found_order public.orders;
begin
    select o.* into found_order from public.orders as o where o.id = target_order_id;
    if found_order.buyer_id = user_id then
        return 'buyer'::public.order_actor;
    elsif found_order.seller_id = user_id then
        return 'seller'::public.order_actor;
    elsif found_order.id is not null and private.is_admin() then
        return 'admin'::public.order_actor;
    end if;
    raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
end;
$$;

revoke execute on function private.order_actor(uuid) from public, anon, authenticated;

-- Lock an order for a change, or say it does not exist.
create or replace function private.lock_order(target_order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    locked public.orders;
begin
    select o.* into locked from public.orders as o where o.id = target_order_id for update;
    if locked.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return locked;
end;
$$;

revoke execute on function private.lock_order(uuid) from public, anon, authenticated;

create or replace function private.apply_order_action(
    target_order_id uuid,
    requested_action public.order_action,
    acting_as public.order_actor,
    details jsonb default '{}'
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    before public.orders;
    after public.orders;
    edge private.order_transitions;
    next_status public.order_status;
    other_actors text;
    unrefunded integer;
begin
    before := private.lock_order(target_order_id);

    select t.* into edge
    from private.order_transitions as t
    where t.from_status = before.status and t.action = requested_action and t.actor = acting_as;

    if edge.action is null then
        select pg_catalog.string_agg(t.actor::text, ' or ' order by t.actor) into other_actors
        from private.order_transitions as t
        where t.from_status = before.status and t.action = requested_action;
        if other_actors is not null then
            raise exception using
                errcode = '42501',
                message = format(
                    'only the %s may %s order %s', other_actors,
                    pg_catalog.replace(requested_action::text, '_', ' '), target_order_id
                );
        end if;
        raise exception using
            errcode = '55000',
            message = format(
                'cannot %s order %s: it is %s',
                pg_catalog.replace(requested_action::text, '_', ' '), target_order_id, before.status
            );
    end if;

    if requested_action in ('accept_cancellation', 'decline_cancellation')
        and acting_as = before.cancellation_requested_by then
        raise exception using
            errcode = '55000',
            message = format(
                'order %s: the cancellation request must be answered by the other party',
                target_order_id
            );
    end if;
    if requested_action = 'request_revision' and before.revisions_used >= before.revisions_included then
        raise exception using
            errcode = '55000',
            message = format(
                'order %s has used all %s revisions of its package',
                target_order_id, before.revisions_included
            );
    end if;

    next_status := coalesce(edge.to_status, before.status_before_cancellation_request);

    update public.orders as o
    set status = next_status,
        paid_at = case when requested_action = 'pay' then pg_catalog.now() else o.paid_at end,
        started_at = case
            when next_status = 'in_progress' and o.started_at is null then pg_catalog.now()
            else o.started_at
        end,
        due_at = case
            when next_status = 'in_progress' and o.started_at is null
                then pg_catalog.now() + pg_catalog.make_interval(days => o.delivery_days)
            else o.due_at
        end,
        delivered_at = case when requested_action = 'deliver' then pg_catalog.now() else o.delivered_at end,
        revisions_used = o.revisions_used + (requested_action = 'request_revision')::integer,
        completed_at = case when next_status = 'completed' then pg_catalog.now() else o.completed_at end,
        cancelled_at = case when next_status = 'cancelled' then pg_catalog.now() else o.cancelled_at end,
        status_before_cancellation_request = case
            when requested_action = 'request_cancellation' then o.status
            when o.status = 'cancel_requested' then null
            else o.status_before_cancellation_request
        end,
        cancellation_requested_by = case
            when requested_action = 'request_cancellation' then acting_as
            when o.status = 'cancel_requested' then null
            else o.cancellation_requested_by
        end,
        cancellation_requested_at = case
            when requested_action = 'request_cancellation' then pg_catalog.now()
            when o.status = 'cancel_requested' then null
            else o.cancellation_requested_at
        end,
        dispute_opened_by = case when requested_action = 'open_dispute' then acting_as else o.dispute_opened_by end,
        dispute_reason = case
            when requested_action = 'open_dispute' then details ->> 'reason' else o.dispute_reason
        end
    where o.id = target_order_id
    returning * into after;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded; the worker
    -- carries out requested refunds through Whop and records the result.
    if next_status = 'cancelled' and before.paid_at is not null then
        select after.subtotal_cents - after.refunded_cents - coalesce(pg_catalog.sum(r.amount_cents), 0)
        into unrefunded
        from public.refunds as r
        where r.order_id = target_order_id and r.status = 'requested';
        if unrefunded > 0 then
            insert into public.refunds (order_id, amount_cents, reason, requested_by)
            values (target_order_id, unrefunded, 'order cancelled', auth.uid());
        end if;
    end if;

    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target_order_id, acting_as, auth.uid(), requested_action::text, before.status, next_status,
        coalesce(details, '{}'::jsonb)
    );

    if acting_as <> 'buyer' then
        perform private.notify(
            after.buyer_id, target_order_id, requested_action::text,
            format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
        );
    end if;
    if acting_as <> 'seller' then
        perform private.notify(
            after.seller_id, target_order_id, requested_action::text,
            format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
        );
    end if;

    return after;
end;
$$;

revoke execute on function private.apply_order_action(uuid, public.order_action, public.order_actor, jsonb)
from public, anon, authenticated;

-- Text a participant writes (messages, reasons): trimmed, 1..max characters.
create or replace function private.require_text(value text, field text, max_length integer)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
    if pg_catalog.char_length(pg_catalog.btrim(coalesce(value, ''))) not between 1 and max_length then
        raise exception using
            errcode = '22023',
            message = format('%s must be 1 to %s characters', field, max_length);
    end if;
    return pg_catalog.btrim(value);
end;
$$;

revoke execute on function private.require_text(text, text, integer) from public, anon, authenticated;

-- Buyer: answer the gig's questions. `answers` is a JSON array of
-- {"requirement_id": uuid, "answer": text}; every required question needs a non-empty
-- answer, a multiple-choice answer must be one of the choices. Answers are stored with
-- the question text as it was, and the order starts (due date set) in the same step.
create or replace function public.submit_requirements(order_id uuid, answers jsonb, files jsonb default '[]')
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    target public.orders;
    missing text;
    bad_answer text;
begin
    select o.* into target from public.orders as o where o.id = submit_requirements.order_id for update;
    if acting_as <> 'buyer' then
        raise exception using errcode = '42501', message = 'only the buyer submits requirements';
    end if;
    if pg_catalog.jsonb_typeof(answers) is distinct from 'array'
        or pg_catalog.jsonb_array_length(answers) > 50
        or exists (
            select 1 from pg_catalog.jsonb_array_elements(answers) as item
            where pg_catalog.jsonb_typeof(item) <> 'object'
                or pg_catalog.jsonb_typeof(item -> 'answer') <> 'string'
                or (item ->> 'requirement_id') !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        ) then
        raise exception using
            errcode = '22023',
            message = 'answers must be an array of {"requirement_id": uuid, "answer": string}';
    end if;

    select pg_catalog.string_agg(item ->> 'requirement_id', ', ') into bad_answer
    from pg_catalog.jsonb_array_elements(answers) as item
    left join public.gig_requirements as q
        on q.id = (item ->> 'requirement_id')::uuid and q.gig_id = target.gig_id
    where q.id is null
        or pg_catalog.char_length(item ->> 'answer') > 5000
        or (q.kind = 'multiple_choice' and not (item ->> 'answer') = any(q.choices));
    if bad_answer is not null then
        raise exception using
            errcode = '22023',
            message = format('answers to requirements %s are not valid for this gig', bad_answer);
    end if;
    if exists (
        select 1 from pg_catalog.jsonb_array_elements(answers) as item
        group by item ->> 'requirement_id' having pg_catalog.count(*) > 1
    ) then
        raise exception using errcode = '22023', message = 'each requirement may be answered once';
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_literal(q.question), ', ') into missing
    from public.gig_requirements as q
    where q.gig_id = target.gig_id
        and q.required
        and not exists (
            select 1 from pg_catalog.jsonb_array_elements(answers) as item
            where (item ->> 'requirement_id')::uuid = q.id
                and pg_catalog.btrim(item ->> 'answer') <> ''
        );
    if missing is not null then
        raise exception using errcode = '22023', message = format('required questions unanswered: %s', missing);
    end if;

    insert into public.order_requirement_answers (order_id, requirement_id, question, kind, answer)
    select target.id, q.id, q.question, q.kind, pg_catalog.btrim(item ->> 'answer')
    from pg_catalog.jsonb_array_elements(answers) as item
    join public.gig_requirements as q on q.id = (item ->> 'requirement_id')::uuid
    where pg_catalog.btrim(item ->> 'answer') <> '';
    perform private.attach_order_files(target.id, 'requirements', submit_requirements.files);

    return private.apply_order_action(target.id, 'submit_requirements', acting_as);
end;
$$;

-- Seller: start without waiting for the brief (the due date starts now).
create or replace function public.start_order(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'start_work', private.order_actor(order_id))
$$;

-- Seller: deliver. `files` are [{"path": …}] of files the seller uploaded to
-- order-files/<order_id>/deliveries/ (at most 20); they become evidence.
create or replace function public.deliver_order(order_id uuid, message text, files jsonb default '[]')
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    delivered public.orders;
    delivery_message text := private.require_text(message, 'message', 5000);
    delivery_id uuid;
begin
    delivered := private.apply_order_action(
        order_id, 'deliver', acting_as, pg_catalog.jsonb_build_object('message', delivery_message)
    );
    insert into public.order_deliveries (order_id, message, delivered_by)
    values (delivered.id, delivery_message, auth.uid())
    returning id into delivery_id;
    update public.order_deliveries as d
    set files = private.attach_order_files(delivered.id, 'deliveries', deliver_order.files, delivery_id)
    where d.id = delivery_id;
    return delivered;
end;
$$;

-- Buyer: ask for changes, within the package's revision allowance.
create or replace function public.request_revision(order_id uuid, message text)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(
        order_id, 'request_revision', private.order_actor(order_id),
        pg_catalog.jsonb_build_object('message', private.require_text(message, 'message', 5000))
    )
$$;

create or replace function public.accept_delivery(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'accept_delivery', private.order_actor(order_id))
$$;

create or replace function public.request_cancellation(order_id uuid, reason text)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(
        order_id, 'request_cancellation', private.order_actor(order_id),
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    )
$$;

create or replace function public.accept_cancellation(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'accept_cancellation', private.order_actor(order_id))
$$;

create or replace function public.decline_cancellation(order_id uuid)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(order_id, 'decline_cancellation', private.order_actor(order_id))
$$;

create or replace function public.open_dispute(order_id uuid, reason text)
returns public.orders
language sql
security definer
set search_path = ''
as $$
    select private.apply_order_action(
        order_id, 'open_dispute', private.order_actor(order_id),
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    )
$$;

revoke execute on function public.submit_requirements(uuid, jsonb, jsonb) from public, anon, authenticated;
revoke execute on function public.start_order(uuid) from public, anon, authenticated;
revoke execute on function public.deliver_order(uuid, text, jsonb) from public, anon, authenticated;
revoke execute on function public.request_revision(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_delivery(uuid) from public, anon, authenticated;
revoke execute on function public.request_cancellation(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.decline_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.open_dispute(uuid, text) from public, anon, authenticated;
grant execute on function public.submit_requirements(uuid, jsonb, jsonb) to authenticated;
grant execute on function public.start_order(uuid) to authenticated;
grant execute on function public.deliver_order(uuid, text, jsonb) to authenticated;
grant execute on function public.request_revision(uuid, text) to authenticated;
grant execute on function public.accept_delivery(uuid) to authenticated;
grant execute on function public.request_cancellation(uuid, text) to authenticated;
grant execute on function public.accept_cancellation(uuid) to authenticated;
grant execute on function public.decline_cancellation(uuid) to authenticated;
grant execute on function public.open_dispute(uuid, text) to authenticated;

-- A message from one participant tells the other.
create or replace function private.notify_order_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = new.order_id;
    if new.sender_id <> target.buyer_id then
        perform private.notify(target.buyer_id, target.id, 'message', format('New message about %s', target.gig_title));
    end if;
    if new.sender_id <> target.seller_id then
        perform private.notify(target.seller_id, target.id, 'message', format('New message about %s', target.gig_title));
    end if;
    return null;
end;
$$;

revoke execute on function private.notify_order_message() from public, anon, authenticated;
-- end snapshot: functions/order_actions.sql

-- snapshot: policies/storage.sql
-- Files in Supabase Storage. Every Storage API call runs as the requesting user, so these
-- policies on storage.objects are the whole authorization (a signed URL needs select).
-- Path conventions and the helpers are in functions/files.sql. Buckets without a policy
-- here are closed to the API roles. The platform owns storage.objects and a rebuild of
-- our schemas leaves its policies in place, hence drop-if-exists before each one.

-- order-files (private): the order's participants, and admins for disputes.
drop policy if exists "participants read their order files" on storage.objects;
create policy "participants read their order files"
on storage.objects
for select
to authenticated
using (bucket_id = 'order-files' and private.can_read_order_file(name));

drop policy if exists "buyers upload briefs and sellers upload deliveries" on storage.objects;
create policy "buyers upload briefs and sellers upload deliveries"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and private.can_upload_order_file(name)
);

drop policy if exists "uploaders replace their order files until submitted" on storage.objects;
create policy "uploaders replace their order files until submitted"
on storage.objects
for update
to authenticated
using (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and not private.is_order_evidence(id)
)
with check (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and private.can_upload_order_file(name)
);

drop policy if exists "uploaders remove their order files until submitted" on storage.objects;
create policy "uploaders remove their order files until submitted"
on storage.objects
for delete
to authenticated
using (
    bucket_id = 'order-files'
    and owner_id = (select auth.uid())::text
    and not private.is_order_evidence(id)
);

-- gig-media (public read): anyone sees media of published gigs; the seller manages
-- their own gig's media.
drop policy if exists "anyone reads media of published gigs" on storage.objects;
create policy "anyone reads media of published gigs"
on storage.objects
for select
to anon, authenticated
using (bucket_id = 'gig-media' and private.is_published_gig_media(name));

drop policy if exists "sellers read their own gig media" on storage.objects;
create policy "sellers read their own gig media"
on storage.objects
for select
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name));

drop policy if exists "sellers upload media of their gigs" on storage.objects;
create policy "sellers upload media of their gigs"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'gig-media' and owner_id = (select auth.uid())::text and private.is_own_gig_media(name)
);

drop policy if exists "sellers replace media of their gigs" on storage.objects;
create policy "sellers replace media of their gigs"
on storage.objects
for update
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name))
with check (
    bucket_id = 'gig-media' and owner_id = (select auth.uid())::text and private.is_own_gig_media(name)
);

drop policy if exists "sellers remove media of their gigs" on storage.objects;
create policy "sellers remove media of their gigs"
on storage.objects
for delete
to authenticated
using (bucket_id = 'gig-media' and private.is_own_gig_media(name));

-- avatars (public read): everyone reads; each user manages the files in their folder.
drop policy if exists "anyone reads avatars" on storage.objects;
create policy "anyone reads avatars"
on storage.objects
for select
to anon, authenticated
using (bucket_id = 'avatars');

drop policy if exists "users upload their avatar" on storage.objects;
create policy "users upload their avatar"
on storage.objects
for insert
to authenticated
with check (
    bucket_id = 'avatars'
    and owner_id = (select auth.uid())::text
    and (private.path_parts(name, 2))[1] = (select auth.uid())::text
);

drop policy if exists "users replace their avatar" on storage.objects;
create policy "users replace their avatar"
on storage.objects
for update
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text)
with check (
    bucket_id = 'avatars'
    and owner_id = (select auth.uid())::text
    and (private.path_parts(name, 2))[1] = (select auth.uid())::text
);

drop policy if exists "users remove their avatar" on storage.objects;
create policy "users remove their avatar"
on storage.objects
for delete
to authenticated
using (bucket_id = 'avatars' and (private.path_parts(name, 2))[1] = (select auth.uid())::text);

-- What a brief or a delivery refers to, as Storage recorded it: participants read it.
create policy "participants read their order files records"
on public.order_files
for select
to authenticated
using (private.can_see_order(order_id));
-- end snapshot: policies/storage.sql

-- snapshot: policies/realtime.sql
-- Live order channels. Realtime authorizes a private channel by running, as the user with
-- their claims and with realtime.topic() set to the channel, a select on
-- realtime.messages (join and receive) and an insert (send). The topic of an order's
-- channel is `order:<order_id>`: its buyer and seller join and send, nobody else.

drop policy if exists "participants join their order channels" on realtime.messages;
create policy "participants join their order channels"
on realtime.messages
for select
to authenticated
using (
    extension in ('broadcast', 'presence')
    and private.is_order_channel_participant((select realtime.topic()))
);

drop policy if exists "participants send on their order channels" on realtime.messages;
create policy "participants send on their order channels"
on realtime.messages
for insert
to authenticated
with check (
    extension in ('broadcast', 'presence')
    and private.is_order_channel_participant((select realtime.topic()))
);
-- end snapshot: policies/realtime.sql
