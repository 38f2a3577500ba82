#!/usr/bin/env bash
# Issue 10 item 11: roles on money. Who may run, review and commit a payroll — and approve, cancel
# and recover payables, set budgets, register cards, build, approve, export and pay batches —
# comes from the operations block of policy/workflows.txt; committing a payroll month, reviewing
# its held lines and approving a batch need a second person (four-eyes: not whoever ran the month
# or built the batch). A township-staff user's `payroll run` is refused and moves no money; a
# county reviewer's run proposes and moves no money either until another reviewer commits it.
# Editing the file changes who may. Budgets and batches are finance's (财务), cases, payables and
# payrolls the county reviewers' (MLPS level 3 separation of duties: whoever decides a case does
# not move its money); the API refuses the same roles (tests/cli/api_money_roles.sh). Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-04-05
HOST=93640522MA7700006Y
$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null || fail "admin"
$J --as admin user add 经办 --role county_reviewer --area 640522 >/dev/null || fail "maker"
$J --as admin user add 科长 --role county_reviewer --area 640522 >/dev/null || fail "checker"
$J --as admin user add 专干 --role township_staff --area 640522105 >/dev/null || fail "township staff"
$J --as admin user add 外县 --role county_reviewer --area 640521 >/dev/null || fail "other county"
$J --as admin user add 财务甲 --role finance --area 640522 >/dev/null || fail "finance maker"
$J --as admin user add 财务乙 --role finance --area 640522 >/dev/null || fail "finance checker"
$J --as admin user add 外县财务 --role finance --area 640521 >/dev/null || fail "other county's finance"
$J --as admin user add 市局 --role city_reviewer --area 6405 >/dev/null || fail "city"
$J org add --uscc $HOST --name 七营镇政府 --kind public_body >/dev/null || fail "host"
# 2023 graduates: the P13 intake rules place them (docs/payroll.md "Intake")
for i in 1 2 3; do
  P[$i]=$(idcard $((40 + i)))
  $J person add --idcard "${P[$i]}" --name "实习$i" --hukou-division 640522105 --status graduate:2023-07-01:2023 >/dev/null || fail "person $i"
done
refused() { # DESCRIPTION NEEDLE CMD…: exit 1 and NEEDLE in the message
  local desc=$1 needle=$2
  shift 2
  expect_rc "$desc" 1 "$@"
  expect_contains "$desc: message" "$needle" "$(cat "$T/stderr")"
}

# ---- budgets and cards ----
refused "township staff sets no budget" "无权执行 ledger_budget" $J --as 专干 ledger budget load --year 2024
refused "a county reviewer sets no budget (finance's)" "用户 经办（角色 county_reviewer）无权执行 ledger_budget" \
  $J --as 经办 ledger budget load --year 2024
refused "another county's finance sets none of ours" "辖区为 640521" $J --as 外县财务 ledger budget load --year 2024 --county 640522
refused "an unregistered user does nothing with money" "is not registered" $J --as 路人 ledger budget load --year 2024
$J --as 财务甲 ledger budget load --year 2024 >/dev/null || fail "budget load"
expect_out "nothing loaded by the refusals" "$(sql "SELECT count(*) FROM ledger_entries")" 0 sql "SELECT count(*) FROM ledger_entries WHERE actor = '财务甲'"
$J --as 专干 ledger card "${P[1]}" "$(luhn 622848001234560041)" >/dev/null || fail "township staff registers a card"
$J --as 经办 ledger card "${P[2]}" "$(luhn 622848001234560042)" >/dev/null || fail "card 2"
$J --as 经办 ledger card "${P[3]}" "$(luhn 622848001234560043)" >/dev/null || fail "card 3"

