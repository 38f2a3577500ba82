#!/usr/bin/env bash
# Issue 10 item 16: steps go on at the turn of the year. With a copy of policy/ whose calendar
# ends a year early (2025, so that 2026 is "not yet published", as every next year is in
# December), a deadline, a publicity and a payroll month that need 2026 are still set: counted by
# the weekend rule, marked provisional on the case (`case show` "provisional", a reason of kind
# "provisional", the history) and on the payroll run (lines held for review). From 1 November
# the commands warn on stderr. When the notice is added (the shipped policy/, which has 2026),
# `case settle-dates` recounts the dates, re-decides the case on them and says which ones need a
# reviewer's look; re-running the payroll month recomputes its lines. On the old code every such
# step failed ("no holiday calendar for 2026"). Both backends (JY_TEST_BACKEND=postgresql).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
jf() { python3 -c 'import json,sys; d=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d, ensure_ascii=False, separators=(",", ":")) if isinstance(d,(list,dict)) else ("" if d is None else d))' "$1" "$2"; }
mkdir -p "$T/early"
cp -r "$JY_SOURCE_DIR/policy/." "$T/early/"
python3 - "$T/early/calendar.txt" <<'PY'
import sys
p = sys.argv[1]; s = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(s[:s.index("\nyear 2026")] + "\n")
PY
E=(--policy "$T/early")
ORG=93640522MA7700006Y

export JIUYE_TODAY=2025-12-22
$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add fin --role finance --area 640522 >/dev/null
$J --as admin user add town --role township_staff --area 640522105 >/dev/null
$J org add --uscc $ORG --name 七营镇张堡村 --kind community,public_body --division 640522105 >/dev/null || fail "org"

# ---- a deadline into 2026: 15 working days from Mon 22 Dec 2025 ----
out=$($J "${E[@]}" --as town case file --program P25 --org $ORG --date 2025-12-22 --facts '{}' 2>"$T/file.err") || fail "file: $(cat "$T/file.err")"
id=$(jf "$out" id)
expect_contains "warning on stderr" "jiuye: warning: no holiday calendar for 2026 in policy/calendar.txt (today is 2025-12-22)" "$(cat "$T/file.err")"
expect_out "deadline by the weekend rule" "2026-01-09" 0 jf "$out" due_on
expect_out "marked provisional" '["due_on"]' 0 jf "$out" provisional
expect_contains "the reason says why" '"kind":"provisional","text":"办理期限 2026-01-09 为暂定日期：2026 年节假日安排尚未录入 policy/calendar.txt' "$out"
expect_contains "the history says so" "办理期限 2026-01-09 为暂定日期" "$out"
# ---- publicity into 2026: 5 working days from Mon 29 Dec 2025 ----
$J "${E[@]}" --as rev case approve "$id" --reason "实地考察：场地、人员、制度齐全" --date 2025-12-24 >/dev/null 2>&1 || fail "approve"
out=$($J "${E[@]}" --as rev case publish "$id" --reason "政府网站公示" --date 2025-12-29 2>/dev/null) || fail "publish"
expect_out "publicity ends Fri 2 Jan by the weekend rule" "2026-01-02" 0 jf "$out" publicity_end
expect_out "publicity provisional" '["publicity_end"]' 0 jf "$out" provisional
expect_contains "publish step says so" "公示截止日期 2026-01-02 为暂定日期（2026 年节假日安排未发布，按周末推算）" "$out"
# recognition after the provisional end: taken, decided on the provisional count (P25 四: 5 working days)
out=$($J "${E[@]}" --as rev case recognise "$id" --reason "公示无异议" --date 2026-01-05 2>/dev/null) || fail "recognise"
expect_out "recognised" "recognised" 0 jf "$out" state
expect_out "eligible on the provisional count" "eligible" 0 jf "$out" decision
expect_out "still provisional: publicity kept, new deadline" '["publicity_end","due_on"]' 0 jf "$out" provisional

