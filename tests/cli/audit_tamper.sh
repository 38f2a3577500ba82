#!/usr/bin/env bash
# The audit chain catches what someone with the sqlite3 shell does to audit_log: the triggers
# refuse plain edits; after dropping them, an edited entry and a deleted middle entry are both
# found and named by `jiuye audit verify` (exit 1).
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-06-01
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed (apt-get install sqlite3)" >&2; exit 1; }

for id in 640522199003071230 640522199202290022 640522198511120022 640522197801011014 640522200105200342; do
  $J person add --idcard $id --name 测试 --hukou-division 640522105 >/dev/null || fail "add $id"
done
$J person add --idcard 640522199003071230 --name 测试甲 --hukou-division 640522105 --status dibao >/dev/null
out=$($J audit verify)
expect_contains "intact" '"ok":true,"entries":7' "$out"
expect_contains "head" '"head_seq":7' "$out"

# hashes are stored as 32-byte BLOBs (shown as hex by audit list/verify)
expect_out "hash columns" "blob|32|blob|32" 0 sqlite3 "$JIUYE_DB" "SELECT typeof(prev_hash), length(prev_hash), typeof(hash), length(hash) FROM audit_log WHERE seq=7"
expect_out "stored head is the hex verify prints" "$(printf '%s' "$out" | sed 's/.*"head":"\([0-9a-f]*\)".*/\1/')" 0 sqlite3 "$JIUYE_DB" "SELECT lower(hex(hash)) FROM audit_log WHERE seq=7"
expect_out "chain link" "1" 0 sqlite3 "$JIUYE_DB" "SELECT (SELECT prev_hash FROM audit_log WHERE seq=7) = (SELECT hash FROM audit_log WHERE seq=6)"

# the triggers stand in the way of a casual edit
if sqlite3 "$JIUYE_DB" "UPDATE audit_log SET actor='mallory' WHERE seq=3" 2>/dev/null; then
  fail "UPDATE on audit_log should be refused by the trigger"
fi
if sqlite3 "$JIUYE_DB" "DELETE FROM audit_log WHERE seq=3" 2>/dev/null; then
  fail "DELETE on audit_log should be refused by the trigger"
fi

cp "$JIUYE_DB" "$T/clean.db"
# someone drops the triggers and edits entry 3
sqlite3 "$JIUYE_DB" "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
                     UPDATE audit_log SET actor='mallory' WHERE seq=3"
expect_out "edit is found" '{"ok":false,"entries_checked":2,"error":"entry 3: content does not match its hash (edited?)"}' 1 $J audit verify

# a deletion of a middle entry (on a clean copy)
cp "$T/clean.db" "$JIUYE_DB"; rm -f "$JIUYE_DB-wal" "$JIUYE_DB-shm"
sqlite3 "$JIUYE_DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq=4"
out=$($J audit verify) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "deleted entry: verify exited $rc"
expect_contains "deletion named" '"error":"entry 4: missing' "$out"
expect_contains "deletion checked count" '"entries_checked":3' "$out"

# an edit of the data only (persons table) does not touch the chain, but the before/after JSON
# of the log still holds what was recorded
cp "$T/clean.db" "$JIUYE_DB"; rm -f "$JIUYE_DB-wal" "$JIUYE_DB-shm"
sqlite3 "$JIUYE_DB" "DROP TRIGGER audit_log_no_update;
                     UPDATE audit_log SET after_json=replace(after_json,'测试','改过') WHERE seq=5"
expect_out "after_json edit" '{"ok":false,"entries_checked":4,"error":"entry 5: content does not match its hash (edited?)"}' 1 $J audit verify
# a link rewritten: entry 6's hash replaced by entry 5's (a BLOB copied over)
cp "$T/clean.db" "$JIUYE_DB"; rm -f "$JIUYE_DB-wal" "$JIUYE_DB-shm"
sqlite3 "$JIUYE_DB" "DROP TRIGGER audit_log_no_update;
                     UPDATE audit_log SET hash=(SELECT hash FROM audit_log WHERE seq=5) WHERE seq=6"
expect_out "hash edit" '{"ok":false,"entries_checked":5,"error":"entry 6: content does not match its hash (edited?)"}' 1 $J audit verify
finish
