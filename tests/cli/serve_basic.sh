#!/usr/bin/env bash
# jiuye serve: health check, the Chinese start page with live counts, the JSON summary, JSON
# errors (404, 405), HTML escaping of data, a taken port, and a clean stop on SIGTERM/SIGINT.
# The server runs on a free loopback port (--port 0, the port is read from its first line) and
# is always stopped, even when a check fails.
source "$JY_SOURCE_DIR/tests/lib.sh"

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=""
}
trap 'stop_server; rm -rf "$T"' EXIT

# start_server OUT ERR ARGS...: starts jiuye serve, waits for its listening line, sets PORT.
start_server() {
  local out=$1 err=$2; shift 2
  "$JIUYE" "$@" serve --port 0 --threads 2 >"$out" 2>"$err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$out" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "server did not start: $(cat "$err")"
  finish
}

expect_rc "demo data" 0 "$JIUYE" demo --persons 300 --orgs 25 --seed 11
persons=$(sqlite3 "$JIUYE_DB" "select count(*) from persons")
orgs=$(sqlite3 "$JIUYE_DB" "select count(*) from orgs")
expect_out "demo made 300 persons" "300" 0 echo "$persons"

start_server "$T/serve.out" "$T/serve.err"
expect_contains "listening line" "\"listening\":\"http://127.0.0.1:$PORT/\"" "$(cat "$T/serve.out")"
base="http://127.0.0.1:$PORT"

# /healthz
got=$(curl --max-time 20 -sS -D "$T/h.hdr" "$base/healthz")
version=$(sqlite3 "$JIUYE_DB" "select max(version) from schema_migrations" 2>/dev/null || echo 1)
expect_out "healthz body" "{\"status\":\"ok\",\"db\":\"sqlite\",\"schema_version\":$version}" 0 echo "$got"
expect_contains "healthz is JSON" "application/json" "$(tr -d '\r' <"$T/h.hdr")"

# the start page
page=$(curl --max-time 20 -sS -D "$T/p.hdr" "$base/")
expect_contains "start page status" "HTTP/1.1 200" "$(cat "$T/p.hdr")"
expect_contains "start page is UTF-8 HTML" "text/html; charset=utf-8" "$(tr -d '\r' <"$T/p.hdr")"
expect_contains "title" "<title>海原县公共就业服务 · jiuye</title>" "$page"
expect_contains "persons count" "<div class=\"card\" id=\"count-persons\"><div class=\"n\">$persons</div>" "$page"
expect_contains "orgs count" "<div class=\"card\" id=\"count-orgs\"><div class=\"n\">$orgs</div>" "$page"
audit=$(sqlite3 "$JIUYE_DB" "select count(*) from audit_log")
expect_contains "audit count" "<div class=\"card\" id=\"count-audit\"><div class=\"n\">$audit</div>" "$page"
haicheng=$(sqlite3 "$JIUYE_DB" "select count(*) from persons where substr(hukou_division,1,9)='640522100'")
expect_contains "persons of 海城镇" "<tr><th scope=\"row\">海城镇</th><td class=\"n\">$haicheng</td></tr>" "$page"
poor=$(sqlite3 "$JIUYE_DB" "select count(distinct person_id) from person_statuses where kind='poverty_alleviated' or kind='2'")
expect_contains "脱贫人口 count" "<tr><th scope=\"row\">脱贫人口</th><td class=\"n\">$poor</td></tr>" "$page"
training=$(sqlite3 "$JIUYE_DB" "select count(*) from orgs where kinds & 1")
expect_contains "training bodies" "<tr><th scope=\"row\">培训机构</th><td class=\"n\">$training</td></tr>" "$page"

# /api/summary agrees with the database
summary=$(curl --max-time 20 -sS "$base/api/summary")
expect_contains "summary persons" "\"persons\":$persons," "$summary"
expect_contains "summary orgs" "\"orgs\":$orgs," "$summary"
expect_contains "summary 海城镇" "{\"code\":\"640522100\",\"name\":\"海城镇\",\"persons\":$haicheng}" "$summary"

# errors are JSON
code=$(curl --max-time 20 -sS -o "$T/404.json" -w '%{http_code} %{content_type}' "$base/no/such/page")
expect_out "404 status" "404 application/json; charset=utf-8" 0 echo "$code"
expect_contains "404 body" '"code":"not_found"' "$(cat "$T/404.json")"
code=$(curl --max-time 20 -sS -o "$T/405.json" -D "$T/405.hdr" -w '%{http_code}' -X POST --data 'x=1' "$base/healthz")
expect_out "405 status" "405" 0 echo "$code"
expect_contains "405 Allow" "Allow: GET" "$(tr -d '\r' <"$T/405.hdr")"
code=$(curl --max-time 20 -sS -o /dev/null -w '%{http_code}' -I "$base/")
expect_out "HEAD /" "200" 0 echo "$code"

# a second server on the same port is refused with a message naming the port
expect_rc "port taken" 1 "$JIUYE" serve --port "$PORT" --quiet
expect_contains "port taken message" "cannot listen on 127.0.0.1 port $PORT" "$(cat "$T/stderr")"

# concurrent requests on the thread pool
for i in $(seq 8); do curl --max-time 20 -sS -o "$T/c$i" "$base/api/summary" & done
wait $(jobs -p | grep -v "^$SERVER_PID\$") 2>/dev/null
for i in $(seq 8); do expect_contains "concurrent $i" "\"persons\":$persons," "$(cat "$T/c$i")"; done

# counts are read live: another process writes while the server runs (WAL)
expect_rc "write while serving" 0 "$JIUYE" demo --persons 20 --orgs 2 --seed 99 --force
more=$(sqlite3 "$JIUYE_DB" "select count(*) from persons")
[ "$more" -gt "$persons" ] || fail "demo --force with another seed added no persons"
expect_contains "live count" "<div class=\"card\" id=\"count-persons\"><div class=\"n\">$more</div>" "$(curl --max-time 20 -sS "$base/")"

# clean stop on SIGTERM: exit 0 and a message
kill -TERM "$SERVER_PID"
rc=0; wait "$SERVER_PID" || rc=$?
SERVER_PID=""
expect_out "exit after SIGTERM" "0" 0 echo "$rc"
expect_contains "stop message" "SIGTERM received, stopping" "$(cat "$T/serve.err")"
expect_contains "access log" "GET /healthz 200" "$(cat "$T/serve.err")"
code=$(curl --max-time 20 -sS -o /dev/null -w '%{http_code}' "$base/healthz" 2>/dev/null) || true
expect_out "no longer listening" "000" 0 echo "$code"

# data is HTML-escaped: a division table whose county name holds markup
mkdir -p "$T/pol"
sed 's/^640522\t海原县\t/640522\t海原<b>县\&\t/' "$JY_SOURCE_DIR/policy/divisions.tsv" >"$T/pol/divisions.tsv"
start_server "$T/serve2.out" "$T/serve2.err" --policy "$T/pol"
page=$(curl --max-time 20 -sS "http://127.0.0.1:$PORT/")
expect_contains "escaped title" "<title>海原&lt;b&gt;县&amp;公共就业服务 · jiuye</title>" "$page"
case "$page" in *"<b>"*) fail "unescaped markup in the page" ;; esac
kill -INT "$SERVER_PID"
rc=0; wait "$SERVER_PID" || rc=$?
SERVER_PID=""
expect_out "exit after SIGINT" "0" 0 echo "$rc"

finish