# ---- a payroll month of 2026: its working days provisional, its lines held ----
P=$(idcard 1)
$J --as rev person add --idcard "$P" --name 公益岗人员 --hukou-division 640522105 --hukou-kind 城镇 \
  --status registered_unemployed:2025-06-01 >/dev/null || fail "person"
pl=$($J "${E[@]}" --as rev placement start --program P24 --person "$P" --host $ORG --start 2025-12-01 --end 2026-11-30 2>/dev/null | jf "$(cat)" id)
[ -n "$pl" ] || fail "P24 placement"
$J "${E[@]}" --as fin ledger budget load --year 2026 >/dev/null 2>&1 || fail "budget 2026"
# January 2026 by the weekend rule: 22 working days
expect_rc "more than the provisional month refused" 1 $J "${E[@]}" --as rev attendance set "$pl" 2026-01 --duty 23
expect_contains "says the maximum is provisional" "at most 22; provisional" "$(cat "$T/stderr")"
$J "${E[@]}" --as rev attendance set "$pl" 2026-01 --duty 22 >/dev/null 2>&1 || fail "January attendance"
out=$($J "${E[@]}" --as rev payroll run P24 2026-01 2>/dev/null) || fail "payroll January"
expect_contains "month provisional" '"month_workdays":22,"month_workdays_provisional":true' "$out"
expect_contains "held, not paid" '"approved":0,"held":1' "$out"
expect_contains "the line says why" "当月工作日数为暂定" "$($J --as rev payroll show P24 2026-01 2>/dev/null)"

# ---- the year is not added yet: settling changes nothing ----
out=$($J "${E[@]}" --as rev case settle-dates 2>/dev/null) || fail "settle without the year"
expect_contains "still provisional" '"settled":[],"still_provisional":[{"case":'"$id"',"field":"publicity_end","provisional":"2026-01-02"}' "$out"
# ---- the notice is added (the shipped policy/ has 2026: 1–3 Jan off, Sun 4 Jan worked) ----
export JIUYE_TODAY=2026-01-10
expect_rc "settling is a reviewer's" 1 $J --as town case settle-dates
out=$($J --as rev case settle-dates --dry-run)
expect_contains "dry run lists" '"field":"publicity_end","provisional":"2026-01-02","settled":"2026-01-05","review":true' "$out"
expect_out "dry run writes nothing" '["publicity_end","due_on"]' 0 jf "$($J --as rev case show "$id")" provisional
out=$($J --as rev case settle-dates)
expect_contains "publicity recounted; recognised on its last day: review" '{"case":'"$id"',"field":"publicity_end","provisional":"2026-01-02","settled":"2026-01-05","review":true}' "$out"
c=$($J --as rev case show "$id")
expect_out "settled publicity end" "2026-01-05" 0 jf "$c" publicity_end
expect_out "no provisional date left" "[]" 0 jf "$c" provisional
expect_contains "the fact follows" '"publicity_end":"2026-01-05"' "$(jf "$c" facts)"
expect_contains "history row" '"step":"settle_dates","from":"recognised","to":"recognised","on":"2026-01-10","actor":"rev"' "$c"
expect_contains "history says what to review" "请复核公示期内已执行的步骤" "$c"
out=$($J --as rev case settle-dates)
expect_contains "settling twice changes nothing" '"provisional":0,"settled":[],"still_provisional":[]' "$out"
# the payroll month: January 2026 has 21 working days; the provisional attendance is too long
expect_rc "22 days no longer fit January" 1 $J --as rev attendance set "$pl" 2026-01 --duty 22
$J --as rev attendance set "$pl" 2026-01 --duty 21 >/dev/null || fail "January corrected"
out=$($J --as rev payroll run P24 2026-01) || fail "payroll January again"
expect_contains "recomputed on the calendar" '"month_workdays":21,"placements":1' "$out"
expect_contains "approved now" '"approved":1,"held":0' "$out"
expect_rc "no warning once the year is there" 0 $J --as rev calendar status
expect_contains "status ok" '"missing_year":null' "$(cat "$T/stdout")"
expect_rc "ledger check" 0 $J ledger check
expect_rc "audit chain intact" 0 $J audit verify
finish
