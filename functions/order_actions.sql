-- What buyers, sellers and admins do to an order, as RPCs. Each is a security invoker
-- function that records the action in the order's log as the caller
-- (private.record_order_action); the state machine (functions/order_machine.sql) decides
-- whether the caller may, and does the rest. The same insert into order_events works from
-- any client; these give it names, typed arguments and the order as the answer.

-- The order as the caller may now see it.
create or replace function private.order_as_seen(target_order_id uuid)
returns public.orders
language plpgsql
stable
set search_path = ''
as $$
declare
    seen public.orders;
begin
    select o.* into seen from public.orders as o where o.id = target_order_id;
    return seen;
end;
$$;

-- The buyer's answers to the gig's questions. `answers` is a JSON array of
-- {"requirement_id": uuid, "answer": text}; every required question needs a non-empty
-- answer, a multiple-choice answer must be one of the choices. Stored with the question
-- as it was asked.
create or replace function private.record_requirement_answers(target public.orders, answers jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
    missing text;
    bad_answer text;
begin
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
end;
$$;

-- Buyer: answer the gig's questions (see above) and cite files uploaded to
-- order-files/<order_id>/requirements/ as [{"path": …}]; the order starts (due date set).
create or replace function public.submit_requirements(order_id uuid, answers jsonb, files jsonb default '[]')
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(
        order_id, 'submit_requirements', pg_catalog.jsonb_build_object('answers', answers, 'files', files)
    );
    return private.order_as_seen(order_id);
end;
$$;

-- Buyer: give up an unpaid order (its checkout no longer counts against the cap).
create or replace function public.abandon_checkout(order_id uuid)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'abandon_checkout');
    return private.order_as_seen(order_id);
end;
$$;

-- Seller: start without waiting for the brief (the due date starts now).
create or replace function public.start_order(order_id uuid)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'start_work');
    return private.order_as_seen(order_id);
end;
$$;

-- Seller: deliver. `files` are [{"path": …}] of files the seller uploaded to
-- order-files/<order_id>/deliveries/ (at most 20); they become evidence.
create or replace function public.deliver_order(order_id uuid, message text, files jsonb default '[]')
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(
        order_id, 'deliver', pg_catalog.jsonb_build_object('message', message, 'files', files)
    );
    return private.order_as_seen(order_id);
end;
$$;

-- Buyer: ask for changes, within the package's revision allowance.
create or replace function public.request_revision(order_id uuid, message text)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'request_revision', pg_catalog.jsonb_build_object('message', message));
    return private.order_as_seen(order_id);
end;
$$;

create or replace function public.accept_delivery(order_id uuid)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'accept_delivery');
    return private.order_as_seen(order_id);
end;
$$;

create or replace function public.request_cancellation(order_id uuid, reason text)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(
        order_id, 'request_cancellation', pg_catalog.jsonb_build_object('reason', reason)
    );
    return private.order_as_seen(order_id);
end;
$$;

create or replace function public.accept_cancellation(order_id uuid)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'accept_cancellation');
    return private.order_as_seen(order_id);
end;
$$;

create or replace function public.decline_cancellation(order_id uuid)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'decline_cancellation');
    return private.order_as_seen(order_id);
end;
$$;

create or replace function public.open_dispute(order_id uuid, reason text)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    perform private.record_order_action(order_id, 'open_dispute', pg_catalog.jsonb_build_object('reason', reason));
    return private.order_as_seen(order_id);
end;
$$;

