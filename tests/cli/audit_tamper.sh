#!/usr/bin/env bash
# The audit chain catches what someone with the database's own tools (the sqlite3 shell; psql as
# a superuser) does to audit_log, on either backend: the triggers refuse plain edits; past them
# (sqlite3: dropped; psql: session_replication_role = replica), an edited entry, a deleted middle
# entry, an edited after-image and a copied-over hash are each found and named by
# `jiuye audit verify` (exit 1). Deleting the newest entries needs the anchors:
# tests/cli/audit_anchor.sh.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/audit_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-06-01
unset JIUYE_AUDIT_KEY_FILE JIUYE_AUDIT_CHECKPOINTS

seed() { # a fresh database of the backend under test with 7 entries; its URL in DB
  DB=$(jy_fresh_db) || { fail "fresh database"; return; }
  for id in 640522199003071230 640522199202290022 640522198511120022 640522197801011014 640522200105200342; do
    $J --db "$DB" person add --idcard $id --name 测试 --hukou-division 640522105 >/dev/null || fail "add $id"
  done
  $J --db "$DB" person add --idcard 640522199003071230 --name 测试甲 --hukou-division 640522105 --status dibao >/dev/null
}

seed
out=$($J --db "$DB" audit verify)
expect_contains "intact" '"ok":true,"entries":7' "$out"
expect_contains "head" '"head_seq":7' "$out"

# hashes are stored as 32 bytes (BLOB / bytea; shown as hex by audit list/verify)
if [ "$JY_BACKEND" = postgresql ]; then
  expect_out "hash columns" "bytea|32|bytea|32" 0 db_value "$DB" "SELECT pg_typeof(prev_hash), length(prev_hash), pg_typeof(hash), length(hash) FROM audit_log WHERE seq=7"
  expect_out "stored head is the hex verify prints" "$(json_field "$out" head)" 0 db_value "$DB" "SELECT encode(hash, 'hex') FROM audit_log WHERE seq=7"
  expect_out "chain link" "t" 0 db_value "$DB" "SELECT (SELECT prev_hash FROM audit_log WHERE seq=7) = (SELECT hash FROM audit_log WHERE seq=6)"
else
  expect_out "hash columns" "blob|32|blob|32" 0 db_value "$DB" "SELECT typeof(prev_hash), length(prev_hash), typeof(hash), length(hash) FROM audit_log WHERE seq=7"
  expect_out "stored head is the hex verify prints" "$(json_field "$out" head)" 0 db_value "$DB" "SELECT lower(hex(hash)) FROM audit_log WHERE seq=7"
  expect_out "chain link" "1" 0 db_value "$DB" "SELECT (SELECT prev_hash FROM audit_log WHERE seq=7) = (SELECT hash FROM audit_log WHERE seq=6)"
fi

# the triggers stand in the way of a casual edit
if db_value "$DB" "UPDATE audit_log SET actor='mallory' WHERE seq=3" >/dev/null 2>"$T/trig.err"; then
  fail "UPDATE on audit_log should be refused by the trigger"
fi
expect_contains "update refused" "audit_log is append-only" "$(cat "$T/trig.err")"
if db_value "$DB" "DELETE FROM audit_log WHERE seq=3" >/dev/null 2>"$T/trig.err"; then
  fail "DELETE on audit_log should be refused by the trigger"
fi
expect_contains "delete refused" "audit_log is append-only" "$(cat "$T/trig.err")"
if [ "$JY_BACKEND" = postgresql ]; then
  db_value "$DB" "TRUNCATE audit_log" >/dev/null 2>"$T/trig.err" && fail "TRUNCATE on audit_log should be refused"
  expect_contains "truncate refused" "audit_log is append-only" "$(cat "$T/trig.err")"
fi
expect_contains "still intact" '"ok":true,"entries":7' "$($J --db "$DB" audit verify)"

# past the triggers: entry 3 edited
attack_sql "$DB" "UPDATE audit_log SET actor='mallory' WHERE seq=3"
expect_out "edit is found" '{"ok":false,"entries_checked":2,"error":"entry 3: content does not match its hash (edited?)"}' 1 $J --db "$DB" audit verify

# a deletion of a middle entry
seed
attack_sql "$DB" "DELETE FROM audit_log WHERE seq=4"
out=$($J --db "$DB" audit verify) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "deleted entry: verify exited $rc"
expect_contains "deletion named" '"error":"entry 4: missing' "$out"
expect_contains "deletion checked count" '"entries_checked":3' "$out"

# an edit of the data only (persons table) does not touch the chain, but the before/after JSON
# of the log still holds what was recorded
seed
attack_sql "$DB" "UPDATE audit_log SET after_json=replace(after_json,'测试','改过') WHERE seq=5"
expect_out "after_json edit" '{"ok":false,"entries_checked":4,"error":"entry 5: content does not match its hash (edited?)"}' 1 $J --db "$DB" audit verify
# a link rewritten: entry 6's hash replaced by entry 5's (the bytes copied over)
seed
attack_sql "$DB" "UPDATE audit_log SET hash=(SELECT hash FROM audit_log WHERE seq=5) WHERE seq=6"
expect_out "hash edit" '{"ok":false,"entries_checked":5,"error":"entry 6: content does not match its hash (edited?)"}' 1 $J --db "$DB" audit verify
finish
