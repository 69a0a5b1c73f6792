"""Generate (or check) types/database.ts and docs/api.md from the migrations.

    python -m apiref.generate [types] [docs] [--check]

The database is built on a throwaway cluster exactly as a project gets it (`supabase db
push` of every migration, no seed). Types: `@supabase/postgres-meta`, pinned in
package.json, run offline as `supabase gen types typescript` runs it, for the `public`
schema. Reference: every function and view in `public` that anon or authenticated may
use, with its arguments, result columns, who may call it and its errors, read from its
comment. A function's comment is a description, then `@who <callers>` and one
`@error <SQLSTATE> <meaning>` line per error; a line starting with two spaces continues
the line above. Columns of views carry their own comments.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from devstack import dbbuild
from devstack.localpg import LocalCluster

REPO = dbbuild.REPO
TYPES_FILE = REPO / "types" / "database.ts"
DOCS_FILE = REPO / "docs" / "api.md"
POSTGRES_META = (
    REPO / "node_modules" / "@supabase" / "postgres-meta" / "dist" / "server" / "server.js"
)
API_ROLES = ("anon", "authenticated")


class GenerationError(RuntimeError):
    """A generator failed; the message says which and why."""


def typescript_types(database_url: str) -> str:
    """The `Database` type of the public schema, as `supabase gen types typescript`."""
    if not POSTGRES_META.exists():
        raise GenerationError(f"{POSTGRES_META.relative_to(REPO)} is missing: run `make node-deps`")
    result = subprocess.run(
        ["node", str(POSTGRES_META)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={
            **os.environ,
            "PG_META_DB_URL": database_url,
            "PG_META_GENERATE_TYPES": "typescript",
            "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": "public",
        },
    )
    if result.returncode != 0 or "export type Database" not in result.stdout:
        raise GenerationError(
            f"postgres-meta failed ({result.returncode}):\n{result.stderr[-2000:]}"
        )
    return result.stdout


@dataclass
class Comment:
    """A function's comment, read as description, callers and errors."""

    description: str = ""
    who: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)


def parse_comment(text: str | None) -> Comment:
    comment = Comment()
    lines: list[str] = []
    for raw in (text or "").splitlines():
        if raw.startswith("  ") and lines:
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.strip())
    description: list[str] = []
    for line in lines:
        if line.startswith("@who "):
            comment.who = line.removeprefix("@who ").strip()
        elif line.startswith("@error "):
            code, _, meaning = line.removeprefix("@error ").strip().partition(" ")
            comment.errors.append((code, meaning.strip()))
        elif line:
            description.append(line)
    comment.description = " ".join(description)
    return comment


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


FUNCTIONS = """
select p.proname, p.oid::regprocedure::text, pg_get_function_arguments(p.oid),
    pg_get_function_result(p.oid), obj_description(p.oid, 'pg_proc'),
    has_function_privilege('anon', p.oid, 'execute'),
    has_function_privilege('authenticated', p.oid, 'execute')
from pg_proc as p
where p.pronamespace = 'public'::regnamespace
  and not exists (select 1 from pg_depend as d where d.objid = p.oid and d.deptype = 'e')
  and (has_function_privilege('anon', p.oid, 'execute')
       or has_function_privilege('authenticated', p.oid, 'execute'))
order by p.proname, 2
"""

RELATIONS = """
select c.relname, c.relkind::text, obj_description(c.oid, 'pg_class'),
    has_table_privilege('anon', c.oid, 'select'),
    has_table_privilege('authenticated', c.oid, 'select'),
    has_table_privilege('authenticated', c.oid, 'insert')
        or has_any_column_privilege('authenticated', c.oid, 'insert'),
    has_table_privilege('authenticated', c.oid, 'update')
        or has_any_column_privilege('authenticated', c.oid, 'update'),
    has_table_privilege('authenticated', c.oid, 'delete')
from pg_class as c
where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v')
  and (has_table_privilege('anon', c.oid, 'select')
       or has_table_privilege('authenticated', c.oid, 'select'))
order by c.relkind desc, c.relname
"""

VIEW_COLUMNS = """
select a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
from pg_attribute as a
where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped
order by a.attnum
"""


