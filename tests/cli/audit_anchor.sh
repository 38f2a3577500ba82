#!/usr/bin/env bash
# Anchoring the audit chain (issue 10 item 14; docs/audit.md), either backend. The attacker has
# the database's own tools (sqlite3 / psql as a superuser) and gets past the append-only
# triggers:
#  - deleting the newest entries leaves a chain that verifies on its own, but is caught by an
#    expected head (--expect-head) and by a checkpoint file (--checkpoints, audit checkpoint);
#  - an edit, a deleted middle entry are caught by the chain itself (both backends);
#  - rewriting an entry and recomputing every later hash (the hash is public) fools the bare
#    chain, but not a checkpoint, and not the keyed chain (MACs under a key the database does
#    not hold), whether the MACs are kept or removed;
#  - keys: made 0600, never overwritten, refused when others may read them; entries written
#    without the key are marked (mac null) and need --keyed-from.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/audit_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-06-01
unset JIUYE_AUDIT_KEY_FILE JIUYE_AUDIT_CHECKPOINTS

add_persons() { # DB ID… : one person each, then a status for the first (entries: N + 1)
  local db=$1; shift
  for id in "$@"; do
    $J --db "$db" person add --idcard "$id" --name 测试 --hukou-division 640522105 >/dev/null || fail "add $id"
  done
  $J --db "$db" person add --idcard "$1" --name 测试甲 --hukou-division 640522105 --status dibao >/dev/null || fail "status $1"
}
IDS="640522199003071230 640522199202290022 640522198511120022 640522197801011014 640522200105200342"

# ---------------------------------------------------------------- the newest entries deleted
DB=$(jy_fresh_db)
add_persons "$DB" $IDS
out=$($J --db "$DB" audit verify)
expect_contains "intact" '"ok":true,"entries":7,"head_seq":7' "$out"
H7=$(json_field "$out" head)
if [ "$JY_BACKEND" = postgresql ]; then H5=$(db_value "$DB" "SELECT encode(hash, 'hex') FROM audit_log WHERE seq = 5")
else H5=$(db_value "$DB" "SELECT lower(hex(hash)) FROM audit_log WHERE seq = 5"); fi

mkdir -p "$T/anchors"; chmod 755 "$T/anchors"
CP="$T/anchors/audit.jsonl"
out=$($J --db "$DB" audit checkpoint --to "$CP" 2>"$T/cp.err")
expect_contains "checkpoint made" "\"ok\":true,\"checkpoint\":{\"at\":\"" "$out"
expect_contains "checkpoint seq" "\"seq\":7,\"hash\":\"$H7\"}" "$out"
expect_contains "checkpoint logged" "audit checkpoint: entry 7, hash $H7" "$(cat "$T/cp.err")"
expect_out "checkpoint file mode" "600" 0 mode "$CP"
expect_out "one line" "1" 0 sh -c "wc -l <'$CP'"
expect_contains "line content" "\"seq\":7,\"hash\":\"$H7\"}" "$(cat "$CP")"
# a second checkpoint of the same head checks the first and appends
$J --db "$DB" audit checkpoint --to "$CP" >/dev/null 2>&1 || fail "second checkpoint"
expect_out "two lines" "2" 0 sh -c "wc -l <'$CP'"

# entries 6 and 7 removed
attack_sql "$DB" "DELETE FROM audit_log WHERE seq >= 6"
out=$($J --db "$DB" audit verify)
expect_contains "the bare chain cannot see it" '"ok":true,"entries":5,"head_seq":5' "$out"
expect_out "expected head with its seq" \
  "{\"ok\":false,\"entries_checked\":5,\"error\":\"the expected head, entry 7 (${H7:0:16}…), is missing: the log ends at entry 5 (entries 6 to 7 deleted from its end?)\"}" \
  1 $J --db "$DB" audit verify --expect-head "7:$H7"
expect_contains "named on stderr" "审计日志校验失败: the expected head, entry 7" "$(cat "$T/stderr")"
expect_out "expected head, hash only" \
  "{\"ok\":false,\"entries_checked\":5,\"error\":\"the expected head ${H7:0:16}… is not in the log, which ends at entry 5 (${H5:0:16}…): entries deleted from its end, or the log rewritten\"}" \
  1 $J --db "$DB" audit verify --expect-head "$H7"
