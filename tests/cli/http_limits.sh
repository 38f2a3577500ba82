#!/usr/bin/env bash
# Limits and the plain HTTP/1.1 behaviour of the server (issue 11 item 5): 413 from Content-Length
# before the body is read; security headers on every answer (200, 404, 405, 400, 413);
# keep-alive and pipelined requests answered in order; HEAD; HTTP/1.0 keep-alive.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/http_lib.sh"

expect_rc "init" 0 "$JIUYE" init
start_server "$T/out" "$T/err" -- --max-body 4096

# 413 from Content-Length alone: the body is never sent, the answer comes at once
t0=$(ms_now)
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" 5)
t1=$(ms_now)
expect_contains "413 before the body" "HTTP/1.1 413 Content Too Large" "$got"
expect_contains "413 body" '"code":"too_large"' "$got"
[ $((t1 - t0)) -lt 2000 ] || fail "413 took $((t1 - t0)) ms: the server waited for the body"
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" 5)
expect_contains "413 over --max-body 4096" "HTTP/1.1 413" "$got"
# a body under the limit is read (and a GET's body ignored)
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
expect_contains "body under the limit" "HTTP/1.1 200 OK" "$got"

# security headers on every answer
check_headers() {
  local what=$1 hdrs=$2
  expect_contains "$what: CSP" "Content-Security-Policy: " "$hdrs"
  expect_contains "$what: frame-ancestors" "frame-ancestors 'none'" "$hdrs"
  expect_contains "$what: nosniff" "X-Content-Type-Options: nosniff" "$hdrs"
  expect_contains "$what: Referrer-Policy" "Referrer-Policy: no-referrer" "$hdrs"
  expect_contains "$what: X-Frame-Options" "X-Frame-Options: DENY" "$hdrs"
  expect_contains "$what: no-store" "Cache-Control: no-store" "$hdrs"
  case "$hdrs" in *Strict-Transport-Security*) fail "$what: HSTS over plain HTTP" ;; esac
}
base="http://127.0.0.1:$PORT"
curl --max-time 5 -sS -o /dev/null -D "$T/h1" "$base/healthz"; check_headers "200 JSON" "$(tr -d '\r' <"$T/h1")"
curl --max-time 5 -sS -o /dev/null -D "$T/h2" "$base/"; check_headers "200 HTML" "$(tr -d '\r' <"$T/h2")"
expect_contains "HTML CSP stricter" "default-src 'none'" "$(tr -d '\r' <"$T/h2")"
curl --max-time 5 -sS -o /dev/null -D "$T/h3" "$base/nope"; check_headers "404" "$(tr -d '\r' <"$T/h3")"
curl --max-time 5 -sS -o /dev/null -D "$T/h4" -X DELETE "$base/healthz"; check_headers "405" "$(tr -d '\r' <"$T/h4")"
check_headers "400" "$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 1\r\n\r\n")"
check_headers "413" "$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")"

# pipelining: three requests in one write, three answers in order on one connection
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /api/summary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
expect_out "three answers" "3" 0 count_answers "$got"
expect_out "in order" "HTTP/1.1 200 OK
HTTP/1.1 404 Not Found
HTTP/1.1 200 OK" 0 status_lines "$got"
expect_contains "first is /healthz" '{"status":"ok"' "$got"
case "$got" in *'"persons"'*) fail "HEAD answered with a body" ;; esac
# the same, trickled in pieces that split heads at awkward places
{
  exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
  printf 'GET /healthz HTTP/1.1\r\nHo' >&"$fd"; sleep 0.2
  printf 'st: x\r\n\r\nGET /healthz HTTP/1.1\r' >&"$fd"; sleep 0.2
  printf '\nHost: x\r\nConnection: close\r\n\r\n' >&"$fd"
  got=$(timeout 5 cat <&"$fd" | tr -d '\r')
  exec {fd}>&-
}
expect_out "split heads: two answers" "2" 0 count_answers "$got"

# keep-alive across separate requests: curl reuses the connection
curl --max-time 5 -sS -v -o /dev/null -o /dev/null "$base/healthz" "$base/api/summary" 2>"$T/curl.err"
expect_contains "keep-alive reuse" "Re-using existing connection" "$(cat "$T/curl.err")"
# HTTP/1.0 with keep-alive: kept open, answered with Connection: keep-alive
got=$(raw "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n")
expect_out "HTTP/1.0 keep-alive: two answers" "2" 0 count_answers "$got"
expect_contains "HTTP/1.0 keep-alive header" "Connection: keep-alive" "$got"
# Connection: close is honoured
got=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
expect_out "Connection: close ends the connection" "1" 0 count_answers "$got"
finish
