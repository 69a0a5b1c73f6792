"""The local platform for development, the demo and the tests: an embedded PostgreSQL 15
cluster shaped like a hosted Supabase project, PgBouncer in front of it, the database
build through the real Supabase CLI, schema-as-code tooling, local sign-up and tokens,
and the offline stack that wires the worker to the Whop emulator. Production never
imports it."""
