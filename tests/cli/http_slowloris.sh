#!/usr/bin/env bash
# Slowloris (issue 11 item 5): a client that sends its request head a line at a time is cut off
# when the head deadline passes (--head-timeout, 10 s by default), however steadily it trickles,
# and /healthz keeps answering meanwhile. libmicrohttpd 0.9.75 restarted its idle timer on every
# line, so one client adding a header line every 10 s held a connection (and with enough of them,
# the server) indefinitely.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/http_lib.sh"

expect_rc "init" 0 "$JIUYE" init
start_server "$T/out" "$T/err" -- --head-timeout 3 --idle-timeout 3

# trickle: the request line, then a header line every second, for up to 15 s
exec {slow}<>"/dev/tcp/127.0.0.1/$PORT"
(
  printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&"$slow" 2>/dev/null || exit 0
  for i in $(seq 15); do
    sleep 1
    printf 'X-Line-%d: v\r\n' "$i" >&"$slow" 2>/dev/null || exit 0
  done
) &
writer=$!
t0=$(ms_now)
sleep 1.5
h=$(curl --max-time 2 -sS -w ' %{time_total}' "http://127.0.0.1:$PORT/healthz")
expect_contains "/healthz answers during the trickle" '"status":"ok"' "$h"
got=$(timeout 12 cat <&"$slow" | tr -d '\r')
t1=$(ms_now)
exec {slow}>&-
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
elapsed=$((t1 - t0))
expect_contains "408 at the head deadline" "HTTP/1.1 408 Request Timeout" "$got"
expect_contains "closed" "Connection: close" "$got"
[ "$elapsed" -ge 2500 ] && [ "$elapsed" -le 6000 ] || fail "trickling client cut off after ${elapsed} ms (want about 3000)"

# ten trickling clients at once: all cut off, /healthz unaffected
pids=()
for k in $(seq 10); do
  (
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || exit 0
    printf 'GET / HTTP/1.1\r\n' >&"$fd"
    for i in $(seq 10); do sleep 1; printf 'X-%d: v\r\n' "$i" >&"$fd" 2>/dev/null || break; done
  ) &
  pids+=($!)
done
sleep 1
for i in 1 2 3; do
  expect_contains "/healthz with 10 trickling clients ($i)" '"status":"ok"' "$(curl --max-time 1 -sS "http://127.0.0.1:$PORT/healthz")"
  sleep 0.5
done
wait "${pids[@]}" 2>/dev/null
timeouts=$(grep -c ' 408 ' "$T/err" || true)
[ "$timeouts" -ge 11 ] || fail "want 11 head timeouts in the log, found $timeouts"

# a connection that sends nothing is closed at the same deadline
exec {idle}<>"/dev/tcp/127.0.0.1/$PORT"
t0=$(ms_now)
timeout 10 cat <&"$idle" >/dev/null
t1=$(ms_now)
exec {idle}>&-
elapsed=$((t1 - t0))
[ "$elapsed" -le 6000 ] || fail "silent connection kept ${elapsed} ms (want about 3000)"
finish