# ---- the payroll: run (proposes), commit and review by another person ----
pl() { $J --as 经办 placement start --program P13 --person "${P[$1]}" --host $HOST --start 2024-03-01 --end 2024-08-31 | field "$(cat)" id; }
A=$(pl 1); B=$(pl 2); C=$(pl 3)
[ -n "$A" ] && [ -n "$C" ] || fail "placements"
$J --as 经办 attendance set "$A" 2024-03 --duty 21 >/dev/null || fail "attendance A"
$J --as 经办 attendance set "$B" 2024-03 --duty 21 >/dev/null || fail "attendance B"
$J --as 经办 attendance set "$C" 2024-03 --duty 13 --sick 8 --certificate >/dev/null || fail "attendance C"
refused "township staff runs no payroll" "用户 专干（角色 township_staff）无权执行 payroll_run（payroll P13 2024-03）" \
  $J --as 专干 payroll run P13 2024-03
expect_out "no run, no money" "0|0" 0 sql "SELECT (SELECT count(*) FROM payroll_runs) || '|' || (SELECT count(*) FROM payables)"
out=$($J --as 经办 payroll run P13 2024-03) || fail "run"
expect_contains "two approved, one held" '"approved":2,"held":1' "$out"
expect_contains "waiting for the commit" '"uncommitted":2,"uncommitted_amount":"3500.00"' "$out"
expect_out "the run moves no money" "0" 0 sql "SELECT count(*) FROM payables"
expect_out "nothing committed in the books" "0" 0 sql "SELECT coalesce(sum(balance), 0) FROM ledger_accounts WHERE program = 'P13' AND kind = 'committed'"
refused "the runner does not commit" "经办 took payroll_run on it, so another person must review it" \
  $J --as 经办 payroll commit P13 2024-03
refused "township staff does not commit" "无权执行 payroll_commit" $J --as 专干 payroll commit P13 2024-03
show=$($J payroll show P13 2024-03)
lc=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print([l["id"] for l in d["lines"] if l["status"]=="held"][0])' "$show")
refused "the runner does not review" "another person must review it" \
  $J --as 经办 payroll review "$lc" --approve 1083.33 --reason 病假证明已核
# a re-run by the checker makes the checker a runner too: then neither may commit
$J --as 科长 payroll run P13 2024-03 >/dev/null || fail "re-run by the checker"
refused "a re-runner does not commit either" "科长 took payroll_run on it" $J --as 科长 payroll commit P13 2024-03
expect_contains "the run names its runners" '"run_by":["经办","科长"]' "$($J payroll show P13 2024-03)"
$J --as admin user add 处长 --role county_reviewer --area 640522 >/dev/null || fail "third reviewer"
out=$($J --as 处长 payroll commit P13 2024-03 --idempotency-key commit-march) || fail "commit"
expect_contains "committed by the third person" '"committed":2,"committed_amount":"3500.00","committed_by":"处长"' "$out"
expect_out "the commit repeats its answer" "$out" 0 $J --as 处长 payroll commit P13 2024-03 --idempotency-key commit-march
expect_out "two payables" "2" 0 sql "SELECT count(*) FROM payables"
out=$($J --as 处长 payroll review "$lc" --approve 1083.33 --reason 病假证明已核 --idempotency-key review-c)
expect_contains "review approves and commits" '"status":"approved"' "$out"
expect_out "review repeated" "$out" 0 $J --as 处长 payroll review "$lc" --approve 1083.33 --reason 病假证明已核 --idempotency-key review-c
expect_out "three payables" "3" 0 sql "SELECT count(*) FROM payables"
expect_contains "show: committed by" '"committed_by":"处长"' "$($J payroll show P13 2024-03)"
books_balance "after the payroll"

# ---- ledger approvals, cancellations and recoveries ----
refused "finance approves no payable (the reviewers decide)" "无权执行 ledger_approve" \
  $J --as 财务甲 ledger approve --program P13 --year 2024 --person "${P[1]}" --amount 100 --month 2024-05
refused "township staff approves no payable" "无权执行 ledger_approve" \
  $J --as 专干 ledger approve --program P13 --year 2024 --person "${P[1]}" --amount 100 --month 2024-05
