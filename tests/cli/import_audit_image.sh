#!/bin/bash
# The audit log's compact person image (docs/store.md, "Audit chain"), on either backend: an
# import and a later change of a person are audited, `audit list` shows before/after as the
# person objects `person show` prints (keys and id included, although the store keeps a JSON
# array without them), the chain verifies, and importing the same roster again adds no entry.
source "$JY_SOURCE_DIR/tests/lib.sh"
DATA="$JY_SOURCE_DIR/tests/data"
cp "$DATA"/roster_good.csv "$T/"
. "$DATA/fixtures.txt"

expect_rc "import" 0 "$JIUYE" person import "$T/roster_good.csv"
n=$("$JIUYE" audit list --limit 0 | grep -c '"entity":"person"')
[ "$n" -ge 2 ] || fail "want an audit entry per imported person, got $n"
first=$("$JIUYE" audit list --limit 1)
expect_contains "after is the person object" '"action":"create","before":null,"after":{"id":1,"idcard":"' "$first"
expect_contains "after has every field" '"hukou_kind":' "$first"
expect_contains "after has the county" '"county":"640522"' "$first"
if [ "$JY_BACKEND" = sqlite ]; then
  stored=$(sqlite3 "$JIUYE_DB" "SELECT after_json FROM audit_log WHERE seq = 1")
  case "$stored" in
    '["'*'"]') ;;
    *) fail "stored image should be a JSON array, got: $stored" ;;
  esac
fi
shown=$("$JIUYE" person show 1 | sed 's/,"statuses".*//')
expect_contains "audit after = person show" "\"after\":$shown}" "$first"

# a change: before and after both shown as objects (the ID number to change it by: unmasked)
full=$("$JIUYE" person show 1 --unmask --reason "测试：按身份证号修改电话")
idc=$(printf '%s' "$full" | sed 's/.*"idcard":"\([0-9X]*\)".*/\1/')
[ "${#idc}" = 18 ] || fail "the unmasked ID number: $idc"
expect_rc "change a phone" 0 "$JIUYE" person add --idcard "$idc" --name "$(printf '%s' "$shown" | sed 's/.*"name":"\([^"]*\)".*/\1/')" --phone 18009559999
last=$("$JIUYE" audit list --limit 0 | tail -n 1)
expect_contains "update before" '"action":"update","before":{"id":1,"idcard":"' "$last"
expect_contains "update after (masked)" '"phone":"180****9999"' "$last"
expect_contains "update after (unmasked)" '"phone":"18009559999"' "$("$JIUYE" audit list --limit 0 --unmask --reason "测试" | tail -n 1)"
expect_out "chain verifies" "" 0 sh -c "\"$JIUYE\" audit verify | grep -q '\"ok\":true'"

# the same roster again: nothing new (the row now differs from the stored phone, so that one
# is updated back; the others are unchanged)
before=$("$JIUYE" audit list --limit 0 | wc -l)
expect_rc "re-import" 0 "$JIUYE" person import "$T/roster_good.csv"
expect_contains "re-import: nothing created" '"created":0' "$(cat "$T/stdout")"
expect_rc "re-import again" 0 "$JIUYE" person import "$T/roster_good.csv"
expect_contains "third import: all unchanged" '"created":0,"updated":0' "$(cat "$T/stdout")"
after=$("$JIUYE" audit list --limit 0 | wc -l)
[ "$after" -le $((before + 1)) ] || fail "re-import added $((after - before)) audit entries"
expect_out "chain still verifies" "" 0 sh -c "\"$JIUYE\" audit verify | grep -q '\"ok\":true'"
finish
