#!/usr/bin/env bash
# Issue 13 item 5, the small ones: `ledger show P Y` honours its programme and year (as words
# or options) and refuses an unknown programme; `case file` with a mistyped ID number names the
# check-character error, not "not registered"; `batch build --program P99` names the unknown
# programme; a date that does not exist inside the facts names the missing day; `case overdue
# --on D` counts against a given day.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

$J init >/dev/null
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add town --role township_staff --area 640522 >/dev/null
J="$J --as admin"
$J ledger budget load --year 2024 >/dev/null || fail "budget load"
$J org add --uscc 93640522MA7700006Y --name 七营镇政府 --kind public_body >/dev/null || fail org
P=640522199003071230
$J person add --idcard $P --name 马小军 --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail person

# ---- (a) ledger show PROGRAM YEAR ----
all=$($J ledger show | wc -l)
[ "$all" -gt 1 ] || fail "ledger show lists every budget line: got $all"
out=$($J ledger show P13 2024)
expect_out "show P13 2024: one line" "1" 0 sh -c "$J ledger show P13 2024 | wc -l"
expect_contains "show P13 2024 is P13's line" '"program":"P13","year":2024' "$out"
expect_out "as options alike" "$out" 0 $J ledger show --program P13 --year 2024
expect_out "show P1: P1's lines only" "0" 0 sh -c "$J ledger show P1 | grep -vc '\"program\":\"P1\"' || true"
expect_out "show P13 2023: none" "" 0 $J ledger show P13 2023
expect_rc "unknown programme refused" 2 $J ledger show P99
expect_contains "names the programme" "P99" "$(cat "$T/stderr")"
expect_rc "a third word refused" 2 $J ledger show P13 2024 extra
expect_rc "a word and --program refused" 2 $J ledger show P13 --program P1
expect_rc "a bad year refused" 2 $J ledger show P13 20x4
# the README names the real command
grep -q 'ledger budget load|set|show' "$JY_SOURCE_DIR/README.md" && fail "README still names ledger budget show"
grep -q 'jiuye ledger show' "$JY_SOURCE_DIR/README.md" || fail "README does not name jiuye ledger show"

# ---- (b) case file with a mistyped ID number ----
expect_rc "mistyped ID number refused" 1 $J case file --program P13 --person 640522199003071231 --date 2024-05-06 --facts '{}'
err=$(cat "$T/stderr")
expect_contains "names the check character" "check character should be 0" "$err"
case "$err" in *"not registered"*) fail "a mistyped ID number is not 'not registered': $err" ;; esac
expect_rc "a valid unknown ID number" 1 $J case file --program P13 --person 640522199003071249 --date 2024-05-06 --facts '{}'
expect_contains "is not registered" "is not registered" "$(cat "$T/stderr")"

# ---- (c) batch build --program P99 ----
expect_rc "unknown programme in batch build" 1 $J batch build --program P99
err=$(cat "$T/stderr")
expect_contains "names the unknown programme" "--program P99: unknown programme" "$err"
case "$err" in *"no approved payable"*) fail "P99 is unknown, not empty: $err" ;; esac
expect_rc "a known programme with nothing to pay" 1 $J batch build --program P13
expect_contains "nothing to pay" "no approved payable to pay" "$(cat "$T/stderr")"

# ---- (d) a date that does not exist inside the facts ----
expect_rc "claim_date 2024-02-30 refused" 1 $J case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 \
  --facts '{"claim_date":"2024-02-30"}'
expect_contains "names the day (policy facts)" 'fact claim_date: date "2024-02-30": 2024-02 has no day 30' "$(cat "$T/stderr")"
expect_rc "claim_date 2023-02-29 refused" 1 $J case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 \
  --facts '{"claim_date":"2023-02-29"}'
expect_contains "no leap day in 2023" '2023-02 has no day 29' "$(cat "$T/stderr")"
expect_rc "month 13 refused" 1 $J case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 \
  --facts '{"claim_date":"2024-13-01"}'
expect_contains "names the month" 'month 13 does not exist' "$(cat "$T/stderr")"
expect_rc "start 2024-02-30 refused" 1 $J case file --program P1 --person $P --date 2024-05-06 --facts '{"start":"2024-02-30"}'
expect_contains "names the day (facts.start)" 'facts.start: date "2024-02-30": 2024-02 has no day 30' "$(cat "$T/stderr")"
expect_rc "prior training 2024-04-31 refused" 1 $J case file --program P1 --person $P --date 2024-05-06 \
  --facts '{"prior_trainings":[{"date":"2024-04-31"}]}'
expect_contains "names the day (prior_trainings)" 'prior_trainings[0].date: date "2024-04-31": 2024-04 has no day 31' "$(cat "$T/stderr")"
expect_rc "not a string: still asks for a date" 1 $J case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 \
  --facts '{"claim_date":20240230}'
expect_contains "asks for a string" 'fact claim_date: expected a date as a string' "$(cat "$T/stderr")"

# ---- (e) case overdue --on DATE ----
out=$($J --as town case file --program P25 --org 93640522MA7700006Y --date 2024-10-21 --facts '{}')
id=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$id" ] || fail "P25 case not filed: $out"
due=$(echo "$out" | sed -n 's/.*"due_on":"\([0-9-]*\)".*/\1/p')
[ -n "$due" ] || fail "the P25 case has no deadline: $out"
out=$($J case overdue --on 2024-11-20)
expect_contains "overdue on 2024-11-20" "\"id\":$id," "$out"
expect_contains "days counted to 2024-11-20" "\"days_overdue\":$(( ($(date -ud 2024-11-20 +%s) - $(date -ud "$due" +%s)) / 86400 ))" "$out"
expect_out "not yet overdue on 2024-11-01" "" 0 $J case overdue --on 2024-11-01
expect_out "--on and --date alike" "$out" 0 $J case overdue --date 2024-11-20
expect_contains "case list --overdue --on" "\"id\":$id," "$($J case list --overdue --on 2024-11-20)"
expect_rc "a day that does not exist" 1 $J case overdue --on 2024-11-31
expect_contains "names the day" "2024-11 has no day 31" "$(cat "$T/stderr")"
finish