refused "township staff cancels none" "无权执行 ledger_cancel" $J --as 专干 ledger cancel 1 --reason x
expect_rc "another county's reviewer cancels none of ours" 1 $J --as 外县 ledger cancel 1 --reason x
expect_out "payable 1 still approved" "approved" 0 sql "SELECT status FROM payables WHERE id = 1"

# ---- batches: build, approve (not the builder), export, pay ----
refused "township staff builds no batch" "无权执行 batch_build" $J --as 专干 batch build --program P13 --month 2024-03
refused "a county reviewer builds no batch (finance's)" "用户 经办（角色 county_reviewer）无权执行 batch_build" \
  $J --as 经办 batch build --program P13 --month 2024-03
expect_out "no batch from the refusals" "0" 0 sql "SELECT count(*) FROM pay_batches"
$J --as 财务甲 batch build --program P13 --month 2024-03 >/dev/null || fail "build"
refused "the builder does not approve" "财务甲 took batch_build on it, so another person must review it" $J --as 财务甲 batch approve 1
refused "township staff approves no batch" "无权执行 batch_approve" $J --as 专干 batch approve 1
refused "a county reviewer approves no batch" "无权执行 batch_approve" $J --as 科长 batch approve 1
$J --as 财务乙 batch approve 1 >/dev/null || fail "approve"
refused "township staff exports no bank file" "无权执行 batch_export" $J --as 专干 batch export 1 --csv "$T/b.csv"
refused "a county reviewer exports none" "无权执行 batch_export" $J --as 经办 batch export 1 --csv "$T/b.csv"
refused "a county reviewer marks nothing paid" "无权执行 batch_pay" $J --as 经办 batch mark-paid 1
refused "township staff marks nothing paid" "无权执行 batch_pay" $J --as 专干 batch mark-paid 1
refused "nor a failed line" "无权执行 batch_pay" $J --as 专干 batch mark-paid 1 --line 1 --failed 退票
expect_out "nothing paid by the refusals" "0" 0 sql "SELECT count(*) FROM ledger_entries WHERE kind = 'pay'"
$J --as 财务甲 batch mark-paid 1 >/dev/null || fail "mark-paid"
refused "township staff recovers nothing" "无权执行 ledger_recover" $J --as 专干 ledger recover 1 --reason x
books_balance "after the batch"

# ---- the roles are data: edit policy/workflows.txt and they change ----
cp -r "$JY_SOURCE_DIR/policy" "$T/pol"
sed -i 's/^  operation payroll_run roles county_reviewer /  operation payroll_run roles county_reviewer,city_reviewer /' "$T/pol/workflows.txt"
$J --as 经办 attendance set "$A" 2024-04 --duty 22 >/dev/null || fail "April attendance"
refused "the city reviewer runs no payroll by default" "无权执行 payroll_run" $J --as 市局 payroll run P13 2024-04 --county 640522
$J --as 市局 --policy "$T/pol" payroll run P13 2024-04 --county 640522 >/dev/null || fail "the city may run once the file says so"
sed -i '/^  operation payroll_commit /d' "$T/pol/workflows.txt"
refused "an operation the file lacks is refused" "defines no operation payroll_commit" \
  $J --as 科长 --policy "$T/pol" payroll commit P13 2024-04 --county 640522
sed -i 's/not-by batch_build/not-by no_such_op/' "$T/pol/workflows.txt"
refused "a not-by naming nothing does not load" "not-by no_such_op names no other operation" \
  $J --as 科长 --policy "$T/pol" payroll commit P13 2024-04
# a proposed line never committed is cancelled with its placement (追回): no later commit pays it
out=$($J --as 科长 placement recover "$A" --reason "发现同期在另一单位实习" --since 2024-04) || fail "recover A"
apr=$(sql "SELECT l.id FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id WHERE r.month = '2024-04' AND l.placement_id = $A")
expect_contains "the April line cancelled" "\"cancelled\":[$apr]" "$out"
expect_contains "nothing left to commit" '"committed":0' "$($J --as 科长 payroll commit P13 2024-04 --county 640522)"
books_balance "at the end"
finish