-- Admin: settle a dispute. 'complete' ends it now; 'refund' asks Whop to refund
-- refund_cents (the worker sends it) and the order settles when Whop confirms it:
-- completed, or refunded if that was everything.
create or replace function public.resolve_dispute(
    order_id uuid,
    outcome text,
    refund_cents integer default null,
    note text default null
)
returns public.orders
language plpgsql
set search_path = ''
as $$
begin
    if outcome is distinct from 'complete' and outcome is distinct from 'refund' then
        raise exception using errcode = '22023', message = 'outcome must be complete or refund';
    end if;
    perform private.record_order_action(
        order_id,
        case when outcome = 'complete' then 'resolve_dispute_completed' else 'resolve_dispute_refund' end::public.order_action,
        pg_catalog.jsonb_build_object('refund_cents', refund_cents, 'note', note)
    );
    return private.order_as_seen(order_id);
end;
$$;

-- Admin: refund an order fully (amount_cents null) or partly; the worker sends it to Whop
-- and the order changes when Whop confirms.
create or replace function public.request_refund(
    order_id uuid, amount_cents integer default null, reason text default null
)
returns public.refunds
language plpgsql
set search_path = ''
as $$
declare
    recorded public.order_events;
    requested public.refunds;
begin
    recorded := private.record_order_action(
        order_id, 'request_refund', pg_catalog.jsonb_build_object('amount_cents', amount_cents, 'reason', reason)
    );
    select r.* into requested from public.refunds as r where r.id = (recorded.details ->> 'refund_id')::uuid;
    return requested;
end;
$$;

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
    perform private.notify(
        array_remove(array[target.buyer_id, target.seller_id], new.sender_id),
        target.id, 'message', format('New message about %s', target.gig_title)
    );
    return null;
end;
$$;

create trigger order_messages_notify
after insert on public.order_messages
for each row execute function private.notify_order_message();

revoke execute on function private.order_as_seen(uuid) from public, anon, authenticated;
revoke execute on function private.record_requirement_answers(public.orders, jsonb) from public,
anon,
authenticated;
revoke execute on function public.submit_requirements(uuid, jsonb, jsonb) from public, anon, authenticated;
revoke execute on function public.start_order(uuid) from public, anon, authenticated;
revoke execute on function public.deliver_order(uuid, text, jsonb) from public, anon, authenticated;
revoke execute on function public.request_revision(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_delivery(uuid) from public, anon, authenticated;
revoke execute on function public.request_cancellation(uuid, text) from public, anon, authenticated;
revoke execute on function public.accept_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.decline_cancellation(uuid) from public, anon, authenticated;
revoke execute on function public.open_dispute(uuid, text) from public, anon, authenticated;
revoke execute on function public.resolve_dispute(uuid, text, integer, text) from public, anon, authenticated;
revoke execute on function public.request_refund(uuid, integer, text) from public, anon, authenticated;
revoke execute on function private.notify_order_message() from public, anon, authenticated;
grant execute on function private.order_as_seen(uuid) to authenticated, service_role;
grant execute on function public.submit_requirements(uuid, jsonb, jsonb) to authenticated;
grant execute on function public.start_order(uuid) to authenticated;
revoke execute on function public.abandon_checkout(uuid) from public, anon, authenticated;
grant execute on function public.abandon_checkout(uuid) to authenticated;
grant execute on function public.deliver_order(uuid, text, jsonb) to authenticated;
grant execute on function public.request_revision(uuid, text) to authenticated;
grant execute on function public.accept_delivery(uuid) to authenticated;
grant execute on function public.request_cancellation(uuid, text) to authenticated;
grant execute on function public.accept_cancellation(uuid) to authenticated;
grant execute on function public.decline_cancellation(uuid) to authenticated;
grant execute on function public.open_dispute(uuid, text) to authenticated;
grant execute on function public.resolve_dispute(uuid, text, integer, text) to authenticated;
grant execute on function public.request_refund(uuid, integer, text) to authenticated, service_role;

-- The API reference (docs/api.md) is generated from these.
comment on function public.abandon_checkout(uuid) is
$$Give up an unpaid order: pending_payment -> cancelled. Frees one of the buyer's places for unpaid
orders (3 by default). A payment that still arrives for it is refunded in full.
@who the order's buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 55000 the order is not pending_payment$$;
comment on function public.submit_requirements(uuid, jsonb, jsonb) is
$$Send the brief: answers [{"requirement_id", "answer"}] to the gig's questions (every required one,
multiple-choice answers among the choices) and files [{"path"}] uploaded to
order-files/<order_id>/requirements/; awaiting_requirements -> in_progress, the due date starts.
@who the order's buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 22023 a required answer is missing, an answer is not one of the choices, or a file is not
  the caller's upload in that folder