expect_rc "upper-case hex accepted" 1 $J --db "$DB" audit verify --expect-head "${H7^^}"
expect_rc "bad hash is a usage error" 2 $J --db "$DB" audit verify --expect-head 7:abc
out=$($J --db "$DB" audit verify --checkpoints "$CP") && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "checkpoints: verify exited $rc"
expect_contains "shrunk" "\"error\":\"the log has shrunk: the checkpoint of " "$out"
expect_contains "names file and line" "($CP line 2) recorded entry 7 (${H7:0:16}…), but the log ends at entry 5: entries 6 to 7 deleted from its end?\"}" "$out"
# the checkpoint file named by the environment is checked by a plain verify
expect_rc "env checkpoints" 1 env JIUYE_AUDIT_CHECKPOINTS="$CP" $J --db "$DB" audit verify
# a checkpoint refuses to anchor the shrunk log, and appends nothing
expect_rc "checkpoint refuses" 1 $J --db "$DB" audit checkpoint --to "$CP"
expect_contains "checkpoint says why" "the log has shrunk" "$(cat "$T/stdout")"
expect_out "still two lines" "2" 0 sh -c "wc -l <'$CP'"
# an expected head that is still there (the log grew since) is fine
out=$($J --db "$DB" audit verify --expect-head "$H5")
expect_contains "earlier head found" '"ok":true,"entries":5,"head_seq":5' "$out"
expect_contains "where" '"expected_head_seq":5' "$out"

# a malformed checkpoint file is an error naming the line, not a pass
printf '{"at":"x","seq":1,"hash":"%s"}\nnot a checkpoint\n' "$H7" >"$T/bad.jsonl"
expect_rc "malformed checkpoints" 1 $J --db "$DB" audit verify --checkpoints "$T/bad.jsonl"
expect_contains "line named" "checkpoint file $T/bad.jsonl line 2: not a checkpoint" "$(cat "$T/stderr")"
expect_rc "missing checkpoint file" 1 $J --db "$DB" audit verify --checkpoints "$T/none.jsonl"

# ---------------------------------------------------------------- edits the chain itself catches (both backends)
DB=$(jy_fresh_db)
add_persons "$DB" $IDS
attack_sql "$DB" "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"
expect_out "edit is found" '{"ok":false,"entries_checked":2,"error":"entry 3: content does not match its hash (edited?)"}' 1 \
  $J --db "$DB" audit verify
DB=$(jy_fresh_db)
add_persons "$DB" $IDS
attack_sql "$DB" "DELETE FROM audit_log WHERE seq = 4"
out=$($J --db "$DB" audit verify) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "deleted middle entry: verify exited $rc"
expect_contains "deletion named" '"entries_checked":3,"error":"entry 4: missing' "$out"

# ---------------------------------------------------------------- a rewritten tail
DB=$(jy_fresh_db)
add_persons "$DB" $IDS
CP2="$T/anchors/rewrite.jsonl"
$J --db "$DB" audit checkpoint --to "$CP2" >/dev/null 2>&1 || fail "checkpoint before the rewrite"
rechain "$DB" 3 mallory || fail "rechain"
expect_out "rewritten actor is stored" "mallory" 0 db_value "$DB" "SELECT actor FROM audit_log WHERE seq = 3"
expect_contains "the bare chain is fooled" '"ok":true,"entries":7' "$($J --db "$DB" audit verify)"
out=$($J --db "$DB" audit verify --checkpoints "$CP2") && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "rewrite vs checkpoint: exited $rc"
expect_contains "checkpoint catches the rewrite" "\"entries_checked\":6,\"error\":\"entry 7: its hash " "$out"
expect_contains "names the checkpoint" "differs from the checkpoint of " "$out"

# ---------------------------------------------------------------- the keyed chain
KEY="$T/anchors/audit.key"
out=$($J audit keygen --to "$KEY")
expect_contains "keygen" "{\"key_file\":\"$KEY\",\"key_id\":\"" "$out"
KEY_ID=$(json_field "$out" key_id)
expect_out "key file mode" "600" 0 mode "$KEY"
expect_out "key file shape" "1" 0 sh -c "grep -cE '^[0-9a-f]{64}\$' '$KEY'"
cp "$KEY" "$T/key.copy"
expect_rc "a key is never overwritten" 1 $J audit keygen --to "$KEY"
expect_contains "says so" "already exists" "$(cat "$T/stderr")"
expect_out "key unchanged" "" 0 cmp "$KEY" "$T/key.copy"
expect_rc "keygen needs --to" 2 $J audit keygen

DB=$(jy_fresh_db)
$J --db "$DB" init >/dev/null || fail "init keyed"
add_persons "$DB" $IDS
# ^ written without the key: marked so
expect_contains "unkeyed entry marked" '"mac":null}' "$($J --db "$DB" audit list --limit 1)"
# from entry 8 on with the key (the option, then the environment)
$J --db "$DB" --audit-key "$KEY" person add --idcard 640522198001010018 --name 王五 --hukou-division 640522105 >/dev/null || fail "keyed add"
JIUYE_AUDIT_KEY_FILE="$KEY" $J --db "$DB" person add --idcard 64052219820202001X --name 赵六 --hukou-division 640522105 >/dev/null || fail "keyed add env"
last=$($J --db "$DB" audit list --after 8)
expect_contains "keyed entry carries a MAC" '"mac":"' "$last"
expect_contains "verify without the key still works" '"ok":true,"entries":9' "$($J --db "$DB" audit verify)"
expect_out "with the key, the unkeyed start needs --keyed-from" \
  '{"ok":false,"entries_checked":0,"error":"entry 1: has no MAC: written without the audit key, or rewritten by someone without it (entries written before the key was introduced: --keyed-from SEQ)"}' \
  1 $J --db "$DB" --audit-key "$KEY" audit verify
