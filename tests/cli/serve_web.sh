#!/usr/bin/env bash
# jiuye serve --web DIR (issue 12, docs/web.md): "/" and the page paths answer index.html with
# no-cache and the pages' CSP; /assets/NAME the built files, cached for a year (immutable), with
# their media type; no way out of the folder (dot names, "..", symlinks, unknown kinds are 404);
# other paths and /api/v1 keep their own answers; without built pages "/" is the start page with
# the note on how to build them and the page paths are 404. Uses a hand-made folder, not npm.
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

start_server() { # ARGS...: sets PORT
  "$JIUYE" serve --port 0 --threads 2 --quiet "$@" >"$T/serve.out" 2>"$T/serve.err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$T/serve.out" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "server did not start: $(cat "$T/serve.err")"
  finish
}

expect_rc "init" 0 "$JIUYE" init

# a built folder as Vite makes it
W="$T/dist"
mkdir -p "$W/assets"
printf '<!DOCTYPE html><html lang="zh-CN"><head><title>pages</title></head><body><div id="app"></div></body></html>\n' >"$W/index.html"
printf 'console.log("app")\n' >"$W/assets/index-AbC123.js"
printf 'body{margin:0}\n' >"$W/assets/index-Zz9.css"
printf 'secret\n' >"$W/assets/.hidden.js"
printf 'outside\n' >"$T/outside.js"
ln -s "$T/outside.js" "$W/assets/link-1.js"
printf 'x\n' >"$W/assets/tool.sh"

start_server --web "$W"
base="http://127.0.0.1:$PORT"
hdr() { curl --max-time 20 -sS -o "$T/body" -D "$T/h" -w '%{http_code}' "$@"; }

code=$(hdr "$base/")
expect_out "/ is the pages' index" "200" 0 echo "$code"
expect_contains "/ index body" '<div id="app">' "$(cat "$T/body")"
h=$(tr -d '\r' <"$T/h")
expect_contains "/ no-cache" "Cache-Control: no-cache" "$h"
expect_contains "/ CSP" "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self';" "$h"
case "$h" in *unsafe-eval*|*unsafe-inline*) fail "the pages' CSP allows unsafe-*: $h" ;; esac
for p in /persons /persons/12 /cases/3 /login /dashboard; do
  code=$(hdr "$base$p")
  expect_out "page path $p answers the index" "200 pages" 0 echo "$code $(sed -n 's/.*<title>\(.*\)<\/title>.*/\1/p' "$T/body")"
done

code=$(hdr "$base/assets/index-AbC123.js")
expect_out "asset" "200" 0 echo "$code"
h=$(tr -d '\r' <"$T/h")
expect_contains "asset immutable" "Cache-Control: public, max-age=31536000, immutable" "$h"
expect_contains "asset type" "Content-Type: text/javascript; charset=utf-8" "$h"
expect_out "asset body" 'console.log("app")' 0 cat "$T/body"
code=$(hdr "$base/assets/index-Zz9.css")
expect_contains "css type" "Content-Type: text/css; charset=utf-8" "$(tr -d '\r' <"$T/h")"
for p in /assets/.hidden.js /assets/link-1.js /assets/tool.sh /assets/none-1.js /assets/../index.html \
         /assets/%2e%2e/index.html /assets/sub/x.js /assets/; do
  code=$(curl --max-time 20 -sS --path-as-is -o "$T/body" -w '%{http_code}' "$base$p")
  # 404 from the asset route; the parser already refuses dot segments with 400
  case "$code" in 404|400) ;; *) fail "no way out: $p answered $code" ;; esac
done
case "$(cat "$T/body")" in *outside*|*secret*) fail "a file outside the assets was served" ;; esac

# other paths keep their answers
code=$(hdr "$base/no/such/page")
expect_out "unknown path still 404" "404" 0 echo "$code"
code=$(hdr "$base/api/v1/persons")
expect_out "the API still answers (401 without a session)" "401" 0 echo "$code"
expect_contains "API answers JSON" '"code":"unauthenticated"' "$(cat "$T/body")"
code=$(hdr "$base/healthz")
expect_out "healthz" "200" 0 echo "$code"
stop_server

# without built pages: the start page says how to build them; page paths are unknown
start_server --web "$T/nowhere"
base="http://127.0.0.1:$PORT"
expect_contains "missing folder said on stderr" "no index.html there" "$(cat "$T/serve.err")"
code=$(hdr "$base/")
expect_out "start page" "200" 0 echo "$code"
expect_contains "start page says how to build the pages" "make web" "$(cat "$T/body")"
code=$(hdr "$base/persons")
expect_out "no page paths without pages" "404" 0 echo "$code"
code=$(hdr "$base/assets/index-AbC123.js")
expect_out "no assets without pages" "404" 0 echo "$code"
stop_server

# --web none: the same, even where web/dist exists
start_server --web none
code=$(curl --max-time 20 -sS -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/")
expect_contains "--web none: start page" 'id="no-pages"' "$(cat "$T/body")"
stop_server

finish