@error 55000 the order is not awaiting requirements$$;
comment on function public.start_order(uuid) is
$$Start without the brief: awaiting_requirements -> in_progress, the due date starts now.
@who the order's seller
@error 42501 not signed in, or the buyer asks
@error P0002 no such order, or not yours
@error 55000 the order is not awaiting requirements$$;
comment on function public.deliver_order(uuid, text, jsonb) is
$$Deliver: in_progress or revision_requested -> delivered, with a message and files [{"path"}]
uploaded to order-files/<order_id>/deliveries/ (at most 20). It completes itself 3 days later
unless the buyer asks for a revision.
@who the order's seller
@error 42501 not signed in, or the buyer asks
@error P0002 no such order, or not yours
@error 22023 the message is empty or too long, or a file is not the caller's upload there
@error 55000 the order is not in progress or in revision$$;
comment on function public.request_revision(uuid, text) is
$$Ask for changes to a delivery: delivered -> revision_requested, within the package's revisions.
@who the order's buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 22023 the message is empty or longer than 5000 characters
@error 55000 the order is not delivered, or every included revision is used$$;
comment on function public.accept_delivery(uuid) is
$$Accept the delivery: delivered -> completed. The seller's earnings clear after the clearance
period (14 days by default).
@who the order's buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 55000 the order is not delivered$$;
comment on function public.request_cancellation(uuid, text) is
$$Ask the other party to cancel: awaiting_requirements .. revision_requested -> cancel_requested.
The other party accepts or declines; unanswered, it cancels itself after 48 hours. A paid order
that ends cancelled is refunded in full.
@who the order's buyer or seller
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 22023 the reason is empty or longer than 2000 characters
@error 55000 the order cannot be cancelled in its state$$;
comment on function public.accept_cancellation(uuid) is
$$Agree to the other party's cancellation request: cancel_requested -> cancelled (refunded in full).
@who the order's buyer or seller, not the one who asked
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 55000 no cancellation request is open, or the caller asked for it$$;
comment on function public.decline_cancellation(uuid) is
$$Refuse the other party's cancellation request: the order goes back to where it was.
@who the order's buyer or seller, not the one who asked
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 55000 no cancellation request is open, or the caller asked for it$$;
comment on function public.open_dispute(uuid, text) is
$$Freeze the order for an admin's decision: in_progress .. delivered -> disputed.
@who the order's buyer or seller
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 22023 the reason is empty or longer than 2000 characters
@error 55000 the order cannot be disputed in its state$$;
comment on function public.resolve_dispute(uuid, text, integer, text) is
$$Decide a dispute: outcome 'complete' (disputed -> completed) or 'refund' with refund_cents (the
refund is asked of Whop; the dispute settles as completed when Whop confirms it).
@who admins
@error 42501 not signed in, or not an admin
@error P0002 no such order
@error 22023 outcome is not complete or refund, or refund_cents is not between 1 and what is left
@error 55000 the order is not disputed, or its refund is already asked for$$;
comment on function public.request_refund(uuid, integer, text) is
$$Ask Whop to refund a paid order: amount_cents (null: all that is left) with a reason. The worker
sends it once; the order's money changes when Whop confirms. The seller's share is held from their
available balance at once.
@who admins
@error 42501 not signed in, or not an admin
@error P0002 no such order
@error 22023 the amount is not between 1 and what is left to refund
@error 55000 the order is not paid$$;
