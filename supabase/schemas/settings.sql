-- Platform settings: one row, changed only by service-role functions
-- (set_platform_fee_bps, set_clearance_period). Orders copy the fee at purchase time, so
-- a change never reprices an existing order.

create table private.platform_settings (
    singleton boolean primary key default true check (singleton),
    fee_bps integer not null default 1000 check (fee_bps between 0 and 5000),
    checkout_expires_after interval not null default interval '1 hour',
    auto_complete_after interval not null default interval '3 days',
    cancellation_request_expires_after interval not null default interval '48 hours',
    very_late_after interval not null default interval '24 hours',
    reviews_released_after interval not null default interval '10 days',
    clearance_period interval not null default interval '14 days'
);
revoke all on private.platform_settings from public, anon, authenticated;

-- The row must exist; its values are the operator's once set, so an existing row stays.
insert into private.platform_settings default values
on conflict (singleton) do nothing;
