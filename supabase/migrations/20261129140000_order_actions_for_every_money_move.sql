-- The order actions and inbox status that the next migration's state machine uses: every
-- change of an order's state or money becomes an edge of the transition table (a checkout
-- attached, refunds asked, settled and refused, a dispute refunded, late marks, reviews
-- released, chargebacks won and lost, files removed), and a payment that names an order
-- without being its payment is quarantined. New enum values cannot be used in the
-- transaction that adds them, and supabase db push runs each migration in one, so they
-- come first, on their own.

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter type public.order_action add value 'attach_checkout' after 'refund_in_full';
alter type public.order_action add value 'request_refund' after 'attach_checkout';
alter type public.order_action add value 'refund_partially' after 'request_refund';
alter type public.order_action add value 'refund_failed' after 'refund_partially';
alter type public.order_action add value 'resolve_dispute_refund' after 'refund_failed';
alter type public.order_action add value 'mark_late' after 'resolve_dispute_refund';
alter type public.order_action add value 'mark_very_late' after 'mark_late';
alter type public.order_action add value 'release_reviews' after 'mark_very_late';
alter type public.order_action add value 'chargeback_won' after 'release_reviews';
alter type public.order_action add value 'chargeback_lost' after 'chargeback_won';
alter type public.order_action add value 'remove_files' after 'chargeback_lost';
alter type public.whop_event_status add value 'quarantined' after 'failed';
