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
language plpgsql
security definer
set search_path = ''
as $$
begin
    insert into public.notifications (user_id, order_id, kind, body)
    values (recipient_id, about_order_id, kind, body);
end;
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

-- The state machine: one action on an order the caller holds locked, if
-- private.order_transitions has the edge for this actor. Writes the order once, appends
-- the order event and notifies everyone on the order but the one acting.
create or replace function private.apply_locked_order_action(
    before public.orders,
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
    target_order_id uuid := before.id;
    after public.orders;
    edge private.order_transitions;
    next_status public.order_status;
    other_actors text;
    unrefunded integer;
begin
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
        end,
        -- A payment's own facts land in the same row version as its transition: every
        -- update of an order rewrites all its indexes (status is in their predicates).
        whop_payment_id = case
            when requested_action = 'pay' then details ->> 'whop_payment_id' else o.whop_payment_id
        end,
        attribution = case
            when requested_action = 'pay' then o.attribution || coalesce(details -> 'attribution', '{}'::jsonb)
            else o.attribution
        end
    where o.id = target_order_id
    returning * into after;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded (a payment
    -- that arrives after the order was cancelled unpaid included); the worker carries out
    -- requested refunds through Whop and records the result.
    if next_status = 'cancelled' and after.paid_at is not null then
        select after.subtotal_cents - after.refunded_cents - coalesce(pg_catalog.sum(r.amount_cents), 0)
        into unrefunded
        from public.refunds as r
        where r.order_id = target_order_id and r.status = 'requested';
        if unrefunded > 0 then
            insert into public.refunds (order_id, amount_cents, reason, requested_by)
            values (
                target_order_id,
                unrefunded,
                case when requested_action = 'pay' then 'paid after the order was cancelled' else 'order cancelled' end,
                auth.uid()
            );
        end if;
    end if;

    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target_order_id, acting_as, auth.uid(), requested_action::text, before.status, next_status,
        coalesce(details, '{}'::jsonb) - 'attribution'
    );

    -- Everyone on the order but the one acting, in one statement.
    insert into public.notifications (user_id, order_id, kind, body)
    select
        party.user_id, target_order_id, requested_action::text,
        format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
    from (values (after.buyer_id, 'buyer'::public.order_actor), (after.seller_id, 'seller')) as party (user_id, role)
    where party.role <> acting_as;

    return after;
end;
$$;

revoke execute on function private.apply_locked_order_action(
    public.orders, public.order_action, public.order_actor, jsonb
)
from public, anon, authenticated;

-- An action by the actor the caller names: the system, an admin, or a participant the
-- caller has already identified.
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
begin
    return private.apply_locked_order_action(
        private.lock_order(target_order_id), requested_action, acting_as, details
    );
end;
$$;

revoke execute on function private.apply_order_action(uuid, public.order_action, public.order_actor, jsonb)
from public, anon, authenticated;

-- An action of the signed-in user, as whoever they are on the order: the row is locked
-- and read once. Strangers get "not found" (and lock nothing).
create or replace function private.apply_caller_action(
    target_order_id uuid,
    requested_action public.order_action,
    details jsonb default '{}'
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    user_id uuid := private.require_user();
    locked public.orders;
begin
    select o.* into locked from public.orders as o
    where o.id = target_order_id and (o.buyer_id = user_id or o.seller_id = user_id or private.is_admin())
    for update;
    if locked.id is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', target_order_id);
    end if;
    return private.apply_locked_order_action(
        locked,
        requested_action,
        case
            when locked.buyer_id = user_id then 'buyer'
            when locked.seller_id = user_id then 'seller'
            else 'admin'
        end::public.order_actor,
        details
    );
end;
$$;

revoke execute on function private.apply_caller_action(uuid, public.order_action, jsonb)
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
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'start_work');
end;
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
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(
        order_id, 'request_revision',
        pg_catalog.jsonb_build_object('message', private.require_text(message, 'message', 5000))
    );
end;
$$;

create or replace function public.accept_delivery(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'accept_delivery');
end;
$$;

create or replace function public.request_cancellation(order_id uuid, reason text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(
        order_id, 'request_cancellation',
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    );
end;
$$;

create or replace function public.accept_cancellation(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'accept_cancellation');
end;
$$;

create or replace function public.decline_cancellation(order_id uuid)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(order_id, 'decline_cancellation');
end;
$$;

create or replace function public.open_dispute(order_id uuid, reason text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
begin
    return private.apply_caller_action(
        order_id, 'open_dispute',
        pg_catalog.jsonb_build_object('reason', private.require_text(reason, 'reason', 2000))
    );
end;
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

create trigger order_messages_notify
after insert on public.order_messages
for each row execute function private.notify_order_message();
