-- The order state machine. An action on an order is a row added to public.order_events:
-- participants add it through the RPCs (functions/order_actions.sql) as themselves, server
-- paths through record_order_action with an actor and a time. The trigger below is the
-- only writer of an order after its creation: it locks the order, finds the edge (state,
-- action, actor) in private.order_transitions, checks the action's details, moves and
-- stamps the order, carries out the action's effects (money, answers, deliveries, files,
-- reviews), re-arms the order's timers and tells the other parties. The row it completes
-- is the order's log.
--
-- It is a definer trigger function: the API roles may not execute it (nor any definer
-- function), yet it runs for their inserts, with the rights the machine needs.

-- Who the signed-in user is on an order: buyer, seller or admin; null for anyone else.
-- The machine's helpers are PL/pgSQL rather than SQL: a SQL function with its own
-- search_path is never inlined, and is planned again on every call; PL/pgSQL keeps its
-- plans for the session, and a transition calls each of these every time.
create or replace function private.order_role(buyer_id uuid, seller_id uuid)
returns public.order_actor
language plpgsql
stable
set search_path = ''
as $$
begin
    return case
        when auth.uid() = buyer_id then 'buyer'
        when auth.uid() = seller_id then 'seller'
        when private.is_admin() then 'admin'
    end::public.order_actor;
end;
$$;

-- What can still be asked back from an order: paid, minus refunded, minus requested.
create or replace function private.refundable_cents(target public.orders)
returns integer
language plpgsql
stable
set search_path = ''
as $$
begin
    if target.paid_at is null then
        return 0;
    end if;
    return target.subtotal_cents - target.refunded_cents - coalesce((
        select pg_catalog.sum(r.amount_cents)::integer from public.refunds as r
        where r.order_id = target.id and r.status = 'requested'
    ), 0);
end;
$$;

-- The platform fee's part of refunding `amount` more of an order: chosen so that the fee
-- refunded in all is always round-half-up(refunded x fee / subtotal), so partial refunds
-- are proportional and the last one leaves exactly nothing.
create or replace function private.fee_share(target public.orders, amount integer)
returns integer
language sql
immutable
set search_path = ''
as $$
    select (
        ((target.refunded_cents + amount)::bigint * target.fee_cents * 2 + target.subtotal_cents)
        / (2 * target.subtotal_cents)
    )::integer - target.fee_refunded_cents
$$;

