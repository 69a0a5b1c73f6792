#!/usr/bin/env bash
# Installs the Debian packages the test suite and the bench need, only when they are
# missing: pgTAP (SQL tests), plpgsql_check (static checks of every PL/pgSQL function),
# PgBouncer (the worker is tested through a pooler in transaction mode, as Supabase's) and
# RUM (search's text index). Then lets the `postgres` role create RUM, as a hosted
# Supabase project does (there supautils creates it for postgres as a privileged
# extension; here PostgreSQL's own trusted-extension rule does the same).
set -euo pipefail

PG_SHARE=${PG_SHARE:-/usr/share/postgresql/15/extension}
needed=()
[ -f "$PG_SHARE/pgtap.control" ] || needed+=(postgresql-15-pgtap)
[ -f "$PG_SHARE/plpgsql_check.control" ] || needed+=(postgresql-15-plpgsql-check)
[ -x "${PGBOUNCER:-/usr/sbin/pgbouncer}" ] || needed+=(pgbouncer)
[ -f "$PG_SHARE/rum.control" ] || needed+=(postgresql-15-rum)

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
if [ ${#needed[@]} -gt 0 ]; then
    echo "installing ${needed[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${needed[@]}" >/dev/null
fi
if ! grep -q '^trusted *= *true' "$PG_SHARE/rum.control"; then
    echo "trusted = true" | "${sudo[@]}" tee -a "$PG_SHARE/rum.control" >/dev/null
fi
