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
"$jiuye" --db "$db" demo --persons 2000 --orgs 50 --seed 1 --year-cases none >/dev/null 2>&1
"$jiuye" --db "$db" serve --port 0 --threads "$threads" --quiet --rate 0 --user-rate 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$tmp/out" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start: $(cat "$tmp/err")" >&2; exit 1; }

# run NAME PATH: one wrk run; prints "NAME  requests/s  p50  p99"
printf '%-28s %12s %10s %10s\n' "target" "requests/s" "p50" "p99"
run() {
  local name=$1 path=$2
  wrk -t2 -c100 -d"${secs}s" --latency "http://127.0.0.1:$port$path" >"$tmp/wrk.txt" 2>&1
  local rps p50 p99 errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
  errs=$(grep -E 'Non-2xx|Socket errors' "$tmp/wrk.txt" || true)
  printf '%-28s %12s %10s %10s\n' "$name" "$rps" "$p50" "$p99"
  [ -z "$errs" ] || echo "  $errs"
}
# warm-up, then the measured run
wrk -t2 -c100 -d2s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 || true
run "GET /healthz" /healthz
echo "(wrk -t2 -c100 -d${secs}s on 127.0.0.1; server: --threads $threads, $(nproc) cores, $("$jiuye" --version 2>/dev/null | head -1 || echo jiuye))"
