#!/usr/bin/env bash
# Opening a database never waits for another process's write transaction (an import's batch, a
# payment run): the schema check at open only reads when the schema is current. Another session
# holds the write lock — on SQLite a BEGIN IMMEDIATE in the sqlite3 shell, on PostgreSQL the
# writer lock every jiuye write transaction takes — for up to a minute; read commands must
# answer while it still holds it (before, each waited for it, then failed after the 10 s busy
# timeout or ran only once the lock was gone). A write still waits its turn and then succeeds.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-06-01
HOLD=60

$J person add --idcard 640522199003071230 --name 测试 --hukou-division 640522105 >/dev/null || fail "person add"

if [ "$JY_BACKEND" = postgresql ]; then
  # the lock store_pg.c's transactions take (PG_WRITER_LOCK)
  psql "$JIUYE_DB" -qAt -c "SELECT pg_backend_pid()" -c "BEGIN" -c "SELECT pg_advisory_xact_lock(1785296249)" \
    -c "SELECT pg_sleep($HOLD)" >"$T/holder.pid" 2>/dev/null &
  holder=$!
  held() {
    [ -s "$T/holder.pid" ] && [ "$(psql "$JIUYE_DB" -qAt -c "SELECT count(*) FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND pid = $(head -1 "$T/holder.pid")")" != 0 ]
  }
else
  command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed (apt-get install sqlite3)" >&2; exit 1; }
  sqlite3 "$JIUYE_DB" "BEGIN IMMEDIATE" "INSERT INTO schema_migrations VALUES (999, 'held', 'now')" \
    ".shell sleep $HOLD" "ROLLBACK" >/dev/null 2>&1 &
  holder=$!
  held() { ! sqlite3 "$JIUYE_DB" ".timeout 0" "BEGIN IMMEDIATE" "ROLLBACK" >/dev/null 2>&1; }
fi
for _ in $(seq 100); do held && break; sleep 0.1; done
held || fail "the other session never took the write lock"

expect_contains "person list while another session writes" '"idcard":"640522********1230"' "$($J person list 2>&1)"
expect_contains "audit verify while another session writes" '"ok":true' "$($J audit verify 2>&1)"
kill -0 "$holder" 2>/dev/null || fail "the reads finished only after the other session let go of the lock"

# a write waits for the lock (busy timeout) and goes through once it is free
$J person add --idcard 640522199202290022 --name 测试乙 --hukou-division 640522105 >"$T/add.out" 2>"$T/add.err" &
writer=$!
sleep 1
kill -0 "$writer" 2>/dev/null || fail "the write did not wait for the lock: $(cat "$T/add.out" "$T/add.err")"
kill "$holder" 2>/dev/null
# a killed psql leaves its server session sleeping with the lock: end that session
[ "$JY_BACKEND" = postgresql ] &&
  psql "$JIUYE_DB" -qAt -c "SELECT pg_terminate_backend($(head -1 "$T/holder.pid"))" >/dev/null 2>&1
wait "$holder" 2>/dev/null
wait "$writer" || fail "the waiting write failed: $(cat "$T/add.err")"
expect_contains "the waiting write landed" '"idcard":"640522********0022"' "$($J person list 2>&1)"
finish
