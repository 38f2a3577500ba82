#!/usr/bin/env bash
# Every file the CLI creates holds ID numbers or bank accounts and is created 0600, even with the
# shell's usual umask 022 (issue 10 item 15): the SQLite database and its -wal/-shm files, a
# backup and a restored database, report exports (CSV, XLSX), bank files (CSV, XLSX), import
# error reports (named and default), audit checkpoints and audit keys. An existing file written
# over is narrowed to 0600. Either backend (the database files are SQLite's).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
umask 022
export JIUYE_TODAY=2024-05-01
unset JIUYE_AUDIT_KEY_FILE JIUYE_AUDIT_CHECKPOINTS

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
if [ "$JY_BACKEND" = postgresql ]; then trap 'stop_server; rm -rf "$T"; jy_drop_dbs' EXIT
else trap 'stop_server; rm -rf "$T"' EXIT; fi

mode_is() { # DESCRIPTION FILE
  if [ ! -e "$2" ]; then fail "$1: $2 was not created"; return; fi
  local m; m=$(stat -c %a "$2")
  [ "$m" = 600 ] || fail "$1: $2 has mode $m, want 600"
}

# a file made by the shell has the umask's mode: the test's premise
touch "$T/shell-made"; [ "$(stat -c %a "$T/shell-made")" = 644 ] || fail "umask 022 not in effect"

$J init >/dev/null || fail "init"
[ "$JY_BACKEND" = sqlite ] && mode_is "database" "$JIUYE_DB"

# the data every file below is made of
$J ledger budget set P13 2024 region 100000.00 >/dev/null || fail "budget"
A=$(idcard 11)
$J person add --idcard "$A" --name 马小军 --hukou-division 640522101 >/dev/null || fail "person"
$J ledger card "$A" "$(luhn 621700001000000011)" --bank 宁夏银行 >/dev/null || fail "card"
$J ledger approve --program P13 --year 2024 --person "$A" --amount 1750 --month 2024-03 >/dev/null || fail "approve"
$J --as 张会计 batch build --program P13 --month 2024-03 >/dev/null || fail "build"
$J --as 李科长 batch approve 1 >/dev/null || fail "review"

# bank files
$J batch export 1 --csv "$T/bank.csv" --xlsx "$T/bank.xlsx" >/dev/null || fail "bank export"
mode_is "bank file CSV" "$T/bank.csv"
mode_is "bank file XLSX" "$T/bank.xlsx"
expect_contains "bank CSV written" "$(mask_id "$A")" "$(cat "$T/bank.csv")"
# written over an existing world-readable file: narrowed, content replaced
printf 'old\n' >"$T/over.csv"; chmod 644 "$T/over.csv"
$J batch export 1 --csv "$T/over.csv" >/dev/null || fail "bank export over a file"
mode_is "bank file over an existing 0644 file" "$T/over.csv"
expect_contains "replaced" "$(mask_id "$A")" "$(cat "$T/over.csv")"

# report exports
$J report targets --program P13 --format csv --out "$T/targets.csv" >/dev/null || fail "report csv"
mode_is "report CSV" "$T/targets.csv"
$J report targets --program P13 --format csv --encoding gb18030 --out "$T/targets-gb.csv" >/dev/null || fail "report gb18030"
mode_is "report CSV (GB18030)" "$T/targets-gb.csv"
$J report budget --year 2024 --program P13 --format xlsx --out "$T/budget.xlsx" >/dev/null || fail "report xlsx"
mode_is "report XLSX" "$T/budget.xlsx"
printf 'old\n' >"$T/over.xlsx"; chmod 644 "$T/over.xlsx"
$J report budget --year 2024 --program P13 --format xlsx --out "$T/over.xlsx" >/dev/null || fail "report xlsx over"
mode_is "report XLSX over an existing 0644 file" "$T/over.xlsx"

# import error reports: named, and the default one beside the roster
B=$(idcard 12)
printf '姓名,身份证号\n李梅,%s\n坏行,640522199001011239\n' "$B" >"$T/roster.csv"
expect_rc "import with a bad row" 1 $J person import "$T/roster.csv" --report "$T/errors.csv"
mode_is "import error report" "$T/errors.csv"
expect_rc "import, default report" 1 $J person import "$T/roster.csv"
mode_is "default import error report" "$T/roster.csv.errors.csv"

# audit checkpoint and key
$J audit checkpoint --to "$T/checkpoints.jsonl" >/dev/null 2>&1 || fail "checkpoint"
mode_is "audit checkpoint file" "$T/checkpoints.jsonl"
printf '' >"$T/old-cp.jsonl"; chmod 644 "$T/old-cp.jsonl"
$J audit checkpoint --to "$T/old-cp.jsonl" >/dev/null 2>&1 || fail "checkpoint into an existing file"
mode_is "audit checkpoint into an existing 0644 file" "$T/old-cp.jsonl"
$J audit keygen --to "$T/audit.key" >/dev/null 2>&1 || fail "keygen"
mode_is "audit key" "$T/audit.key"

# backup, and (SQLite) the restored database
$J backup "$T/backup.db" >/dev/null || fail "backup"
mode_is "backup" "$T/backup.db"
[ -e "$T/backup.db.partial" ] && fail "a partial backup was left"
if [ "$JY_BACKEND" = sqlite ]; then
  $J --db "$T/restored.db" restore "$T/backup.db" >/dev/null || fail "restore"
  mode_is "restored database" "$T/restored.db"

  # the -wal and -shm files exist while a connection is open: a server holds one
  "$J" serve --port 0 --threads 1 >"$T/serve.out" 2>"$T/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q '"port"' "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '"port"' "$T/serve.out" || fail "server did not start: $(cat "$T/serve.err")"
  $J person add --idcard "$(idcard 13)" --name 杨帆 --hukou-division 640522101 >/dev/null || fail "write while serving"
  mode_is "database -wal" "$JIUYE_DB-wal"
  mode_is "database -shm" "$JIUYE_DB-shm"
  stop_server
fi
finish
