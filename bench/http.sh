#!/usr/bin/env bash
# bench/http.sh — the HTTP server under wrk on loopback (issue 11), one server, one run:
#   - the ceiling: GET /assets/bench-ceiling.js, a 2 KB static file served from the pages' folder
#     (`serve --web`: long-lived caching, no store handle) — the issue's "static file";
#   - GET /healthz beside it, a public route that takes a store handle and reads the schema version;
#   - an authenticated read: GET /api/v1/cases/{id}, a closed training class with its timeline
#     and its 39-trainee roster summary (session checked against the store on every request);
#   - an authenticated write: POST /api/v1/cases, a P25 claim filed (CSRF token, Origin);
#   - the login rate: POST /api/v1/session, argon2id (19 MiB, 2 passes) in the hashing pool,
#     one client per pool slot, then a flood of 100 clients (most answered busy at once).
# For each: requests/s, p50, p99, and the server's own CPU time per request (user + system
# from /proc, so a figure that a loaded machine changes much less than requests/s), then the
# ratios to the ceiling and the goals (reads >= 50 % of the ceiling with p99 < 10 ms at 100
# connections; writes >= 2,000/s on SQLite).
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
# the static file of the ceiling, in a pages folder of its own (a built web/dist is not needed)
mkdir -p "$tmp/web/assets"
printf '<!doctype html><title>bench</title>\n' >"$tmp/web/index.html"
head -c 2048 /dev/zero | tr '\0' 'x' | sed 's/^/\/\/ /' >"$tmp/web/assets/bench-ceiling.js"
"$jiuye" --db "$db" serve --port 0 --threads "$threads" --quiet --rate 0 --user-rate 0 --web "$tmp/web" >"$tmp/out" 2>"$tmp/err" &
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

# run NAME PATH [SCRIPT [CONNECTIONS]]: one wrk run; prints "NAME requests/s p50 p99 cpu/req"
tck=$(getconf CLK_TCK)
server_cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-32s %12s %10s %10s %14s\n' "target" "requests/s" "p50" "p99" "server CPU/req"
run() {
  local name=$1 path=$2 conns=${4:-100}
  local script=()
  [ -z "${3:-}" ] || script=(-s "$3")
  local c0 c1 n
  c0=$(server_cpu)
  wrk -t2 -c"$conns" -d"${secs}s" --latency "${script[@]}" "http://127.0.0.1:$port$path" >"$tmp/wrk.txt" 2>&1
  c1=$(server_cpu)
  local p50 errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
  n=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
  cpu_us=$(( n > 0 ? (c1 - c0) * 1000000 / tck / n : 0 ))
  errs=$(grep -E 'Non-2xx|Socket errors' "$tmp/wrk.txt" || true)
  printf '%-32s %12s %10s %10s %11s us\n' "$name" "$rps" "$p50" "$p99" "$cpu_us"
  [ -z "$errs" ] || echo "  $errs"
}
# warm-up, then the measured run
wrk -t2 -c100 -d2s "http://127.0.0.1:$port/assets/bench-ceiling.js" >/dev/null 2>&1 || true
run "GET /assets/… (static, ceiling)" /assets/bench-ceiling.js
ceiling=$rps ceiling_cpu=$cpu_us
run "GET /healthz" /healthz
run "GET /api/v1/cases/{id} (auth)" "/api/v1/cases/$case_id" "$tmp/read.lua"
read_rps=$rps read_p99=$p99 read_cpu=$cpu_us
run "POST /api/v1/cases (auth)" /api/v1/cases "$tmp/write.lua"
write_rps=$rps write_cpu=$cpu_us
awk -v c="$ceiling" -v r="$read_rps" -v w="$write_rps" -v rp="$read_p99" -v cc="$ceiling_cpu" -v rc="$read_cpu" -v wc="$write_cpu" 'BEGIN {
  printf "ratios to the ceiling: authenticated read %.2f (goal >= 0.50, p99 %s, goal < 10ms), write %.2f\n", r / c, rp, w / c
  printf "write rate %.0f/s (goal >= 2000/s on SQLite)\n", w
  printf "server CPU per request: ceiling %d us, read %d us (%.1fx), write %d us (%.1fx)\n", cc, rc, rc / (cc > 0 ? cc : 1), wc, wc / (cc > 0 ? cc : 1) }'
# the login rate: argon2id (19 MiB, 2 passes) in the bounded hashing pool, on purpose slow
cat >"$tmp/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Origin"] = "$base"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"benchmark-reviewer","password":"Kounty-Review-Pw-2027"}'
LUA
# the hashing pool has one slot per online core and a queue of twice that (src/service/auth.h):
# one client per slot measures what the pool allows; 100 clients show the flood being refused
secs_saved=$secs; secs=5
slots=$(nproc)
run "POST /api/v1/session (login, ${slots} clients)" /api/v1/session "$tmp/login.lua" "$slots"
login_rps=$rps
run "POST /api/v1/session (login, 100 clients)" /api/v1/session "$tmp/login.lua" 100
flood_busy=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt")
flood_all=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
secs=$secs_saved
echo "logins: ${login_rps}/s with ${slots} hashing slots (argon2id 19 MiB x 2 passes each); under the flood" \
  "$(( (flood_all - ${flood_busy:-0}) / 5 ))/s logged in and ${flood_busy:-0} answered 429 busy at once" \
  "(logins run on ${slots} slow-lane workers, ${slots} more wait, the rest are refused; other requests keep their workers)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(wrk -t2 -c100 -d${secs}s on 127.0.0.1; server: --threads $threads, $(nproc) cores, $("$jiuye" --version 2>/dev/null | head -1 || echo jiuye))"
