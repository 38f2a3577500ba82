#!/usr/bin/env bash
# Issue 10 item 10: duty and leave days are checked against the working-day calendar and the
# placement's dates — duty + personal + sick leave ≤ the working days of the month that lie
# within the placement (from its start, up to its actual end, else its planned end) — and a
# refusal names the person, the month, the field and the maximum. Both `attendance set` and
# `attendance import` (a bad row is reported with its line and column, the good rows are kept).
# On the old code 15 days on duty were accepted for an intern whose start left 9 working days,
# and the payroll then paid for them. Both backends (JY_TEST_BACKEND=postgresql).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-05-10
HOST=93640522MA7700006Y
jf() { python3 -c 'import json,sys; d=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d, ensure_ascii=False) if isinstance(d,(list,dict)) else ("" if d is None else d))' "$1" "$2"; }
wd() { $J calendar workdays "$1" "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["workdays"])'; }

$J init >/dev/null || fail "init"
$J org add --uscc $HOST --name 七营镇人民政府 --kind public_body >/dev/null || fail "host"
for i in 1 2 3; do
  P[$i]=$(idcard $i)
  $J person add --idcard "${P[$i]}" --name "实习生$i" --hukou-division 640522105 --status graduate:2023-07-01:2023 >/dev/null || fail "person $i"
done
start() { $J placement start --program P13 --person "${P[$1]}" --host $HOST --start "$2" --end "$3" | jf "$(cat)" id; }
A=$(start 1 2024-03-19 2024-08-31)   # Tue 19 March: 9 working days left in March
B=$(start 2 2024-03-01 2024-04-15)   # ends mid-April (planned)
C=$(start 3 2024-03-01 2024-08-31)
[ -n "$A" ] && [ -n "$B" ] && [ -n "$C" ] || fail "placements: $A $B $C"
[ "$(wd 2024-03-19 2024-03-31)" = 9 ] || fail "the calendar gives $(wd 2024-03-19 2024-03-31) working days, want 9"

# ---- attendance set ----
expect_rc "15 days on duty after a start on the 19th refused" 1 $J attendance set "$A" 2024-03 --duty 15
err=$(cat "$T/stderr")
expect_contains "names the person" "$(mask_id "${P[1]}") (实习生1)" "$err"
expect_contains "names the month" "month 2024-03" "$err"
expect_contains "names the field" "field duty_days" "$err"
expect_contains "names the maximum" "the 9 working days in post that month (2024-03-19..2024-03-31): at most 9" "$err"
expect_out "nothing recorded" "0" 0 sql "SELECT count(*) FROM attendance"
expect_rc "9 on duty + 1 personal leave refused" 1 $J attendance set "$A" 2024-03 --duty 9 --personal 1
expect_contains "leave: field and maximum" "field personal_leave: duty 9 + personal leave 1 + sick leave 0 days exceed the 9 working days in post that month (2024-03-19..2024-03-31): at most 0 leave days" "$(cat "$T/stderr")"
$J attendance set "$A" 2024-03 --duty 8 --personal 1 >/dev/null || fail "9 days in post accepted"
# the end of the placement: April up to the 15th; May is after it
apr=$(wd 2024-04-01 2024-04-15)
expect_rc "more than the days up to the planned end" 1 $J attendance set "$B" 2024-04 --duty $((apr + 1))
expect_contains "names the days up to the end" "the $apr working days in post that month (2024-04-01..2024-04-15): at most $apr" "$(cat "$T/stderr")"
$J attendance set "$B" 2024-04 --duty "$apr" >/dev/null || fail "April up to the end accepted"
expect_rc "after the planned end: not in post" 1 $J attendance set "$B" 2024-05 --duty 1
expect_contains "names person and month" "person $(mask_id "${P[2]}") (实习生2), month 2024-05: placement $B is not in post that month (2024-03-01..2024-04-15)" "$(cat "$T/stderr")"
# ended early: the actual end counts
$J placement end "$C" --date 2024-04-10 --reason "提前终止实习" >/dev/null || fail "end C"
end_wd=$(wd 2024-04-01 2024-04-10)
expect_rc "after the actual end" 1 $J attendance set "$C" 2024-04 --duty $((end_wd + 1))
expect_contains "the actual end's maximum" "at most $end_wd" "$(cat "$T/stderr")"
expect_rc "negative days refused" 2 $J attendance set "$C" 2024-04 --duty -1

# ---- the payroll pays for the days that exist ----
out=$($J payroll run P13 2024-03)
show=$($J payroll show P13 2024-03)
line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); l=[l for l in d["lines"] if l["placement_id"]==int(sys.argv[2])][0]; print(l["status"], l["amount"])' "$show" "$A")
# 8 days on duty in the first month: fewer than 10, nothing (P13 二(四)5) — not 1750 × 15 / 19
expect_out "first month of 8 days pays nothing" "refused None" 0 echo "$line"
expect_contains "names the rule" "首月或终止实习当月在岗不满10个工作日" "$show"

# ---- attendance import: the bad rows reported, the good ones kept ----
{
  echo "海原县高校毕业生实习人员考勤表（2024年3月）,,,,"
  echo "序号,姓名,身份证号,出勤天数,事假天数"
  echo "1,实习生1,${P[1]},15,0"      # beyond the 9 working days in post
  echo "2,实习生2,${P[2]},21,0"      # the whole month: good
  echo "3,实习生3,${P[3]},两天,0"    # not a number
} >"$T/march.csv"
expect_rc "a sheet with bad rows exits 1" 1 $J attendance import "$T/march.csv" --program P13 --month 2024-03
out=$(cat "$T/stdout")
expect_contains "counts" '"rows":3,"created":1,"updated":0,"unchanged":0,"rejected":2' "$out"
expect_contains "row 3: line, person, column" "{\"line\":3,\"idcard\":\"$(mask_id "${P[1]}")\",\"column\":\"出勤天数\",\"reason\":\"person $(mask_id "${P[1]}") (实习生1), month 2024-03, field duty_days: 15 days on duty exceed the 9 working days in post that month (2024-03-19..2024-03-31): at most 9\"}" "$out"
expect_contains "row 5: the bad number" "{\"line\":5,\"idcard\":\"$(mask_id "${P[3]}")\",\"column\":\"出勤天数\",\"reason\":\"出勤天数 must be a whole number of days (\\\"两天\\\")\"}" "$out"
expect_contains "stderr says rows were rejected" "2 row(s) rejected" "$(cat "$T/stderr")"
expect_out "the good row kept, A's March untouched" "21|8" 0 sql "SELECT (SELECT duty_days FROM attendance WHERE placement_id = $B AND month = '2024-03'), (SELECT duty_days FROM attendance WHERE placement_id = $A AND month = '2024-03')"
expect_rc "audit chain intact" 0 $J audit verify
finish
