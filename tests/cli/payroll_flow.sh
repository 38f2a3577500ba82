#!/usr/bin/env bash
# Placements with monthly pay, end to end through the CLI on a fresh database: budget load →
# placements (one host at a time, no P24 with P13) → attendance (set and the CSV sheet: >5 days
# personal leave, >7 sick, late first month <10 / ≥10 working days, final month, contract with
# the host) → payroll run (proposes) → commit by a second person → review of held lines → payment
# batch → paid; re-running a month pays nobody twice and recomputes only unpaid lines; overspend
# refused at the commit with the figures; P12
# settling-in grant once after 6 months; P13 social-insurance subsidy 2/3; recovery (追回).
# The books balance after every step. Both backends (JY_TEST_BACKEND=postgresql).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-04-05
HOST=93640522MA7700006Y
HOST2=91640522MA76XYW1X3
jf() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); 
for k in sys.argv[2].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(d if d is not None else "")' "$1" "$2"; }
# line ID of the placement's claim in a `payroll show` output
line_of() { python3 -c 'import json,sys; d=json.loads(sys.argv[1])
print([l["id"] for l in d["lines"] if l["placement_id"]==int(sys.argv[2]) and l["claim"]==sys.argv[3]][0])' "$1" "$2" "$3"; }
line_field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1])
l=[l for l in d["lines"] if l["placement_id"]==int(sys.argv[2]) and l["claim"]==sys.argv[3]][0]; print(l[sys.argv[4]])' "$1" "$2" "$3" "$4"; }

$J init >/dev/null || fail "init"
$J org add --uscc $HOST --name 七营镇政府 --kind public_body >/dev/null || fail "host"
$J org add --uscc $HOST2 --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "host 2"
# the intake rules (docs/payroll.md "Intake"): graduates of 2023 for P12/P13, a student for P10
for i in 1 2 3 4 5 6 7 8 9 10; do
  P[$i]=$(idcard $i)
  st=graduate:2023-07-01:2023; [ "$i" = 9 ] && st=enrolled_student:2022-09-01
  $J person add --idcard "${P[$i]}" --name "人员$i" --hukou-division 640522105 --status "$st" >/dev/null || fail "person $i"
  $J ledger card "${P[$i]}" "$(luhn 62284800123456$i)" >/dev/null || fail "card $i"
done
$J ledger budget load --year 2024 >/dev/null || fail "budget load"
books_balance "after the budget"

# ---- placements ----
pl() { $J placement start --program "$1" --person "${P[$2]}" --host "$3" --start "$4" ${5:+--end "$5"} ${6:-} | jf "$(cat)" id; }
A=$(pl P13 1 $HOST 2024-03-01 2024-08-31)
B=$(pl P13 2 $HOST 2024-03-01 2024-08-31)
C=$(pl P13 3 $HOST 2024-03-01 2024-08-31)
D=$(pl P13 4 $HOST 2024-03-18 2024-08-31)
E=$(pl P13 5 $HOST 2024-03-11 2024-08-31)
F=$(pl P13 6 $HOST 2024-03-01 2024-08-31)
G=$(pl P13 7 $HOST 2024-01-02 2024-08-31)
H=$(pl P12 8 $HOST 2024-01-01 2025-08-31 --new-recruit)
I=$(pl P10 9 $HOST 2024-07-01 2024-07-31)
[ -n "$A" ] && [ -n "$G" ] && [ -n "$H" ] && [ -n "$I" ] || fail "placements not started: $A $G $H $I"
out=$($J placement show "$A")
expect_contains "placement is a case" '"case_id":1,' "$out"
expect_contains "placement active" '"status":"active"' "$out"
expect_contains "placement case approved" '"state":"active"' "$($J case show 1)"
# one internship host at a time; no P24 post together with a P13 internship
expect_rc "second host refused" 1 $J placement start --program P13 --person "${P[1]}" --host $HOST2 --start 2024-05-01
expect_contains "second host: reason" "two_internship_hosts" "$(cat "$T/stderr")"
expect_rc "P24 with P13 refused" 1 $J placement start --program P24 --person "${P[1]}" --host $HOST2 --start 2024-05-01
expect_contains "P24+P13: reason" "p24_and_p13" "$(cat "$T/stderr")"
expect_out "nothing written by the refusals" "9" 0 sql "SELECT count(*) FROM placements"

