#!/usr/bin/env bash
# jiuye serve on the backend under test (issue 3; on PostgreSQL in the second run of make test):
# a server with a pool of 4 store handles answers /healthz and /api/summary with the database's
# counts, also under 40 concurrent requests; the data is read back the same as `jiuye` reports it.
source "$JY_SOURCE_DIR/tests/lib.sh"
command -v curl >/dev/null || { echo "curl not installed" >&2; exit 1; }

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
}
trap 'stop_server; rm -rf "$T"; [ "$JY_BACKEND" != postgresql ] || jy_drop_dbs' EXIT

expect_rc "demo data" 0 "$JIUYE" demo --persons 200 --orgs 15 --seed 5
"$JIUYE" serve --port 0 --threads 4 >"$T/out" 2>"$T/err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$T/out" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$PORT" ] || { fail "server did not start: $(cat "$T/err")"; finish; }
expect_contains "health" "ok" "$(curl --max-time 20 -fsS "http://127.0.0.1:$PORT/healthz")"
summary=$(curl --max-time 20 -fsS "http://127.0.0.1:$PORT/api/summary")
expect_contains "persons counted" '"persons":200' "$summary"
expect_contains "backend named" "$JY_BACKEND" "$summary$(cat "$T/out")"
pids=()
for i in $(seq 40); do curl --max-time 20 -fsS "http://127.0.0.1:$PORT/api/summary" >"$T/s$i" & pids+=($!); done
wait "${pids[@]}" # not a bare wait: the server is a background job too
for i in $(seq 40); do
  [ "$(cat "$T/s$i")" = "$summary" ] || { fail "concurrent request $i answered differently: $(cat "$T/s$i")"; break; }
done
stop_server
finish
