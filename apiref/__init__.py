"""What frontends build against, generated from the database the migrations build: the
TypeScript types (Supabase's own generator, postgres-meta) and the API reference
(docs/api.md, from COMMENT ON FUNCTION / VIEW / COLUMN). `make types docs` regenerates
both; tests fail when either differs from what is committed."""