# ---- attendance: set, and the March sheet (form 5-10-2 style) ----
$J attendance set "$A" 2024-03 --duty 21 >/dev/null || fail "attendance A"
expect_rc "more days than the month has" 1 $J attendance set "$A" 2024-03 --duty 20 --personal 2
expect_contains "names the working days" "exceed the month's 21 working days" "$(cat "$T/stderr")"
expect_rc "not in post that month" 1 $J attendance set "$D" 2024-02 --duty 5
{
  echo "海原县高校毕业生实习人员考勤表（2024年3月）,,,,,,"
  echo "序号,姓名,身份证号,出勤天数,事假天数,病假天数,病假证明,签订合同"
  echo "1,人员2,${P[2]},15,6,0,否,否"     # >5 days personal leave: no pay this month
  echo "2,人员3,${P[3]},13,0,8,是,否"     # >7 days sick: prorated, held for review
  echo "3,人员4,${P[4]},9,0,0,否,否"      # late first month, <10 working days: nothing
  echo "4,人员5,${P[5]},15,0,0,否,否"     # late first month, ≥10 working days: prorated (review)
  echo "5,人员6,${P[6]},21,0,0,否,是"     # contract with the host: pay stops at once
} >"$T/march.csv"
bad="$T/bad.csv"; head -2 "$T/march.csv" >"$bad"; echo "9,某人,640522199001019999,21,0,0,否,否" >>"$bad"
echo "10,人员2,${P[2]},两天,0,0,否,否" >>"$bad"
expect_rc "a sheet with bad rows exits 1" 1 $J attendance import "$bad" --program P13 --month 2024-03
expect_contains "bad row named" '"line":3,' "$(cat "$T/stdout")"
expect_contains "second bad row named" "出勤天数 must be a whole number" "$(cat "$T/stdout")"
expect_out "no good row in the bad sheet: nothing imported" "1" 0 sql "SELECT count(*) FROM attendance"
out=$($J attendance import "$T/march.csv" --program P13 --month 2024-03)
expect_contains "sheet imported" '"rows":5,"created":5,"updated":0,"unchanged":0,"rejected":0' "$out"
out=$($J attendance import "$T/march.csv" --program P13 --month 2024-03)
expect_contains "same sheet again changes nothing" '"rows":5,"created":0,"updated":0,"unchanged":5' "$out"

# ---- the March run ----
out=$($J payroll run P13 2024-03)
expect_contains "run counts" '"month_workdays":21,"placements":7,"lines":6,"approved":1,"held":2,"refused":3' "$out"
expect_contains "G has no March attendance" "\"missing_attendance\":[$G]" "$out"
expect_contains "approved amount" '"approved_amount":"1750.00"' "$out"
books_balance "after the March run"
show=$($J payroll show P13 2024-03)
expect_out "A eligible 1750" "1750.00" 0 line_field "$show" "$A" monthly amount
expect_out "B refused (personal leave)" "refused" 0 line_field "$show" "$B" monthly status
expect_contains "B reason cites P13 二(四)4" "事假超过5个工作日" "$show"
expect_out "C held (sick > 7)" "held" 0 line_field "$show" "$C" monthly status
expect_out "C prorated 1750×13/21" "1083.33" 0 line_field "$show" "$C" monthly amount
expect_out "D refused (<10 days in the first month)" "refused" 0 line_field "$show" "$D" monthly status
expect_out "E held (prorated first month)" "held" 0 line_field "$show" "$E" monthly status
expect_out "E prorated 1750×15/21" "1250.00" 0 line_field "$show" "$E" monthly amount
expect_out "F refused (contract with host)" "refused" 0 line_field "$show" "$F" monthly status
expect_contains "F reason cites P13 二(四)6" "P13 二(四)6" "$show"
expect_out "the run moves no money" "0" 0 sql "SELECT count(*) FROM payables WHERE program = 'P13' AND month = '2024-03'"
expect_contains "one line to commit" '"uncommitted":1,"uncommitted_amount":"1750.00"' "$out"
# ---- the commit: a second person (four-eyes) commits what the run approved ----
expect_rc "the runner cannot commit" 1 $J payroll commit P13 2024-03
expect_contains "four-eyes" "another person must review it" "$(cat "$T/stderr")"
out=$($J --as 李科长 payroll commit P13 2024-03)
expect_contains "one line committed" '"committed":1,"committed_amount":"1750.00","committed_by":"李科长","held":[]' "$out"
expect_out "one payable so far" "1" 0 sql "SELECT count(*) FROM payables WHERE program = 'P13' AND month = '2024-03'"
expect_contains "nothing left to commit" '"committed":0' "$($J --as 李科长 payroll commit P13 2024-03)"
books_balance "after the March commit"