-- The only writer of refunds rows. `operation`:
--   request  a refund of `amount` asked of Whop (the worker sends it once);
--   settle   Whop refunded `amount` (refund `whop_refund_id`): the matching request (by
--            `request_id`, by Whop's id, or an unsent one of that amount) or a new row;
--   fail     Whop refused request `request_id` (or the one with Whop's id);
--   submit   the worker is sending request `request_id` now.
create or replace function private.write_refund(
    target public.orders,
    operation text,
    amount integer default null,
    reason text default null,
    whop_refund_id text default null,
    request_id uuid default null,
    at timestamptz default now()
)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
    written public.refunds;
    matched uuid;
    left_to_ask integer;
    outstanding record;
begin
    case operation
        when 'request' then
            -- Withdrawals lock the seller too: a refund and a withdrawal of the same money
            -- are decided one after the other.
            perform 1 from public.seller_accounts as s where s.user_id = target.seller_id for update;
            insert into public.refunds (order_id, amount_cents, reason, requested_by, created_at)
            values (target.id, amount, pg_catalog.left(reason, 500), auth.uid(), at)
            returning * into written;
        when 'settle' then
            select r.id into matched from public.refunds as r
            where r.order_id = target.id and r.status = 'requested'
                and (r.id = request_id
                    or (request_id is null and r.whop_refund_id = write_refund.whop_refund_id)
                    or (request_id is null and r.whop_refund_id is null and r.amount_cents = amount))
            order by r.id = request_id desc, r.whop_refund_id is null, r.created_at
            limit 1;
            if matched is null then
                insert into public.refunds (
                    order_id, amount_cents, fee_refund_cents, net_refund_cents, status, reason,
                    whop_refund_id, created_at, settled_at
                )
                values (
                    target.id, amount, private.fee_share(target, amount),
                    amount - private.fee_share(target, amount), 'succeeded',
                    coalesce(pg_catalog.left(reason, 500), 'refunded through Whop'), whop_refund_id, at, at
                )
                returning * into written;
            else
                update public.refunds as r
                set status = 'succeeded',
                    amount_cents = amount,
                    fee_refund_cents = private.fee_share(target, amount),
                    net_refund_cents = amount - private.fee_share(target, amount),
                    whop_refund_id = write_refund.whop_refund_id,
                    settled_at = at
                where r.id = matched
                returning * into written;
            end if;
            -- What is still asked for never exceeds what is left: money Whop gave back on
            -- its own (its dashboard) shrinks the requests still open, newest last.
            left_to_ask := target.subtotal_cents - target.refunded_cents - amount;
            for outstanding in
                select r.id, r.amount_cents from public.refunds as r
                where r.order_id = target.id and r.status = 'requested'
                order by r.created_at, r.id
            loop
                if left_to_ask >= outstanding.amount_cents then
                    left_to_ask := left_to_ask - outstanding.amount_cents;
                elsif left_to_ask > 0 then
                    update public.refunds as r
                    set amount_cents = left_to_ask,
                        reason = pg_catalog.left(r.reason || ' / reduced to what was left to refund', 500)
                    where r.id = outstanding.id;
                    left_to_ask := 0;
                else
                    update public.refunds as r
                    set status = 'failed', settled_at = at,
                        reason = pg_catalog.left(r.reason || ' / nothing was left to refund', 500)
                    where r.id = outstanding.id;
                end if;
            end loop;
        when 'fail' then
            update public.refunds as r
            set status = 'failed', settled_at = at,
                reason = pg_catalog.left(r.reason || coalesce(' / failed: ' || write_refund.reason, ''), 500)
            where r.order_id = target.id and r.status = 'requested'
                and (r.id = request_id or (request_id is null and r.whop_refund_id = write_refund.whop_refund_id))
            returning * into written;
        when 'submit' then
            update public.refunds as r
            set submitted_at = at
            where r.id = request_id and r.status = 'requested' and r.submitted_at is null
            returning * into written;
    end case;
    return written;
end;
$$;

-- The action an event row names, or a refusal naming it.
create or replace function private.order_action_named(name text)
returns public.order_action
language plpgsql
stable
set search_path = ''
as $$
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
$$;

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

-- An amount of cents in an action's details: a whole number, or the named refusal.
create or replace function private.detail_cents(details jsonb, field text)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
    if details -> field is null or pg_catalog.jsonb_typeof(details -> field) = 'null' then
        return null;
    end if;
    if pg_catalog.jsonb_typeof(details -> field) <> 'number' or (details ->> field) !~ '^[0-9]{1,9}$' then
        raise exception using errcode = '22023', message = format('%s must be a whole number of cents', field);
    end if;
    return (details ->> field)::integer;
end;
$$;

-- What an action asks, checked against the order before it moves: returns the details as
-- the machine will use them (amounts worked out), or raises a named refusal.
create or replace function private.checked_action_details(
    before public.orders,
    requested public.order_action,
    acting_as public.order_actor,
    details jsonb
)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
    refundable integer;
    remaining integer := before.subtotal_cents - before.refunded_cents;
    amount integer;
begin
    case requested
        when 'accept_cancellation', 'decline_cancellation' then
            if acting_as = before.cancellation_requested_by then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'order %s: the cancellation request must be answered by the other party', before.id
                    );
            end if;
        when 'request_revision' then
            if before.revisions_used >= before.revisions_included then
                raise exception using
                    errcode = '55000',
                    message = format(
                        'order %s has used all %s revisions of its package', before.id, before.revisions_included
                    );
            end if;
            return pg_catalog.jsonb_build_object('message', private.require_text(details ->> 'message', 'message', 5000));
        when 'request_cancellation', 'open_dispute' then
            if acting_as <> 'system' then
                return pg_catalog.jsonb_build_object('reason', private.require_text(details ->> 'reason', 'reason', 2000));
            end if;
        when 'deliver' then
            return pg_catalog.jsonb_build_object(
                'message', private.require_text(details ->> 'message', 'message', 5000),
                'files', coalesce(details -> 'files', '[]'::jsonb)
            );
        when 'submit_requirements' then
            -- Checked and stored by record_requirement_answers and record_order_files.
            return pg_catalog.jsonb_build_object(
                'answers', coalesce(details -> 'answers', '[]'::jsonb),
                'files', coalesce(details -> 'files', '[]'::jsonb)
            );
        when 'pay' then
            perform private.require_text(details ->> 'whop_payment_id', 'whop_payment_id', 100);
            if pg_catalog.jsonb_typeof(coalesce(details -> 'attribution', '{}'::jsonb)) <> 'object' then
                raise exception using errcode = '22023', message = 'attribution must be a JSON object';
            end if;
        when 'abandon_checkout' then
            return case when acting_as = 'system'
                then pg_catalog.jsonb_build_object('reason', pg_catalog.left(details ->> 'reason', 500))
                else '{}'::jsonb
            end;
        when 'attach_checkout' then
            perform private.require_text(details ->> 'whop_checkout_id', 'whop_checkout_id', 100);
            if before.whop_checkout_id is not null then
                raise exception using
                    errcode = '55000',
                    message = format('order %s already has checkout %s', before.id, before.whop_checkout_id);
            end if;
        when 'request_refund' then
            refundable := private.refundable_cents(before);
            amount := coalesce(private.detail_cents(details, 'amount_cents'), refundable);
            if amount not between 1 and refundable then
                raise exception using
                    errcode = '22023',
                    message = format(
                        'refund of %s is not between 1 and the %s left to refund on order %s',
                        amount, refundable, before.id
                    );
            end if;
            return pg_catalog.jsonb_build_object(
                'amount_cents', amount,
                'reason', coalesce(pg_catalog.left(pg_catalog.btrim(details ->> 'reason'), 500), 'refunded by an operator')
            );
        when 'resolve_dispute_refund' then
            refundable := private.refundable_cents(before);
            amount := private.detail_cents(details, 'refund_cents');
            if before.dispute_refund_cents is not null then
                raise exception using
                    errcode = '55000', message = format('the dispute on order %s is already being refunded', before.id);
            end if;
            if amount is null or amount not between 1 and refundable then
                raise exception using errcode = '22023', message = format('refund_cents must be between 1 and %s', refundable);
            end if;
            return pg_catalog.jsonb_build_object(
                'amount_cents', amount, 'note', pg_catalog.left(details ->> 'note', 2000)
            );
        when 'resolve_dispute_completed' then
            return pg_catalog.jsonb_build_object('note', pg_catalog.left(details ->> 'note', 2000));
        when 'refund_partially', 'refund_in_full', 'settle_dispute_refund' then
            perform private.require_text(details ->> 'whop_refund_id', 'whop_refund_id', 100);
            amount := private.detail_cents(details, 'amount_cents');
            if amount is null or amount not between 1 and remaining then
                raise exception using
                    errcode = '22023',
                    message = format('refund of %s exceeds the %s left on order %s', amount, remaining, before.id);
            end if;
            if (requested = 'refund_in_full') <> (amount = remaining) then
                raise exception using
                    errcode = '22023',
                    message = format(
                        '%s of %s on order %s, which has %s left', requested, amount, before.id, remaining
                    );
            end if;
            if requested = 'settle_dispute_refund'
                and before.refunded_cents + amount < coalesce(before.dispute_refund_cents, 0) then
                raise exception using
                    errcode = '55000',
                    message = format('order %s: the dispute refund is not settled by %s', before.id, amount);
            end if;
        when 'chargeback_lost' then
            return details || pg_catalog.jsonb_build_object('amount_cents', remaining);
        else
            null;
    end case;
    -- The log is append-only and shown to both parties: a person's action keeps only what
    -- the branches above built from it (nothing, here); the server's, what it sent.
    if acting_as <> 'system' then
        return '{}'::jsonb;
    end if;
    return coalesce(details, '{}'::jsonb);
end;
$$;

-- Arm the order's timers for the state it is in (and disarm the others): one row per
-- timer edge leaving that state, due `timer_delay` after the order's `timer_from`, unless
-- a `timer_unless` column is set (a late mark made, a checkout that Whop knows). A loop of
-- plain statements rather than one statement of data-modifying CTEs: every transition
-- runs this, and the CTE form cost 40% more (138 against 98 us a transition).
create or replace function private.arm_order_timers(target public.orders)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
    -- The order's set columns by name, built only for a state that has timers.
    fields jsonb;
    timer record;
    due timestamptz;
    armed public.order_action [] := '{}'::public.order_action [];
begin
    for timer in
        select t.action, t.timer_from, t.timer_delay, t.timer_unless
        from private.order_transitions as t
        where t.from_status = target.status and t.timer_from is not null
    loop
        fields := coalesce(fields, pg_catalog.jsonb_strip_nulls(pg_catalog.to_jsonb(target)));
        due := (fields ->> timer.timer_from)::timestamptz + timer.timer_delay;
        continue when due is null or fields ?| timer.timer_unless;
        armed := armed || timer.action;
        insert into private.order_deadlines as d (order_id, action, due_at)
        values (target.id, timer.action, due)
        on conflict (order_id, action) do update set due_at = excluded.due_at
        where d.due_at is distinct from excluded.due_at;
    end loop;
    delete from private.order_deadlines as d
    where d.order_id = target.id and d.action <> all(armed);
end;
$$;

-- The only writer of notifications: one to each recipient about an order.
create or replace function private.notify(
    recipients uuid[],
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
    select distinct recipient, about_order_id, kind, body
    from pg_catalog.unnest(recipients) as recipient
    where recipient is not null;
end;
$$;

-- What an action does beyond moving the order: records answers, deliveries and files,
-- asks for and settles refunds, releases reviews, charges a lost chargeback's fee. Returns
-- the details the log keeps (large payloads stay in their own tables, attribution with
-- the order).
create or replace function private.apply_order_effects(
    before public.orders,
    after public.orders,
    requested public.order_action,
    details jsonb,
    at timestamptz
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    written public.refunds;
    delivery_id uuid;
    unrefunded integer;
    policy text;
    fee_part integer;
begin
    case requested
        when 'submit_requirements' then
            perform private.record_requirement_answers(after, details -> 'answers');
            perform private.attach_order_files(after.id, 'requirements', coalesce(details -> 'files', '[]'::jsonb));
            details := pg_catalog.jsonb_build_object(
                'answers', pg_catalog.jsonb_array_length(coalesce(details -> 'answers', '[]'::jsonb))
            );
        when 'deliver' then
            insert into public.order_deliveries (order_id, message, delivered_by, created_at)
            -- The seller delivers (a server path acting for them has no signed-in user).
            values (after.id, details ->> 'message', coalesce(auth.uid(), after.seller_id), at)
            returning id into delivery_id;
            update public.order_deliveries as d
            set files = private.attach_order_files(
                after.id, 'deliveries', coalesce(details -> 'files', '[]'::jsonb), delivery_id
            )
            where d.id = delivery_id;
            details := pg_catalog.jsonb_build_object('message', details ->> 'message', 'delivery_id', delivery_id);
        when 'request_refund', 'resolve_dispute_refund' then
            written := private.write_refund(
                before, 'request', (details ->> 'amount_cents')::integer,
                coalesce(details ->> 'reason', details ->> 'note', 'dispute resolved with a refund'), at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'refund_partially', 'refund_in_full', 'settle_dispute_refund' then
            written := private.write_refund(
                before, 'settle', (details ->> 'amount_cents')::integer,
                whop_refund_id => details ->> 'whop_refund_id',
                request_id => (details ->> 'refund_id')::uuid, at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'refund_failed' then
            written := private.write_refund(
                before, 'fail', reason => details ->> 'reason', whop_refund_id => details ->> 'whop_refund_id',
                request_id => (details ->> 'refund_id')::uuid, at => at
            );
            if written.id is null then
                raise exception using
                    errcode = 'P0002', message = format('no requested refund to fail on order %s', before.id);
            end if;
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        when 'chargeback_lost' then
            -- Refunds still asked for are moot: the chargeback took the money back.
            loop
                written := private.write_refund(
                    before, 'fail', reason => 'superseded by a lost chargeback', request_id => (
                        select r.id from public.refunds as r
                        where r.order_id = after.id and r.status = 'requested' limit 1
                    ), at => at
                );
                exit when written.id is null;
            end loop;
            if (details ->> 'amount_cents')::integer > 0 then
                written := private.write_refund(
                    before, 'settle', (details ->> 'amount_cents')::integer, 'chargeback lost at Whop',
                    details ->> 'whop_dispute_id', at => at
                );
                select s.chargeback_fee_borne_by into policy from private.platform_settings as s;
                fee_part := written.fee_refund_cents;
                if policy = 'seller' and fee_part > 0 then
                    insert into public.seller_adjustments (seller_id, order_id, currency, amount_cents, reason, created_at)
                    values (after.seller_id, after.id, after.currency, -fee_part, 'platform fee of a lost chargeback', at);
                end if;
            end if;
        when 'release_reviews' then
            update public.reviews as r set released_at = at
            where r.order_id = after.id and r.released_at is null;
            perform private.refresh_ratings(after.gig_id);
        when 'pay' then
            if coalesce(details -> 'attribution', '{}'::jsonb) <> '{}'::jsonb then
                insert into public.order_attributions as a (order_id, attribution)
                values (after.id, details -> 'attribution')
                on conflict (order_id) do update
                    set attribution = a.attribution || excluded.attribution, updated_at = at;
            end if;
            details := details - 'attribution';
            -- The order's chat, between the parties' Whop accounts (functions/order_chat.sql).
            perform private.want_whop_dm_channels(for_order => after.id);
        else
            null;
    end case;

    -- A paid order that ends cancelled owes the buyer what is not yet refunded (a payment
    -- that arrives after the order was cancelled unpaid included); the worker carries out
    -- requested refunds through Whop and records the result.
    if after.status = 'cancelled' and after.paid_at is not null
        and (before.status <> 'cancelled' or requested = 'pay') then
        unrefunded := private.refundable_cents(after);
        if unrefunded > 0 then
            written := private.write_refund(
                after, 'request', unrefunded,
                case when requested = 'pay' then 'paid after the order was cancelled' else 'order cancelled' end,
                at => at
            );
            details := details || pg_catalog.jsonb_build_object('refund_id', written.id);
        end if;
    end if;
    return details;
end;
$$;

-- The machine: completes the event row a participant or the server inserts.
create or replace function private.apply_order_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    requested public.order_action := private.order_action_named(new.action);
    at timestamptz := new.created_at;
    before public.orders;
    after public.orders;
    edge private.order_transitions;
    other_actors text;
    next_status public.order_status;
    money integer;
    fee_part integer;
begin
    select o.* into before from public.orders as o where o.id = new.order_id for update;
    -- The log's order is the order actions were applied in: the id is drawn once the
    -- order is locked, not when the insert began (it may have waited for the lock).
    new.id := pg_catalog.nextval('public.order_events_id_seq'::regclass);
    -- Users may not name an actor (column privileges): who they are on the order decides.
    if new.actor is null then
        new.actor := private.order_role(before.buyer_id, before.seller_id);
    end if;
    if before.id is null or new.actor is null then
        raise exception using errcode = 'P0002', message = format('order %s not found', new.order_id);
    end if;
    new.actor_id := auth.uid();

    select t.* into edge
    from private.order_transitions as t
    where t.from_status = before.status and t.action = requested and t.actor = new.actor;
    if edge.action is null then
        select pg_catalog.string_agg(t.actor::text, ' or ' order by t.actor) into other_actors
        from private.order_transitions as t
        where t.from_status = before.status and t.action = requested;
        if other_actors is not null then
            raise exception using
                errcode = '42501',
                message = format(
                    'only the %s may %s order %s', other_actors, pg_catalog.replace(requested::text, '_', ' '), before.id
                );
        end if;
        raise exception using
            errcode = '55000',
            message = format(
                'cannot %s order %s: it is %s', pg_catalog.replace(requested::text, '_', ' '), before.id, before.status
            );
    end if;

    new.details := private.checked_action_details(before, requested, new.actor, coalesce(new.details, '{}'::jsonb));
    next_status := coalesce(edge.to_status, before.status_before_cancellation_request);
    money := case
        when requested in ('refund_partially', 'refund_in_full', 'settle_dispute_refund', 'chargeback_lost')
            then (new.details ->> 'amount_cents')::integer
        else 0
    end;
    fee_part := case when money > 0 then private.fee_share(before, money) else 0 end;

    update public.orders as o
    set status = next_status,
        updated_at = at,
        paid_at = case when requested = 'pay' then at else o.paid_at end,
        whop_payment_id = case when requested = 'pay' then new.details ->> 'whop_payment_id' else o.whop_payment_id end,
        whop_checkout_id = case
            when requested = 'attach_checkout' then new.details ->> 'whop_checkout_id' else o.whop_checkout_id
        end,
        started_at = case when next_status = 'in_progress' and o.started_at is null then at else o.started_at end,
        due_at = case
            when next_status = 'in_progress' and o.started_at is null
                then at + pg_catalog.make_interval(days => o.delivery_days)
            else o.due_at
        end,
        delivered_at = case when requested = 'deliver' then at else o.delivered_at end,
        revisions_used = o.revisions_used + (requested = 'request_revision')::integer,
        completed_at = case when next_status = 'completed' and before.status <> 'completed' then at else o.completed_at end,
        cancelled_at = case when next_status = 'cancelled' and before.status <> 'cancelled' then at else o.cancelled_at end,
        late_at = case when requested in ('mark_late', 'mark_very_late') then coalesce(o.late_at, at) else o.late_at end,
        very_late_at = case when requested = 'mark_very_late' then at else o.very_late_at end,
        reviews_released_at = case when requested = 'release_reviews' then at else o.reviews_released_at end,
        files_removed_at = case when requested = 'remove_files' then at else o.files_removed_at end,
        status_before_cancellation_request = case
            when requested = 'request_cancellation' then o.status
            -- Leaving the request behind clears it; a money move while it is open keeps it.
            when o.status = 'cancel_requested' and next_status <> 'cancel_requested' then null
            else o.status_before_cancellation_request
        end,
        cancellation_requested_by = case
            when requested = 'request_cancellation' then new.actor
            when o.status = 'cancel_requested' and next_status <> 'cancel_requested' then null
            else o.cancellation_requested_by
        end,
        cancellation_requested_at = case
            when requested = 'request_cancellation' then at
            when o.status = 'cancel_requested' and next_status <> 'cancel_requested' then null
            else o.cancellation_requested_at
        end,
        dispute_opened_by = case when requested = 'open_dispute' then new.actor else o.dispute_opened_by end,
        dispute_reason = case when requested = 'open_dispute' then new.details ->> 'reason' else o.dispute_reason end,
        dispute_refund_cents = case
            when requested = 'resolve_dispute_refund' then o.refunded_cents + (new.details ->> 'amount_cents')::integer
            else o.dispute_refund_cents
        end,
        refunded_cents = o.refunded_cents + money,
        fee_refunded_cents = o.fee_refunded_cents + fee_part,
        net_refunded_cents = o.net_refunded_cents + money - fee_part
    where o.id = before.id
    returning * into after;

    new.details := private.apply_order_effects(before, after, requested, new.details, at);
    perform private.arm_order_timers(after);

    if edge.notifies then
        perform private.notify(
            case new.actor
                when 'buyer' then array[after.seller_id]
                when 'seller' then array[after.buyer_id]
                else array[after.buyer_id, after.seller_id]
            end,
            after.id,
            requested::text,
            case
                when next_status = before.status then format(
                    '%s: %s, still %s', after.gig_title, pg_catalog.replace(requested::text, '_', ' '),
                    pg_catalog.replace(next_status::text, '_', ' ')
                )
                else format('%s: %s', after.gig_title, pg_catalog.replace(next_status::text, '_', ' '))
            end
        );
    end if;

    new.from_status := before.status;
    new.to_status := next_status;
    return new;
end;
$$;

create trigger order_events_apply
before insert on public.order_events
for each row execute function private.apply_order_event();

-- The only writer of order_events: an action on an order. Called by participants (the
-- RPCs, as themselves) and by the server, which alone may name an actor and a time.
create or replace function private.record_order_action(
    target_order_id uuid,
    requested_action public.order_action,
    details jsonb default '{}',
    acting_as public.order_actor default null,
    at timestamptz default null
)
returns public.order_events
language plpgsql
set search_path = ''
as $$
declare
    recorded public.order_events;
begin
    if acting_as is null and at is null then
        insert into public.order_events (order_id, action, details)
        values (target_order_id, requested_action::text, coalesce(details, '{}'::jsonb))
        returning * into recorded;
    else
        insert into public.order_events (order_id, action, details, actor, created_at)
        values (
            target_order_id, requested_action::text, coalesce(details, '{}'::jsonb), acting_as,
            coalesce(at, pg_catalog.now())
        )
        returning * into recorded;
    end if;
    return recorded;
end;
$$;

revoke execute on function private.order_role(uuid, uuid) from public, anon, authenticated;
revoke execute on function private.refundable_cents(public.orders) from public, anon, authenticated;
revoke execute on function private.fee_share(public.orders, integer) from public, anon, authenticated;
grant execute on function private.fee_share(public.orders, integer) to authenticated, service_role;
revoke execute on function private.write_refund(public.orders, text, integer, text, text, uuid, timestamptz)
from public, anon, authenticated;
revoke execute on function private.order_action_named(text) from public, anon, authenticated;
revoke execute on function private.require_text(text, text, integer) from public, anon, authenticated;
revoke execute on function private.detail_cents(jsonb, text) from public, anon, authenticated;
revoke execute on function private.checked_action_details(
    public.orders, public.order_action, public.order_actor, jsonb
)
from public, anon, authenticated;
revoke execute on function private.arm_order_timers(public.orders) from public, anon, authenticated;
revoke execute on function private.notify(uuid[], uuid, text, text) from public, anon, authenticated;
revoke execute on function private.apply_order_effects(
    public.orders, public.orders, public.order_action, jsonb, timestamptz
) from public, anon, authenticated;
revoke execute on function private.apply_order_event() from public, anon, authenticated;
revoke execute on function private.record_order_action(
    uuid, public.order_action, jsonb, public.order_actor, timestamptz
)
from public, anon, authenticated;
grant execute on function private.record_order_action(
    uuid, public.order_action, jsonb, public.order_actor, timestamptz
)
to authenticated, service_role;
