"""plpgsql_check reads every PL/pgSQL function the way the planner would: wrong columns,
type mismatches, unreachable code, unused variables. Bugs no test happens to reach."""

from __future__ import annotations

import psycopg

# Trigger functions are checked against each table they are attached to.
CHECK_ALL = """
with targets as (
    select p.oid as fn, coalesce(t.tgrelid, 0) as rel
    from pg_proc as p
    join pg_language as l on l.oid = p.prolang and l.lanname = 'plpgsql'
    left join pg_trigger as t on t.tgfoid = p.oid and not t.tgisinternal
    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
      and (p.prorettype <> 'trigger'::regtype or t.tgrelid is not null)
)
select distinct
    targets.fn::regprocedure::text,
    issue.level, issue.message, issue.lineno, issue.statement
from targets
cross join lateral extensions.plpgsql_check_function_tb(
    targets.fn, targets.rel, performance_warnings => false, extra_warnings => true
) as issue
-- RETURN QUERY EXECUTE fills OUT columns through dynamic SQL, which the checker cannot see.
where issue.message not like 'OUT variable "%" is maybe unmodified'
"""


def test_plpgsql_check_finds_nothing(admin_url: str) -> None:
    with psycopg.connect(admin_url) as conn:
        issues = conn.execute(CHECK_ALL).fetchall()
    assert not issues, "\n".join(str(issue) for issue in issues)
