-- Issue 19: the order, money and admin parts of the API get the comments docs/api.md is
-- generated from (what each RPC does, who may call it, each SQLSTATE it raises).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

set local check_function_bodies = off;

comment on function public.abandon_checkout(
    uuid
) is 'Give up an unpaid order: pending_payment -> cancelled. Frees one of the buyer''s places for unpaid
orders (3 by default). A payment that still arrives for it is refunded in full.
@who the order''s buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 55000 the order is not pending_payment';

comment on function public.accept_cancellation(
    uuid
) is 'Agree to the other party''s cancellation request: cancel_requested -> cancelled (refunded in full).
@who the order''s buyer or seller, not the one who asked
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 55000 no cancellation request is open, or the caller asked for it';

comment on function public.accept_delivery(
    uuid
) is 'Accept the delivery: delivered -> completed. The seller''s earnings clear after the clearance
period (14 days by default).
@who the order''s buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 55000 the order is not delivered';

comment on function public.decide_quarantined_payment(
    text, text
) is 'Decide a quarantined payment (a Whop payment that named an order without being its payment), once:
''refund'' (the worker refunds it in full through Whop) or ''keep''.
@who admins
@error P0002 no such quarantined payment, or not an admin
@error 22023 the decision is not refund or keep
@error 55000 it was already decided';

comment on function public.decline_cancellation(
    uuid
) is 'Refuse the other party''s cancellation request: the order goes back to where it was.
@who the order''s buyer or seller, not the one who asked
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 55000 no cancellation request is open, or the caller asked for it';

comment on function public.deliver_order(
    uuid, text, jsonb
) is 'Deliver: in_progress or revision_requested -> delivered, with a message and files [{"path"}]
uploaded to order-files/<order_id>/deliveries/ (at most 20). It completes itself 3 days later
unless the buyer asks for a revision.
@who the order''s seller
@error 42501 not signed in, or the buyer asks
@error P0002 no such order, or not yours
@error 22023 the message is empty or too long, or a file is not the caller''s upload there
@error 55000 the order is not in progress or in revision';

comment on function public.open_dispute(
    uuid, text
) is 'Freeze the order for an admin''s decision: in_progress .. delivered -> disputed.
@who the order''s buyer or seller
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 22023 the reason is empty or longer than 2000 characters
@error 55000 the order cannot be disputed in its state';

comment on function public.quote_order(
    uuid, public.package_tier, jsonb
) is 'The checkout breakdown of a published gig''s package and extras [{"extra_id", "quantity"}], priced
from the stored offer only: {gig_id, gig_title, seller_id, package_id, tier, currency,
package_price_cents, extras: [{extra_id, title, unit_price_cents, quantity, line_total_cents,
extra_delivery_days}], extras_cents, subtotal_cents, fee_bps, platform_fee_cents (subtotal x fee_bps
/ 10000, half up), seller_net_cents, delivery_days, revisions_included}.
@who anyone
@error 22004 gig_id or tier is missing
@error P0002 no such published gig (an unpublished one looks missing to all but its seller and
  admins), package or extra
@error 22023 the caller sells the gig, a quantity is outside 1..the extra''s max_quantity, or an
  extra is named twice
@error 55000 the gig''s seller or an admin asks about a gig that is not published';

comment on function public.request_cancellation(
    uuid, text
) is 'Ask the other party to cancel: awaiting_requirements .. revision_requested -> cancel_requested.
The other party accepts or declines; unanswered, it cancels itself after 48 hours. A paid order
that ends cancelled is refunded in full.
@who the order''s buyer or seller
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 22023 the reason is empty or longer than 2000 characters
@error 55000 the order cannot be cancelled in its state';

comment on function public.request_refund(
    uuid, integer, text
) is 'Ask Whop to refund a paid order: amount_cents (null: all that is left) with a reason. The worker
sends it once; the order''s money changes when Whop confirms. The seller''s share is held from their
available balance at once.
@who admins
@error 42501 not signed in, or not an admin
@error P0002 no such order
@error 22023 the amount is not between 1 and what is left to refund
@error 55000 the order is not paid';

