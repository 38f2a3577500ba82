# Shared helpers for the HTTP server tests (sourced after tests/lib.sh; not a test itself).
# start_server OUT ERR [global options...] -- [serve options...]: starts `jiuye serve --port 0`,
# waits for its listening line and sets PORT and SERVER_PID; stop_server stops it (the EXIT trap
# does too, so a failing check never leaves a server behind).
# raw BYTES [SECONDS]: opens a TCP connection to the server, writes BYTES (printf %b escapes:
# \r \n \0 …) and prints everything the server sends until it closes the connection or SECONDS
# (default 3) pass. Uses bash's /dev/tcp, so it needs nothing but bash and coreutils.

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=""
}
trap 'stop_server; rm -rf "$T"; [ "$JY_BACKEND" != postgresql ] || jy_drop_dbs' EXIT

start_server() {
  local out=$1 err=$2; shift 2
  local global=() serve=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do global+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  serve=("$@")
  "$JIUYE" "${global[@]}" serve --port 0 --threads 2 "${serve[@]}" >"$out" 2>"$err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 150); do
    PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$out" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "server did not start: $(cat "$err")"
  finish
}

raw() {
  local bytes=$1 secs=${2:-3} fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || { echo "CONNECT FAILED"; return 1; }
  printf '%b' "$bytes" >&"$fd" 2>/dev/null
  timeout "$secs" cat <&"$fd" 2>/dev/null | tr -d '\r'
  exec {fd}>&-
}

# status_lines TEXT: the status lines of all answers in TEXT, one per line ("HTTP/1.1 400 …").
# (an answer's body has no final newline, so the next status line may follow it on the same line)
status_lines() { printf '%s\n' "$1" | grep -ao 'HTTP/1\.[01] [0-9][0-9][0-9] [A-Za-z -]*' || true; }
# count_answers TEXT: how many answers TEXT holds.
count_answers() { status_lines "$1" | grep -c . || true; }

# ms_now: milliseconds since the epoch (for deadlines measured from the outside).
ms_now() { date +%s%3N; }
