#!/usr/bin/env bash
# jiuye init / person add|show|list: validation, every field round-trips, statuses, idempotent
# re-add, list filters and pagination, exit codes.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-06-01 JIUYE_ACTOR=tester

# the newest schema version this build knows (raised by each migration)
JY_SCHEMA=$(sed -n 's/^#define JY_STORE_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$JY_SOURCE_DIR/src/store/store_impl.h")
expect_out "init creates" "{\"db\":\"$JIUYE_DB\",\"backend\":\"$JY_BACKEND\",\"schema_version\":$JY_SCHEMA}" 0 $J init
expect_out "init again is a no-op" "{\"db\":\"$JIUYE_DB\",\"backend\":\"$JY_BACKEND\",\"schema_version\":$JY_SCHEMA}" 0 $J init

out=$($J person add --idcard 640522199003071230 --name 马小军 --ethnicity 回族 --education 高中 \
      --hukou-division 640522105 --hukou-kind 农村 --phone 13995012345 --address "七营镇张堡村" \
      --status disability:2015-06-01:2 --status 登记失业:2024/3/1)
expect_contains "add: created" '"result":"created"' "$out"
# what is printed is masked (docs/privacy.md): ID number, birth date, phone, the disability status
expect_contains "add: masked" '"idcard":"640522********1230","name":"马小军","sex":"M","birth":"1990-**-**"' "$out"
expect_contains "add: fields" '"ethnicity":"回族","education":"高中","hukou_division":"640522105","hukou_kind":"rural","county":"640522","phone":"139****2345","address":"七营镇张堡村"' "$out"
expect_contains "add: disability hidden" '"kind":"***","label":"***","since":"2015-06-01","until":null,"detail":"***"' "$out"
expect_contains "add: status by Chinese name, loose date" '"kind":"registered_unemployed","label":"登记失业","since":"2024-03-01"' "$out"
# the stored values, whole
full=$($J person show 1 --unmask --reason "测试：字段核对")
expect_contains "derived birth and sex" '"idcard":"640522199003071230","name":"马小军","sex":"M","birth":"1990-03-07"' "$full"
expect_contains "fields" '"county":"640522","phone":"13995012345","address":"七营镇张堡村"' "$full"
expect_contains "status with grade" '"kind":"disability","label":"残疾人","since":"2015-06-01","until":null,"detail":"2"' "$full"

out=$($J person add --idcard 640522199003071230 --name 马小军 --ethnicity 回族 --education 高中 \
      --hukou-division 640522105 --hukou-kind rural --phone 13995012345 --address "七营镇张堡村" \
      --status disability:2015-06-01:2)
expect_contains "re-add identical: unchanged" '"result":"unchanged"' "$out"
n=$($J person show 640522199003071230 | grep -o '"kind":' | wc -l)
[ "$n" = 2 ] || fail "re-adding a held status must not duplicate it (got $n statuses)"

show=$($J person show 1)
expect_contains "show by id" '"idcard":"640522********1230","name":"马小军"' "$show"
expect_contains "show lists statuses" '"statuses":[{"id":1' "$show"

# lower-case x is accepted and stored as X; sex F from an even 17th digit
out=$($J person add --idcard 64052219920229002x --name 李梅 --hukou-division 640522101 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "a wrong check character must be refused (rc=$rc: $out)"
expect_contains "names the reason" "check" "$out"
$J person add --idcard 640522199202290022 --name 李梅 --hukou-division 640522101 --hukou-kind urban >/dev/null \
  || fail "valid 1992-02-29 person refused"
$J person add --idcard 640522198511120022 --name 马玉兰 --hukou-division 640522105 >/dev/null || fail "add 3"
$J person add --idcard 640522197801011014 --name 田志强 --hukou-division 640522101 >/dev/null || fail "add 4"

expect_rc "bad ID date" 1 $J person add --idcard 640522199902290012 --name 某
expect_rc "unknown status kind" 1 $J person add --idcard 640522197801011014 --name 田志强 --status astronaut
expect_rc "bad hukou kind" 1 $J person add --idcard 640522197801011014 --name 田志强 --hukou-kind 外星
expect_rc "unknown division" 1 $J person add --idcard 640522197801011014 --name 田志强 --hukou-division 640599101
expect_rc "missing name" 2 $J person add --idcard 640522197801011014
expect_rc "show unknown" 1 $J person show 640522200105200342
expect_rc "show garbage" 2 $J person show abc
expect_rc "no subcommand" 2 $J person
expect_rc "unknown subcommand" 2 $J person fly

list=$($J person list)
[ "$(printf '%s\n' "$list" | wc -l)" = 4 ] || fail "list: want 4 JSON lines, got: $list"
town=$($J person list --town 640522101 | grep -o '"name":"[^"]*"' | tr '\n' ' ')
[ "$town" = '"name":"李梅" "name":"田志强" ' ] || fail "list --town 640522101: got $town"
byname=$($J person list --name 马 | wc -l)
[ "$byname" = 2 ] || fail "list --name 马: want 2, got $byname"
page=$($J person list --after 1 --limit 2 | grep -o '"id":[0-9]*' | tr '\n' ' ')
[ "$page" = '"id":2 "id":3 ' ] || fail "list --after 1 --limit 2: got $page"

# updates are audited with the actor
$J --as reviewer person add --idcard 640522198511120022 --name 马玉兰 --hukou-division 640522105 --phone 18009551234 >/dev/null
last=$($J audit list --after 0 --limit 0 | tail -n 1)
expect_contains "update entry" '"actor":"reviewer"' "$last"
expect_contains "update entry action" '"action":"update"' "$last"
expect_contains "update before" '"before":{"id":3' "$last"
expect_contains "update after" '"phone":"180****1234"' "$last"
expect_out "chain intact" "" 0 sh -c "$J audit verify | grep -q '\"ok\":true'"
finish
