"""Supabase's security and performance advisor (splinter) finds nothing in our schema.

Each rule is restated here from its documentation and checked on its own, because the
splinter bundled with the pinned Supabase CLI predates lints 0025, 0028 and 0029:
- 0028/0029: no security definer function that anon or authenticated may execute;
- 0006: one permissive policy per table, role and command;
- 0025: no public bucket with a broad SELECT policy on storage.objects (it lets anyone
  list the bucket; public files are served by URL without one).
Then the CLI's own `db advisors` must report no WARN or ERROR at all."""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from devstack import supabase_cli

PUBLIC_BUCKETS = ["gig-media", "avatars"]


def test_no_definer_function_is_executable_by_the_api_roles(
    conn: psycopg.Connection,
) -> None:
    rows = conn.execute(
        """
        select p.pronamespace::regnamespace::text || '.' || p.proname, r.rolname
        from pg_proc as p
        cross join (values ('anon'), ('authenticated')) as r (rolname)
        where p.prosecdef
          and p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and has_function_privilege(r.rolname, p.oid, 'execute')
        """
    ).fetchall()
    assert rows == []


def test_every_table_has_one_permissive_policy_per_role_and_command(
    conn: psycopg.Connection,
) -> None:
    rows = conn.execute(
        """
        select c.oid::regclass::text, r.rolname, command, count(*)
        from pg_policy as p
        join pg_class as c on c.oid = p.polrelid
        cross join lateral unnest(
            case p.polcmd when '*' then array['r', 'a', 'w', 'd'] else array[p.polcmd::text] end
        ) as command
        join pg_roles as r on r.oid = any(p.polroles) or p.polroles = '{0}'
        where p.polpermissive and r.rolname in ('anon', 'authenticated')
          -- As the lint: our schemas, not the platform's (Storage's policies are per bucket).
          and c.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
        group by 1, 2, 3
        having count(*) > 1
        """
    ).fetchall()
    assert rows == []


def test_no_public_bucket_can_be_listed_through_a_broad_select_policy(
    conn: psycopg.Connection,
) -> None:
    public = {row[0] for row in conn.execute("select id from storage.buckets where public")}
    assert public == set(PUBLIC_BUCKETS)
    policies = conn.execute(
        """
        select policyname, coalesce(qual, '')
        from pg_policies
        where schemaname = 'storage' and tablename = 'objects' and permissive = 'PERMISSIVE'
          and cmd in ('SELECT', 'ALL')
          and roles && array['public', 'anon', 'authenticated']::name[]
        """
    ).fetchall()
    broad = []
    for name, qual in policies:
        condition = re.sub(r"\s+", "", qual.lower()).strip("()")
        for bucket in PUBLIC_BUCKETS:
            only_the_bucket = re.fullmatch(
                r"\(*bucket_id=\(?'" + re.escape(bucket) + r"'(::text)?\)?\)*", condition
            )
            if condition in ("", "true", "1=1") or only_the_bucket:
                broad.append((bucket, name))
    assert broad == []


@pytest.mark.parametrize("advisor_type", ["security", "performance"])
def test_the_supabase_advisor_reports_no_warning(db_url: str, advisor_type: str) -> None:
    result = supabase_cli.run(
        "db",
        "advisors",
        "--db-url",
        supabase_cli.cli_url(db_url),
        "--type",
        advisor_type,
        "--level",
        "warn",
        "--output-format",
        "json",
    )
    found = json.loads(result.stdout or "{}").get("results", [])
    warnings = [issue for issue in found if issue["level"] in ("WARN", "ERROR")]
    assert warnings == [], json.dumps(warnings, indent=2)
