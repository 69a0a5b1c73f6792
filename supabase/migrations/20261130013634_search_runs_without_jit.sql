-- search_gigs runs with JIT off. RUM's cost estimates put search's plans and estimates
-- past jit_above_cost, yet they run in milliseconds: at 1M gigs compiling cost 0.2-0.3
-- ms a search (paired A/B: the two-word searches summed 168.8 -> 155.8 ms, one-word
-- 174.4 -> 165.2), and the first search of every connection loaded LLVM (about 35 ms).

set local lock_timeout = '5s';
set local statement_timeout = '5min';

alter function public.search_gigs(
    text, text, integer, integer, integer, numeric, uuid, public.gig_sort, text, integer
) set jit = off;
