"""GigFlow worker: the small Python side of a marketplace that lives in Supabase."""