comment on function public.request_revision(
    uuid, text
) is 'Ask for changes to a delivery: delivered -> revision_requested, within the package''s revisions.
@who the order''s buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 22023 the message is empty or longer than 5000 characters
@error 55000 the order is not delivered, or every included revision is used';

comment on function public.resolve_dispute(
    uuid, text, integer, text
) is 'Decide a dispute: outcome ''complete'' (disputed -> completed) or ''refund'' with refund_cents (the
refund is asked of Whop; the dispute settles as completed when Whop confirms it).
@who admins
@error 42501 not signed in, or not an admin
@error P0002 no such order
@error 22023 outcome is not complete or refund, or refund_cents is not between 1 and what is left
@error 55000 the order is not disputed, or its refund is already asked for';

comment on function public.seller_balance(
    uuid
) is 'A seller''s money per currency: pending_cents (earned, not yet cleared), available_cents (cleared,
minus withdrawals, refunds asked for and debt; never negative), withdrawing_cents, withdrawn_cents,
refunded_cents (their share given back), held_cents (their share of refunds asked for, not yet
settled), debt_cents (refunds or charges after the money was withdrawn; later earnings pay it first).
seller_id: null for the caller; an admin may name any seller.
@who sellers (their own), admins (anyone''s)
@error 42501 not signed in, or another seller''s balance';

comment on function public.start_order(
    uuid
) is 'Start without the brief: awaiting_requirements -> in_progress, the due date starts now.
@who the order''s seller
@error 42501 not signed in, or the buyer asks
@error P0002 no such order, or not yours
@error 55000 the order is not awaiting requirements';

comment on function public.submit_requirements(
    uuid, jsonb, jsonb
) is 'Send the brief: answers [{"requirement_id", "answer"}] to the gig''s questions (every required one,
multiple-choice answers among the choices) and files [{"path"}] uploaded to
order-files/<order_id>/requirements/; awaiting_requirements -> in_progress, the due date starts.
@who the order''s buyer
@error 42501 not signed in, or the seller asks
@error P0002 no such order, or not yours
@error 22023 a required answer is missing, an answer is not one of the choices, or a file is not
  the caller''s upload in that folder
@error 55000 the order is not awaiting requirements';

comment on function public.submit_review(
    uuid, integer, text
) is 'Review the other party of a completed order, once: rating 1 to 5 and an optional text. Hidden until
both have reviewed or 10 days have passed; released buyer reviews feed the gig''s rating.
@who the order''s buyer or seller
@error 42501 not signed in
@error P0002 no such order, or not yours
@error 22023 the rating is not 1 to 5, or the text is longer than 2000 characters
@error 23505 the caller already reviewed this order
@error 55000 the order is not completed';

comment on view public.admin_failed_webhooks is
'Admins: Whop deliveries that failed, wait for an object not yet seen, or are of a type not handled,
with the last error and the next attempt.';

comment on view public.admin_open_chargebacks is
'Admins: Whop disputes (chargebacks) not yet won or lost, with the deadline to respond; early
warnings flagged.';

comment on view public.admin_open_disputes is
'Admins: disputed orders waiting for a decision (resolve_dispute), with who opened the dispute and
why.';

comment on view public.admin_platform_revenue is
'Admins: the platform''s fees per day and currency, minus fees refunded and plus fees charged back to
sellers.';

comment on view public.admin_quarantined_payments is
'Admins: Whop payments that named an order without being its payment, why, and the decision and
refund.';

comment on view public.admin_refunds_in_flight is
'Admins: refunds asked of Whop and not yet confirmed or refused, with when they were sent.';

comment on view public.admin_revenue_by_source is
'Admins: paid orders, net sales and fees per currency and per the UTM source, medium and campaign
that travelled with the payment.';

comment on view public.admin_seller_debts is
'Admins: sellers who owe the platform (refunds or charges after their money was withdrawn), per
currency.';

comment on view public.admin_sellers_awaiting_kyc is
'Admins: sellers whose identity check at Whop is not finished.';
