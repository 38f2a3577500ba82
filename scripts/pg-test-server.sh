#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests on a loopback port and prints the URL.
#   scripts/pg-test-server.sh start   → prints postgresql://jiuye@127.0.0.1:PORT/jiuye
#   scripts/pg-test-server.sh stop
# Data lives in $JY_PG_DIR (default /tmp/jiuye-pg); the server runs as the postgres user when
# started by root. Trust authentication on 127.0.0.1 only — a test server, never a deployment.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
DIR=${JY_PG_DIR:-/tmp/jiuye-pg}
PORT=${JY_PG_PORT:-55432}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
start)
  if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$DIR"
    as_pg "$PGBIN/initdb" -D "$DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
      -o "-h 127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  fi
  psql="$PGBIN/psql -h 127.0.0.1 -p $PORT -U postgres -d postgres -qAt"
  $psql -c "SELECT 1 FROM pg_roles WHERE rolname='jiuye'" | grep -q 1 || $psql -c "CREATE ROLE jiuye LOGIN SUPERUSER"
  $psql -c "SELECT 1 FROM pg_database WHERE datname='jiuye'" | grep -q 1 || $psql -c "CREATE DATABASE jiuye OWNER jiuye"
  echo "postgresql://jiuye@127.0.0.1:$PORT/jiuye"
  ;;
stop)
  as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
