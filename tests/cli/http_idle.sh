#!/usr/bin/env bash
# 1,000 idle connections do not stop real requests (issue 11 item 5). With libmicrohttpd 0.9.75 they
# stopped /healthz for about 28 s. The server keeps every connection in one epoll set and never
# blocks on one, caps connections per client address (default 256: the rest are closed at once)
# and in total (when full, the longest-idle connection makes room).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/http_lib.sh"
ulimit -n 8192 2>/dev/null || ulimit -n 4096 2>/dev/null || true

expect_rc "init" 0 "$JIUYE" init

# open_idle N: N connections from 127.0.0.1 that send nothing (their descriptors in IDLE_FDS)
IDLE_FDS=()
open_idle() {
  local fd
  for _ in $(seq "$1"); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && IDLE_FDS+=("$fd") # (no 2>/dev/null: exec would keep it)
  done
}
close_idle() {
  local fd
  for fd in "${IDLE_FDS[@]}"; do exec {fd}>&-; done
  IDLE_FDS=()
}
# healthz_ms [curl options]: milliseconds /healthz took (or "failed")
healthz_ms() {
  local t
  t=$(curl --max-time 10 -sS -o "$T/h.json" -w '%{time_total}' "$@" "http://127.0.0.1:$PORT/healthz" 2>"$T/h.err") || { echo failed; return; }
  grep -q '"status":"ok"' "$T/h.json" || { echo failed; return; }
  awk -v t="$t" 'BEGIN { printf "%d\n", t * 1000 }'
}
# within_1s WHAT MS
within_1s() {
  if [ "$2" = failed ] || [ "$2" -ge 1000 ]; then fail "$1: /healthz took ${2} ms (want < 1000): $(cat "$T/h.err")"; fi
}

# 1. default limits: 1,000 idle connections from one address; another address is served at once
start_server "$T/out" "$T/err" -- --quiet
open_idle 1000
sleep 0.5
within_1s "1,000 idle from 127.0.0.1, /healthz from 127.0.0.2" "$(healthz_ms --interface 127.0.0.2)"
established=$(ss -Htn state established "( dport = :$PORT )" 2>/dev/null | wc -l)
[ "$established" -le 300 ] || fail "per-address limit: $established connections from 127.0.0.1 still open (want <= 256 + a few)"
close_idle
stop_server

# 2. no per-address limit: all 1,000 stay open and the same address is still served at once
start_server "$T/out2" "$T/err2" -- --quiet --max-conns-per-addr 0 --max-conns 2000
open_idle 1000
sleep 0.5
established=$(ss -Htn state established "( dport = :$PORT )" 2>/dev/null | wc -l)
[ "$established" -ge 1000 ] || fail "only $established of 1,000 idle connections are open"
within_1s "1,000 idle from 127.0.0.1, /healthz from 127.0.0.1" "$(healthz_ms)"
sleep 2
within_1s "still open 2 s later" "$(healthz_ms)"
for i in 1 2 3; do within_1s "request $i" "$(healthz_ms --interface 127.0.0.3)"; done
close_idle
stop_server

# 3. full server: --max-conns 200; 300 idle connections; the longest-idle ones make room
start_server "$T/out3" "$T/err3" -- --quiet --max-conns-per-addr 0 --max-conns 200
open_idle 300
sleep 0.5
within_1s "server full of idle connections" "$(healthz_ms)"
close_idle
finish
