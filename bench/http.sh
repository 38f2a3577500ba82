#!/usr/bin/env bash
# bench/http.sh — the HTTP server under wrk on loopback (issue 11): requests/s, p50 and p99 for
# each target at 100 connections on 2 wrk threads. Today's target: GET /healthz (a public route
# that asks the store for its schema version: the server's own ceiling for one database round
# trip). The API routes (an authenticated read, a write) are added here when they exist.
#
#   bench/http.sh [BUILD_DIR] [SECONDS]     (default: build, 10 s; needs wrk: scripts/deps.sh)
#
# The server runs with the rate limits off (--rate 0 --user-rate 0: wrk is one address) and no
# access log; --threads defaults to 4 handler workers (JY_BENCH_THREADS).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-10}
threads=${JY_BENCH_THREADS:-4}
jiuye="$build/jiuye"
command -v wrk >/dev/null || { echo "bench/http.sh: wrk is not installed (scripts/deps.sh)" >&2; exit 1; }
[ -x "$jiuye" ] || { echo "bench/http.sh: $jiuye not built (make build)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; rm -rf "$tmp"; }
trap cleanup EXIT
db="$tmp/bench.db"
"$jiuye" --db "$db" demo --persons 2000 --orgs 50 --seed 1 --year-cases small >/dev/null 2>&1
# a reviewer with a password for the authenticated targets (the demo's actor "cli" is its admin)
printf 'Kounty-Review-Pw-2026\n' >"$tmp/pw"
"$jiuye" --db "$db" --as cli user add benchmark-reviewer --role county_reviewer --area 640522 --password-file "$tmp/pw" >/dev/null
"$jiuye" --db "$db" serve --port 0 --threads "$threads" --quiet --rate 0 --user-rate 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$tmp/out" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start: $(cat "$tmp/err")" >&2; exit 1; }

# log in (the first password must be changed), keep the cookie and the CSRF token
base="http://127.0.0.1:$port"
login() { curl -s -c "$tmp/jar" -H 'Content-Type: application/json' -H "Origin: $base" -d "$1" "$base/api/v1/session"; }
resp=$(login '{"name":"benchmark-reviewer","password":"Kounty-Review-Pw-2026"}')
csrf=$(printf '%s' "$resp" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
curl -s -b "$tmp/jar" -c "$tmp/jar" -H 'Content-Type: application/json' -H "Origin: $base" -H "X-CSRF-Token: $csrf" \
  -d '{"old_password":"Kounty-Review-Pw-2026","new_password":"Kounty-Review-Pw-2027"}' "$base/api/v1/session/password" >"$tmp/pwchange"
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$tmp/pwchange")
cookie=$(awk '$6 == "jiuye_session" {print $6 "=" $7}' "$tmp/jar")
[ -n "$cookie" ] && [ -n "$csrf" ] || { echo "bench/http.sh: login failed: $resp" >&2; exit 1; }
# a case with a timeline to read, and an organisation (a village) to file P25 claims for
case_id=$(curl -s -H "Cookie: $cookie" "$base/api/v1/cases?limit=1&state=closed" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
[ -n "$case_id" ] || case_id=$(curl -s -H "Cookie: $cookie" "$base/api/v1/cases?limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
org_id=$(curl -s -H "Cookie: $cookie" "$base/api/v1/orgs?kind=community&limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
cat >"$tmp/read.lua" <<LUA
wrk.headers["Cookie"] = "$cookie"
LUA
cat >"$tmp/write.lua" <<LUA
wrk.method = "POST"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["X-CSRF-Token"] = "$csrf"
wrk.headers["Origin"] = "$base"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"program":"P25","org_id":$org_id,"date":"2024-09-20","facts":{}}'
LUA

# run NAME PATH [SCRIPT]: one wrk run; prints "NAME  requests/s  p50  p99"
printf '%-28s %12s %10s %10s\n' "target" "requests/s" "p50" "p99"
run() {
  local name=$1 path=$2
  local script=()
  [ -z "${3:-}" ] || script=(-s "$3")
  wrk -t2 -c100 -d"${secs}s" --latency "${script[@]}" "http://127.0.0.1:$port$path" >"$tmp/wrk.txt" 2>&1
  local p50 p99 errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
  errs=$(grep -E 'Non-2xx|Socket errors' "$tmp/wrk.txt" || true)
  printf '%-32s %12s %10s %10s\n' "$name" "$rps" "$p50" "$p99"
  [ -z "$errs" ] || echo "  $errs"
}
# warm-up, then the measured run
wrk -t2 -c100 -d2s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 || true
run "GET /healthz" /healthz
ceiling=$rps
run "GET /api/v1/cases/{id} (auth)" "/api/v1/cases/$case_id" "$tmp/read.lua"
read_rps=$rps
run "POST /api/v1/cases (auth)" /api/v1/cases "$tmp/write.lua"
write_rps=$rps
awk -v c="$ceiling" -v r="$read_rps" -v w="$write_rps" 'BEGIN {
  printf "ratios to the ceiling: authenticated read %.2f (goal >= 0.50), write %.2f; write %.0f/s (goal >= 2000/s on SQLite)\n", r / c, w / c, w }'
# the login rate: argon2id (19 MiB, 2 passes) in the bounded hashing pool, on purpose slow
cat >"$tmp/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Origin"] = "$base"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"benchmark-reviewer","password":"Kounty-Review-Pw-2027"}'
LUA
secs_saved=$secs; secs=3
run "POST /api/v1/session (login)" /api/v1/session "$tmp/login.lua"
secs=$secs_saved
echo "(wrk -t2 -c100 -d${secs}s on 127.0.0.1; server: --threads $threads, $(nproc) cores, $("$jiuye" --version 2>/dev/null | head -1 || echo jiuye))"
