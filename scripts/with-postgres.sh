#!/usr/bin/env bash
# Runs a command against a private, throwaway PostgreSQL cluster on 127.0.0.1, then stops and removes it.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]   (DATABASE_URL is set for the command)
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found; run scripts/system-deps.sh" >&2
  exit 1
fi
port=${CSAS_TEST_PG_PORT:-55432}
dir=$(mktemp -d /tmp/csas-pg.XXXXXX)
chmod 755 "$dir"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir"
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}
cleanup() {
  as_pg "'$pg_bin/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "'$pg_bin/initdb' -D '$dir/data' -U postgres -A trust --no-sync" >/dev/null
as_pg "'$pg_bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off\" start" >/dev/null
psql="psql -h 127.0.0.1 -p $port -U postgres -v ON_ERROR_STOP=1 -q"
$psql -c "CREATE ROLE csas LOGIN PASSWORD 'csas'" postgres
$psql -c "CREATE DATABASE csas OWNER csas" postgres
export DATABASE_URL="postgresql://csas:csas@127.0.0.1:$port/csas"
# For fault tests that stop and start this cluster (tests/faults): its data dir, pg_ctl, and start options.
export CSAS_TEST_PG_DATA="$dir/data" CSAS_TEST_PG_CTL="$pg_bin/pg_ctl" CSAS_TEST_PG_LOG="$dir/log"
export CSAS_TEST_PG_OPTIONS="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off"
echo "PostgreSQL ready at 127.0.0.1:$port"
"$@"
