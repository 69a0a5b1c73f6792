-- Platform settings: one row, changed only by service-role functions
-- (set_platform_fee_bps, set_clearance_period, set_chargeback_fee_policy,
-- set_max_unpaid_orders, set_max_checkouts_per_hour). Orders copy the
-- fee at purchase time, so a change never reprices an existing order. How long timers
-- wait is on their edges (private.order_transitions).

create table private.platform_settings (
    singleton boolean primary key default true check (singleton),
    fee_bps integer not null default 1000 check (fee_bps between 0 and 5000),
    checkout_expires_after interval not null default interval '1 hour',
    clearance_period interval not null default interval '14 days',
    -- Who bears the platform's fee when a chargeback is lost: the platform gives its fee
    -- back ('platform'), or the seller owes it on top of their own share ('seller').
    chargeback_fee_borne_by text not null default 'platform'
    check (chargeback_fee_borne_by in ('platform', 'seller')),
    -- Unpaid orders one buyer may have open at once: each holds a Whop checkout.
    max_unpaid_orders integer not null default 3 check (max_unpaid_orders between 1 and 50),
    -- Checkouts one buyer may open in an hour (each is a call to Whop's API, whose rate
    -- limit is the platform's, shared by every buyer).
    max_checkouts_per_hour integer not null default 20 check (max_checkouts_per_hour between 1 and 1000)
);
revoke all on private.platform_settings from public, anon, authenticated;
-- Not secret, and what a quote and a balance show: read by those invoker functions.
grant select (fee_bps, clearance_period) on private.platform_settings to anon, authenticated, service_role;

-- The row must exist; its values are the operator's once set, so an existing row stays.
insert into private.platform_settings default values
on conflict (singleton) do nothing;
