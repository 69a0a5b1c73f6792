#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when they are missing:
# pgTAP (SQL tests), plpgsql_check (static checks of every PL/pgSQL function) and
# PgBouncer (the worker is tested through a pooler in transaction mode, as Supabase's).
set -euo pipefail

PG_SHARE=${PG_SHARE:-/usr/share/postgresql/15/extension}
needed=()
[ -f "$PG_SHARE/pgtap.control" ] || needed+=(postgresql-15-pgtap)
[ -f "$PG_SHARE/plpgsql_check.control" ] || needed+=(postgresql-15-plpgsql-check)
[ -x "${PGBOUNCER:-/usr/sbin/pgbouncer}" ] || needed+=(pgbouncer)
[ ${#needed[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "installing ${needed[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${needed[@]}" >/dev/null