# ---- review of held lines ----
lc=$(line_of "$show" "$C" monthly); le=$(line_of "$show" "$E" monthly); lb=$(line_of "$show" "$B" monthly)
expect_rc "review needs a reason" 1 $J payroll review "$lc" --approve 1083.33
expect_rc "a refused line is not reviewed" 1 $J --as 李科长 payroll review "$lb" --approve 1750 --reason x
expect_contains "names the status" "is refused" "$(cat "$T/stderr")"
out=$($J --as 李科长 payroll review "$lc" --approve 1083.33 --reason "病假证明已核，按实际工作日发放")
expect_contains "C approved by review" '"status":"approved"' "$out"
expect_contains "reviewer recorded" '"reviewed_by":"李科长"' "$out"
$J --as 李科长 payroll review "$le" --approve 1250.00 --reason "首月按15/21折算" >/dev/null || fail "review E"
books_balance "after the reviews"
out=$($J payroll run P13 2024-03)
expect_contains "re-run keeps reviewed lines" '"approved":0,"held":0,"refused":0,"unchanged":6' "$out"
expect_contains "re-run total" '"approved_amount":"4083.33"' "$out"

# ---- payment batch → paid; re-running the month pays nobody twice ----
bid=$($J --as 张会计 batch build --program P13 --month 2024-03 | jf "$(cat)" id)
[ -n "$bid" ] || fail "batch build"
$J --as 李科长 batch approve "$bid" >/dev/null || fail "batch approve"
out=$($J --as 张会计 batch mark-paid "$bid")
expect_contains "three lines paid" '"paid_now":3' "$out"
books_balance "after payment"
out=$($J payroll run P13 2024-03)
expect_contains "paid lines kept" '"kept_paid":3' "$out"
expect_contains "nothing new approved" '"approved":0' "$out"
# even with corrected attendance a paid line is never recomputed
$J attendance set "$A" 2024-03 --duty 19 --personal 2 >/dev/null || fail "correct A"
out=$($J payroll run P13 2024-03)
expect_contains "paid line untouched" '"kept_paid":3,"replaced":0' "$out"
expect_out "one pay entry per payable" "3" 0 sql "SELECT count(*) FROM ledger_entries WHERE kind = 'pay' AND program = 'P13'"
expect_out "payables of March" "3|3" 0 sql "SELECT count(*), sum(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) FROM payables WHERE month = '2024-03'"
books_balance "after the re-runs"

# ---- April: an unpaid line is recomputed when the facts change; final month ----
$J attendance set "$A" 2024-04 --duty 22 >/dev/null || fail "A April"
out=$($J payroll run P13 2024-04)
expect_contains "April approved for A" '"approved":1' "$out"
$J --as 李科长 payroll commit P13 2024-04 >/dev/null || fail "April commit"
$J placement end "$A" --date 2024-04-10 --reason "提前终止实习（本人申请）" >/dev/null || fail "end A"
expect_contains "placement ended" '"status":"ended"' "$($J placement show "$A")"
expect_contains "case ended" '"state":"ended"' "$($J case show 1)"
$J attendance set "$A" 2024-04 --duty 7 >/dev/null || fail "A April corrected"
out=$($J payroll run P13 2024-04)
expect_contains "unpaid line replaced" '"refused":1' "$out"
expect_contains "payable cancelled" '"replaced":1' "$out"
show=$($J payroll show P13 2024-04)
expect_contains "final month <10 days: P13 二(四)5" "终止实习当月在岗不满10个工作日" "$show"
expect_out "April payable cancelled" "cancelled" 0 sql "SELECT status FROM payables WHERE month = '2024-04'"
expect_rc "attendance after the end is refused" 1 $J attendance set "$A" 2024-05 --duty 20
books_balance "after April"

