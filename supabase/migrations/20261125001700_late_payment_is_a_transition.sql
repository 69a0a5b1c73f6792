-- A buyer can pay a checkout after it expired, or after reconciliation cancelled it as
-- unpaid. That payment used to fail its webhook for ever while the money stayed at Whop.
-- It is now an edge of the state machine, cancelled -pay-> cancelled: the transition
-- records the payment, its order event and the notifications like any other, and the rule
-- that a paid order ending cancelled is refunded (now read from the order after the
-- action, so that it sees this payment) asks for the whole amount back at once.

insert into private.order_transitions (from_status, action, actor, to_status)
values ('cancelled', 'pay', 'system', 'cancelled');

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
-- end snapshot: functions/order_actions.sql

-- snapshot: functions/order_money.sql
-- Money after the quote: payments, refunds, dispute settlements, seller balances.
-- The system functions are for the worker (service role), which calls them with facts
-- Whop reported; each is idempotent on the Whop id, so a replayed webhook changes nothing.

-- A verified Whop payment: pending_payment -> awaiting_requirements, or, for an order
-- cancelled before it was paid, cancelled -> cancelled with the payment refunded (the
-- state machine's rule for paid orders that end cancelled). The amount must be the
-- order's total in its currency, or nothing is recorded.
create or replace function public.record_payment(
    target_order_id uuid,
    whop_payment_id text,
    amount_cents integer,
    currency text,
    attribution jsonb default '{}'
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    perform private.require_text(whop_payment_id, 'whop_payment_id', 100);
    target := private.lock_order(target_order_id);
    if target.whop_payment_id = record_payment.whop_payment_id then
        return target;
    end if;
    if target.whop_payment_id is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s was already paid by payment %s', target_order_id, target.whop_payment_id);
    end if;
    if amount_cents is distinct from target.subtotal_cents
        or pg_catalog.upper(currency) is distinct from target.currency then
        raise exception using
            errcode = '22023',
            message = format(
                'payment %s of %s %s does not match order %s total of %s %s',
                whop_payment_id, amount_cents, pg_catalog.upper(currency), target_order_id,
                target.subtotal_cents, target.currency
            );
    end if;
    if pg_catalog.jsonb_typeof(coalesce(attribution, '{}'::jsonb)) <> 'object' then
        raise exception using errcode = '22023', message = 'attribution must be a JSON object';
    end if;

    -- The payment id and attribution are written by the transition's own update.
    return private.apply_order_action(
        target.id, 'pay', 'system',
        pg_catalog.jsonb_build_object(
            'whop_payment_id', whop_payment_id, 'attribution', coalesce(attribution, '{}'::jsonb)
        )
    );
end;
$$;

create or replace function public.record_payment_failed(target_order_id uuid, reason text default null)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
begin
    select o.* into target from public.orders as o where o.id = target_order_id for update;
    if target.status = 'cancelled' and target.paid_at is null then
        return target;
    end if;
    return private.apply_order_action(
        target_order_id, 'fail_payment', 'system',
        pg_catalog.jsonb_build_object('reason', pg_catalog.left(reason, 500))
    );
end;
$$;

-- What can still be asked back from an order: paid, minus refunded, minus requested.
create or replace function private.refundable_cents(target public.orders)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
    select target.subtotal_cents - target.refunded_cents - coalesce((
        select pg_catalog.sum(r.amount_cents)::integer from public.refunds as r
        where r.order_id = target.id and r.status = 'requested'
    ), 0)
$$;

-- Whop confirmed a refund. Splits it between platform fee and seller net so that the
-- cumulative fee refunded is always round-half-up(refunded x fee / subtotal): partial
-- refunds are proportional and the last one leaves exactly nothing. A full refund ends
-- the order in `refunded` (a cancelled order stays cancelled); a partial one that
-- settles an admin's dispute decision completes it.
create or replace function public.record_refund(
    target_order_id uuid,
    whop_refund_id text,
    amount_cents integer,
    refund_request_id uuid default null
)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    target public.orders;
    settled public.refunds;
    refunded_after integer;
    fee_refunded_after integer;
    fee_share integer;
begin
    perform private.require_text(whop_refund_id, 'whop_refund_id', 100);
    target := private.lock_order(target_order_id);

    select r.* into settled from public.refunds as r
    where r.whop_refund_id = record_refund.whop_refund_id and r.status = 'succeeded';
    if settled.id is not null then
        if settled.order_id <> target.id or settled.amount_cents <> record_refund.amount_cents then
            raise exception using
                errcode = '22023',
                message = format('refund %s was recorded with another order or amount', whop_refund_id);
        end if;
        return settled;
    end if;

    if target.paid_at is null then
        raise exception using errcode = '55000', message = format('order %s was never paid', target.id);
    end if;
    if amount_cents is null or amount_cents <= 0
        or amount_cents > target.subtotal_cents - target.refunded_cents then
        raise exception using
            errcode = '22023',
            message = format(
                'refund of %s exceeds the %s left on order %s',
                amount_cents, target.subtotal_cents - target.refunded_cents, target.id
            );
    end if;

    refunded_after := target.refunded_cents + amount_cents;
    fee_refunded_after := (
        (refunded_after::bigint * target.fee_cents * 2 + target.subtotal_cents) / (2 * target.subtotal_cents)
    )::integer;
    fee_share := fee_refunded_after - target.fee_refunded_cents;

    if refund_request_id is not null then
        update public.refunds as r
        set status = 'succeeded',
            whop_refund_id = record_refund.whop_refund_id,
            amount_cents = record_refund.amount_cents,
            fee_refund_cents = fee_share,
            net_refund_cents = record_refund.amount_cents - fee_share,
            settled_at = pg_catalog.now()
        where r.id = refund_request_id and r.order_id = target.id and r.status = 'requested'
            and (r.whop_refund_id is null or r.whop_refund_id = record_refund.whop_refund_id)
        returning r.* into settled;
        if settled.id is null then
            raise exception using
                errcode = 'P0002',
                message = format('no requested refund %s on order %s', refund_request_id, target.id);
        end if;
    else
        insert into public.refunds (
            order_id, amount_cents, fee_refund_cents, net_refund_cents, status, reason,
            whop_refund_id, settled_at
        )
        values (
            target.id, amount_cents, fee_share, amount_cents - fee_share, 'succeeded',
            'refunded through Whop', whop_refund_id, pg_catalog.now()
        )
        returning * into settled;
    end if;

    update public.orders as o
    set refunded_cents = refunded_after,
        fee_refunded_cents = fee_refunded_after,
        net_refunded_cents = o.net_refunded_cents + (amount_cents - fee_share)
    where o.id = target.id;

    insert into public.order_events (order_id, actor, action, from_status, to_status, details)
    values (
        target.id, 'system', 'refund_recorded', target.status, target.status,
        pg_catalog.jsonb_build_object('refund_id', settled.id, 'amount_cents', amount_cents)
    );

    if refunded_after = target.subtotal_cents and target.status not in ('cancelled', 'refunded') then
        perform private.apply_order_action(target.id, 'refund_in_full', 'system');
    elsif target.status = 'disputed' and target.dispute_refund_cents is not null
        and refunded_after >= target.dispute_refund_cents then
        perform private.apply_order_action(target.id, 'settle_dispute_refund', 'system');
    end if;
    return settled;
end;
$$;

-- Whop refused a requested refund: the request is closed and the amount is refundable again.
create or replace function public.record_refund_failed(refund_request_id uuid, reason text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    failed public.refunds;
begin
    update public.refunds as r
    set status = 'failed', settled_at = pg_catalog.now(),
        reason = pg_catalog.left(r.reason || coalesce(' / failed: ' || record_refund_failed.reason, ''), 500)
    where r.id = refund_request_id and r.status = 'requested'
    returning r.* into failed;
    if failed.id is null then
        raise exception using
            errcode = 'P0002', message = format('no requested refund %s', refund_request_id);
    end if;
    return failed;
end;
$$;

-- Admin: settle a dispute. 'complete' ends it now; 'refund' requests a refund of
-- refund_cents (the worker executes it through Whop) and the order settles when Whop
-- confirms it: refunded if in full, completed otherwise.
create or replace function public.resolve_dispute(
    order_id uuid,
    outcome text,
    refund_cents integer default null,
    note text default null
)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $$
declare
    acting_as public.order_actor := private.order_actor(order_id);
    target public.orders;
begin
    if acting_as <> 'admin' then
        raise exception using errcode = '42501', message = 'only an admin may resolve a dispute';
    end if;
    if outcome = 'complete' then
        return private.apply_order_action(
            order_id, 'resolve_dispute_completed', 'admin',
            pg_catalog.jsonb_build_object('note', pg_catalog.left(note, 2000))
        );
    elsif outcome is distinct from 'refund' then
        raise exception using errcode = '22023', message = 'outcome must be complete or refund';
    end if;

    select o.* into target from public.orders as o where o.id = resolve_dispute.order_id for update;
    if target.status <> 'disputed' or target.dispute_refund_cents is not null then
        raise exception using
            errcode = '55000',
            message = format('order %s is %s, not an unresolved dispute', order_id, target.status);
    end if;
    if refund_cents is null or refund_cents <= 0 or refund_cents > private.refundable_cents(target) then
        raise exception using
            errcode = '22023',
            message = format('refund_cents must be between 1 and %s', private.refundable_cents(target));
    end if;

    insert into public.refunds (order_id, amount_cents, reason, requested_by)
    values (target.id, refund_cents, coalesce(pg_catalog.left(note, 500), 'dispute resolved with a refund'), auth.uid());
    update public.orders as o
    set dispute_refund_cents = target.refunded_cents + refund_cents
    where o.id = target.id
    returning o.* into target;
    insert into public.order_events (order_id, actor, actor_id, action, from_status, to_status, details)
    values (
        target.id, 'admin', auth.uid(), 'dispute_refund_requested', target.status, target.status,
        pg_catalog.jsonb_build_object('refund_cents', refund_cents, 'note', pg_catalog.left(note, 2000))
    );
    perform private.notify(target.buyer_id, target.id, 'dispute_refund_requested',
        format('%s: a refund of %s is on its way', target.gig_title, refund_cents));
    perform private.notify(target.seller_id, target.id, 'dispute_refund_requested',
        format('%s: the dispute is resolved with a refund of %s', target.gig_title, refund_cents));
    return target;
end;
$$;

revoke execute on function public.record_payment(uuid, text, integer, text, jsonb)
from public, anon, authenticated;
revoke execute on function public.record_payment_failed(uuid, text) from public, anon, authenticated;
revoke execute on function private.refundable_cents(public.orders) from public, anon, authenticated;
revoke execute on function public.record_refund(uuid, text, integer, uuid) from public, anon, authenticated;
revoke execute on function public.record_refund_failed(uuid, text) from public, anon, authenticated;
revoke execute on function public.resolve_dispute(uuid, text, integer, text) from public, anon, authenticated;
grant execute on function public.record_payment(uuid, text, integer, text, jsonb) to service_role;
grant execute on function public.record_payment_failed(uuid, text) to service_role;
grant execute on function public.record_refund(uuid, text, integer, uuid) to service_role;
grant execute on function public.record_refund_failed(uuid, text) to service_role;
grant execute on function public.resolve_dispute(uuid, text, integer, text) to authenticated;
-- end snapshot: functions/order_money.sql