out=$($J --db "$DB" --audit-key "$KEY" audit verify --keyed-from 8)
expect_contains "keyed verify" "\"ok\":true,\"entries\":9,\"head_seq\":9" "$out"
expect_contains "keyed verify counts" "\"key_id\":\"$KEY_ID\",\"macs_checked\":2,\"keyed_from\":8,\"unkeyed\":7" "$out"
# a writer that forgot the key after keyed entries is named
$J --db "$DB" person add --idcard 640522198303030014 --name 钱七 --hukou-division 640522105 >/dev/null || fail "unkeyed add"
expect_rc "unkeyed entry after keyed ones" 1 $J --db "$DB" --audit-key "$KEY" audit verify --keyed-from 8
expect_contains "entry 10 named" "entry 10: has no MAC" "$(cat "$T/stdout")"

# a database keyed from its first entry: the rewrite is caught, MACs kept or removed
DB=$(jy_fresh_db)
export JIUYE_AUDIT_KEY_FILE="$KEY"
add_persons "$DB" $IDS
out=$($J --db "$DB" audit verify)
expect_contains "all keyed" '"macs_checked":7,"keyed_from":1,"unkeyed":0' "$out"
expect_out "macs stored, 32 bytes" "7" 0 db_value "$DB" "SELECT count(*) FROM audit_log WHERE length(mac) = 32"
OTHER="$T/other.key"
$J audit keygen --to "$OTHER" >/dev/null 2>&1 || fail "second key"
expect_out "another key" \
  '{"ok":false,"entries_checked":0,"error":"entry 1: its MAC does not match (rewritten by someone without the audit key, or verified with another key)"}' \
  1 $J --db "$DB" --audit-key "$OTHER" audit verify
rechain "$DB" 2 mallory || fail "rechain keyed"
expect_contains "without the key the rewrite passes" '"ok":true,"entries":7' "$(env -u JIUYE_AUDIT_KEY_FILE $J --db "$DB" audit verify)"
expect_out "with the key it does not" \
  '{"ok":false,"entries_checked":1,"error":"entry 2: its MAC does not match (rewritten by someone without the audit key, or verified with another key)"}' \
  1 $J --db "$DB" audit verify
rechain "$DB" 2 mallory nomac || fail "rechain nomac"
expect_out "MACs removed" \
  '{"ok":false,"entries_checked":1,"error":"entry 2: has no MAC: written without the audit key, or rewritten by someone without it (entries written before the key was introduced: --keyed-from SEQ)"}' \
  1 $J --db "$DB" audit verify
unset JIUYE_AUDIT_KEY_FILE

# the MAC is not part of the hash: the same changes at the same time give the same chain with
# and without a key (and so the same as on the other backend: test_store_pg)
A=$(jy_fresh_db); B=$(jy_fresh_db)
JIUYE_NOW=2025-06-01T08:00:00.000Z add_persons "$A" $IDS
JIUYE_NOW=2025-06-01T08:00:00.000Z JIUYE_AUDIT_KEY_FILE="$KEY" add_persons "$B" $IDS
ha=$(json_field "$($J --db "$A" audit verify)" head)
hb=$(json_field "$(JIUYE_AUDIT_KEY_FILE="$KEY" $J --db "$B" audit verify)" head)
[ -n "$ha" ] && [ "$ha" = "$hb" ] || fail "keyed and unkeyed chains differ: $ha vs $hb"

# keys others may read are refused, before anything is written
chmod 644 "$KEY"
expect_rc "readable key refused" 1 $J --db "$B" --audit-key "$KEY" person add --idcard 640522198404040019 --name 孙八 --hukou-division 640522105
expect_contains "names the mode" "may be read by others (mode 0644): chmod 600 $KEY" "$(cat "$T/stderr")"
chmod 600 "$KEY"
printf 'not a key\n' >"$T/junk.key"; chmod 600 "$T/junk.key"
expect_rc "junk key refused" 1 $J --db "$B" --audit-key "$T/junk.key" audit verify
expect_contains "junk named" "expected 64 hex digits" "$(cat "$T/stderr")"
expect_rc "missing key refused" 1 $J --db "$B" --audit-key "$T/none.key" audit verify
expect_out "nothing written with a bad key" "7" 0 db_value "$B" "SELECT count(*) FROM audit_log"
finish