# ---- overspend refused with the figures; nothing written ----
$J ledger budget set P10 2024 central 500 >/dev/null || fail "lower P10"
$J attendance set "$I" 2024-07 --duty 17 >/dev/null || fail "P10 attendance"
out=$($J payroll run P10 2024-07)
expect_contains "P10 930 proposed" '"approved":1,"held":0,"refused":0' "$out"
expect_rc "overspend refused" 1 $J --as 李科长 payroll commit P10 2024-07
expect_contains "with the figures" "available 500.00, requested 930.00" "$(cat "$T/stderr")"
expect_out "nothing committed" "0" 0 sql "SELECT count(*) FROM payables WHERE program = 'P10'"
$J ledger budget set P10 2024 central 200000 >/dev/null || fail "raise P10"
out=$($J --as 李科长 payroll commit P10 2024-07)
expect_contains "P10 930 after the budget is back" '"committed":1,"committed_amount":"930.00"' "$out"

# ---- P12: monthly allowance and the settling-in grant once, after 6 months ----
$J attendance set "$H" 2024-05 --duty 21 >/dev/null || fail "H May"
out=$($J payroll run P12 2024-05)
expect_contains "month 5: no grant yet" '"lines":1,"approved":1' "$out"
$J attendance set "$H" 2024-06 --duty 19 >/dev/null || fail "H June"
out=$($J payroll run P12 2024-06)
expect_contains "month 6: allowance and grant" '"lines":2,"approved":2' "$out"
expect_contains "5791.69 + 3000" '"approved_amount":"8791.69"' "$out"
$J attendance set "$H" 2024-07 --duty 23 >/dev/null || fail "H July"
out=$($J payroll run P12 2024-07)
expect_contains "month 7: the grant is not paid twice" '"lines":1,"approved":1' "$out"

# ---- P13 social-insurance subsidy (2/3 of the flexible-worker contributions), then recovery ----
export JIUYE_TODAY=2024-08-05
$J attendance set "$G" 2024-07 --duty 23 --si-paid 900 --si-months 6 >/dev/null || fail "G July"
out=$($J payroll run P13 2024-07)
show=$($J payroll show P13 2024-07)
expect_out "G allowance" "1750.00" 0 line_field "$show" "$G" monthly amount
expect_out "G subsidy 2/3 of 900" "600.00" 0 line_field "$show" "$G" social_insurance amount
out=$($J --as 李科长 payroll commit P13 2024-07)
expect_contains "allowance and subsidy committed, one payable each" '"committed":2,"committed_amount":"2350.00"' "$out"
bid=$($J --as 张会计 batch build --program P13 --month 2024-07 | jf "$(cat)" id)
$J --as 李科长 batch approve "$bid" >/dev/null || fail "July batch approve"
$J --as 张会计 batch mark-paid "$bid" >/dev/null || fail "July paid"
paid_before=$(sql "SELECT sum(balance) FROM ledger_accounts WHERE program = 'P13' AND kind = 'paid'")
out=$($J --as 李科长 placement recover "$G" --reason "发现同期在另一单位实习（多处实习、多头领取）")
expect_contains "recovered both lines" '"amount_recovered":"2350.00"' "$out"
expect_contains "placement cancelled" '"status":"cancelled"' "$out"
paid_after=$(sql "SELECT sum(balance) FROM ledger_accounts WHERE program = 'P13' AND kind = 'paid'")
expect_out "paid balance down by 2350.00" "235000" 0 echo $((paid_before - paid_after))
expect_out "two recover entries" "2" 0 sql "SELECT count(*) FROM ledger_entries WHERE kind = 'recover'"
expect_contains "case cancelled" '"state":"cancelled"' "$($J case show "$(sql "SELECT case_id FROM placements WHERE id = $G")")"
expect_rc "recovery twice is refused" 1 $J placement recover "$G" --reason again
out=$($J payroll run P13 2024-07)
expect_contains "re-run after recovery pays nobody" '"approved":0' "$out"
books_balance "after the recovery"

expect_contains "audit has payroll lines" '"entity":"payroll_line"' "$($J audit list 2>/dev/null | tail -50)"
finish