def api_reference(database_url: str) -> str:
    """docs/api.md: the RPCs and views frontends may use, from the database's comments."""
    with psycopg.connect(database_url) as conn:
        functions = conn.execute(FUNCTIONS).fetchall()
        relations = conn.execute(RELATIONS).fetchall()
        view_columns = {
            name: conn.execute(VIEW_COLUMNS, (f"public.{name}",)).fetchall()
            for name, kind, *_ in relations
            if kind == "v"
        }
    out = [
        "# GigFlow API reference",
        "",
        "Generated by `make docs` (`python -m apiref.generate docs`) from the comments in the",
        "database the migrations build; do not edit by hand. Every RPC and view below is called",
        "through supabase-js under RLS: `supabase.rpc(name, args)`, `supabase.from(view)`. Types",
        "for both are in `types/database.ts` (`make types`).",
        "",
        "Errors reach supabase-js as `error.code` (the SQLSTATE) and `error.message`; PostgREST",
        "answers 42501 with 401 or 403, 23505 with 409, and the others here with 400.",
        "",
        "## RPCs",
        "",
    ]
    for name, signature, arguments, result, comment_text, anon, authenticated in functions:
        comment = parse_comment(comment_text)
        callers = ", ".join(
            role for role, allowed in zip(API_ROLES, (anon, authenticated), strict=True) if allowed
        )
        out += [f"### `{name}`", ""]
        out += [comment.description or "_Not documented yet._", ""]
        out += [f"- Signature: `{signature}`"]
        out += [f"- Arguments: `{arguments}`" if arguments else "- Arguments: none"]
        out += [f"- Returns: `{result}`"]
        out += [f"- Who: {comment.who or 'see the description'} (EXECUTE granted to {callers})"]
        if comment.errors:
            out += ["", "| SQLSTATE | when |", "|---|---|"]
            out += [f"| `{code}` | {cell(meaning)} |" for code, meaning in comment.errors]
        out += [""]
    out += ["## Views", ""]
    for name, kind, comment_text, anon, authenticated, *_ in relations:
        if kind != "v":
            continue
        readers = ", ".join(
            role for role, allowed in zip(API_ROLES, (anon, authenticated), strict=True) if allowed
        )
        out += [
            f"### `{name}`",
            "",
            comment_text or "_Not documented yet._",
            "",
            f"Readable by: {readers}.",
            "",
        ]
        out += ["| column | type | meaning |", "|---|---|---|"]
        out += [
            f"| `{column}` | `{kind_}` | {cell(meaning or '')} |"
            for column, kind_, meaning in view_columns[name]
        ]
        out += [""]
    out += [
        "## Tables",
        "",
        "Read and written with `supabase.from(table)` under RLS (policies/ says which rows; column",
        "privileges which columns). What a signed-in user may do is per row; anon only reads.",
        "",
        "| table | anon reads | signed-in users | what it is |",
        "|---|---|---|---|",
    ]
    for (
        name,
        kind,
        comment_text,
        anon,
        authenticated,
        can_insert,
        can_update,
        can_delete,
    ) in relations:
        if kind != "r":
            continue
        verbs = [
            verb
            for verb, allowed in (
                ("read", authenticated),
                ("insert", can_insert),
                ("update", can_update),
                ("delete", can_delete),
            )
            if allowed
        ]
        anon_reads = "yes" if anon else "no"
        allowed_verbs = ", ".join(verbs) or "nothing"
        out.append(f"| `{name}` | {anon_reads} | {allowed_verbs} | {cell(comment_text or '')} |")
    return "\n".join(out) + "\n"


def migrated_database(scratch: Path) -> tuple[LocalCluster, str]:
    """A throwaway cluster with a database built from the migrations only."""
    cluster = LocalCluster(scratch / "data")
    cluster.start()
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute("create database api")
    dbbuild.reset(cluster.url("postgres", "api"), cluster.url(cluster.superuser, "api"), seed=False)
    return cluster, cluster.url("postgres", "api")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apiref.generate", description=__doc__)
    parser.add_argument("what", nargs="*", choices=["types", "docs"], default=["types", "docs"])
    parser.add_argument("--check", action="store_true", help="fail when a committed file differs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gigflow-apiref-") as scratch:
        cluster, url = migrated_database(Path(scratch))
        try:
            generated = {}
            if "types" in args.what:
                generated[TYPES_FILE] = typescript_types(url)
            if "docs" in args.what:
                generated[DOCS_FILE] = api_reference(url)
        finally:
            cluster.destroy()
    stale = []
    for path, text in generated.items():
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(REPO)))
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(REPO)}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run `make types docs`)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
