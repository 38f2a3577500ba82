#!/usr/bin/env bash
# Objections (异议) on the command line: `case objections ID` lists them with their outcome and
# `case resolve-objection ID --outcome upheld|dismissed` resolves the open one (dismissed: the
# approve step again, then a new publicity; upheld: rejected) — the same service functions as
# the API's /api/v1/cases/{id}/objections (tests/api/test_cases_more.py).
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

$J init >/dev/null || fail "init"
$J org add --uscc 93640522MA7700006Y --name 七营镇张堡村 --kind community --division 640522105 >/dev/null || fail "org"
$J --as admin user add admin --role admin >/dev/null || fail "admin"
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null || fail "add reviewer"
$J --as admin user add town --role township_staff --area 640522105 >/dev/null || fail "add township staff"
out=$($J --as town case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 --facts '{}')
id=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$id" ] || fail "file: no id in $out"
$J --as rev case approve "$id" --reason "实地考察：场地齐全" --date 2024-09-25 >/dev/null || fail "approve"
$J --as rev case publish "$id" --reason 公示 --date 2024-09-27 >/dev/null || fail "publish"
expect_contains "no objection yet" '[]' "$($J case objections "$id")"
expect_rc "nothing to resolve" 1 $J --as rev case resolve-objection "$id" --outcome dismissed --reason x --date 2024-09-30
expect_contains "no open objection named" "没有待处理的异议" "$(cat "$T/stderr")"
$J --as town case object "$id" --reason 村民反映场地未实际使用 --date 2024-09-30 >/dev/null || fail "object"
out=$($J case objections "$id")
expect_contains "open objection" '"n":1,"on":"2024-09-30","actor":"town","reason":"村民反映场地未实际使用（依据：P25 四(三)）"' "$out"
expect_contains "status open" '"status":"open"' "$out"
expect_rc "bad outcome" 1 $J --as rev case resolve-objection "$id" --outcome maybe --reason x --date 2024-10-08
expect_contains "outcome named" "outcome: upheld" "$(cat "$T/stderr")"
expect_rc "township staff cannot resolve" 1 $J --as town case resolve-objection "$id" --outcome dismissed --reason x --date 2024-10-08
out=$($J --as rev case resolve-objection "$id" --outcome dismissed --reason 复核：场地有使用记录 --date 2024-10-08)
expect_contains "dismissed: approved again" '"state":"county_approved"' "$out"
expect_contains "history says why" '异议不成立：复核：场地有使用记录' "$out"
expect_contains "status dismissed" '"status":"dismissed","resolved_on":"2024-10-08","resolved_by":"rev"' "$($J case objections "$id")"
$J --as rev case publish "$id" --reason 重新公示 --date 2024-10-09 >/dev/null || fail "publish again"
$J --as town case object "$id" --reason 有新证据 --date 2024-10-10 >/dev/null || fail "object again"
out=$($J --as rev case resolve-objection "$id" --outcome upheld --reason 核实：场地出租他用 --date 2024-10-12)
expect_contains "upheld: rejected" '"state":"rejected"' "$out"
out=$($J case objections "$id")
expect_contains "two objections, in order" '"status":"dismissed"' "$out"
expect_contains "the second upheld" '"n":2,"on":"2024-10-10"' "$out"
expect_contains "upheld by the reject step" '"status":"upheld","resolved_on":"2024-10-12","resolved_by":"rev","resolution":"异议成立：核实：场地出租他用（依据：P25 四(二)）","resolution_step":"reject"' "$out"
expect_rc "resolved already" 1 $J --as rev case resolve-objection "$id" --outcome upheld --reason again --date 2024-10-13
expect_rc "usage" 2 $J case resolve-objection "$id" --reason x
finish
