-- The private schema: policy helpers, trigger functions, settings and secrets. The API
-- exposes only public (config.toml, [api] schemas), so nothing here is reachable over
-- REST; the API roles hold USAGE only so that policies may call the helpers.
--
-- Grants everywhere: Supabase projects differ (older ones give the API roles ALL on
-- every new object in public, newer ones nothing), so every object starts from a revoke
-- and gets exactly the privileges each role needs.

create schema private;
comment on schema private is
'GigFlow internals: policy helpers, trigger functions. Not exposed by the API.';
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;
